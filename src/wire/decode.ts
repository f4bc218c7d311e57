/**
 * Packet decoding. Input from the network is untrusted: every failure is a
 * {@link WireDecodeError} with a code, reached in time linear in the packet
 * size, with allocation bounded by it.
 */
import { CACHE_FLUSH_BIT, DNS_HEADER_BYTES, MAX_MDNS_PACKET_BYTES, MAX_TTL, QU_BIT } from '../constants.js';
import { WireDecodeError } from '../errors.js';
import type { NsecData, Packet, Question, ResourceRecord, SrvData } from './model.js';
import { knownTypeOf, TYPE_CODES } from './model.js';
import { readRdata } from './rdata.js';
import { WireReader } from './reader.js';

/** Smallest question: root name, type, class. */
const MIN_QUESTION_BYTES = 5;
/** Smallest record: root name, type, class, TTL, RDLENGTH. */
const MIN_RECORD_BYTES = 11;

/** Options of {@link decodePacket}. */
export interface DecodeOptions {
  /**
   * When given, a record whose framing is sound (name, type, class, TTL and
   * RDLENGTH all within the packet) but whose RDATA is malformed is dropped
   * and reported here instead of failing the whole packet. Real peers send
   * such records: python-zeroconf 0.47.3 writes NSEC type bitmaps with an
   * empty leading window block, in otherwise valid answers.
   */
  onBadRecord?: (error: WireDecodeError) => void;
}

/**
 * Decode a DNS message.
 *
 * @throws {WireDecodeError} with a code naming what is wrong.
 */
export function decodePacket(data: Uint8Array, options: DecodeOptions = {}): Packet {
  if (data.length === 0) throw new WireDecodeError('EMPTY_PACKET', 'Packet is empty', 0);
  // RFC 6762 §17: no mDNS packet exceeds 9000 bytes; larger ones are not ours to parse.
  if (data.length > MAX_MDNS_PACKET_BYTES) {
    throw new WireDecodeError(
      'PACKET_TOO_LARGE',
      `Packet of ${data.length} bytes exceeds ${MAX_MDNS_PACKET_BYTES}`,
      MAX_MDNS_PACKET_BYTES,
    );
  }
  const reader = new WireReader(data);
  reader.need(DNS_HEADER_BYTES, 'the header');
  const id = reader.u16('id');
  const flags = reader.u16('flags');
  const qdcount = reader.u16('QDCOUNT');
  const ancount = reader.u16('ANCOUNT');
  const nscount = reader.u16('NSCOUNT');
  const arcount = reader.u16('ARCOUNT');
  // Refuse counts the packet cannot hold before allocating for them.
  const minimum = qdcount * MIN_QUESTION_BYTES + (ancount + nscount + arcount) * MIN_RECORD_BYTES;
  if (minimum > reader.remaining) {
    throw new WireDecodeError(
      'COUNT_OVERRUN',
      `Header counts ${qdcount}/${ancount}/${nscount}/${arcount} need at least ${minimum} bytes, packet has ${reader.remaining}`,
      4,
    );
  }
  const questions: Question[] = [];
  for (let i = 0; i < qdcount; i++) questions.push(readQuestion(reader));
  const answers = readRecords(reader, ancount, options);
  const authorities = readRecords(reader, nscount, options);
  const additionals = readRecords(reader, arcount, options);
  return { id, flags, questions, answers, authorities, additionals };
}

function readQuestion(reader: WireReader): Question {
  const name = reader.name();
  const code = reader.u16('question type');
  const klass = reader.u16('question class');
  const known = knownTypeOf(code);
  const question: Question = known ? { name, type: known } : { name, type: 'UNKNOWN', typeCode: code };
  // RFC 6762 §5.4: the top bit of the class is the QU bit.
  question.class = klass & ~QU_BIT;
  question.unicastResponse = (klass & QU_BIT) !== 0;
  return question;
}

function readRecords(reader: WireReader, count: number, options: DecodeOptions): ResourceRecord[] {
  const records: ResourceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const record = readRecord(reader, options);
    if (record) records.push(record);
  }
  return records;
}

function readRecord(reader: WireReader, options: DecodeOptions): ResourceRecord | undefined {
  const name = reader.name();
  reader.need(10, 'a record header');
  const code = reader.u16('record type');
  const rawClass = reader.u16('record class');
  const ttl = reader.u32('record TTL');
  const rdlength = reader.u16('RDLENGTH');
  if (rdlength > reader.remaining) {
    throw new WireDecodeError(
      'RDLENGTH_OVERRUN',
      `RDLENGTH ${rdlength} runs past the end of the packet (${reader.remaining} bytes left)`,
      reader.offset - 2,
    );
  }
  const end = reader.offset + rdlength;
  if (!options.onBadRecord) return buildRecord(reader, name, code, rawClass, ttl, end);
  try {
    return buildRecord(reader, name, code, rawClass, ttl, end);
  } catch (error) {
    if (!(error instanceof WireDecodeError)) throw error;
    // The framing held, so the next record starts at `end`: skip this one.
    options.onBadRecord(error);
    reader.offset = end;
    return undefined;
  }
}

function buildRecord(
  reader: WireReader,
  name: string,
  code: number,
  rawClass: number,
  ttl: number,
  end: number,
): ResourceRecord {
  if (code === TYPE_CODES.OPT) {
    // RFC 6891 §6.1.2: CLASS is the payload size; no cache-flush bit.
    return {
      name,
      type: 'OPT',
      class: rawClass,
      cacheFlush: false,
      ttl,
      data: readRdata(reader, 'OPT', end) as Uint8Array,
    };
  }
  // RFC 2181 §8: a TTL with the top bit set is read as 0.
  if (ttl > MAX_TTL) ttl = 0;
  // RFC 6762 §10.2: the top bit of the class is the cache-flush bit.
  const klass = rawClass & ~CACHE_FLUSH_BIT;
  const cacheFlush = (rawClass & CACHE_FLUSH_BIT) !== 0;
  const known = knownTypeOf(code);
  switch (known) {
    case 'A':
    case 'AAAA':
    case 'PTR':
    case 'CNAME':
      return { name, type: known, ttl, class: klass, cacheFlush, data: readRdata(reader, known, end) as string };
    case 'SRV':
      return { name, type: known, ttl, class: klass, cacheFlush, data: readRdata(reader, known, end) as SrvData };
    case 'TXT':
      return { name, type: known, ttl, class: klass, cacheFlush, data: readRdata(reader, known, end) as Uint8Array[] };
    case 'NSEC':
      return { name, type: known, ttl, class: klass, cacheFlush, data: readRdata(reader, known, end) as NsecData };
    default:
      return {
        name,
        type: 'UNKNOWN',
        typeCode: code,
        ttl,
        class: klass,
        cacheFlush,
        data: readRdata(reader, 'UNKNOWN', end, code) as Uint8Array,
      };
  }
}
