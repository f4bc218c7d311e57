/**
 * RDATA of each modelled record type, both directions. Addresses go through
 * the strict codecs of `address.ts`; names, TXT strings and NSEC bitmaps are
 * done here with mDNS in mind (RFC 6762 §18.14 compression, escaped labels,
 * the empty TXT record of RFC 6763 §6.1, checked RFC 4034 §4.1.2 bitmaps).
 */
import { MAX_CHARACTER_STRING_BYTES } from '../constants.js';
import { WireDecodeError, WireEncodeError } from '../errors.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './address.js';
import type { NsecData, ResourceRecord } from './model.js';
import { typeCodeFromName, typeName } from './model.js';
import type { WireReader } from './reader.js';
import { heldNames, parseHeldName } from './name.js';
import { WireWriter } from './writer.js';

/**
 * Which names inside RDATA may be compressed.
 * - `mdns`: PTR, CNAME, SRV and NSEC (RFC 6762 §18.14).
 * - `unicast`: PTR and CNAME only (RFC 3597 §4; RFC 2782 forbids compressing
 *   the SRV target), for replies to legacy unicast queriers such as dig.
 * - `none`: no compression anywhere, owner names included.
 */
export type CompressionMode = 'mdns' | 'unicast' | 'none';

const EMPTY_TXT = new Uint8Array([0]);

/** Names in RDATA (PTR, CNAME, SRV targets) by record, parsed once per record. */
const rdataNames = heldNames();

/** Write a record's RDATA (without RDLENGTH). */
export function writeRdata(writer: WireWriter, record: ResourceRecord, mode: CompressionMode): void {
  const compressRdataName = mode === 'mdns';
  switch (record.type) {
    case 'A':
      writeAddress(writer, record.data, 4);
      return;
    case 'AAAA':
      writeAddress(writer, record.data, 6);
      return;
    case 'PTR':
    case 'CNAME':
      writer.parsedName(parseHeldName(rdataNames, record, record.data), mode !== 'none');
      return;
    case 'SRV':
      writer.u16(checkU16(record.data.priority, 'SRV priority'));
      writer.u16(checkU16(record.data.weight, 'SRV weight'));
      writer.u16(checkU16(record.data.port, 'SRV port'));
      writer.parsedName(parseHeldName(rdataNames, record, record.data.target), compressRdataName);
      return;
    case 'TXT':
      writeTxtStrings(writer, record.data);
      return;
    case 'NSEC':
      writer.name(record.data.nextDomain, compressRdataName);
      writer.bytes(typeBitmapsOf(record.data.types));
      return;
    case 'OPT':
    case 'UNKNOWN':
      writer.bytes(record.data);
      return;
  }
}

/** Address bytes by text, parsed once: a responder writes its few addresses into every packet. */
const addressBytes = new Map<string, Uint8Array | undefined>();
const ADDRESS_CACHE_SIZE = 256;

function writeAddress(writer: WireWriter, address: string, family: 4 | 6): void {
  const key = family === 4 ? address : `6|${address}`;
  let bytes = addressBytes.get(key);
  if (bytes === undefined && !addressBytes.has(key)) {
    bytes = family === 4 ? parseIPv4(address) : parseIPv6(address);
    if (addressBytes.size >= ADDRESS_CACHE_SIZE) addressBytes.clear();
    addressBytes.set(key, bytes);
  }
  if (!bytes) {
    throw new WireEncodeError(
      'BAD_ADDRESS',
      `"${String(address)}" is not a valid IPv${family} address${family === 6 ? ' (without a %zone)' : ''}; pass a plain textual address`,
    );
  }
  writer.bytes(bytes);
}

function checkU16(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new WireEncodeError('BAD_RDATA', `${what} must be an integer from 0 to 65535, got ${value}`);
  }
  return value;
}

function writeTxtStrings(writer: WireWriter, strings: readonly Uint8Array[]): void {
  if (!Array.isArray(strings)) {
    throw new WireEncodeError(
      'BAD_RDATA',
      'TXT data must be an array of Uint8Array strings; build it with encodeTxt()',
    );
  }
  // RFC 6763 §6.1: a TXT record with no strings is a single zero byte.
  if (strings.length === 0) {
    writer.bytes(EMPTY_TXT);
    return;
  }
  for (const s of strings) {
    if (!(s instanceof Uint8Array)) {
      throw new WireEncodeError(
        'BAD_RDATA',
        'TXT data must be an array of Uint8Array strings; build it with encodeTxt()',
      );
    }
    if (s.length > MAX_CHARACTER_STRING_BYTES) {
      throw new WireEncodeError(
        'STRING_TOO_LONG',
        `TXT string of ${s.length} bytes exceeds ${MAX_CHARACTER_STRING_BYTES} bytes (RFC 6763 §6.1); split or shorten it`,
      );
    }
    writer.u8(s.length);
    writer.bytes(s);
  }
}

/** Bitmaps by type list: an owned NSEC record keeps its list, so it is encoded once. */
const bitmaps = new WeakMap<readonly string[], Uint8Array>();

function typeBitmapsOf(types: readonly string[]): Uint8Array {
  let encoded = Array.isArray(types) ? bitmaps.get(types) : undefined;
  if (encoded === undefined) {
    encoded = encodeTypeBitmaps(types);
    // A list changed in place would keep stale bitmaps: only frozen lists are remembered.
    if (Object.isFrozen(types)) bitmaps.set(types, encoded);
  }
  return encoded;
}

/** RFC 4034 §4.1.2 type bitmaps for a list of type names. */
export function encodeTypeBitmaps(types: readonly string[]): Uint8Array {
  const windows = new Map<number, Uint8Array>();
  for (const type of types) {
    const code = typeCodeFromName(type);
    if (code === undefined) {
      throw new WireEncodeError('BAD_RDATA', `NSEC type "${type}" is unknown; use a mnemonic like "A" or "TYPE65"`);
    }
    const window = code >> 8;
    const low = code & 0xff;
    let bitmap = windows.get(window);
    if (!bitmap) {
      bitmap = new Uint8Array(32);
      windows.set(window, bitmap);
    }
    bitmap[low >> 3] = (bitmap[low >> 3] as number) | (0x80 >> (low & 7));
  }
  const out: number[] = [];
  for (const window of [...windows.keys()].sort((a, b) => a - b)) {
    const bitmap = windows.get(window) as Uint8Array;
    let length = 32;
    while (length > 0 && bitmap[length - 1] === 0) length--;
    out.push(window, length, ...bitmap.subarray(0, length));
  }
  return Uint8Array.from(out);
}

/** Decoded RDATA, typed per record type. */
export type RdataOf<T extends ResourceRecord['type']> = Extract<ResourceRecord, { type: T }>['data'];

/**
 * RDATA layouts of types boaster keeps raw but whose names peers may
 * compress (RFC 3597 §4, RFC 6762 §18.14): `'name'` or a count of fixed bytes.
 * Their names are expanded on decoding, so raw RDATA never holds a pointer
 * into a packet it has left.
 */
const LAYOUTS_WITH_NAMES: ReadonlyMap<number, readonly ('name' | number)[]> = new Map<
  number,
  readonly ('name' | number)[]
>([
  [2, ['name']], // NS
  [3, ['name']], // MD
  [4, ['name']], // MF
  [6, ['name', 'name', 20]], // SOA
  [7, ['name']], // MB
  [8, ['name']], // MG
  [9, ['name']], // MR
  [14, ['name', 'name']], // MINFO
  [15, [2, 'name']], // MX
  [17, ['name', 'name']], // RP
  [18, [2, 'name']], // AFSDB
  [21, [2, 'name']], // RT
  [26, [2, 'name', 'name']], // PX
  [36, [2, 'name']], // KX
  [39, ['name']], // DNAME
]);

/** Raw RDATA of an unmodelled type, with any compressed names expanded. */
function readRawRdata(reader: WireReader, typeCode: number, end: number): Uint8Array {
  const layout = LAYOUTS_WITH_NAMES.get(typeCode);
  if (!layout) return reader.bytes(end - reader.offset, 'RDATA');
  const writer = new WireWriter();
  for (const field of layout) {
    if (field === 'name') {
      writer.name(reader.name(), false);
    } else {
      reader.need(field, 'RDATA', end);
      writer.bytes(reader.bytes(field, 'RDATA'));
    }
  }
  return new Uint8Array(writer.toBuffer());
}

/**
 * Read RDATA of a modelled type occupying `[reader.offset, end)`. Names in
 * RDATA may point anywhere earlier in the packet but must end inside it.
 * `typeCode` matters for `UNKNOWN` only.
 */
export function readRdata(
  reader: WireReader,
  type: ResourceRecord['type'],
  end: number,
  typeCode = 0,
): ResourceRecord['data'] {
  const start = reader.offset;
  const length = end - start;
  let data: ResourceRecord['data'];
  switch (type) {
    case 'A':
    case 'AAAA': {
      const size = type === 'A' ? 4 : 16;
      if (length !== size) {
        throw new WireDecodeError('BAD_RDATA', `${type} RDATA is ${length} bytes, expected ${size}`, start);
      }
      const bytes = reader.buffer.subarray(start, end);
      data = type === 'A' ? formatIPv4(bytes) : formatIPv6(bytes);
      reader.offset = end;
      break;
    }
    case 'PTR':
    case 'CNAME':
      data = reader.name();
      break;
    case 'SRV': {
      reader.need(6, 'SRV RDATA', end);
      const priority = reader.u16('SRV priority');
      const weight = reader.u16('SRV weight');
      const port = reader.u16('SRV port');
      data = { priority, weight, port, target: reader.name() };
      break;
    }
    case 'TXT':
      data = readTxtStrings(reader, end);
      break;
    case 'NSEC':
      data = readNsec(reader, end);
      break;
    case 'OPT':
      data = reader.bytes(length, 'RDATA');
      break;
    case 'UNKNOWN':
      data = readRawRdata(reader, typeCode, end);
      break;
  }
  if (reader.offset !== end) {
    throw new WireDecodeError(
      'BAD_RDATA',
      `${type} RDATA ${reader.offset > end ? 'overruns' : 'does not fill'} its RDLENGTH of ${length}`,
      start,
    );
  }
  return data;
}

function readTxtStrings(reader: WireReader, end: number): Uint8Array[] {
  const strings: Uint8Array[] = [];
  while (reader.offset < end) {
    const length = reader.u8('TXT string length');
    if (reader.offset + length > end) {
      throw new WireDecodeError('BAD_RDATA', `TXT string of ${length} bytes overruns its record`, reader.offset - 1);
    }
    strings.push(reader.bytes(length, 'TXT string'));
  }
  return strings;
}

function readNsec(reader: WireReader, end: number): NsecData {
  const nextDomain = reader.name();
  const types: string[] = [];
  let previousWindow = -1;
  while (reader.offset < end) {
    const at = reader.offset;
    if (end - at < 2) {
      throw new WireDecodeError('BAD_NSEC_BITMAP', 'NSEC bitmap block header is cut short', at);
    }
    const window = reader.u8('NSEC window');
    const length = reader.u8('NSEC bitmap length');
    // RFC 4034 §4.1.2: windows ascending, each bitmap 1–32 bytes.
    if (window <= previousWindow) {
      throw new WireDecodeError('BAD_NSEC_BITMAP', `NSEC window ${window} is not in ascending order`, at);
    }
    if (length < 1 || length > 32) {
      throw new WireDecodeError('BAD_NSEC_BITMAP', `NSEC bitmap length ${length} is outside 1–32`, at + 1);
    }
    if (reader.offset + length > end) {
      throw new WireDecodeError('BAD_NSEC_BITMAP', 'NSEC bitmap overruns its record', at + 1);
    }
    const bitmap = reader.bytes(length, 'NSEC bitmap');
    bitmap.forEach((byte, index) => {
      for (let bit = 0; bit < 8; bit++) {
        if (byte & (0x80 >> bit)) types.push(typeName(window * 256 + index * 8 + bit));
      }
    });
    previousWindow = window;
  }
  return { nextDomain, types };
}
