import { BlockList, isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../src/wire/address.js';

const hex = (text: string): string | undefined => {
  const bytes = parseIPv6(text);
  return bytes && Buffer.from(bytes).toString('hex');
};

describe('IPv6 addresses for AAAA records', () => {
  it('parses every RFC 4291 §2.2 form', () => {
    expect(hex('fe80::1')).toBe('fe800000000000000000000000000001');
    expect(hex('::2:3:4:5:6:7:8')).toBe('00000002000300040005000600070008');
    expect(hex('1:2:3:4:5:6:7::')).toBe('00010002000300040005000600070000');
    expect(hex('::')).toBe('0'.repeat(32));
    expect(hex('2001:DB8:0:0:8:800:200C:417A')).toBe('20010db80000000000080800200c417a');
    // IPv4-compatible and IPv4-mapped stay distinct.
    expect(hex('::1.2.3.4')).toBe(`${'0'.repeat(24)}01020304`);
    expect(hex('::ffff:1.2.3.4')).toBe(`${'0'.repeat(20)}ffff01020304`);
    expect(hex('64:ff9b::192.0.2.33')).toBe('0064ff9b0000000000000000c0000221');
  });

  it('refuses what is not an address', () => {
    for (const bad of [
      '',
      ':',
      ':::',
      '1::2::3',
      '12345::',
      'fe80::1%eth0',
      '::ffff:0x7f.1.1.1',
      '::1.2.3',
      '::256.1.1.1',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      'g::1',
      '1.2.3.4::',
    ]) {
      expect(parseIPv6(bad), bad).toBeUndefined();
    }
  });

  it('formats per RFC 5952: longest zero run, first on a tie, never a single group, mapped as dotted quad', () => {
    const text = (h: string) => formatIPv6(Uint8Array.from(Buffer.from(h, 'hex')));
    expect(text('20010db8000000000000000000000001')).toBe('2001:db8::1');
    expect(text('20010db8000000010001000100010001')).toBe('2001:db8:0:1:1:1:1:1');
    expect(text('20010db8000000000001000000000001')).toBe('2001:db8::1:0:0:1');
    expect(text('00000002000300040005000600070008')).toBe('0:2:3:4:5:6:7:8');
    expect(text('0'.repeat(32))).toBe('::');
    expect(text(`${'0'.repeat(20)}ffff01020304`)).toBe('::ffff:1.2.3.4');
  });

  it('any 16 bytes round-trip through text, and Node (inet_pton) reads the text as the same address', () => {
    const full = (bytes: Uint8Array): string =>
      Buffer.from(bytes)
        .toString('hex')
        .replace(/(.{4})(?!$)/g, '$1:');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatIPv6(bytes);
        expect(parseIPv6(text)).toEqual(bytes);
        const exact = new BlockList();
        exact.addAddress(full(bytes), 'ipv6');
        expect(exact.check(text, 'ipv6')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('IPv6 text Node would accept', () => {
  it('is exactly the zone-less text parseIPv6 accepts (net.isIPv6)', () => {
    const hex = fc.stringMatching(/^[0-9a-fA-F]{1,4}$/);
    const quad = fc.oneof(
      fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((octets) => octets.join('.')),
      fc.constantFrom('1.2.3', '256.1.1.1', '01.2.3.4', '1.2.3.4.5'),
    );
    const group = fc.oneof({ arbitrary: hex, weight: 12 }, fc.constantFrom('', 'g', '12345', '00000'), {
      arbitrary: quad,
      weight: 1,
    });
    const tail = fc.option(quad, { nil: undefined });
    const candidate = fc.oneof(
      fc
        .tuple(fc.array(group, { minLength: 5, maxLength: 9 }), tail)
        .map(([groups, v4]) => [...groups, ...(v4 ? [v4] : [])].join(':')),
      fc
        .tuple(fc.array(group, { maxLength: 7 }), fc.array(group, { maxLength: 7 }), tail)
        .map(([l, r, v4]) => `${l.join(':')}::${[...r, ...(v4 ? [v4] : [])].join(':')}`),
      fc.string({ unit: fc.constantFrom('0', '1', 'f', ':', '.'), maxLength: 20 }),
    );
    fc.assert(
      fc.property(candidate, (text) => {
        expect(parseIPv6(text) !== undefined, text).toBe(isIPv6(text));
      }),
      { numRuns: 10000 },
    );
  });
});

describe('IPv4 addresses for A records', () => {
  it.each([
    ['0.0.0.0', [0, 0, 0, 0]],
    ['192.0.2.1', [192, 0, 2, 1]],
    ['255.255.255.255', [255, 255, 255, 255]],
    ['10.0.0.10', [10, 0, 0, 10]],
    ['199.249.100.250', [199, 249, 100, 250]],
  ])('parses %s', (text, octets) => {
    expect(parseIPv4(text)).toEqual(Uint8Array.from(octets));
    expect(formatIPv4(Uint8Array.from(octets))).toBe(text);
  });

  // What ipaddr.js's isValidFourPartDecimal refused, which the A encoder used before: anything but four plain decimal octets.
  it.each([
    '',
    '1',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.',
    '.1.2.3',
    '1..2.3',
    '256.0.0.1',
    '1.2.3.256',
    '1.2.3.300',
    '999.1.1.1',
    '01.2.3.4',
    '1.2.3.04',
    '00.0.0.0',
    '0x7f.0.0.1',
    '0x1.2.3.4',
    '017.0.0.1',
    '127.1',
    '2130706433',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1.2.3.4\n',
    '+1.2.3.4',
    '1.2.3.-4',
    '1.2.3.4/24',
    '1.2.3.4%eth0',
    '::1',
    '::ffff:1.2.3.4',
    '١.٢.٣.٤',
    '1e2.0.0.1',
    '1.2.3.4.',
    'a.b.c.d',
  ])('refuses %j', (text) => {
    expect(parseIPv4(text)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(parseIPv4(undefined as unknown as string)).toBeUndefined();
    expect(parseIPv4(16909060 as unknown as string)).toBeUndefined();
  });

  it('any 4 bytes round-trip through text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (bytes) => {
        expect(parseIPv4(formatIPv4(bytes))).toEqual(bytes);
      }),
    );
  });

  it('accepts exactly what Node accepts as IPv4 text (net.isIPv4: strict dotted decimal)', () => {
    const octet = fc.oneof(
      fc.integer({ min: 0, max: 300 }).map(String),
      fc.stringMatching(/^[0-9]{1,4}$/),
      fc.constantFrom('', 'x', '0x1', '-1'),
    );
    const candidate = fc.oneof(
      fc.array(octet, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')),
      fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', '.'), maxLength: 16 }),
    );
    fc.assert(
      fc.property(candidate, (text) => {
        expect(parseIPv4(text) !== undefined, text).toBe(isIPv4(text));
      }),
      { numRuns: 5000 },
    );
  });
});
