import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/wire/decode.js';
import { encodePacket, PacketBuilder } from '../../src/wire/encode.js';
import type { ResourceRecord } from '../../src/wire/model.js';
import { payloadBudget, splitPacket } from '../../src/wire/split.js';

const ptr = (i: number): ResourceRecord => ({
  name: '_http._tcp.local',
  type: 'PTR',
  ttl: 4500,
  data: `Service number ${i}._http._tcp.local`,
});
const txt = (size: number): ResourceRecord => ({
  name: 'big._http._tcp.local',
  type: 'TXT',
  ttl: 4500,
  data: Array.from({ length: Math.ceil(size / 256) }, (_, i) =>
    new Uint8Array(Math.min(255, size - i * 256)).fill(0x61),
  ),
});

describe('payload budgets', () => {
  it('derive from the MTU: 1472 for IPv4 and 1452 for IPv6 at 1500', () => {
    expect(payloadBudget(1500, 4)).toBe(1472);
    expect(payloadBudget(1500, 6)).toBe(1452);
    expect(payloadBudget(65536, 4)).toBe(9000);
    expect(() => payloadBudget(30, 4)).toThrow(expect.objectContaining({ code: 'BAD_BUDGET' }));
  });
});

describe('splitting records into packets', () => {
  it('fills packets up to the budget and never over it, keeping every record once, in order', () => {
    const records = Array.from({ length: 300 }, (_, i) => ptr(i));
    const packets = splitPacket({ flags: 0x8400, answers: records }, { budget: 1472 });
    expect(packets.length).toBeGreaterThan(3);
    for (const packet of packets) expect(packet.length).toBeLessThanOrEqual(1472);
    const decoded = packets.map((p) => decodePacket(p));
    expect(decoded.flatMap((p) => p.answers.map((r) => r.data))).toEqual(records.map((r) => r.data));
    expect(decoded.every((p) => p.flags === 0x8400)).toBe(true);
    // Full packets: adding the next record would have crossed the budget.
    for (let i = 0; i < packets.length - 1; i++) {
      const next = decoded[i + 1]?.answers[0] as ResourceRecord;
      const builder = new PacketBuilder(0, 0x8400, { budget: 1472 });
      for (const r of decoded[i]?.answers ?? []) builder.addRecord('answers', r);
      expect(builder.addRecord('answers', next)).toBe(false);
    }
  });

  it('is exact: a packet at the budget to the byte is accepted', () => {
    const one = encodePacket({ answers: [ptr(1)] }).length;
    const two = splitPacket(
      { answers: [ptr(1), ptr(2)] },
      { budget: encodePacket({ answers: [ptr(1), ptr(2)] }).length },
    );
    expect(two.length).toBe(1);
    expect(splitPacket({ answers: [ptr(1), ptr(2)] }, { budget: one }).length).toBe(2);
  });

  it('a record larger than the budget goes alone; over 9000 bytes it is refused (RFC 6762 §17)', () => {
    const packets = splitPacket({ answers: [ptr(1), txt(3000), ptr(2)] }, { budget: 1472 });
    expect(packets.map((p) => decodePacket(p).answers.map((r) => r.type))).toEqual([['PTR'], ['TXT'], ['PTR']]);
    expect(packets[1]?.length).toBeGreaterThan(3000);
    expect(() => splitPacket({ answers: [txt(9500)] }, { budget: 1472 })).toThrow(
      expect.objectContaining({ code: 'RECORD_TOO_LARGE' }),
    );
  });

  it('questions lead the first packet; known answers spill over with TC on all but the last (RFC 6762 §7.2)', () => {
    const packets = splitPacket(
      {
        questions: [{ name: '_http._tcp.local', type: 'PTR' }],
        answers: Array.from({ length: 100 }, (_, i) => ptr(i)),
      },
      { budget: 1472, truncateAllButLast: true },
    );
    const decoded = packets.map((p) => decodePacket(p));
    expect(decoded[0]?.questions.length).toBe(1);
    expect(decoded.slice(1).every((p) => p.questions.length === 0)).toBe(true);
    expect(decoded.map((p) => (p.flags & 0x0200) !== 0)).toEqual(decoded.map((_, i) => i < decoded.length - 1));
  });

  it('additionals that do not fit can be dropped instead of carried over', () => {
    const answers = Array.from({ length: 40 }, (_, i) => ptr(i));
    const additionals = Array.from({ length: 40 }, (_, i) => ptr(100 + i));
    const dropped = splitPacket({ answers, additionals }, { budget: 1472, dropAdditionalsThatDoNotFit: true });
    const carried = splitPacket({ answers, additionals }, { budget: 1472 });
    const count = (packets: Buffer[]) =>
      packets.map((p) => decodePacket(p)).reduce((n, p) => n + p.additionals.length, 0);
    expect(count(carried)).toBe(40);
    expect(count(dropped)).toBeLessThan(40);
    expect(dropped.length).toBeLessThan(carried.length);
  });
});
