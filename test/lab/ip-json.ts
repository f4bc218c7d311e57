/**
 * Parsing of `ip -j addr show` (iproute2 JSON output) into typed addresses.
 *
 * Verified shape: `[{ ifname, flags, operstate, addr_info: [{ family: 'inet' |
 * 'inet6', local, prefixlen, scope: 'global' | 'link' | 'host', tentative?:
 * true, dadfailed?: true, ... }] }]`. A freshly-up interface briefly has no
 * inet6 entry at all, then a `tentative` one for ~1-2 s (DAD).
 */

/** One address as reported by `ip -j addr`. */
export interface InterfaceAddress {
  readonly family: 'inet' | 'inet6';
  /** Address without prefix or scope. */
  readonly address: string;
  readonly prefixLen: number;
  /** `global`, `link`, `host`, ... */
  readonly scope: string;
  /** IPv6 DAD still in progress. */
  readonly tentative: boolean;
  /** IPv6 DAD failed. */
  readonly dadFailed: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Parse `ip -j addr show [dev X]` output into addresses (all interfaces flattened). */
export function parseIpAddrJson(json: string): InterfaceAddress[] {
  const data: unknown = JSON.parse(json || '[]');
  const out: InterfaceAddress[] = [];
  if (!Array.isArray(data)) return out;
  for (const link of data) {
    if (!isRecord(link) || !Array.isArray(link['addr_info'])) continue;
    for (const a of link['addr_info']) {
      if (!isRecord(a)) continue;
      const family = a['family'];
      const local = a['local'];
      if ((family !== 'inet' && family !== 'inet6') || typeof local !== 'string') continue;
      out.push({
        family,
        address: local,
        prefixLen: typeof a['prefixlen'] === 'number' ? a['prefixlen'] : 0,
        scope: typeof a['scope'] === 'string' ? a['scope'] : '',
        tentative: a['tentative'] === true,
        dadFailed: a['dadfailed'] === true,
      });
    }
  }
  return out;
}
