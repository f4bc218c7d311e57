/**
 * Work done once per name or record instead of once per packet (issue 10):
 * the plain-ASCII path of nameKey agrees with the full one, and the owner
 * and RDATA names an encoder keeps per record object follow that object
 * when its fields are changed in place.
 */
import { describe, expect, it } from 'vitest';
import {
  decodePacket,
  encodePacket,
  labelsToName,
  nameKey,
  nameToLabels,
  type ResourceRecord,
} from '../../src/wire/index.js';

/** nameKey through the general path: labels, each folded and formatted. */
function slowKey(name: string): string {
  return labelsToName(nameToLabels(name).map((label) => label.map((b) => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b))));
}

describe('nameKey', () => {
  const names = [
    'Svc-1._Bench._TCP.local',
    'svc-1._bench._tcp.local.',
    'My Printer._ipp._tcp.local',
    'a'.repeat(63) + '.local',
    `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(61)}`,
    'x',
    'Tilde~And`Quote.local',
    'Caf\u00e9.local',
    'Dot\\.Inside.local',
    'Back\\\\slash.local',
    'Byte\\007.local',
  ];
  it.each(names)('agrees with the label-by-label key for %j', (name) => {
    expect(nameKey(name)).toBe(slowKey(name));
  });

  it('still refuses what the full parser refuses', () => {
    expect(() => nameKey(`${'a'.repeat(64)}.local`)).toThrow(/63-byte/);
    expect(() => nameKey('a..local')).toThrow(/empty label/);
    expect(() => nameKey(`${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(62)}`)).toThrow(
      /255|long/i,
    );
  });

  it('folds ASCII letters only', () => {
    expect(nameKey('ÀB.Local')).toBe('Àb.local');
  });
});

describe('names prepared per record', () => {
  it('a record whose name or target changes in place is written with the new ones', () => {
    const record: ResourceRecord = {
      name: 'one.local',
      type: 'SRV',
      class: 1,
      ttl: 120,
      data: { priority: 0, weight: 0, port: 80, target: 'host-a.local' },
    };
    const first = decodePacket(encodePacket({ flags: 0x8400, answers: [record] }));
    expect(first.answers[0]).toMatchObject({ name: 'one.local', data: { target: 'host-a.local' } });
    record.name = 'two.local';
    if (record.type === 'SRV') record.data = { ...record.data, target: 'host-b.local' };
    const second = decodePacket(encodePacket({ flags: 0x8400, answers: [record] }));
    expect(second.answers[0]).toMatchObject({ name: 'two.local', data: { target: 'host-b.local' } });
  });

  it('a PTR keeps its target per record object', () => {
    const ptr: ResourceRecord = {
      name: '_http._tcp.local',
      type: 'PTR',
      class: 1,
      ttl: 120,
      data: 'a._http._tcp.local',
    };
    const other: ResourceRecord = { ...ptr, data: 'b._http._tcp.local' };
    const decoded = decodePacket(encodePacket({ flags: 0x8400, answers: [ptr, other, ptr] }));
    expect(decoded.answers.map((r) => r.data)).toEqual([
      'a._http._tcp.local',
      'b._http._tcp.local',
      'a._http._tcp.local',
    ]);
  });

  it('NSEC bitmaps of a frozen type list are reused, of a mutable one recomputed', () => {
    const types = ['A', 'TXT'];
    const nsec: ResourceRecord = {
      name: 'h.local',
      type: 'NSEC',
      class: 1,
      ttl: 120,
      data: { nextDomain: 'h.local', types },
    };
    expect(
      (decodePacket(encodePacket({ flags: 0x8400, answers: [nsec] })).answers[0]?.data as { types: readonly string[] })
        .types,
    ).toEqual(['A', 'TXT']);
    types.push('SRV');
    expect(
      (decodePacket(encodePacket({ flags: 0x8400, answers: [nsec] })).answers[0]?.data as { types: readonly string[] })
        .types,
    ).toEqual(['A', 'TXT', 'SRV']);
  });
});
