/**
 * Packet encoding: a builder that adds questions and records in wire order
 * and refuses, without side effects, whatever would push the packet past its
 * size budget; and {@link encodePacket} for a whole message at once.
 */
import { CACHE_FLUSH_BIT, CLASS_IN, DNS_HEADER_BYTES, MAX_MDNS_PACKET_BYTES, QU_BIT } from '../constants.js';
import { WireEncodeError } from '../errors.js';
import type { PacketInput, Question, ResourceRecord } from './model.js';
import { typeCodeOf } from './model.js';
import type { CompressionMode } from './rdata.js';
import { writeRdata } from './rdata.js';
import { WireWriter } from './writer.js';

/** Sections in wire order. */
export type Section = 'questions' | 'answers' | 'authorities' | 'additionals';
/** The record-carrying sections. */
export type RecordSection = Exclude<Section, 'questions'>;

const SECTION_ORDER: readonly Section[] = ['questions', 'answers', 'authorities', 'additionals'];

/** Options for building or encoding packets. */
export interface EncodeOptions {
  /** Which names may be compressed; default `mdns` (RFC 6762 §18.14). */
  compression?: CompressionMode;
}

/** Options of a {@link PacketBuilder}. */
export interface PacketBuilderOptions extends EncodeOptions {
  /**
   * Payload budget in bytes (see `payloadBudget`). Items that would push the
   * packet past it are refused, except the first item of an empty packet,
   * which may use up to 9000 bytes (RFC 6762 §17).
   */
  budget?: number;
}

/**
 * Builds one packet incrementally. Items must be added in wire order
 * (questions, answers, authorities, additionals).
 */
export class PacketBuilder {
  private readonly writer = new WireWriter(MAX_MDNS_PACKET_BYTES);
  private readonly counts = [0, 0, 0, 0];
  private sectionIndex = 0;
  private readonly budget: number;
  private readonly compression: CompressionMode;

  constructor(id = 0, flags = 0, options: PacketBuilderOptions = {}) {
    this.budget = Math.min(options.budget ?? MAX_MDNS_PACKET_BYTES, MAX_MDNS_PACKET_BYTES);
    if (!(this.budget >= DNS_HEADER_BYTES)) {
      throw new WireEncodeError('BAD_BUDGET', `Packet budget ${options.budget} is smaller than a DNS header`);
    }
    this.compression = options.compression ?? 'mdns';
    this.writer.u16(checkUint(id, 0xffff, 'Packet id'));
    this.writer.u16(checkUint(flags, 0xffff, 'Packet flags'));
    for (let i = 0; i < 4; i++) this.writer.u16(0); // section counts, patched by finish()
  }

  /** Bytes used so far, header included. */
  get size(): number {
    return this.writer.offset;
  }

  /** True while nothing but the header has been written. */
  get isEmpty(): boolean {
    return this.counts.every((count) => count === 0);
  }

  /** Number of items in a section. */
  count(section: Section): number {
    return this.counts[SECTION_ORDER.indexOf(section)] as number;
  }

  /** Add a question; false (and nothing written) when it does not fit. */
  addQuestion(question: Question): boolean {
    return this.add('questions', () => {
      const w = this.writer;
      w.name(question.name, this.compression !== 'none');
      w.u16(checkUint(typeCodeOf(question), 0xffff, 'Question type'));
      const klass = checkUint(question.class ?? CLASS_IN, 0x7fff, 'Question class');
      w.u16(question.unicastResponse ? klass | QU_BIT : klass);
    });
  }

  /** Add a record to a section; false (and nothing written) when it does not fit. */
  addRecord(section: RecordSection, record: ResourceRecord): boolean {
    return this.add(section, () => writeRecord(this.writer, record, this.compression));
  }

  private add(section: Section, write: () => void): boolean {
    const index = SECTION_ORDER.indexOf(section);
    if (index < this.sectionIndex) {
      throw new WireEncodeError(
        'SECTION_ORDER',
        `Cannot add to ${section} after ${SECTION_ORDER[this.sectionIndex]}: add items in wire order`,
      );
    }
    const mark = this.writer.mark();
    const wasEmpty = this.isEmpty;
    try {
      write();
    } catch (error) {
      this.writer.reset(mark);
      // Only a packet that already holds something may refuse for size;
      // alone, an item over 9000 bytes is the caller's error.
      if (error instanceof WireEncodeError && error.code === 'RECORD_TOO_LARGE' && !wasEmpty) return false;
      throw error;
    }
    if (this.writer.offset > this.budget && !wasEmpty) {
      this.writer.reset(mark);
      return false;
    }
    this.sectionIndex = index;
    this.counts[index] = (this.counts[index] as number) + 1;
    return true;
  }

  /** Set or clear header flag bits after the fact (e.g. TC). */
  setFlags(flags: number): void {
    this.writer.patchU16(2, checkUint(flags, 0xffff, 'Packet flags'));
  }

  /** The encoded packet. The builder stays usable. */
  finish(): Buffer {
    this.counts.forEach((count, i) => this.writer.patchU16(4 + 2 * i, count));
    return this.writer.toBuffer();
  }
}

function writeRecord(writer: WireWriter, record: ResourceRecord, mode: CompressionMode): void {
  writer.name(record.name, mode !== 'none');
  writer.u16(checkUint(typeCodeOf(record), 0xffff, 'Record type'));
  if (record.type === 'OPT') {
    // RFC 6891 §6.1.2: CLASS is the UDP payload size, no cache-flush bit.
    writer.u16(checkUint(record.class ?? 0, 0xffff, 'OPT payload size'));
  } else {
    const klass = checkUint(record.class ?? CLASS_IN, 0x7fff, 'Record class');
    writer.u16(record.cacheFlush ? klass | CACHE_FLUSH_BIT : klass);
  }
  writer.u32(checkUint(record.ttl, 0xffffffff, 'Record TTL'));
  const lengthAt = writer.offset;
  writer.u16(0);
  writeRdata(writer, record, mode);
  writer.patchU16(lengthAt, writer.offset - lengthAt - 2);
}

function checkUint(value: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new WireEncodeError('BAD_RDATA', `${what} must be an integer from 0 to ${max}, got ${value}`);
  }
  return value;
}

/**
 * Encode a whole packet. Names are compressed (RFC 1035 §4.1.4, RFC 6762
 * §18.14 per `options.compression`).
 *
 * @throws {WireEncodeError} when a name or record is invalid, or the packet
 *   would exceed 9000 bytes (RFC 6762 §17); split it with `splitPacket`.
 */
export function encodePacket(packet: PacketInput, options: EncodeOptions = {}): Buffer {
  const builder = new PacketBuilder(packet.id ?? 0, packet.flags ?? 0, options);
  const add = (ok: boolean): void => {
    if (!ok) {
      throw new WireEncodeError(
        'RECORD_TOO_LARGE',
        `Packet exceeds ${MAX_MDNS_PACKET_BYTES} bytes (RFC 6762 §17); split it with splitPacket()`,
      );
    }
  };
  for (const q of packet.questions ?? []) add(builder.addQuestion(q));
  for (const r of packet.answers ?? []) add(builder.addRecord('answers', r));
  for (const r of packet.authorities ?? []) add(builder.addRecord('authorities', r));
  for (const r of packet.additionals ?? []) add(builder.addRecord('additionals', r));
  return builder.finish();
}
