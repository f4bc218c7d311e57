/**
 * IPv6 text ↔ bytes for AAAA records. Written here because the two codecs at
 * hand disagree with RFC 4291 §2.2: dns-packet's ip-codec encodes
 * `::2:3:4:5:6:7:8` as `0:0:2:…`, and ipaddr.js reads `::1.2.3.4` as
 * `::ffff:1.2.3.4`.
 */

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const DECIMAL_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Bytes of a textual IPv6 address (RFC 4291 §2.2), or undefined when it is not one. Zones are refused. */
export function parseIPv6(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length > 45 || text.includes('%')) return undefined;
  let head = text;
  let v4: number[] | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    // RFC 4291 §2.2 form 3: the last 32 bits as a dotted quad.
    const quad = text.slice(lastColon + 1).split('.');
    if (quad.length !== 4 || !quad.every((octet) => DECIMAL_OCTET.test(octet))) return undefined;
    v4 = quad.map(Number);
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
  for (let i = 0; i < 8; ) {
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
