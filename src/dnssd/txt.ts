/**
 * DNS-SD TXT record codec (RFC 6763 §6).
 *
 * A TXT record's rdata is a sequence of length-prefixed strings. This module
 * converts between a user object and that list of strings; each string is a
 * `Uint8Array` WITHOUT its length byte (the wire layer adds the length bytes
 * and writes a TXT record with no strings as a single zero byte).
 *
 * Encoding (API input) validates and throws {@link TxtError}; decoding
 * (network input) never throws and ignores what it cannot use.
 */

import { TxtError } from '../errors.js';

/** RFC 6763 §6.1: each string is length-prefixed by one byte, so at most 255 bytes. */
export const TXT_MAX_STRING_BYTES = 255;

/** RFC 6763 §6.2: a typical TXT record is intended to be 200 bytes or less. */
export const TXT_TYPICAL_MAX_BYTES = 200;

/** RFC 6763 §6.2: under 400 bytes should fit a single 512-byte (unicast) DNS message. */
export const TXT_SINGLE_DNS_MESSAGE_MAX_BYTES = 400;

/** RFC 6763 §6.2: over 1300 bytes is NOT RECOMMENDED (may not fit one 1500-byte Ethernet packet). */
export const TXT_RECOMMENDED_MAX_BYTES = 1300;

/** RFC 6763 §6.4: keys SHOULD be no more than nine characters long. */
export const TXT_KEY_RECOMMENDED_MAX_CHARS = 9;

/**
 * A value in a {@link TxtInput}:
 * - `true` → `key` (boolean attribute, no `=`);
 * - `false`, `null`, `undefined` → the key is omitted;
 * - string → `key=value` (UTF-8); `''` → `key=` (present, empty value);
 * - number → `key=` + `String(n)` (finite only; very large or small magnitudes use
 *   exponent notation such as `1e+21`, format it yourself if that matters);
 * - `Uint8Array` (including `Buffer`) → `key=` + the raw bytes (binary value).
 */
export type TxtValue = string | number | boolean | Uint8Array | null | undefined;

/**
 * What {@link encodeTxt} accepts: a record of key → value, or an iterable of
 * `[key, value]` pairs (an array or a `Map`) when the order must be exact.
 * A record is read with `Object.entries`, which keeps insertion order except
 * that integer-like keys (`"1"`, `"42"`) come first.
 */
export type TxtInput = Readonly<Record<string, TxtValue>> | Iterable<readonly [string, TxtValue]>;

/** Options of {@link encodeTxt}. */
export interface EncodeTxtOptions {
  /** Called once per warning (see {@link txtWarnings}); warnings are otherwise silent. */
  readonly onWarning?: ((message: string) => void) | undefined;
}

/** One decoded TXT attribute, as received. */
export interface TxtEntry {
  /** The key exactly as received (case preserved); printable US-ASCII. */
  readonly key: string;
  /** The bytes after the first `=` (a copy), or `null` for a boolean attribute without `=`. */
  readonly value: Uint8Array | null;
}

/**
 * A decoded TXT record: lower-cased key → UTF-8 string value, or `true` for a
 * boolean attribute. The object has a `null` prototype, so keys received from
 * the network (`__proto__`, `constructor`) are just keys.
 */
export type DecodedTxt = Record<string, string | true>;

/** Like {@link DecodedTxt}, but values are the raw bytes. */
export type DecodedTxtBinary = Record<string, Uint8Array | true>;

const EQUALS = 0x3d;
const utf8Encoder = new TextEncoder();
// fatal: false → invalid UTF-8 becomes U+FFFD instead of throwing;
// ignoreBOM: true → a leading U+FEFF is part of the value, not stripped.
const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Shows a key in a message with control characters escaped. */
function show(key: string): string {
  return JSON.stringify(key);
}

/** Describes one character for an error message: `"=" (0x3D)`, `U+00E9 "é"`. */
function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) {
    const hex = `0x${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    return cp >= 0x20 && cp <= 0x7e ? `"${ch}" (${hex})` : `control character ${hex}`;
  }
  return `non-ASCII character U+${cp.toString(16).toUpperCase().padStart(4, '0')} ${show(ch)}`;
}

/**
 * Validates a key given through the API and returns its ASCII bytes.
 * RFC 6763 §6.4: at least one character, printable US-ASCII 0x20–0x7E, no `=`.
 */
function keyBytes(key: unknown): Uint8Array {
  if (typeof key !== 'string') {
    throw new TxtError('BAD_KEY', `TXT key must be a string, got ${typeof key}`);
  }
  if (key.length === 0) {
    throw new TxtError('EMPTY_KEY', 'TXT key is empty; RFC 6763 §6.4 requires a key of at least one character');
  }
  const bytes = new Uint8Array(key.length);
  let i = 0;
  for (const ch of key) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c > 0x7e || c === EQUALS) {
      throw new TxtError(
        'BAD_KEY',
        `TXT key ${show(key)} contains ${describeChar(ch)}; keys may only use printable ` +
          'US-ASCII characters 0x20-0x7E other than "=" (RFC 6763 §6.4)',
      );
    }
    bytes[i++] = c;
  }
  return bytes;
}

/** Converts a value to its bytes, or `null` (boolean attribute) / `undefined` (omitted). */
function valueBytes(key: string, value: unknown): Uint8Array | null | undefined {
  if (value === true) return null;
  if (value === false || value === null || value === undefined) return undefined;
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    if (/[\uD800-\uDFFF]/u.test(value)) {
      throw new TxtError(
        'BAD_VALUE',
        `TXT value of key ${show(key)} is not well-formed Unicode (it contains a lone ` +
          'surrogate); pass a Uint8Array for binary data',
      );
    }
    return utf8Encoder.encode(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new TxtError(
        'BAD_VALUE',
        `TXT value of key ${show(key)} is ${String(value)}; only finite numbers can be encoded`,
      );
    }
    return utf8Encoder.encode(String(value));
  }
  throw new TxtError(
    'BAD_VALUE',
    `TXT value of key ${show(key)} has unsupported type ${typeof value}; use a string, ` +
      'number, boolean, Uint8Array, null or undefined',
  );
}

/** Lists the `[key, value]` pairs of a {@link TxtInput} in order. */
function pairsOf(input: TxtInput): ReadonlyArray<readonly [unknown, unknown]> {
  if (typeof input !== 'object' || input === null) {
    throw new TxtError('BAD_VALUE', `TXT input must be an object or an iterable of [key, value] pairs`);
  }
  if (!(Symbol.iterator in input)) return Object.entries(input as Readonly<Record<string, TxtValue>>);
  const pairs: Array<readonly [unknown, unknown]> = [];
  for (const pair of input as Iterable<unknown>) {
    if (!Array.isArray(pair) || pair.length < 1) {
      throw new TxtError('BAD_VALUE', 'TXT input pairs must be [key, value] arrays');
    }
    pairs.push([pair[0], pair[1]]);
  }
  return pairs;
}

/**
 * Encodes a TXT record (RFC 6763 §6) as its list of strings, without length bytes.
 * Key order is preserved. An input with no present key gives `[]` (the wire
 * layer writes that as a single empty string, RFC 6763 §6.1).
 *
 * @throws {TxtError} `EMPTY_KEY`, `BAD_KEY` (character outside 0x20–0x7E or `=`),
 *   `DUPLICATE_KEY` (two keys equal ignoring case, even if one is omitted),
 *   `BAD_VALUE` (non-finite number, lone surrogate, unsupported type),
 *   `STRING_TOO_LONG` (a `key=value` string over 255 bytes).
 */
export function encodeTxt(input: TxtInput, options: EncodeTxtOptions = {}): Uint8Array[] {
  const seen = new Map<string, string>();
  const out: Uint8Array[] = [];
  for (const [key, value] of pairsOf(input)) {
    const k = keyBytes(key);
    const name = key as string;
    // RFC 6763 §6.4: keys are case-insensitive, so "Path" and "path" are the same key.
    const folded = name.toLowerCase();
    const previous = seen.get(folded);
    if (previous !== undefined) {
      throw new TxtError(
        'DUPLICATE_KEY',
        `TXT keys ${show(previous)} and ${show(name)} are the same key: keys are ` +
          'case-insensitive (RFC 6763 §6.4); keep only one',
      );
    }
    seen.set(folded, name);
    const v = valueBytes(name, value);
    if (v === undefined) continue;
    const size = v === null ? k.length : k.length + 1 + v.length;
    // RFC 6763 §6.1: one length byte per string, so 255 bytes at most.
    if (size > TXT_MAX_STRING_BYTES) {
      throw new TxtError(
        'STRING_TOO_LONG',
        `TXT entry ${show(name)} is ${size} bytes once encoded as key=value; each TXT string ` +
          `is limited to ${TXT_MAX_STRING_BYTES} bytes (RFC 6763 §6.1). Shorten the value ` +
          '(or the key), or split it across several keys',
      );
    }
    const s = new Uint8Array(size);
    s.set(k, 0);
    if (v !== null) {
      s[k.length] = EQUALS;
      s.set(v, k.length + 1);
    }
    out.push(s);
  }
  const { onWarning } = options;
  if (onWarning !== undefined) {
    for (const warning of txtWarnings(out)) onWarning(warning);
  }
  return out;
}

/**
 * The rdata size of a TXT record made of these strings: one length byte plus
 * the bytes of each string, or 1 for no strings (RFC 6763 §6.1: an empty TXT
 * record is written as a single zero byte).
 */
export function txtRdataLength(strings: readonly Uint8Array[]): number {
  if (strings.length === 0) return 1;
  let total = 0;
  for (const s of strings) total += 1 + s.length;
  return total;
}

/** Splits a string at its first `=`: the key bytes and the value (or `null`). */
function split(s: Uint8Array): { key: Uint8Array; value: Uint8Array | null } {
  const eq = s.indexOf(EQUALS);
  return eq < 0 ? { key: s, value: null } : { key: s.subarray(0, eq), value: s.subarray(eq + 1) };
}

/** Returns the key as a string if every byte is printable US-ASCII, else `null`. */
function printableKey(key: Uint8Array): string | null {
  let text = '';
  for (const b of key) {
    if (b < 0x20 || b > 0x7e) return null;
    text += String.fromCharCode(b);
  }
  return text;
}

/**
 * Human-readable warnings about TXT strings that are legal but unwise
 * (RFC 6763 §6): keys over {@link TXT_KEY_RECOMMENDED_MAX_CHARS} characters,
 * keys with leading or trailing spaces (significant, §6.4), a total size over
 * {@link TXT_SINGLE_DNS_MESSAGE_MAX_BYTES} or {@link TXT_RECOMMENDED_MAX_BYTES}
 * bytes (§6.2; only the larger threshold crossed is reported, and nothing is
 * reported up to 400 bytes). For strings not made by {@link encodeTxt} it also
 * reports what receivers will ignore or cannot use: empty strings, strings
 * without a key, keys that are not printable ASCII, repeated keys and strings
 * over 255 bytes.
 */
export function txtWarnings(strings: readonly Uint8Array[]): string[] {
  const warnings: string[] = [];
  const seen = new Set<string>();
  strings.forEach((s, index) => {
    const where = `TXT string #${index + 1}`;
    if (s.length > TXT_MAX_STRING_BYTES) {
      warnings.push(
        `${where} is ${s.length} bytes, over the ${TXT_MAX_STRING_BYTES}-byte limit of RFC 6763 §6.1; it cannot be encoded`,
      );
    }
    if (s.length === 0) {
      warnings.push(`${where} is empty; receivers ignore it (RFC 6763 §6.4)`);
      return;
    }
    const { key } = split(s);
    if (key.length === 0) {
      warnings.push(`${where} starts with "=" (no key); receivers silently ignore it (RFC 6763 §6.4)`);
      return;
    }
    const name = printableKey(key);
    if (name === null) {
      warnings.push(`${where} has a key that is not printable US-ASCII; receivers may ignore it (RFC 6763 §6.4)`);
      return;
    }
    const folded = name.toLowerCase();
    if (seen.has(folded)) {
      warnings.push(`TXT key ${show(name)} appears more than once; receivers use only the first (RFC 6763 §6.4)`);
      return;
    }
    seen.add(folded);
    if (name.length > TXT_KEY_RECOMMENDED_MAX_CHARS) {
      warnings.push(
        `TXT key ${show(name)} is ${name.length} characters; RFC 6763 §6.4 says keys SHOULD be ` +
          `no more than ${TXT_KEY_RECOMMENDED_MAX_CHARS} characters to keep packets small`,
      );
    }
    if (name.trim() !== name) {
      warnings.push(`TXT key ${show(name)} has a leading or trailing space, which is part of the key (RFC 6763 §6.4)`);
    }
  });
  const total = txtRdataLength(strings);
  if (total > TXT_RECOMMENDED_MAX_BYTES) {
    warnings.push(
      `TXT record is ${total} bytes; RFC 6763 §6.2 says records over ${TXT_RECOMMENDED_MAX_BYTES} ` +
        'bytes are NOT RECOMMENDED: with the rest of the response it may not fit in a single ' +
        '1500-byte Ethernet packet, so it can be truncated, fragmented or lost. Move bulky data ' +
        "out of TXT (e.g. serve it over the service's own protocol)",
    );
  } else if (total > TXT_SINGLE_DNS_MESSAGE_MAX_BYTES) {
    warnings.push(
      `TXT record is ${total} bytes; RFC 6763 §6.2: records under ${TXT_SINGLE_DNS_MESSAGE_MAX_BYTES} ` +
        'bytes fit a single 512-byte DNS message, and typical records are ' +
        `${TXT_TYPICAL_MAX_BYTES} bytes or less. Consider shorter keys and values`,
    );
  }
  return warnings;
}

/**
 * Decodes TXT strings received from the network into ordered entries. Never
 * throws. Following RFC 6763 §6.4 it skips empty strings, strings starting
 * with `=` (no key) and later repeats of a key (compared ignoring case: the
 * first occurrence wins). Strings whose key holds a byte outside printable
 * US-ASCII 0x20–0x7E (control characters, DEL, non-ASCII, hence any invalid
 * UTF-8) are malformed and skipped too; they do not shadow a later valid key.
 * Values are copies, not views of the packet buffer.
 */
export function decodeTxtEntries(strings: Iterable<Uint8Array>): TxtEntry[] {
  const entries: TxtEntry[] = [];
  const seen = new Set<string>();
  try {
    for (const s of strings) {
      if (!(s instanceof Uint8Array) || s.length === 0) continue; // §6.4: ignore empty strings
      const { key, value } = split(s);
      if (key.length === 0) continue; // §6.4: "=..." has no key, silently ignore
      const name = printableKey(key);
      if (name === null) continue; // §6.4: keys are printable US-ASCII; malformed
      const folded = name.toLowerCase();
      if (seen.has(folded)) continue; // §6.4: only the first occurrence of a key counts
      seen.add(folded);
      entries.push({ key: name, value: value === null ? null : value.slice() });
    }
  } catch {
    // A hostile iterable could throw; keep what was decoded so far.
  }
  return entries;
}

/**
 * Decodes TXT strings from the network into an object with lower-cased keys:
 * `true` for a boolean attribute, otherwise the value decoded as UTF-8
 * (invalid sequences become U+FFFD; a leading BOM is kept). Never throws.
 * Same skipping rules as {@link decodeTxtEntries}.
 */
export function decodeTxt(strings: Iterable<Uint8Array>): DecodedTxt {
  const out: DecodedTxt = Object.create(null) as DecodedTxt;
  for (const { key, value } of decodeTxtEntries(strings)) {
    out[key.toLowerCase()] = value === null ? true : utf8Decoder.decode(value);
  }
  return out;
}

/**
 * Like {@link decodeTxt} but keeps values as bytes (`Uint8Array`), for binary
 * values. Never throws.
 */
export function decodeTxtBinary(strings: Iterable<Uint8Array>): DecodedTxtBinary {
  const out: DecodedTxtBinary = Object.create(null) as DecodedTxtBinary;
  for (const { key, value } of decodeTxtEntries(strings)) {
    out[key.toLowerCase()] = value ?? true;
  }
  return out;
}
