import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { formatIPv6, parseIPv6 } from '../../src/wire/address.js';

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
    for (const bad of ['', ':', ':::', '1::2::3', '12345::', 'fe80::1%eth0', '::ffff:0x7f.1.1.1', '::1.2.3', '::256.1.1.1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::1', '1.2.3.4::']) {
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

  it('any 16 bytes round-trip through text, and agree with ipaddr.js', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatIPv6(bytes);
        expect(parseIPv6(text)).toEqual(bytes);
        expect(ipaddr.IPv6.parse(text).toByteArray()).toEqual([...bytes]);
      }),
      { numRuns: 2000 },
    );
  });
});
