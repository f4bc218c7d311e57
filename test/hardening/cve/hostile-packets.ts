/**
 * The hand-made packets of avahi's CVE classes, as raw bytes, shared by the
 * unit side (cve.test.ts, through the transport seam) and the lab side
 * (cve.lab.test.ts, sent from another host): what a well-behaved encoder
 * (ours, dns-packet) cannot produce — compression pointers that loop
 * (CVE-2006-6870), framing that breaks mid-packet (CVE-2010-2244), the
 * empty datagram (CVE-2011-1002) — plus the records of the self-reference
 * class (CVE-2026-24401) in boaster's record model.
 */
import { encodePacket } from '../../../src/wire/encode.js';
import type { ResourceRecord } from '../../../src/wire/model.js';

/** RFC 1035 §4.1.1 header: id, flags, then the four section counts. */
function header(id: number, flags: number, qd: number, an = 0, ns = 0, ar = 0): number[] {
  return [id >> 8, id & 0xff, flags >> 8, flags & 0xff, 0, qd, 0, an, 0, ns, 0, ar];
}

/** A name spelled out, root included (RFC 1035 §3.1). */
function name(text: string): number[] {
  const out: number[] = [];
  for (const label of text.split('.')) out.push(label.length, ...Buffer.from(label, 'ascii'));
  out.push(0);
  return out;
}

/** RFC 1035 §4.1.4: a compression pointer to `offset`. */
const pointer = (offset: number): number[] => [0xc0 | (offset >> 8), offset & 0xff];
/** Type, class IN, TTL 120, RDLENGTH: the fixed fields after a record's owner name. */
const fixed = (type: number, rdlength: number): number[] => [
  0,
  type,
  0,
  1,
  0,
  0,
  0,
  120,
  rdlength >> 8,
  rdlength & 0xff,
];
const HEADER = 12;
const TYPE_A = 1;
const TYPE_PTR = 12;
const TYPE_SRV = 33;
const RESPONSE = 0x8400;

/** CVE-2006-6870: one question whose name is a pointer to itself. */
export function selfPointerQuery(): Uint8Array {
  return Uint8Array.from([...header(0, 0, 1), ...pointer(HEADER), 0, TYPE_SRV, 0, 1]);
}

/**
 * CVE-2006-6870: two questions whose names point at each other: the first
 * is the label "a" then a (forward) pointer to the second, the second a
 * pointer back to the first.
 */
export function pointerCycleQuery(): Uint8Array {
  const second = HEADER + 2 + 2 + 4;
  return Uint8Array.from([
    ...header(0, 0, 2),
    1,
    0x61,
    ...pointer(second),
    0,
    TYPE_SRV,
    0,
    1,
    ...pointer(HEADER),
    0,
    TYPE_SRV,
    0,
    1,
  ]);
}

/**
 * CVE-2006-6870 inside RDATA: a response whose PTR for `ptrOwner` points at
 * its own RDATA, and an SRV for `srvOwner` whose target does, then one sound
 * A record `good` → `address`. Framing is intact, so a decoder that reads
 * names lazily drops the two looping records alone.
 */
export function loopingRdataResponse(ptrOwner: string, srvOwner: string, good: string, address: string): Uint8Array {
  const bytes = header(0, RESPONSE, 0, 3);
  bytes.push(...name(ptrOwner), ...fixed(TYPE_PTR, 2));
  bytes.push(...pointer(bytes.length));
  bytes.push(...name(srvOwner), ...fixed(TYPE_SRV, 8), 0, 0, 0, 0, 0x1f, 0x90);
  bytes.push(...pointer(bytes.length));
  bytes.push(...name(good), ...fixed(TYPE_A, 4), ...address.split('.').map(Number));
  return Uint8Array.from(bytes);
}

/** CVE-2010-2244: a response announcing one A record whose RDLENGTH runs past the packet's end. */
export function overrunResponse(owner: string): Uint8Array {
  return Uint8Array.from([...header(0, RESPONSE, 0, 1), ...name(owner), ...fixed(TYPE_A, 200), 192, 0, 2, 1]);
}

/**
 * CVE-2010-2244: a query asking `srv` SRV whose one known answer is an A
 * record with three bytes of RDATA: the record is bad, the question sound.
 */
export function badKnownAnswerQuery(id: number, srv: string): Uint8Array {
  return Uint8Array.from([
    ...header(id, 0, 1, 1),
    ...name(srv),
    0,
    TYPE_SRV,
    0,
    1,
    ...name(srv),
    ...fixed(TYPE_A, 3),
    192,
    0,
    2,
  ]);
}

/** CVE-2010-2244: a header promising 0xffff questions, and nothing after it. */
export function countOverrunQuery(): Uint8Array {
  return Uint8Array.from([0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0]);
}

/**
 * CVE-2017-6519's amplifier: a legacy PTR query for `service` claiming a
 * 9,000-byte EDNS0 payload (RFC 6891 OPT, its class the size).
 */
export function ednsPtrQuery(id: number, service: string): Uint8Array {
  return encodePacket({
    id,
    flags: 0,
    questions: [{ name: service, type: 'PTR', class: 1 }],
    additionals: [{ name: '', type: 'OPT', class: 9000, ttl: 0, data: new Uint8Array(0) }],
  });
}

/** CVE-2011-1002: the empty datagram. */
export const EMPTY = new Uint8Array(0);

/** A TTL as long as RFC 2181 §8 allows (2^31 - 1 s), far past Node's 2^31 - 1 ms timer range. */
export const LONGEST_TTL = 0x7fffffff;

/** The self-referencing records of CVE-2026-24401 for a browse of `type` (`_loop._tcp`). */
export function selfReferences(type: string): ResourceRecord[] {
  const service = `${type}.local`;
  const self = `Self.${service}`;
  return [
    // a.local CNAME a.local, and a two-name cycle.
    { name: 'loop.local', type: 'CNAME', class: 1, ttl: 120, data: 'loop.local' },
    { name: 'ping.local', type: 'CNAME', class: 1, ttl: 120, data: 'pong.local' },
    { name: 'pong.local', type: 'CNAME', class: 1, ttl: 120, data: 'ping.local' },
    // A PTR naming itself, and an instance whose SRV targets its own name (which has no address).
    { name: service, type: 'PTR', class: 1, ttl: 4500, data: service },
    { name: service, type: 'PTR', class: 1, ttl: 4500, data: self },
    {
      name: self,
      type: 'SRV',
      class: 1,
      ttl: 120,
      cacheFlush: true,
      data: { priority: 0, weight: 0, port: 8080, target: self },
    },
    { name: self, type: 'TXT', class: 1, ttl: 4500, cacheFlush: true, data: [Buffer.from('self=1')] },
  ];
}
