/**
 * Bounds-checked reading of DNS wire data. Every read checks the buffer end,
 * names follow only backward compression pointers and at most
 * {@link MAX_COMPRESSION_JUMPS} of them, so hostile input ends in a
 * {@link WireDecodeError} after time linear in its size.
 */
import { MAX_COMPRESSION_JUMPS, MAX_LABEL_BYTES, MAX_NAME_BYTES } from '../constants.js';
import { WireDecodeError } from '../errors.js';
import { formatLabel } from './name.js';

/** A name decoded from some offset on: its text and its length on the wire. */
interface DecodedSuffix {
  readonly text: string;
  readonly wireLength: number;
}

/** Reads DNS wire data from one packet. */
export class WireReader {
  offset = 0;
  /** Names decoded so far, by the offset of each of their labels. */
  private readonly suffixes = new Map<number, DecodedSuffix>();
  /** The same bytes as a Buffer (no copy), for codecs that want one. */
  readonly view: Buffer;

  constructor(readonly buffer: Uint8Array) {
    this.view = Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.length);
  }

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  /** Throw `TRUNCATED` unless `n` more bytes exist (before `end` when given). */
  need(n: number, what: string, end: number = this.buffer.length): void {
    if (this.offset + n > end) {
      throw new WireDecodeError('TRUNCATED', `Packet ends inside ${what}`, this.offset);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buffer[this.offset++] as number;
  }

  u16(what: string): number {
    this.need(2, what);
    const value = ((this.buffer[this.offset] as number) << 8) | (this.buffer[this.offset + 1] as number);
    this.offset += 2;
    return value;
  }

  u32(what: string): number {
    const high = this.u16(what);
    const low = this.u16(what);
    return high * 0x10000 + low;
  }

  /** A copy of the next `n` bytes, as a plain Uint8Array that does not pin the packet. */
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = new Uint8Array(this.buffer.subarray(this.offset, this.offset + n));
    this.offset += n;
    return out;
  }

  /**
   * Read a possibly compressed name (RFC 1035 §4.1.4). Pointers must point
   * strictly before the label run that holds them, which rules out loops;
   * the chain length and the decoded length are capped as well.
   */
  name(): string {
    const labels: string[] = [];
    const starts: number[] = [];
    const sizes: number[] = [];
    let tail: DecodedSuffix | undefined;
    let position = this.offset;
    let runStart = position;
    let resumeAt: number | undefined;
    let wireLength = 1;
    let jumps = 0;
    for (;;) {
      if (position >= this.buffer.length) {
        throw new WireDecodeError('TRUNCATED', 'Packet ends inside a name', position);
      }
      const length = this.buffer[position] as number;
      const kind = length & 0xc0;
      if (kind === 0xc0) {
        if (position + 1 >= this.buffer.length) {
          throw new WireDecodeError('TRUNCATED', 'Packet ends inside a compression pointer', position);
        }
        const target = ((length & 0x3f) << 8) | (this.buffer[position + 1] as number);
        if (target >= runStart) {
          throw new WireDecodeError(
            'POINTER_LOOP',
            `Compression pointer to ${target} does not point strictly backwards`,
            position,
          );
        }
        if (++jumps > MAX_COMPRESSION_JUMPS) {
          throw new WireDecodeError(
            'POINTER_CHAIN_TOO_LONG',
            `Name follows more than ${MAX_COMPRESSION_JUMPS} compression pointers`,
            position,
          );
        }
        resumeAt ??= position + 2;
        // A suffix decoded before is reused, so a packet full of pointers
        // to long names costs one pass over its bytes, not one per pointer.
        tail = this.suffixes.get(target);
        if (tail) break;
        position = target;
        runStart = target;
        continue;
      }
      if (kind === 0x40) {
        throw new WireDecodeError(
          'LABEL_TOO_LONG',
          `Label length ${length} exceeds ${MAX_LABEL_BYTES} (or uses the obsolete extended label type)`,
          position,
        );
      }
      if (kind === 0x80) {
        throw new WireDecodeError('BAD_LABEL_TYPE', `Reserved label type 0x${length.toString(16)}`, position);
      }
      position += 1;
      if (length === 0) break;
      wireLength += length + 1;
      if (wireLength > MAX_NAME_BYTES) {
        throw new WireDecodeError('NAME_TOO_LONG', `Name longer than ${MAX_NAME_BYTES} bytes`, position - 1);
      }
      if (position + length > this.buffer.length) {
        throw new WireDecodeError('TRUNCATED', 'Packet ends inside a label', position - 1);
      }
      labels.push(formatLabelAt(this.buffer, position, position + length));
      starts.push(position - 1);
      sizes.push(length + 1);
      position += length;
    }
    if (tail && wireLength + tail.wireLength - 1 > MAX_NAME_BYTES) {
      throw new WireDecodeError('NAME_TOO_LONG', `Name longer than ${MAX_NAME_BYTES} bytes`, this.offset);
    }
    let text = tail?.text ?? '';
    let suffixLength = tail?.wireLength ?? 1;
    for (let i = labels.length - 1; i >= 0; i--) {
      text = text === '' ? (labels[i] as string) : `${labels[i] as string}.${text}`;
      suffixLength += sizes[i] as number;
      this.suffixes.set(starts[i] as number, { text, wireLength: suffixLength });
    }
    this.offset = resumeAt ?? position;
    return text;
  }
}

/** Presentation form of the label at `[start, end)`: plain ASCII directly, the rest via {@link formatLabel}. */
function formatLabelAt(buffer: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) {
    const b = buffer[i] as number;
    // Control bytes and UTF-8 take the general path; dots and backslashes are escaped here.
    if (b < 0x20 || b > 0x7e) return formatLabel(buffer.subarray(start, end));
    text += b === 0x2e ? '\\.' : b === 0x5c ? '\\\\' : String.fromCharCode(b);
  }
  return text;
}
