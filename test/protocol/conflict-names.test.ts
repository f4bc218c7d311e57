/**
 * Names after a conflict always fit RFC 1035 (issue 9.1): the base is
 * shortened, at a UTF-8 character boundary, never the suffix.
 */
import { describe, expect, it } from 'vitest';
import { fitWithSuffix, labelRoomBefore, nextHostName, nextServiceName } from '../../src/protocol/conflict-names.js';
import { nameToLabels } from '../../src/wire/name.js';

const bytes = (s: string): number => new TextEncoder().encode(s).length;

describe('next names after a conflict', () => {
  it.each([
    ['Printer', 'Printer (2)'],
    ['Printer (2)', 'Printer (3)'],
    ['Printer (9)', 'Printer (10)'],
    ['n'.repeat(60), `${'n'.repeat(59)} (2)`],
    ['n'.repeat(63), `${'n'.repeat(59)} (2)`],
    [`${'n'.repeat(58)} (99)`, `${'n'.repeat(57)} (100)`],
    // A space left dangling before the suffix is dropped.
    [`${'n'.repeat(58)} xyz`, `${'n'.repeat(58)} (2)`],
    // 31 two-byte characters (62 bytes): 29 of them and " (2)" make 62.
    ['é'.repeat(31), `${'é'.repeat(29)} (2)`],
    // A four-byte character is never split.
    [`${'n'.repeat(57)}😀`, `${'n'.repeat(57)} (2)`],
  ])('service %j → %j, within 63 bytes', (name, next) => {
    expect(nextServiceName(name)).toBe(next);
    expect(bytes(nextServiceName(name))).toBeLessThanOrEqual(63);
  });

  it.each([
    ['host', 'host-2'],
    ['host-2', 'host-3'],
    ['h'.repeat(62), `${'h'.repeat(61)}-2`],
    ['h'.repeat(63), `${'h'.repeat(61)}-2`],
    [`${'h'.repeat(60)}-9`, `${'h'.repeat(60)}-10`],
    [`${'h'.repeat(61)}-9`, `${'h'.repeat(60)}-10`],
    // No hyphen left dangling before the suffix.
    [`${'h'.repeat(61)}-x`, `${'h'.repeat(61)}-2`],
  ])('host %j → %j, within 63 bytes', (name, next) => {
    expect(nextHostName(name)).toBe(next);
    expect(bytes(nextHostName(name))).toBeLessThanOrEqual(63);
  });

  it('leaves room for the rest of the name: the whole name stays within 255 bytes', () => {
    const parent = `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}._http._tcp.local`;
    const room = labelRoomBefore(parent);
    expect(room).toBeLessThan(63);
    const next = nextServiceName('x'.repeat(63), room);
    expect(bytes(next)).toBe(room);
    expect(() => nameToLabels(`${next}.${parent}`)).not.toThrow();
  });

  it('fitWithSuffix keeps a base that fits whole', () => {
    expect(fitWithSuffix('abc ', ' (2)', 63, /\s+$/u)).toBe('abc  (2)');
  });
});
