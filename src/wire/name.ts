/**
 * Domain names in presentation form.
 *
 * boaster carries names as strings in the RFC 1035 §5.1 presentation form:
 * labels joined by `.`, and inside a label `\.` for a literal dot, `\\` for a
 * backslash and `\DDD` (decimal) for any other byte that cannot stand as
 * itself. UTF-8 is kept as UTF-8 (RFC 6763 §4.3: instance names are
 * arbitrary UTF-8, dots and spaces included). A trailing dot is accepted and
 * dropped; the root name is `''` (`'.'` is accepted too).
 */
import { MAX_LABEL_BYTES, MAX_NAME_BYTES } from '../constants.js';
import { WireEncodeError } from '../errors.js';

const utf8 = new TextEncoder();
// ignoreBOM: a label may start with EF BB BF, and those bytes must survive.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const looseUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

const BACKSLASH = 0x5c;
const DOT = 0x2e;

/**
 * Split a presentation-form name into its labels as raw bytes, checking the
 * RFC 1035 limits: no empty label, labels ≤ 63 bytes, the whole name ≤ 255
 * bytes on the wire.
 *
 * @throws {WireEncodeError} `EMPTY_LABEL`, `LABEL_TOO_LONG`, `NAME_TOO_LONG` or `BAD_ESCAPE`.
 */
export function nameToLabels(name: string): Uint8Array[] {
  if (typeof name !== 'string') {
    throw new WireEncodeError('BAD_NAME', `A name must be a string, got ${typeof name}`);
  }
  if (name === '' || name === '.') return [];
  const bytes = utf8.encode(name);
  const labels: Uint8Array[] = [];
  let current: number[] = [];
  let wireLength = 1; // the root label's zero byte
  const endLabel = (): void => {
    if (current.length === 0) {
      throw new WireEncodeError(
        'EMPTY_LABEL',
        `Name "${name}" has an empty label (two dots in a row, or a leading dot); escape a literal dot as "\\."`,
      );
    }
    if (current.length > MAX_LABEL_BYTES) {
      throw new WireEncodeError(
        'LABEL_TOO_LONG',
        `Label of ${current.length} bytes in "${name}" exceeds the ${MAX_LABEL_BYTES}-byte limit of RFC 1035 §2.3.4; shorten it`,
      );
    }
    wireLength += current.length + 1;
    labels.push(Uint8Array.from(current));
    current = [];
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === DOT) {
      endLabel();
      continue;
    }
    if (b !== BACKSLASH) {
      current.push(b);
      continue;
    }
    const next = bytes[i + 1];
    if (next === undefined) {
      throw new WireEncodeError(
        'BAD_ESCAPE',
        `Name "${name}" ends with a lone backslash; write "\\\\" for a literal backslash`,
      );
    }
    if (isDigit(next)) {
      const d2 = bytes[i + 2];
      const d3 = bytes[i + 3];
      if (d2 === undefined || d3 === undefined || !isDigit(d2) || !isDigit(d3)) {
        throw new WireEncodeError('BAD_ESCAPE', `Name "${name}" has a \\DDD escape without three decimal digits`);
      }
      const value = (next - 0x30) * 100 + (d2 - 0x30) * 10 + (d3 - 0x30);
      if (value > 255) {
        throw new WireEncodeError('BAD_ESCAPE', `Name "${name}" has the escape \\${value}, above 255`);
      }
      current.push(value);
      i += 3;
    } else {
      current.push(next);
      i += 1;
    }
  }
  if (current.length > 0) endLabel();
  if (wireLength > MAX_NAME_BYTES) {
    throw new WireEncodeError(
      'NAME_TOO_LONG',
      `Name "${name}" is ${wireLength} bytes on the wire, over the ${MAX_NAME_BYTES}-byte limit of RFC 1035 §2.3.4; use shorter labels`,
    );
  }
  return labels;
}

/**
 * A name parsed for writing: its labels, and for each label a key naming the
 * suffix that starts there. Equal keys always mean equal suffix bytes (a key
 * is a presentation string of that suffix), so the writer can use them for
 * compression.
 */
export interface WireName {
  readonly labels: Uint8Array[];
  readonly suffixKeys: string[];
}

/**
 * Names parsed recently. A responder writes the same few names over and
 * over; the cache is bounded (cleared when full) so memory stays flat.
 */
const wireNameCache = new Map<string, WireName>();
const WIRE_NAME_CACHE_SIZE = 512;

/**
 * Parse a name for the wire writer. Same checks and errors as
 * {@link nameToLabels}. The result is shared: treat it as read-only.
 */
export function parseWireName(name: string): WireName {
  let parsed = wireNameCache.get(name);
  if (parsed === undefined) {
    parsed = parseWireNameUncached(name);
    if (wireNameCache.size >= WIRE_NAME_CACHE_SIZE) wireNameCache.clear();
    wireNameCache.set(name, parsed);
  }
  return parsed;
}

/** A name parsed for a record, kept with the text it was parsed from. */
export interface HeldName {
  readonly text: string;
  readonly wire: WireName;
}

/**
 * Parse a name that belongs to `holder` (a record, or its RDATA object),
 * once per holder: a record written into many packets is parsed once, however
 * many names the process holds. The text is compared on every call, so a
 * holder whose name was changed in place is parsed again.
 */
export function parseHeldName(held: WeakMap<object, HeldName>, holder: object, name: string): WireName {
  const known = held.get(holder);
  if (known !== undefined && known.text === name) return known.wire;
  const wire = parseWireName(name);
  held.set(holder, { text: name, wire });
  return wire;
}

/** Per-holder parsed names: one map for each kind of name a holder has (owner, RDATA target). */
export function heldNames(): WeakMap<object, HeldName> {
  return new WeakMap<object, HeldName>();
}

function parseWireNameUncached(name: string): WireName {
  if (typeof name !== 'string') nameToLabels(name);
  const text = name === '.' ? '' : name;
  const labels: Uint8Array[] = [];
  const suffixKeys: string[] = [];
  let wireLength = 1;
  let start = 0;
  let trailingDot = false;
  while (start < text.length) {
    // Find the next unescaped dot; note whether the label has escapes.
    let end = start;
    let escaped = false;
    while (end < text.length && text.charCodeAt(end) !== DOT) {
      if (text.charCodeAt(end) === BACKSLASH) {
        escaped = true;
        end += 1;
      }
      end += 1;
    }
    const part = text.slice(start, end);
    const label = escaped ? nameToLabels(part)[0] : Buffer.from(part, 'utf8');
    // Empty, long or odd labels: the full parser throws its precise error.
    if (label === undefined || end === start || label.length > MAX_LABEL_BYTES) return parseWireNameFully(name);
    wireLength += label.length + 1;
    labels.push(label);
    // Any presentation string of the suffix is a safe key: it parses to exactly those bytes.
    suffixKeys.push(start === 0 ? text : text.slice(start));
    trailingDot = end === text.length - 1;
    start = end + 1;
  }
  if (wireLength > MAX_NAME_BYTES) return parseWireNameFully(name);
  // "host.local." and "host.local" are one name: key them alike.
  return { labels, suffixKeys: trailingDot ? suffixKeys.map((key) => key.slice(0, -1)) : suffixKeys };
}

/** The full parser (which throws the precise error), each suffix keyed by its canonical form. */
function parseWireNameFully(name: string): WireName {
  const labels = nameToLabels(name);
  return { labels, suffixKeys: labels.map((_, i) => labelsToName(labels.slice(i))) };
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/**
 * Presentation form of one label given as raw bytes. Valid UTF-8 stays
 * readable; `.` and `\` are escaped, control bytes and invalid UTF-8 become
 * `\DDD`, so every byte string round-trips exactly through
 * {@link nameToLabels}.
 */
export function formatLabel(label: Uint8Array): string {
  if (isPlainAscii(label)) return String.fromCharCode.apply(null, label as unknown as number[]);
  let text: string | undefined;
  try {
    text = strictUtf8.decode(label);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    let out = '';
    for (const b of label) out += b >= 0x80 ? escapeByte(b) : escapeAscii(b);
    return out;
  }
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    out += code < 0x80 ? escapeAscii(code) : ch;
  }
  return out;
}

/** Printable ASCII needing no escape: the common case, formatted without decoding. */
function isPlainAscii(label: Uint8Array): boolean {
  for (let i = 0; i < label.length; i++) {
    const b = label[i] as number;
    if (b < 0x20 || b > 0x7e || b === DOT || b === BACKSLASH) return false;
  }
  return true;
}

function escapeAscii(b: number): string {
  if (b === DOT) return '\\.';
  if (b === BACKSLASH) return '\\\\';
  if (b < 0x20 || b === 0x7f) return escapeByte(b);
  return String.fromCharCode(b);
}

function escapeByte(b: number): string {
  return `\\${b.toString().padStart(3, '0')}`;
}

/** Presentation form of a name given as raw labels (root: `''`). */
export function labelsToName(labels: readonly Uint8Array[]): string {
  return labels.map(formatLabel).join('.');
}

/**
 * Escape one label given as plain text (an instance name such as
 * `Printer. Floor 2`) so it can be joined into a name. RFC 6763 §4.3.
 */
export function escapeLabel(text: string): string {
  return formatLabel(utf8.encode(text));
}

/**
 * Build a name from plain-text labels, escaping each:
 * `joinName(['My Printer. 2', '_ipp._tcp', 'local'])` →
 * `'My Printer\. 2._ipp._tcp.local'`. Already-escaped parts can be appended
 * with ordinary string concatenation.
 */
export function joinName(labels: readonly string[]): string {
  return labels.map(escapeLabel).join('.');
}

/**
 * The labels of a name as plain text (escapes undone). Labels that are not
 * valid UTF-8 are decoded with replacement characters; use
 * {@link nameToLabels} for the exact bytes.
 */
export function splitName(name: string): string[] {
  return nameToLabels(name).map((label) => looseUtf8.decode(label));
}

/** ASCII-only lower-casing of one byte (RFC 4343: DNS case folding touches A–Z only). */
function foldByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

/**
 * A key identifying a name regardless of ASCII letter case and of how it was
 * escaped: equal keys mean equal names under RFC 6762 §16 / RFC 4343
 * comparison. Use it for maps and sets of names.
 */
export function nameKey(name: string): string {
  const plain = plainAsciiKey(name);
  if (plain !== undefined) return plain;
  const labels = nameToLabels(name);
  return labels.map((label) => formatLabel(label.map(foldByte))).join('.');
}

/**
 * {@link nameKey} of a name of printable ASCII without escapes (nearly every
 * name on the wire), straight from the string: its labels are then the
 * characters between dots, and folding them is lower-casing. `undefined`
 * for any other name, or one that breaks a limit (the full path throws).
 */
function plainAsciiKey(name: string): string | undefined {
  const end = name.length > 0 && name.charCodeAt(name.length - 1) === DOT ? name.length - 1 : name.length;
  // On the wire: a length byte per label, the characters but the dots, the root byte: end + 2.
  if (end === 0 || end + 2 > MAX_NAME_BYTES) return undefined;
  let labelStart = 0;
  for (let i = 0; i <= end; i++) {
    const c = i === end ? DOT : name.charCodeAt(i);
    if (c === DOT) {
      if (i === labelStart || i - labelStart > MAX_LABEL_BYTES) return undefined;
      labelStart = i + 1;
    } else if (c < 0x20 || c > 0x7e || c === BACKSLASH) {
      return undefined;
    }
  }
  const text = end === name.length ? name : name.slice(0, end);
  return text.toLowerCase();
}

/** True when two names are the same name, ignoring ASCII case (RFC 6762 §16, RFC 4343). */
export function namesEqual(a: string, b: string): boolean {
  if (a === b) return true;
  return nameKey(a) === nameKey(b);
}

/** Number of bytes a name takes on the wire without compression. */
export function nameWireLength(name: string): number {
  return nameToLabels(name).reduce((sum, label) => sum + label.length + 1, 1);
}
