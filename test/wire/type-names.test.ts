/**
 * Issue 10: the RR TYPE mnemonic table, once dns-packet's `types.js`, is
 * boaster's own (src/wire/model.ts). It must name exactly what dns-packet
 * named, so decoded NSEC type lists read the same as before; dns-packet
 * stays a development dependency, the reference here.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  decodePacket,
  encodePacket,
  knownTypeOf,
  TYPE_CODES,
  typeCodeFromName,
  typeCodeOf,
  typeName,
} from '../../src/wire/index.js';

/** dns-packet's type table (CommonJS, no published typings). */
const dnsTypes = createRequire(import.meta.url)('dns-packet/types.js') as {
  toString(code: number): string;
  toType(name: string): number;
};

describe('RR TYPE names', () => {
  it.each<[number, string]>([
    [1, 'A'],
    [2, 'NS'],
    [5, 'CNAME'],
    [6, 'SOA'],
    [12, 'PTR'],
    [13, 'HINFO'],
    [15, 'MX'],
    [16, 'TXT'],
    [28, 'AAAA'],
    [33, 'SRV'],
    [35, 'NAPTR'],
    [41, 'OPT'],
    [43, 'DS'],
    [46, 'RRSIG'],
    [47, 'NSEC'],
    [48, 'DNSKEY'],
    [50, 'NSEC3'],
    [250, 'TSIG'],
    [255, 'ANY'],
    [257, 'CAA'],
    [32769, 'DLV'],
  ])('%i is %s, and back', (code, name) => {
    expect(typeName(code)).toBe(name);
    expect(typeCodeFromName(name)).toBe(code);
    expect(typeCodeFromName(name.toLowerCase())).toBe(code);
  });

  it('names codes without a mnemonic TYPEnnn (RFC 3597 §5), and reads that back', () => {
    for (const code of [0, 3, 4, 65, 64, 256, 1234, 65280, 65535]) {
      expect(typeName(code)).toBe(`TYPE${code}`);
      expect(typeCodeFromName(`TYPE${code}`)).toBe(code);
      expect(typeCodeFromName(`type${code}`)).toBe(code);
    }
  });

  it('reads "*" as ANY and the older UNKNOWN_<code> spelling', () => {
    expect(typeCodeFromName('*')).toBe(255);
    expect(typeCodeFromName('UNKNOWN_65')).toBe(65);
    expect(typeCodeFromName('unknown_1234')).toBe(1234);
  });

  it.each([
    '',
    'NOPE',
    'TYPE',
    'TYPE65536',
    'TYPE123456',
    'TYPE-1',
    'TYPE 1',
    'A ',
    'UNKNOWN_',
    'UNKNOWN_0',
    'UNKNOWN_x',
    'UNKNOWN_65536',
    'UNKNOWN_-5',
  ])('knows no type %j', (name) => {
    expect(typeCodeFromName(name)).toBeUndefined();
  });

  it('names every code exactly as dns-packet did', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const theirs = dnsTypes.toString(code);
      expect(typeName(code)).toBe(theirs.startsWith('UNKNOWN_') ? `TYPE${code}` : theirs);
    }
  });

  it('reads every mnemonic dns-packet read, to the same code', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const name = dnsTypes.toString(code);
      if (!name.startsWith('UNKNOWN_')) expect(typeCodeFromName(name)).toBe(dnsTypes.toType(name));
    }
    expect(typeCodeFromName('*')).toBe(dnsTypes.toType('*'));
  });

  it('keeps the modelled types and their codes', () => {
    expect(TYPE_CODES).toEqual({ A: 1, CNAME: 5, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, NSEC: 47, ANY: 255 });
    expect(knownTypeOf(28)).toBe('AAAA');
    expect(knownTypeOf(13)).toBeUndefined();
    expect(typeCodeOf({ name: 'x.local', type: 'UNKNOWN', typeCode: 13 })).toBe(13);
    expect(typeCodeOf({ name: 'x.local', type: 'SRV' })).toBe(33);
  });

  it('reads NSEC bitmaps with these names', () => {
    const types = ['A', 'HINFO', 'TXT', 'AAAA', 'SRV', 'CAA', 'TYPE1234', 'TA']; // ascending, as bitmaps list them
    const packet = decodePacket(
      encodePacket({ answers: [{ name: 'x.local', type: 'NSEC', ttl: 120, data: { nextDomain: 'x.local', types } }] }),
    );
    expect(packet.answers[0]?.data).toEqual({ nextDomain: 'x.local', types });
  });
});
