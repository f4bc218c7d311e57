import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireDecodeError } from '../../src/errors.js';
import { decodePacket } from '../../src/wire/decode.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { Packet, Question, ResourceRecord } from '../../src/wire/model.js';
import { typeCodeFromName } from '../../src/wire/model.js';
import { labelsToName } from '../../src/wire/name.js';

/** Labels from a small alphabet so names share suffixes and compression kicks in, plus any bytes. */
const labelArb = fc.oneof(
  fc.constantFrom('local', '_tcp', '_udp', '_http', '_ipp', 'Host', 'host', 'My Printer', 'a.b', 'x\\y'),
  fc.uint8Array({ minLength: 1, maxLength: 63 }),
);
const nameArb = fc
  .array(labelArb, { minLength: 0, maxLength: 4 })
  .map((labels) => labelsToName(labels.map((l) => (typeof l === 'string' ? Uint8Array.from(Buffer.from(l)) : l))));

// RFC 2181 §8: TTLs are 31-bit; record class 255 (ANY) is for questions only.
const base = {
  name: nameArb,
  ttl: fc.nat({ max: 0x7fffffff }),
  class: fc.constantFrom(1, 3, 254),
  cacheFlush: fc.boolean(),
};
const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6().map((address) => {
  // Normalise to the form dns-packet prints, so round-trips compare equal.
  const wire = encodePacket({ answers: [{ name: '', type: 'AAAA', ttl: 0, data: address }] });
  return (decodePacket(wire).answers[0] as { data: string }).data;
});

const recordArb: fc.Arbitrary<ResourceRecord> = fc.oneof(
  fc.record({ ...base, type: fc.constant('A' as const), data: ipv4 }),
  fc.record({ ...base, type: fc.constant('AAAA' as const), data: ipv6 }),
  fc.record({ ...base, type: fc.constant('PTR' as const), data: nameArb }),
  fc.record({ ...base, type: fc.constant('CNAME' as const), data: nameArb }),
  fc.record({
    ...base,
    type: fc.constant('SRV' as const),
    data: fc.record({
      priority: fc.nat({ max: 0xffff }),
      weight: fc.nat({ max: 0xffff }),
      port: fc.nat({ max: 0xffff }),
      target: nameArb,
    }),
  }),
  fc.record({
    ...base,
    type: fc.constant('TXT' as const),
    data: fc.array(fc.uint8Array({ maxLength: 255 }), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    ...base,
    type: fc.constant('NSEC' as const),
    data: fc.record({
      nextDomain: nameArb,
      // Bitmaps list types in code order, so generate them in that order.
      types: fc
        .uniqueArray(fc.constantFrom('A', 'NS', 'PTR', 'TXT', 'AAAA', 'SRV', 'NSEC', 'TYPE300', 'TYPE65280'))
        .map((types) => types.sort((a, b) => (typeCodeFromName(a) ?? 0) - (typeCodeFromName(b) ?? 0))),
    }),
  }),
  fc.record({
    ...base,
    type: fc.constant('UNKNOWN' as const),
    typeCode: fc.constantFrom(13, 99, 65280),
    data: fc.uint8Array({ maxLength: 40 }),
  }),
);

const questionArb: fc.Arbitrary<Question> = fc.record({
  name: nameArb,
  type: fc.constantFrom('A' as const, 'AAAA' as const, 'PTR' as const, 'SRV' as const, 'TXT' as const, 'ANY' as const),
  class: fc.constantFrom(1, 255),
  unicastResponse: fc.boolean(),
});

const packetArb: fc.Arbitrary<Packet> = fc.record({
  id: fc.nat({ max: 0xffff }),
  flags: fc.nat({ max: 0xffff }),
  questions: fc.array(questionArb, { maxLength: 3 }),
  answers: fc.array(recordArb, { maxLength: 5 }),
  authorities: fc.array(recordArb, { maxLength: 3 }),
  additionals: fc.array(recordArb, { maxLength: 3 }),
});

/** Decode, strict and lenient, must return a packet or throw a WireDecodeError, quickly; anything else fails the property. */
function decodeOrTypedError(bytes: Uint8Array): void {
  const started = performance.now();
  for (const options of [{}, { onBadRecord: (e: WireDecodeError) => expect(e).toBeInstanceOf(WireDecodeError) }]) {
    try {
      decodePacket(bytes, options);
    } catch (error) {
      if (!(error instanceof WireDecodeError)) throw error;
    }
  }
  const elapsed = performance.now() - started;
  if (elapsed > 250) throw new Error(`decoding ${bytes.length} bytes took ${elapsed.toFixed(0)} ms`);
}

describe('property-based wire tests', () => {
  it('random valid packets round-trip: decode(encode(p)) = p, and re-encoding is byte-identical', () => {
    fc.assert(
      fc.property(packetArb, (packet) => {
        const wire = encodePacket(packet);
        const decoded = decodePacket(wire);
        expect(decoded).toEqual(packet);
        expect(encodePacket(decoded).equals(wire)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes decode or raise WireDecodeError, within a bound', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => decodeOrTypedError(bytes)),
      { numRuns: 3000 },
    );
  });

  it('random bytes behind a plausible header decode or raise WireDecodeError', () => {
    const framed = fc
      .tuple(fc.array(fc.nat({ max: 6 }), { minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 400 }))
      .map(([counts, body]) => Uint8Array.from([0, 0, 0x84, 0, ...counts.flatMap((c) => [0, c]), ...body]));
    fc.assert(
      fc.property(framed, (bytes) => decodeOrTypedError(bytes)),
      { numRuns: 3000 },
    );
  });

  it('mutated valid packets decode or raise WireDecodeError, within a bound', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.constant(0) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
      fc.record({ kind: fc.constant('pointer' as const), at: fc.nat(), value: fc.nat({ max: 0x3fff }) }),
    );
    fc.assert(
      fc.property(packetArb, fc.array(mutation, { minLength: 1, maxLength: 6 }), (packet, mutations) => {
        const bytes = [...encodePacket(packet)];
        for (const m of mutations) {
          const at = m.at % Math.max(bytes.length, 1);
          if (m.kind === 'flip') bytes[at] = m.value;
          else if (m.kind === 'cut') bytes.length = at;
          else if (m.kind === 'insert') bytes.splice(at, 0, m.value);
          else bytes.splice(at, 2, 0xc0 | (m.value >> 8), m.value & 0xff);
        }
        decodeOrTypedError(Uint8Array.from(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});
