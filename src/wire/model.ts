/**
 * The message model the wire layer encodes and decodes: questions, resource
 * records of the types mDNS/DNS-SD use, and packets. Names are in
 * presentation form (see `name.ts`). Record types boaster does not model are
 * kept as raw RDATA bytes (RFC 3597 style), so nothing a peer sends is lost.
 */
/** Record types whose RDATA boaster models. */
export type KnownRecordType = 'A' | 'AAAA' | 'PTR' | 'CNAME' | 'SRV' | 'TXT' | 'NSEC' | 'OPT';

/** Numeric type codes (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 4034, RFC 6891). */
export const TYPE_CODES = {
  A: 1,
  CNAME: 5,
  PTR: 12,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  NSEC: 47,
  ANY: 255,
} as const satisfies Record<KnownRecordType | 'ANY', number>;

/** Fields every resource record carries. */
export interface RecordBase {
  /** Owner name, presentation form. */
  name: string;
  /** Time to live in seconds (0 = goodbye, RFC 6762 §10.1). */
  ttl: number;
  /** Class without the cache-flush bit; defaults to IN (1). */
  class?: number;
  /** RFC 6762 §10.2 cache-flush bit (top bit of the class field). */
  cacheFlush?: boolean;
}

/** IPv4 address record. */
export interface ARecord extends RecordBase {
  type: 'A';
  /** Dotted-quad address. */
  data: string;
}

/** IPv6 address record. */
export interface AAAARecord extends RecordBase {
  type: 'AAAA';
  /** IPv6 address without zone. */
  data: string;
}

/** Pointer record (DNS-SD browsing, reverse mapping). */
export interface PtrRecord extends RecordBase {
  type: 'PTR';
  /** Target name. */
  data: string;
}

/** Canonical-name record. */
export interface CnameRecord extends RecordBase {
  type: 'CNAME';
  /** Target name. */
  data: string;
}

/** RDATA of an SRV record (RFC 2782). */
export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  /** Target host name. */
  target: string;
}

/** Service location record. */
export interface SrvRecord extends RecordBase {
  type: 'SRV';
  data: SrvData;
}

/** Text record: its character-strings, without their length bytes. */
export interface TxtRecord extends RecordBase {
  type: 'TXT';
  /**
   * The strings. An empty list is written as a single zero byte, the empty
   * TXT record of RFC 6763 §6.1.
   */
  data: Uint8Array[];
}

/** RDATA of an NSEC record (RFC 4034 §4; RFC 6762 §6.1 restricted form). */
export interface NsecData {
  /** Next domain name; in mDNS the record's own name. */
  nextDomain: string;
  /** Types that exist at the name, as names (`'A'`) or `TYPEnnn`. */
  types: readonly string[];
}

/** Negative-response record (RFC 6762 §6.1). */
export interface NsecRecord extends RecordBase {
  type: 'NSEC';
  data: NsecData;
}

/**
 * EDNS0 pseudo-record (RFC 6891). Its class field is the requester's UDP
 * payload size and its TTL field holds extended RCODE, version and flags, so
 * neither is a class nor a TTL; the cache-flush bit does not apply.
 */
export interface OptRecord extends RecordBase {
  type: 'OPT';
  /** Options, raw. */
  data: Uint8Array;
}

/** A record of a type boaster does not model; RDATA kept as received. */
export interface UnknownRecord extends RecordBase {
  type: 'UNKNOWN';
  /** Numeric type code. */
  typeCode: number;
  data: Uint8Array;
}

/** Any resource record. */
export type ResourceRecord =
  ARecord | AAAARecord | PtrRecord | CnameRecord | SrvRecord | TxtRecord | NsecRecord | OptRecord | UnknownRecord;

/** A question's type: a modelled type, ANY, or another code. */
export type QuestionType = KnownRecordType | 'ANY' | 'UNKNOWN';

/** A question (RFC 1035 §4.1.2). */
export interface Question {
  name: string;
  type: QuestionType;
  /** Numeric type, required when `type` is `'UNKNOWN'`. */
  typeCode?: number;
  /** Class without the QU bit; defaults to IN (1). */
  class?: number;
  /** RFC 6762 §5.4 QU bit: the querier asks for a unicast response. */
  unicastResponse?: boolean;
}

/** A DNS message. */
export interface Packet {
  /** Message ID; 0 in multicast mDNS (RFC 6762 §18.1). */
  id: number;
  /** The whole 16-bit flags word (QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE). */
  flags: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}

/** A packet to encode; omitted fields default to 0 or empty. */
export type PacketInput = Partial<Packet>;

/** Numeric type code of a record or question. */
export function typeCodeOf(item: ResourceRecord | Question): number {
  if (item.type === 'UNKNOWN') {
    const code = item.typeCode;
    return code ?? 0;
  }
  return TYPE_CODES[item.type];
}

const KNOWN_BY_CODE = new Map<number, KnownRecordType | 'ANY'>(
  Object.entries(TYPE_CODES).map(([name, code]) => [code, name as KnownRecordType | 'ANY']),
);

/** The modelled type for a code, or undefined. */
export function knownTypeOf(code: number): KnownRecordType | 'ANY' | undefined {
  return KNOWN_BY_CODE.get(code);
}

/**
 * Mnemonics of the RR TYPEs boaster names in NSEC bitmaps and diagnostics
 * (IANA "Resource Record (RR) TYPEs" registry; the defining RFC of each is
 * noted). Other codes are named `TYPEnnn` (RFC 3597 §5). The set is fixed:
 * adding a mnemonic changes how decoded NSEC type lists read.
 */
const TYPE_MNEMONICS: readonly (readonly [number, string])[] = [
  [1, 'A'], // RFC 1035
  [2, 'NS'], // RFC 1035
  [5, 'CNAME'], // RFC 1035
  [6, 'SOA'], // RFC 1035
  [10, 'NULL'], // RFC 1035
  [12, 'PTR'], // RFC 1035
  [13, 'HINFO'], // RFC 1035, RFC 8482
  [15, 'MX'], // RFC 1035
  [16, 'TXT'], // RFC 1035
  [17, 'RP'], // RFC 1183
  [18, 'AFSDB'], // RFC 1183
  [24, 'SIG'], // RFC 2536, RFC 2931
  [25, 'KEY'], // RFC 2536, RFC 3445
  [28, 'AAAA'], // RFC 3596
  [29, 'LOC'], // RFC 1876
  [33, 'SRV'], // RFC 2782
  [35, 'NAPTR'], // RFC 3403
  [36, 'KX'], // RFC 2230
  [37, 'CERT'], // RFC 4398
  [39, 'DNAME'], // RFC 6672
  [41, 'OPT'], // RFC 6891
  [42, 'APL'], // RFC 3123
  [43, 'DS'], // RFC 4034
  [44, 'SSHFP'], // RFC 4255
  [45, 'IPSECKEY'], // RFC 4025
  [46, 'RRSIG'], // RFC 4034
  [47, 'NSEC'], // RFC 4034
  [48, 'DNSKEY'], // RFC 4034
  [49, 'DHCID'], // RFC 4701
  [50, 'NSEC3'], // RFC 5155
  [51, 'NSEC3PARAM'], // RFC 5155
  [52, 'TLSA'], // RFC 6698
  [55, 'HIP'], // RFC 8005
  [59, 'CDS'], // RFC 7344
  [60, 'CDNSKEY'], // RFC 7344
  [99, 'SPF'], // RFC 7208
  [249, 'TKEY'], // RFC 2930
  [250, 'TSIG'], // RFC 8945
  [251, 'IXFR'], // RFC 1995
  [252, 'AXFR'], // RFC 1035, RFC 5936
  [255, 'ANY'], // RFC 1035 ("*"), RFC 8482
  [257, 'CAA'], // RFC 8659
  [32768, 'TA'], // DNSSEC Trust Authorities (IANA registry)
  [32769, 'DLV'], // RFC 4431
];

const MNEMONIC_BY_CODE = new Map<number, string>(TYPE_MNEMONICS);
const CODE_BY_MNEMONIC = new Map<string, number>([
  ...TYPE_MNEMONICS.map(([code, name]) => [name, code] as const),
  ['*', 255],
]);

/** Name of any type code: `A`, `HINFO`, or `TYPE65280` (RFC 3597 §5) when nameless. */
export function typeName(code: number): string {
  return MNEMONIC_BY_CODE.get(code) ?? `TYPE${code}`;
}

/**
 * Code of a type name as written by {@link typeName} (any case), `*` for
 * ANY, or the older `UNKNOWN_<code>` spelling; undefined when unknown.
 */
export function typeCodeFromName(name: string): number | undefined {
  const upper = name.toUpperCase();
  const generic = /^(?:TYPE(\d{1,5})|UNKNOWN_(\d+))$/.exec(upper);
  if (generic) {
    const code = Number(generic[1] ?? generic[2]);
    // `UNKNOWN_0` never named a type; `TYPE0` is RFC 3597's name for code 0.
    return code <= 0xffff && (generic[1] !== undefined || code !== 0) ? code : undefined;
  }
  return CODE_BY_MNEMONIC.get(upper);
}
