/**
 * Address text ↔ bytes: IPv4 dotted quads for A records (RFC 1035 §3.4.1)
 * and IPv6 text for AAAA records (RFC 4291 §2.2 in, RFC 5952 out). The
 * transport's address arithmetic (`transport/ip.ts`) parses with these too,
 * so there is one parser per family in the package.
 */

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
/** A decimal octet 0–255 without leading zeros, so `010` (octal to inet_aton) is never read as ten. */
const DECIMAL_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The four octets of a dotted quad, or undefined. Shared by IPv4 text and the last 32 bits of IPv6 text. */
function parseDottedQuad(text: string): number[] | undefined {
  const quad = text.split('.');
  if (quad.length !== 4 || !quad.every((octet) => DECIMAL_OCTET.test(octet))) return undefined;
  return quad.map(Number);
}

/**
 * Bytes of a textual IPv4 address, or undefined when it is not one. Only the
 * strict form is accepted: four decimal octets 0–255 without leading zeros
 * (`192.0.2.1`, `0.0.0.0`), the form RFC 1035 §3.4.1 A records are written
 * in. inet_aton's shorthands (`127.1`, `0x7f.0.0.1`, `017.0.0.1`,
 * `2130706433`) are refused: they are ambiguous, and no interface, socket or
 * peer reports addresses that way.
 */
export function parseIPv4(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length > 15) return undefined;
  const octets = parseDottedQuad(text);
  return octets && Uint8Array.from(octets);
}

/** Dotted-quad text of 4 address bytes (`192.0.2.1`). */
export function formatIPv4(bytes: Uint8Array): string {
  return `${bytes[0] ?? 0}.${bytes[1] ?? 0}.${bytes[2] ?? 0}.${bytes[3] ?? 0}`;
}

/**
 * Bytes of a textual IPv6 address, or undefined when it is not one. All three
 * forms of RFC 4291 §2.2: eight hex groups, one `::` for a run of zero
 * groups, and the last 32 bits as a dotted quad (`::ffff:192.0.2.1`,
 * `64:ff9b::192.0.2.33`). `::192.0.2.1` is the IPv4-compatible address
 * `::c000:201` (§2.5.5.1), not an IPv4-mapped one. Zones (`%eth0`, RFC 4007
 * §11) are refused: strip them first.
 */
export function parseIPv6(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length > 45 || text.includes('%')) return undefined;
  let head = text;
  let v4: number[] | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    // RFC 4291 §2.2 form 3: the last 32 bits as a dotted quad.
    v4 = parseDottedQuad(text.slice(lastColon + 1));
    if (!v4) return undefined;
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = groupsOf(halves[0] ?? '');
  const right = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (![...left, ...right].every((group) => HEX_GROUP.test(group))) return undefined;
  const total = 8 - (v4 ? 2 : 0);
  const explicit = left.length + right.length;
  if (halves.length === 2 ? explicit > total - 1 : explicit !== total) return undefined;
  const groups = [...left, ...new Array<string>(total - explicit).fill('0'), ...right].map((g) => parseInt(g, 16));
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  if (v4) bytes.set(v4, 12);
  return bytes;
}

/**
 * RFC 5952 text of 16 address bytes: lower case, no leading zeros, the
 * longest run of two or more zero groups as `::` (the first on a tie), and
 * IPv4-mapped addresses as `::ffff:a.b.c.d` (§5).
 */
export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${Array.from(bytes.subarray(12, 16)).join('.')}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (list: number[]): string => list.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}
