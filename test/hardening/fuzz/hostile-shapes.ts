/**
 * Hand-crafted hostile packets, the shapes behind avahi's CVE history and
 * the limits of RFC 1035 §4.1 and RFC 6762 §17/§18: compression loops and
 * long pointer chains (CVE-2006-6870), counts past the data, labels past 63
 * bytes, names past 255, empty packets (CVE-2011-1002), zero-length and
 * lying RDATA, huge TXT, packets over 9000 bytes, 1,000-question queries,
 * sections past MAX_RECORDS_PER_SECTION, other opcodes and rcodes,
 * self-referencing records (CVE-2026-24401), and EDNS0 claims of a huge
 * payload (amplification).
 */
import { encodePacket } from '../../../src/wire/encode.js';
import type { ResourceRecord } from '../../../src/wire/model.js';
import { RawWriter } from './raw-writer.js';
import { randomName, randomQuestion, randomRecord } from './records.js';
import { onLinkArrival, randomArrival } from './sources.js';
import type { Generator } from './fuzz-packet.js';
import type { Prng } from './prng.js';

const TYPE_A = 1;
const TYPE_PTR = 12;
const TYPE_TXT = 16;
const TYPE_SRV = 33;

type Shape =
  | 'selfPointer'
  | 'pointerPair'
  | 'pointerChain'
  | 'countsPastData'
  | 'longLabel'
  | 'longName'
  | 'empty'
  | 'zeroRdata'
  | 'rdlengthPastEnd'
  | 'hugeTxt'
  | 'over9000'
  | 'manyQuestions'
  | 'manyAnswers'
  | 'opcode'
  | 'rcode'
  | 'selfReference'
  | 'ednsHuge';

function selfPointer(): Uint8Array {
  // Question name at 12 is a pointer to 12.
  return new RawWriter().header(0, 1, 0).pointer(12).question(TYPE_A).finish();
}

function pointerPair(): Uint8Array {
  // Name at 12 points to 14, name at 14 points to 12.
  return new RawWriter().header(0, 2, 0).pointer(14).pointer(12).question(TYPE_A).finish();
}

function pointerChain(rng: Prng): Uint8Array {
  // A label, then a chain of pointers each to the one before: past MAX_COMPRESSION_JUMPS when long.
  const w = new RawWriter().header(0x8400, 1, 0).label('a').u8(0);
  const hops = rng.range(100, 400);
  let previous = 12;
  const start = w.length;
  for (let i = 0; i < hops; i++) {
    const at = start + 2 * i;
    w.pointer(previous);
    previous = at;
  }
  // The answer's owner name is the last pointer.
  w.pointer(previous).record(TYPE_A, 1, 120, Uint8Array.of(192, 0, 2, 5));
  return w.finish();
}

function countsPastData(rng: Prng): Uint8Array {
  const w = new RawWriter().header(rng.pick([0, 0x8400]), 0xffff, rng.pick([0, 0xffff]), 0, rng.int(3));
  w.name('x', 'local').question(TYPE_A);
  return w.finish();
}

function longLabel(rng: Prng): Uint8Array {
  // A length byte of 64..191: past 63 (RFC 1035 §2.3.4), or the reserved 0x40/0x80 label types.
  const n = rng.range(64, 191);
  const w = new RawWriter().header(0, 1, 0);
  w.label(new Uint8Array(Math.min(n, 63)).fill(0x61), n)
    .u8(0)
    .question(TYPE_A);
  return w.finish();
}

function longName(rng: Prng): Uint8Array {
  // Five 63-byte labels: 321 bytes, past 255.
  const w = new RawWriter().header(rng.pick([0, 0x8400]), 1, 0);
  for (let i = 0; i < rng.range(5, 8); i++) w.label('b'.repeat(63));
  w.u8(0).question(TYPE_PTR);
  return w.finish();
}

function zeroRdata(rng: Prng): Uint8Array {
  const type = rng.pick([TYPE_A, TYPE_PTR, TYPE_TXT, TYPE_SRV, 28, 47]);
  return new RawWriter().header(0x8400, 0, 1).name('z', 'local').record(type, 0x8001, 120, new Uint8Array(0)).finish();
}

function rdlengthPastEnd(rng: Prng): Uint8Array {
  return new RawWriter()
    .header(0x8400, 0, 1)
    .name('r', 'local')
    .record(TYPE_TXT, 1, 4500, Uint8Array.of(3, 0x61, 0x62, 0x63), rng.range(5, 0xffff))
    .finish();
}

function hugeTxt(rng: Prng): Uint8Array {
  const strings = Array.from({ length: rng.range(20, 34) }, () => rng.bytes(255));
  const record: ResourceRecord = {
    name: randomName(rng),
    type: 'TXT',
    class: 1,
    cacheFlush: true,
    ttl: 4500,
    data: strings,
  };
  try {
    return encodePacket({ id: 0, flags: 0x8400, answers: [record] });
  } catch {
    return encodePacket({ id: 0, flags: 0x8400, answers: [{ ...record, data: strings.slice(0, 20) }] });
  }
}

function over9000(rng: Prng): Uint8Array {
  // A valid response of ~8900 bytes, padded past 9000 with trailing junk.
  const base = hugeTxt(rng);
  const out = new Uint8Array(rng.range(9001, 9600));
  out.set(base.subarray(0, Math.min(base.length, out.length)));
  return out;
}

function manyQuestions(rng: Prng): Uint8Array {
  const w = new RawWriter().header(0, 1000, 0);
  w.name('q0', 'local').question(TYPE_A);
  // Every further question a pointer to the first name, as a flood would pack them.
  for (let i = 1; i < 1000; i++) w.pointer(12).question(rng.pick([TYPE_A, TYPE_PTR, TYPE_SRV, 255]), 0x8001);
  return w.finish();
}

function manyAnswers(rng: Prng): Uint8Array {
  const n = rng.range(601, 800);
  const w = new RawWriter().header(0x8400, 0, n);
  w.name(`m${rng.int(1000)}`, 'local').record(TYPE_A, 1, 120, Uint8Array.of(192, 0, 2, 1));
  for (let i = 1; i < n; i++) w.pointer(12).record(TYPE_A, 1, 120, Uint8Array.of(192, 0, 2, i & 0xff));
  return w.finish();
}

function withFlags(rng: Prng, flags: number): Uint8Array {
  const name = randomName(rng);
  return encodePacket({ id: 0, flags, questions: [randomQuestion(rng, name)], answers: [randomRecord(rng, name)] });
}

function selfReference(rng: Prng): Uint8Array {
  // A PTR, CNAME or SRV whose target is its own name (CVE-2026-24401's loop).
  const name = randomName(rng);
  const records: ResourceRecord[] = [
    { name, type: 'CNAME', class: 1, ttl: 120, data: name },
    { name, type: 'PTR', class: 1, ttl: 4500, data: name },
    {
      name,
      type: 'SRV',
      class: 1,
      ttl: 120,
      cacheFlush: true,
      data: { priority: 0, weight: 0, port: 1, target: name },
    },
  ];
  return encodePacket({ id: 0, flags: 0x8400, answers: records });
}

function ednsHuge(rng: Prng): Uint8Array {
  const opt: ResourceRecord = {
    name: '',
    type: 'OPT',
    class: rng.pick([512, 1440, 4096, 9000, 65535]),
    ttl: 0,
    data: new Uint8Array(0),
  };
  return encodePacket({
    id: rng.int(65536),
    flags: 0,
    questions: [randomQuestion(rng, randomName(rng), false)],
    additionals: [opt],
  });
}

/** One hostile shape, from a random source (an on-link one half the time, so more of them get past the transport). */
export const hostileShape: Generator = (rng) => {
  const shape = rng.weighted<Shape>({
    selfPointer: 8,
    pointerPair: 6,
    pointerChain: 6,
    countsPastData: 8,
    longLabel: 6,
    longName: 6,
    empty: 4,
    zeroRdata: 8,
    rdlengthPastEnd: 6,
    hugeTxt: 3,
    over9000: 2,
    manyQuestions: 3,
    manyAnswers: 2,
    opcode: 5,
    rcode: 5,
    selfReference: 6,
    ednsHuge: 6,
  });
  const data = ((): Uint8Array => {
    switch (shape) {
      case 'selfPointer':
        return selfPointer();
      case 'pointerPair':
        return pointerPair();
      case 'pointerChain':
        return pointerChain(rng);
      case 'countsPastData':
        return countsPastData(rng);
      case 'longLabel':
        return longLabel(rng);
      case 'longName':
        return longName(rng);
      case 'empty':
        return new Uint8Array(0);
      case 'zeroRdata':
        return zeroRdata(rng);
      case 'rdlengthPastEnd':
        return rdlengthPastEnd(rng);
      case 'hugeTxt':
        return hugeTxt(rng);
      case 'over9000':
        return over9000(rng);
      case 'manyQuestions':
        return manyQuestions(rng);
      case 'manyAnswers':
        return manyAnswers(rng);
      case 'opcode':
        return withFlags(rng, rng.range(1, 15) << 11);
      case 'rcode':
        return withFlags(rng, 0x8400 | rng.range(1, 15));
      case 'selfReference':
        return selfReference(rng);
      case 'ednsHuge':
        return ednsHuge(rng);
    }
  })();
  return [
    { data, arrival: rng.chance(0.5) ? onLinkArrival(rng, rng.chance(0.2) ? 40000 : undefined) : randomArrival(rng) },
  ];
};
