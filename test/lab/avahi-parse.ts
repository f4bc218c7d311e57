/**
 * Parser for `avahi-browse --parsable` output (pure, no lab needed).
 *
 * Verified against avahi-browse 0.8:
 * - fields are separated by `;`: `+;eth0;IPv4;NAME;TYPE;DOMAIN` for new/removed
 *   services (`+` / `-`) and, for resolved services (`=`, with `-r`),
 *   `=;eth0;IPv4;NAME;TYPE;DOMAIN;HOST;ADDRESS;PORT;TXT`;
 * - the instance NAME is escaped like a DNS label: `\.` and `\\` for dot and
 *   backslash, `\DDD` (three *decimal* digits, one per UTF-8 byte) for every
 *   other byte that is not `[A-Za-z0-9_-]` (space is `\032`, `;` is `\059`,
 *   `&` is `\038`, `é` is `\195\169`);
 * - TXT is a space-separated list of double-quoted strings where `"` and `\`
 *   are backslash-escaped and non-printable / non-ASCII bytes are `\DDD`
 *   (decimal); `;` is NOT escaped in TXT, so TXT must be taken as "the rest of
 *   the line";
 * - TXT strings come out in reverse order of publication (avahi prepends to
 *   its string lists), so do not rely on their order;
 * - IPv6 link-local addresses are printed without `%scope`.
 */

/** One event line of `avahi-browse -p`. */
export interface AvahiBrowseEntry {
  /** `+` new, `-` removed, `=` resolved. */
  readonly event: '+' | '-' | '=';
  /** Interface name, e.g. `eth0`. */
  readonly iface: string;
  /**
   * `IPv4` or `IPv6`: the transport the service was seen on, NOT the address
   * family (verified: a service announced over IPv6 resolves to its A record
   * on the `IPv6` line when avahi's resolver picks it).
   */
  readonly protocol: string;
  /** Decoded instance name, e.g. `Lab Smoke Test`. */
  readonly name: string;
  /** Service type, e.g. `_http._tcp`. */
  readonly type: string;
  /** Domain, e.g. `local`. */
  readonly domain: string;
  /** Resolved target host name (`=` only). */
  readonly host?: string;
  /** Resolved address (`=` only), no scope. */
  readonly address?: string;
  /** Resolved port (`=` only). */
  readonly port?: number;
  /** Decoded TXT strings (`=` only), in avahi-browse's (reversed) order. */
  readonly txt?: readonly string[];
}

/** Decode `\DDD`, `\.`-style escapes into bytes, then UTF-8. */
function decodeEscapes(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '\\' && i + 1 < s.length) {
      const dec = /^\d{3}/.exec(s.slice(i + 1, i + 4));
      if (dec) {
        bytes.push(Number(dec[0]) & 0xff);
        i += 3;
      } else {
        bytes.push(...Buffer.from(s[i + 1] ?? '', 'utf8'));
        i += 1;
      }
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Decode an instance name as printed by `avahi-browse -p` (`Lab\032Smoke\032Test` → `Lab Smoke Test`). */
export function decodeAvahiLabel(escaped: string): string {
  return decodeEscapes(escaped);
}

/** Parse avahi-browse's TXT field (`"a=1" "b=\"x\""`) into decoded strings. */
export function parseAvahiTxt(field: string): string[] {
  const out: string[] = [];
  let i = 0;
  // Bounded by the field length: every iteration consumes at least one char.
  while (i < field.length) {
    if (field[i] !== '"') {
      i++;
      continue;
    }
    let j = i + 1;
    let raw = '';
    while (j < field.length && field[j] !== '"') {
      if (field[j] === '\\' && j + 1 < field.length) {
        const dec = /^\d{3}/.exec(field.slice(j + 1, j + 4));
        const len = dec ? 4 : 2;
        raw += field.slice(j, j + len);
        j += len;
      } else {
        raw += field[j];
        j++;
      }
    }
    out.push(decodeEscapes(raw));
    i = j + 1;
  }
  return out;
}

/**
 * TXT strings as a key → value map (RFC 6763 §6: keys case-insensitive,
 * stored lower-case; `key` without `=` maps to `true`; first occurrence wins).
 */
export function txtToRecord(txt: readonly string[]): Record<string, string | true> {
  const rec: Record<string, string | true> = {};
  for (const s of txt) {
    const eq = s.indexOf('=');
    const key = (eq < 0 ? s : s.slice(0, eq)).toLowerCase();
    if (key === '' || key in rec) continue;
    rec[key] = eq < 0 ? true : s.slice(eq + 1);
  }
  return rec;
}

/** Parse one line; returns `undefined` for lines that are not browse events. */
export function parseAvahiBrowseLine(line: string): AvahiBrowseEntry | undefined {
  const f = line.split(';');
  const [event, iface, protocol, name, type, domain] = f;
  if ((event !== '+' && event !== '-' && event !== '=') || domain === undefined) return undefined;
  if (iface === undefined || protocol === undefined || name === undefined || type === undefined) return undefined;
  const base = { event, iface, protocol, name: decodeAvahiLabel(name), type, domain } as const;
  if (event !== '=') return base;
  const [, , , , , , host, address, port] = f;
  if (host === undefined || address === undefined || port === undefined) return undefined;
  return {
    ...base,
    host,
    address,
    port: Number(port),
    txt: parseAvahiTxt(f.slice(9).join(';')),
  };
}

/** Parse all lines of `avahi-browse -p` output. */
export function parseAvahiBrowse(output: string): AvahiBrowseEntry[] {
  return output
    .split('\n')
    .map((l) => parseAvahiBrowseLine(l.replace(/\r$/, '')))
    .filter((e): e is AvahiBrowseEntry => e !== undefined);
}
