/**
 * DHCP leases as the common clients write them down. Pure parsers of the
 * files' text; `dhcp-source.ts` finds the files and picks the lease.
 *
 * - ISC dhclient (`/var/lib/dhcp/dhclient*.leases`, NetworkManager's
 *   `dhclient-*.lease`): `lease { interface "eth0"; fixed-address …;
 *   expire W YYYY/MM/DD HH:MM:SS; … }` blocks, the newest last; DHCPv6
 *   `lease6 { interface …; ia-na … { iaaddr ADDR { max-life N; } } }`.
 * - systemd-networkd (`/run/systemd/netif/leases/IFINDEX`) and
 *   NetworkManager's internal client (`/var/lib/NetworkManager/internal-*-IFACE.lease`):
 *   `KEY=VALUE` lines, `ADDRESS=`, `LIFETIME=` (seconds), `SERVER_ADDRESS=`.
 */

/** One lease: the address a server gave an interface. */
export interface Lease {
  readonly interface: string | undefined;
  readonly family: 4 | 6;
  readonly address: string;
  /** When it ends (epoch ms), when the file says. */
  readonly expiresAt: number | undefined;
  /** The DHCP server, when the file says. */
  readonly server: string | undefined;
}

/** `W YYYY/MM/DD HH:MM:SS` (UTC, dhclient's default), or `epoch N` (dhclient's `db-time-format local`: seconds). */
function iscTime(text: string): number | undefined {
  const epoch = /^epoch\s+(\d+)/.exec(text);
  if (epoch) return Number(epoch[1]) * 1000;
  const m = /^\d\s+(\d{4})\/(\d{2})\/(\d{2})\s+(\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
}

/** The `{ … }` bodies following `keyword` at the top level of an ISC lease file. */
function blocks(text: string, keyword: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`(^|\\n)\\s*${keyword}\\s*\\{`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
    }
    if (depth === 0) out.push(text.slice(start, i - 1));
    re.lastIndex = i;
  }
  return out;
}

const statement = (body: string, key: string): string | undefined =>
  new RegExp(`(?:^|[;{\\n])\\s*${key}\\s+([^;]+);`).exec(body)?.[1]?.trim();

/** Leases of an ISC dhclient lease file, in file order (the newest last). */
export function parseDhclientLeases(text: string): Lease[] {
  const out: Lease[] = [];
  for (const body of blocks(text, 'lease')) {
    const address = statement(body, 'fixed-address');
    if (!address) continue;
    const expire = statement(body, 'expire');
    out.push({
      interface: statement(body, 'interface')?.replace(/^"|"$/g, ''),
      family: 4,
      address,
      expiresAt: expire === undefined ? undefined : iscTime(expire),
      server: statement(body, 'option dhcp-server-identifier'),
    });
  }
  for (const body of blocks(text, 'lease6')) {
    const nic = statement(body, 'interface')?.replace(/^"|"$/g, '');
    const starts = statement(body, 'starts');
    const startedAt = starts === undefined ? undefined : Number(starts) * 1000;
    for (const m of body.matchAll(/iaaddr\s+([0-9a-fA-F:]+)\s*\{([^}]*)\}/g)) {
      const maxLife = statement(`;${m[2] ?? ''}`, 'max-life');
      out.push({
        interface: nic,
        family: 6,
        address: m[1] ?? '',
        expiresAt: startedAt !== undefined && maxLife !== undefined ? startedAt + Number(maxLife) * 1000 : undefined,
        server: undefined,
      });
    }
  }
  return out;
}

/**
 * A systemd-networkd or NetworkManager-internal lease (`KEY=VALUE` lines).
 * `interfaceName` comes from the file's name; `writtenAt` (the file's
 * mtime) dates `LIFETIME`.
 */
export function parseKeyValueLease(
  text: string,
  interfaceName: string | undefined,
  writtenAt: number | undefined,
): Lease | undefined {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) values.set(m[1] as string, (m[2] as string).trim());
  }
  const address = values.get('ADDRESS');
  if (!address) return undefined;
  const lifetime = Number(values.get('LIFETIME'));
  return {
    interface: interfaceName,
    family: address.includes(':') ? 6 : 4,
    address,
    expiresAt:
      writtenAt !== undefined && Number.isFinite(lifetime) && lifetime > 0 ? writtenAt + lifetime * 1000 : undefined,
    server: values.get('SERVER_ADDRESS'),
  };
}
