/**
 * Bytes of DNS messages written by hand, for the shapes a correct encoder
 * refuses to make (RFC 1035 §4.1): counts that lie, labels past 63 bytes,
 * names past 255, compression pointers that loop or chain, RDATA lengths
 * past the data. The decoder must refuse each without throwing out of the
 * intake.
 */

/** A growable byte buffer with the DNS field writers the hostile shapes need. */
export class RawWriter {
  private buf = new Uint8Array(512);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }

  u32(v: number): this {
    return this.u16(v >>> 16).u16(v);
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** The 12-byte header (RFC 1035 §4.1.1) with the given counts, true or not. */
  header(flags: number, qd: number, an: number, ns = 0, ar = 0, id = 0): this {
    return this.u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }

  /** A label of raw length byte and content (the length may exceed 63: that is the point). */
  label(text: string | Uint8Array, lengthByte?: number): this {
    const b = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    return this.u8(lengthByte ?? b.length).bytes(b);
  }

  /** Labels then the root. */
  name(...labels: string[]): this {
    for (const l of labels) this.label(l);
    return this.u8(0);
  }

  /** A compression pointer to `offset` (RFC 1035 §4.1.4). */
  pointer(offset: number): this {
    return this.u16(0xc000 | (offset & 0x3fff));
  }

  /** Question fields after the name. */
  question(type: number, klass = 1): this {
    return this.u16(type).u16(klass);
  }

  /** Record fields after the name, with an RDLENGTH that may lie. */
  record(type: number, klass: number, ttl: number, rdata: Uint8Array, rdlength = rdata.length): this {
    return this.u16(type).u16(klass).u32(ttl).u16(rdlength).bytes(rdata);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
