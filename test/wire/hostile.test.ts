import { describe, expect, it } from 'vitest';
import type { WireDecodeErrorCode } from '../../src/errors.js';
import { WireDecodeError } from '../../src/errors.js';
import { thrown } from '../helpers/errors.js';
import { decodePacket } from '../../src/wire/decode.js';
import { encodePacket } from '../../src/wire/encode.js';

/** Header with the given counts. */
function header(qd: number, an = 0, ns = 0, ar = 0): number[] {
  return [0, 0, 0x84, 0, qd >> 8, qd & 0xff, an >> 8, an & 0xff, ns >> 8, ns & 0xff, ar >> 8, ar & 0xff];
}

/** Record fields after the owner name: type, class IN, TTL 120, RDLENGTH. */
function rrFields(type: number, rdlength: number): number[] {
  return [type >> 8, type & 0xff, 0, 1, 0, 0, 0, 120, rdlength >> 8, rdlength & 0xff];
}

const label = (text: string): number[] => [text.length, ...Buffer.from(text)];

const decodeError = (bytes: number[] | Uint8Array): WireDecodeError =>
  thrown(WireDecodeError, () => decodePacket(Uint8Array.from(bytes)));

function expectCode(bytes: number[] | Uint8Array, code: WireDecodeErrorCode): void {
  const started = performance.now();
  const error = decodeError(bytes);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/at byte \d+/);
  // Correctness, not speed: a hang would show up as a test timeout long before this.
  expect(performance.now() - started).toBeLessThan(1000);
}

describe('hostile input: typed errors, never hangs', () => {
  it('empty packet', () => {
    expectCode([], 'EMPTY_PACKET');
  });

  it('header cut short', () => {
    expectCode([0, 0, 0], 'TRUNCATED');
  });

  it('section counts larger than the packet are refused before any allocation', () => {
    expectCode([...header(0xffff, 0xffff, 0xffff, 0xffff), 0], 'COUNT_OVERRUN');
    expectCode([...header(0, 2), 0, ...rrFields(1, 0)], 'COUNT_OVERRUN');
  });

  it('compression pointer to itself', () => {
    expectCode([...header(1), 0xc0, 12, 0, 1, 0, 1], 'POINTER_LOOP');
  });

  it('compression pointer loop between two names', () => {
    // Question 1 at 12: label "a" then pointer to 20 (forward); question 2 at 20 points back to 12.
    expectCode([...header(2), ...label('a'), 0xc0, 20, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1], 'POINTER_LOOP');
  });

  it('forward pointer', () => {
    expectCode([...header(1), 0xc0, 18, 0, 1, 0, 1, 0], 'POINTER_LOOP');
  });

  it('long backward pointer chain', () => {
    // Answer 1 carries, as opaque RDATA, a root byte followed by 200 pointers,
    // each to the one before; answer 2's owner name is a pointer to the last.
    const rdataStart = 12 + 1 + 10;
    const chain = [0];
    for (let i = 0; i < 200; i++) {
      const previous = rdataStart + (i === 0 ? 0 : 1 + 2 * (i - 1));
      chain.push(0xc0 | (previous >> 8), previous & 0xff);
    }
    const last = rdataStart + chain.length - 2;
    const bytes = [
      ...header(0, 2),
      0,
      ...rrFields(0xff00, chain.length),
      ...chain,
      0xc0 | (last >> 8),
      last & 0xff,
      ...rrFields(1, 4),
      192,
      0,
      2,
      1,
    ];
    expectCode(bytes, 'POINTER_CHAIN_TOO_LONG');
    // The same chain cut to 100 pointers is legal and decodes to the root name.
    const short = chain.slice(0, 1 + 2 * 100);
    const shortLast = rdataStart + short.length - 2;
    const ok = [
      ...header(0, 2),
      0,
      ...rrFields(0xff00, short.length),
      ...short,
      0xc0 | (shortLast >> 8),
      shortLast & 0xff,
      ...rrFields(1, 4),
      192,
      0,
      2,
      1,
    ];
    expect(decodePacket(Uint8Array.from(ok)).answers[1]).toMatchObject({ name: '', type: 'A', data: '192.0.2.1' });
  });

  it('label length over 63 (extended label type)', () => {
    expectCode([...header(1), 64, ...new Array(64).fill(0x61), 0, 0, 1, 0, 1], 'LABEL_TOO_LONG');
  });

  it('reserved label type 0x80', () => {
    expectCode([...header(1), 0x80, 0, 1, 0, 1], 'BAD_LABEL_TYPE');
  });

  it('name over 255 bytes, spelled out', () => {
    const name: number[] = [];
    for (let i = 0; i < 5; i++) name.push(...label('x'.repeat(63)));
    expectCode([...header(1), ...name, 0, 0, 1, 0, 1], 'NAME_TOO_LONG');
  });

  it('name over 255 bytes, built from pointers to shorter names', () => {
    // q1: 3 labels of 63 (193 bytes with root), q2: one more label of 63 + pointer to q1 → 257.
    const q1 = [...label('a'.repeat(63)), ...label('b'.repeat(63)), ...label('c'.repeat(63)), 0];
    const q2 = [...label('d'.repeat(63)), 0xc0, 12];
    expectCode([...header(2), ...q1, 0, 1, 0, 1, ...q2, 0, 1, 0, 1], 'NAME_TOO_LONG');
  });

  it('label running past the end', () => {
    expectCode([...header(1), 10, 0x61, 0x62, 0, 0, 0], 'TRUNCATED');
  });

  it('RDLENGTH overrun', () => {
    expectCode([...header(0, 1), 0, ...rrFields(1, 200), 192, 0, 2, 1], 'RDLENGTH_OVERRUN');
  });

  it('RDATA that does not match its type', () => {
    expectCode([...header(0, 1), 0, ...rrFields(1, 3), 192, 0, 2], 'BAD_RDATA');
    // PTR whose name runs past RDLENGTH.
    expectCode([...header(0, 1), 0, ...rrFields(12, 2), ...label('abc'), 0], 'BAD_RDATA');
    // TXT string longer than its record.
    expectCode([...header(0, 1), 0, ...rrFields(16, 2), 5, 0x61], 'BAD_RDATA');
  });

  it('bad NSEC bitmaps', () => {
    const nsec = (bitmaps: number[]): number[] => [
      ...header(0, 1),
      0,
      ...rrFields(47, 1 + bitmaps.length),
      0,
      ...bitmaps,
    ];
    expectCode(nsec([0, 0]), 'BAD_NSEC_BITMAP'); // length 0
    expectCode(nsec([0, 33, ...new Array(33).fill(0xff)]), 'BAD_NSEC_BITMAP'); // length 33
    expectCode(nsec([1, 1, 0x40, 0, 1, 0x40]), 'BAD_NSEC_BITMAP'); // windows out of order
    expectCode(nsec([0, 1, 0x40, 0, 1, 0x40]), 'BAD_NSEC_BITMAP'); // repeated window
    expectCode(nsec([0, 4, 0x40]), 'BAD_NSEC_BITMAP'); // bitmap overruns the record
    expectCode(nsec([0]), 'BAD_NSEC_BITMAP'); // block header cut short
  });

  it('with onBadRecord, malformed RDATA drops only its record; broken framing still fails the packet', () => {
    const good = [0, ...rrFields(1, 4), 192, 0, 2, 1];
    const badNsec = [0, ...rrFields(47, 3), 0, 0, 0];
    const loopingPtr = [0, ...rrFields(12, 2), 0xc0, 0x7f];
    const dropped: string[] = [];
    const packet = decodePacket(Uint8Array.from([...header(0, 4), ...good, ...badNsec, ...loopingPtr, ...good]), {
      onBadRecord: (e) => dropped.push(e.code),
    });
    expect(dropped).toEqual(['BAD_NSEC_BITMAP', 'POINTER_LOOP']);
    expect(packet.answers.map((r) => r.type)).toEqual(['A', 'A']);
    const overrun = [...header(0, 2), ...good, 0, ...rrFields(1, 40), 1, 2];
    expect(() => decodePacket(Uint8Array.from(overrun), { onBadRecord: () => undefined })).toThrow(
      expect.objectContaining({ code: 'RDLENGTH_OVERRUN' }),
    );
  });

  it('packets over 9000 bytes (RFC 6762 §17)', () => {
    expectCode(new Uint8Array(9001), 'PACKET_TOO_LARGE');
  });

  it('a name that is only a UTF-8 byte-order mark is not mistaken for the root, nor for the next label', () => {
    const bom = [3, 0xef, 0xbb, 0xbf];
    const packet = decodePacket(
      Uint8Array.from([...header(2), ...bom, 0, 0, 1, 0, 1, 1, 0x61, ...bom, ...label('local'), 0, 0, 1, 0, 1]),
    );
    expect(packet.questions.map((q) => q.name)).toEqual(['\uFEFF', 'a.\uFEFF.local']);
  });

  it('a pointer flood to a maximal name is decoded once, not once per pointer', () => {
    // 127 one-byte labels (255 bytes) then as many questions as fit pointing at it.
    const long = [...new Array(127).fill([1, 1]).flat(), 0];
    const count = Math.floor((9000 - 12 - long.length - 4) / 6);
    const bytes = [...header(count + 1), ...long, 0, 1, 0, 1];
    for (let i = 0; i < count; i++) bytes.push(0xc0, 12, 0, 1, 0, 1);
    expect(bytes.length).toBeLessThanOrEqual(9000);
    const packet = decodePacket(Uint8Array.from(bytes));
    expect(packet.questions).toHaveLength(count + 1);
    expect(new Set(packet.questions.map((q) => q.name)).size).toBe(1);
  });

  it('names inside raw RDATA of MX/NS/SOA are checked like any name', () => {
    expectCode([...header(0, 1), 0, ...rrFields(2, 2), 0xc0, 0x7f], 'POINTER_LOOP'); // NS
    expectCode([...header(0, 1), 0, ...rrFields(15, 3), 0, 10, 1, 0x61, 0], 'BAD_RDATA'); // MX exchange runs past RDLENGTH
    expectCode([...header(0, 1), 0, ...rrFields(6, 4), 0, 0, 0, 0], 'TRUNCATED'); // SOA without its 20 fixed bytes
  });

  it('accepts what is odd but legal: zero-length TXT from old peers, trailing bytes', () => {
    const packet = decodePacket(Uint8Array.from([...header(0, 1), 0, ...rrFields(16, 0), 0xde, 0xad]));
    expect(packet.answers[0]).toMatchObject({ type: 'TXT', data: [] });
  });

  it('a large packet full of maximal names decodes in bounded time', () => {
    // 8,000-byte packet: one long name, then hundreds of questions pointing at it.
    const long = [
      ...label('a'.repeat(63)),
      ...label('b'.repeat(63)),
      ...label('c'.repeat(63)),
      ...label('d'.repeat(61)),
      0,
    ];
    const count = Math.floor((8000 - 12 - long.length - 4) / 6);
    const bytes = [...header(count + 1), ...long, 0, 1, 0, 1];
    for (let i = 0; i < count; i++) bytes.push(0xc0, 12, 0, 1, 0, 1);
    const started = performance.now();
    const packet = decodePacket(Uint8Array.from(bytes));
    expect(packet.questions.length).toBe(count + 1);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a packet we encode is never refused by our decoder', () => {
    const wire = encodePacket({ questions: [{ name: 'a.local', type: 'ANY', unicastResponse: true }] });
    expect(decodePacket(wire).questions[0]).toMatchObject({ name: 'a.local', type: 'ANY', unicastResponse: true });
  });
});
