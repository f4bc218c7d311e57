/**
 * Packet encoding: a builder that adds questions and records in wire order
 * and refuses, without side effects, whatever would push the packet past its
 * size budget; and {@link encodePacket} for a whole message at once.
 */
import {
  CACHE_FLUSH_BIT,
  CLASS_ANY,
  CLASS_IN,
  DNS_HEADER_BYTES,
  MAX_MDNS_PACKET_BYTES,
  MAX_TTL,
  QU_BIT,
} from '../constants.js';
import type { WireEncodeErrorCode } from '../errors.js';
import { WireEncodeError } from '../errors.js';
import type { PacketInput, Question, ResourceRecord } from './model.js';
import { knownTypeOf, TYPE_CODES, typeCodeOf } from './model.js';
import { heldNames, nameToLabels, parseHeldName } from './name.js';
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
    this.writer.u16(checkUint(id, 0, 0xffff, 'Packet id', 'BAD_HEADER'));
    this.writer.u16(checkUint(flags, 0, 0xffff, 'Packet flags', 'BAD_HEADER'));
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
      w.u16(checkTypeCode(question));
      const klass = checkUint(question.class ?? CLASS_IN, 1, 0x7fff, 'Question class', 'BAD_CLASS');
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
    this.writer.patchU16(2, checkUint(flags, 0, 0xffff, 'Packet flags', 'BAD_HEADER'));
  }

  /** The encoded packet. The builder stays usable. */
  finish(): Buffer {
    this.counts.forEach((count, i) => this.writer.patchU16(4 + 2 * i, count));
    return this.writer.toBuffer();
  }
}

/** Owner names by record: a record written into many packets is parsed once. */
const ownerNames = heldNames();

function writeRecord(writer: WireWriter, record: ResourceRecord, mode: CompressionMode): void {
  if (record.type === 'OPT') {
    // RFC 6891 §6.1.2: owner is the root, CLASS the UDP payload size, TTL
    // extended RCODE and flags; there is no cache-flush bit.
    if (nameToLabels(record.name).length > 0) {
      throw new WireEncodeError('BAD_NAME', `An OPT record's owner must be the root name "", got "${record.name}"`);
    }
    if (record.cacheFlush)
      throw new WireEncodeError('BAD_CLASS', 'An OPT record has no cache-flush bit; leave cacheFlush unset');
    writer.name('', false);
    writer.u16(TYPE_CODES.OPT);
    writer.u16(checkUint(record.class ?? 0, 0, 0xffff, 'OPT payload size', 'BAD_CLASS'));
    writer.u32(checkUint(record.ttl, 0, 0xffffffff, 'OPT extended RCODE and flags', 'BAD_TTL'));
  } else {
    writer.parsedName(parseHeldName(ownerNames, record, record.name), mode !== 'none');
    writer.u16(checkTypeCode(record));
    // Class 255 (ANY) is a question class only; 0 is reserved.
    const klass = checkUint(record.class ?? CLASS_IN, 1, 0x7fff, 'Record class', 'BAD_CLASS');
    if (klass === CLASS_ANY)
      throw new WireEncodeError('BAD_CLASS', 'Record class 255 (ANY) is for questions only; use 1 (IN)');
    writer.u16(record.cacheFlush ? klass | CACHE_FLUSH_BIT : klass);
    // RFC 2181 §8: TTLs are 31-bit.
    writer.u32(checkUint(record.ttl, 0, MAX_TTL, 'Record TTL', 'BAD_TTL'));
  }
  const lengthAt = writer.offset;
  writer.u16(0);
  writeRdata(writer, record, mode);
  writer.patchU16(lengthAt, writer.offset - lengthAt - 2);
}

function checkUint(value: number, min: number, max: number, what: string, code: WireEncodeErrorCode): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new WireEncodeError(code, `${what} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/**
 * Type code of a question or record. An `UNKNOWN` one needs a code that
 * decodes back to `UNKNOWN`: not a modelled type (for records, 255 is
 * allowed, as the decoder gives it for a record claiming type ANY).
 */
function checkTypeCode(item: Question | ResourceRecord): number {
  if (item.type !== 'UNKNOWN') return typeCodeOf(item);
  const code = checkUint(item.typeCode ?? -1, 1, 0xffff, 'typeCode of an UNKNOWN type', 'BAD_TYPE');
  const known = knownTypeOf(code);
  const isRecord = 'data' in item;
  if (known !== undefined && !(isRecord && known === 'ANY')) {
    throw new WireEncodeError('BAD_TYPE', `Type code ${code} is ${known}: use type '${known}' instead of 'UNKNOWN'`);
  }
  return code;
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
