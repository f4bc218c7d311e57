/**
 * The kernel's view of addresses and routes, from iproute2's JSON output
 * (`ip -j addr show`, `ip -j route show default`): which interface holds
 * the default route, and which of its addresses the kernel marks `dynamic`
 * — set with a lifetime, as DHCP clients (dhclient, systemd-networkd,
 * NetworkManager) and IPv6 autoconfiguration do. Pure parsers: the caller
 * runs `ip` (or reads a fixture).
 */

/** One address of an interface, as `ip -j addr` reports it. */
export interface KernelAddress {
  readonly interface: string;
  readonly family: 4 | 6;
  readonly address: string;
  readonly prefixLength: number;
  /** `global`, `link`, `host`… */
  readonly scope: string;
  /** Set with a lifetime (DHCP, SLAAC): not configured by hand. */
  readonly dynamic: boolean;
  /** Seconds left, when the kernel counts them (absent: forever). */
  readonly validLifetime: number | undefined;
}

/** What an interface of `ip -j addr` says of itself. */
export interface KernelInterface {
  readonly name: string;
  readonly index: number;
  readonly mac: string | undefined;
  readonly up: boolean;
  readonly addresses: readonly KernelAddress[];
}

/** iproute2 prints 4294967295 for "forever". */
const FOREVER = 0xffffffff;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Parse `ip -j addr show` output; entries that do not look like interfaces are skipped, never thrown on. */
export function parseIpAddr(json: string): KernelInterface[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const out: KernelInterface[] = [];
  for (const item of data) {
    const nic = record(item);
    if (!nic || typeof nic['ifname'] !== 'string') continue;
    const name = nic['ifname'];
    const flags = Array.isArray(nic['flags']) ? nic['flags'] : [];
    const addresses: KernelAddress[] = [];
    for (const a of Array.isArray(nic['addr_info']) ? nic['addr_info'] : []) {
      const info = record(a);
      if (!info || typeof info['local'] !== 'string') continue;
      const family = info['family'] === 'inet' ? 4 : info['family'] === 'inet6' ? 6 : undefined;
      if (family === undefined) continue;
      const valid = typeof info['valid_life_time'] === 'number' ? info['valid_life_time'] : undefined;
      addresses.push({
        interface: name,
        family,
        address: info['local'],
        prefixLength: typeof info['prefixlen'] === 'number' ? info['prefixlen'] : family === 4 ? 32 : 128,
        scope: typeof info['scope'] === 'string' ? info['scope'] : 'global',
        dynamic: info['dynamic'] === true,
        validLifetime: valid === undefined || valid === FOREVER ? undefined : valid,
      });
    }
    out.push({
      name,
      index: typeof nic['ifindex'] === 'number' ? nic['ifindex'] : 0,
      mac: typeof nic['address'] === 'string' ? nic['address'] : undefined,
      up: flags.includes('UP') || nic['operstate'] === 'UP',
      addresses,
    });
  }
  return out;
}

/** The interface of the default route (`ip -j route show default`), the lowest metric first; undefined when there is none. */
export function defaultRouteInterface(json: string): string | undefined {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(data)) return undefined;
  const routes = data
    .map(record)
    .filter((r): r is Record<string, unknown> => r !== undefined && typeof r['dev'] === 'string')
    .sort((a, b) => (Number(a['metric'] ?? 0) || 0) - (Number(b['metric'] ?? 0) || 0));
  const first = routes[0]?.['dev'];
  return typeof first === 'string' ? first : undefined;
}
