/**
 * The next name after a conflict (RFC 6762 §9, RFC 6763 §4.1.1): "Name (2)",
 * "Name (3)", … for service instances, "host-2", "host-3", … for hosts.
 *
 * A rename must always produce a legal name, whatever the peer that forced
 * it: when the base and the suffix together would pass the 63-byte label
 * limit or the 255-byte name limit (RFC 1035 §2.3.4), the base is shortened,
 * never the suffix, and never in the middle of a UTF-8 character.
 */
import { MAX_LABEL_BYTES, MAX_NAME_BYTES } from '../constants.js';
import { nameWireLength } from '../wire/name.js';

const utf8 = new TextEncoder();

/**
 * Bytes left for one label in front of `parent` (a presentation-form name
 * such as `_http._tcp.local`): the label limit, or less when the whole name
 * would pass 255 bytes on the wire.
 */
export function labelRoomBefore(parent: string): number {
  // One length byte for the new label; nameWireLength counts the root byte.
  return Math.min(MAX_LABEL_BYTES, MAX_NAME_BYTES - nameWireLength(parent) - 1);
}

/**
 * `base` shortened so that `base + suffix` fits `room` bytes of UTF-8, cut
 * at a character boundary; `trim` strips what would dangle before the
 * suffix (a space before " (2)", a hyphen before "-2").
 */
export function fitWithSuffix(base: string, suffix: string, room: number, trim: RegExp): string {
  const limit = room - utf8.encode(suffix).length;
  let kept = '';
  let used = 0;
  for (const char of base) {
    const size = utf8.encode(char).length;
    if (used + size > limit) break;
    kept += char;
    used += size;
  }
  if (kept.length < base.length) kept = kept.replace(trim, '');
  return `${kept}${suffix}`;
}

/** RFC 6762 §9 / RFC 6763 §4.1.1: "Name (2)", "Name (3)", …, within `room` bytes (default one label). */
export function nextServiceName(name: string, room: number = MAX_LABEL_BYTES): string {
  const m = /^(.*) \((\d+)\)$/s.exec(name);
  const [base, n] = m ? [m[1] ?? '', Number(m[2]) + 1] : [name, 2];
  return fitWithSuffix(base, ` (${n})`, room, /\s+$/u);
}

/** "host-2", "host-3", … for host names, within `room` bytes (default one label). */
export function nextHostName(name: string, room: number = MAX_LABEL_BYTES): string {
  const m = /^(.*)-(\d+)$/s.exec(name);
  const [base, n] = m ? [m[1] ?? '', Number(m[2]) + 1] : [name, 2];
  return fitWithSuffix(base, `-${n}`, room, /-+$/);
}
