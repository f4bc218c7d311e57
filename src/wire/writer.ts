/**
 * Byte-level writer with DNS name compression (RFC 1035 §4.1.4) and
 * roll-back, so a packet builder can try a record and take it back when it
 * does not fit.
 */
import { MAX_COMPRESSION_OFFSET, MAX_MDNS_PACKET_BYTES } from '../constants.js';
import { WireEncodeError } from '../errors.js';
import { parseWireName, type WireName } from './name.js';

/** A position to roll back to. */
export interface WriterMark {
  readonly offset: number;
  readonly entries: number;
}

/** Writes DNS wire data into a buffer of fixed capacity. */
export class WireWriter {
  /** Grows on demand up to `capacity`, so small packets stay small. */
  buffer: Buffer;
  offset = 0;
  private readonly capacity: number;
  /** Compression table: wire form of a name suffix → offset where it starts. */
  private readonly suffixes = new Map<string, number>();
  private readonly suffixOrder: string[] = [];

  constructor(capacity: number = MAX_MDNS_PACKET_BYTES) {
    this.capacity = capacity;
    this.buffer = Buffer.allocUnsafe(Math.min(512, capacity));
  }

  /** Current position, for {@link reset}. */
  mark(): WriterMark {
    return { offset: this.offset, entries: this.suffixOrder.length };
  }

  /** Forget everything written since `mark`, compression entries included. */
  reset(mark: WriterMark): void {
    this.offset = mark.offset;
    while (this.suffixOrder.length > mark.entries) {
      this.suffixes.delete(this.suffixOrder.pop() as string);
    }
  }

  private reserve(n: number): void {
    const needed = this.offset + n;
    if (needed <= this.buffer.length) return;
    if (needed > this.capacity) {
      throw new WireEncodeError(
        'RECORD_TOO_LARGE',
        `Packet would exceed ${this.capacity} bytes (RFC 6762 §17 allows at most ${MAX_MDNS_PACKET_BYTES}); split the data over more records`,
      );
    }
    const grown = Buffer.allocUnsafe(Math.min(this.capacity, Math.max(needed, this.buffer.length * 2)));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }

  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.offset++] = value;
  }

  u16(value: number): void {
    this.reserve(2);
    this.buffer.writeUInt16BE(value, this.offset);
    this.offset += 2;
  }

  u32(value: number): void {
    this.reserve(4);
    this.buffer.writeUInt32BE(value >>> 0, this.offset);
    this.offset += 4;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.offset);
    this.offset += data.length;
  }

  /** Overwrite a 16-bit value already written (counts, RDLENGTH). */
  patchU16(at: number, value: number): void {
    this.buffer.writeUInt16BE(value, at);
  }

  /**
   * Write a name. With `compress`, the longest suffix already in the packet
   * is replaced by a pointer; either way the suffixes written here become
   * available to later names.
   */
  name(name: string, compress: boolean): void {
    this.parsedName(parseWireName(name), compress);
  }

  /** Write a name already parsed by `parseWireName` (a record's, prepared once). */
  parsedName(name: WireName, compress: boolean): void {
    const { labels, suffixKeys: keys } = name;
    for (let i = 0; i < labels.length; i++) {
      const key = keys[i] as string;
      const target = compress ? this.suffixes.get(key) : undefined;
      if (target !== undefined) {
        this.u16(0xc000 | target);
        return;
      }
      if (this.offset <= MAX_COMPRESSION_OFFSET && !this.suffixes.has(key)) {
        this.suffixes.set(key, this.offset);
        this.suffixOrder.push(key);
      }
      const label = labels[i] as Uint8Array;
      this.u8(label.length);
      this.bytes(label);
    }
    this.u8(0);
  }

  /** Copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.offset));
  }
}
