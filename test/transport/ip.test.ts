/**
 * Issue 10: the transport's address arithmetic, once ipaddr.js's, is
 * boaster's own (src/transport/ip.ts). Tables of valid and invalid forms,
 * mapped addresses, ranges, masks, CIDRs, subnet matching at odd prefix
 * lengths and IPv4 broadcast; subnet matching is also checked against
 * Node's own BlockList.
 */
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IpAddress, IpRange } from '../../src/transport/ip.js';
import {
  formatIp,
  inPrefix,
  ipRange,
  ipv4Broadcast,
  isIPv4Mapped,
  parseCidr,
  parseIp,
  prefixLengthOfMask,
  unmapIPv4,
} from '../../src/transport/ip.js';

/** Parse text the test knows is an address. */
const ip = (text: string): IpAddress => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`test address ${text} does not parse`);
  return parsed;
};
const hex = (address: IpAddress | undefined): string | undefined =>
  address && Buffer.from(address.bytes).toString('hex');

describe('parsing addresses', () => {
  it.each<[string, 4 | 6, string]>([
    ['192.0.2.1', 4, 'c0000201'],
    ['0.0.0.0', 4, '00000000'],
    ['255.255.255.255', 4, 'ffffffff'],
    // RFC 4291 §2.2 form 1: eight groups, leading zeros optional, any case.
    ['2001:DB8:0:0:8:800:200C:417A', 6, '20010db80000000000080800200c417a'],
    ['2001:0db8:0000:0000:0008:0800:200c:417a', 6, '20010db80000000000080800200c417a'],
    // Form 2: "::" for one or more zero groups, anywhere.
    ['2001:db8::8:800:200c:417a', 6, '20010db80000000000080800200c417a'],
    ['ff01::101', 6, 'ff010000000000000000000000000101'],
    ['::1', 6, '00000000000000000000000000000001'],
    ['::', 6, '00000000000000000000000000000000'],
    ['fe80::', 6, 'fe800000000000000000000000000000'],
    ['1:2:3:4:5:6:7::', 6, '00010002000300040005000600070000'],
    ['::2:3:4:5:6:7:8', 6, '00000002000300040005000600070008'],
    // Form 3: the low 32 bits as a dotted quad.
    ['::ffff:192.0.2.1', 6, '00000000000000000000ffffc0000201'],
    ['::FFFF:192.0.2.1', 6, '00000000000000000000ffffc0000201'],
    ['0:0:0:0:0:ffff:192.0.2.1', 6, '00000000000000000000ffffc0000201'],
    ['::13.1.68.3', 6, '0000000000000000000000000d014403'],
    ['64:ff9b::192.0.2.33', 6, '0064ff9b0000000000000000c0000221'],
    ['1:2:3:4:5:6:1.2.3.4', 6, '00010002000300040005000601020304'],
    ['1::1.2.3.4', 6, '00010000000000000000000001020304'],
  ])('%s', (text, family, bytes) => {
    const parsed = parseIp(text);
    expect(parsed?.family).toBe(family);
    expect(hex(parsed)).toBe(bytes);
  });

  it.each([
    '',
    ' ',
    'localhost',
    'not-an-address',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '127.1',
    '0x7f.0.0.1',
    '2130706433',
    ':',
    ':::',
    '1::2::3',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2:3:4:5:6:7:8',
    ':1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:',
    '1.2.3.4::',
    '::1.2.3',
    '::256.1.1.1',
    '::01.2.3.4',
    '::ffff:0x7f.1.1.1',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::1.2.3.4:5',
    'fe80::1%eth0',
    '192.0.2.1%eth0',
    '[::1]',
    '::1 ',
    '192.0.2.0/24',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  it('formats canonically (dotted quad; RFC 5952)', () => {
    expect(formatIp(ip('2001:0DB8:0:0:0:0:0:1'))).toBe('2001:db8::1');
    expect(formatIp(ip('0:0:0:0:0:ffff:c000:201'))).toBe('::ffff:192.0.2.1');
    expect(formatIp(ip('192.0.2.1'))).toBe('192.0.2.1');
  });
});

describe('IPv4-mapped addresses (RFC 4291 §2.5.5.2)', () => {
  it.each<[string, boolean, string]>([
    ['::ffff:192.0.2.1', true, '192.0.2.1'],
    ['::ffff:c000:201', true, '192.0.2.1'],
    ['::ffff:0.0.0.0', true, '0.0.0.0'],
    ['::ffff:255.255.255.255', true, '255.255.255.255'],
    // IPv4-compatible (§2.5.5.1), not mapped.
    ['::192.0.2.1', false, '::c000:201'],
    // The translated form of RFC 6052 and RFC 6145's ::ffff:0:0:0/96 are not mapped either.
    ['64:ff9b::192.0.2.1', false, '64:ff9b::c000:201'],
    ['::ffff:0:c000:201', false, '::ffff:0:c000:201'],
    ['1::ffff:192.0.2.1', false, '1::ffff:c000:201'],
    ['::fffe:192.0.2.1', false, '::fffe:c000:201'],
    ['192.0.2.1', false, '192.0.2.1'],
  ])('%s', (text, mapped, unmapped) => {
    const address = ip(text);
    expect(isIPv4Mapped(address)).toBe(mapped);
    expect(formatIp(unmapIPv4(address))).toBe(unmapped);
    expect(unmapIPv4(address).family).toBe(mapped ? 4 : address.family);
  });

  it('unmapping leaves the mapped address intact', () => {
    const mapped = ip('::ffff:192.0.2.1');
    unmapIPv4(mapped).bytes[0] = 99;
    expect(formatIp(mapped)).toBe('::ffff:192.0.2.1');
  });
});

describe('special ranges', () => {
  it.each<[string, IpRange]>([
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['1.0.0.0', 'unicast'],
    ['255.255.255.255', 'broadcast'],
    ['255.255.255.254', 'unicast'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['223.255.255.255', 'unicast'],
    ['240.0.0.0', 'unicast'],
    ['169.254.0.1', 'linkLocal'],
    ['169.254.255.255', 'linkLocal'],
    ['169.253.255.255', 'unicast'],
    ['169.255.0.0', 'unicast'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.255', 'loopback'],
    ['128.0.0.0', 'unicast'],
    ['192.0.2.1', 'unicast'],
    ['10.0.0.1', 'unicast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::2', 'unicast'],
    ['fe80::1', 'linkLocal'],
    ['febf:ffff::1', 'linkLocal'],
    ['fec0::1', 'unicast'],
    ['fe7f::1', 'unicast'],
    ['ff02::fb', 'multicast'],
    ['ff00::', 'multicast'],
    ['fe00::', 'unicast'],
    ['2001:db8::1', 'unicast'],
    ['fd00::1', 'unicast'],
    // Mapped addresses are judged after unmapIPv4, not here.
    ['::ffff:127.0.0.1', 'unicast'],
    ['::ffff:224.0.0.251', 'unicast'],
  ])('%s is %s', (text, range) => {
    expect(ipRange(ip(text))).toBe(range);
  });
});

describe('subnet masks', () => {
  it.each<[string, number | undefined]>([
    ['255.255.255.255', 32],
    ['255.255.255.254', 31],
    ['255.255.255.252', 30],
    ['255.255.255.0', 24],
    ['255.255.254.0', 23],
    ['255.255.128.0', 17],
    ['255.0.0.0', 8],
    ['128.0.0.0', 1],
    ['0.0.0.0', 0],
    ['255.255.255.253', undefined],
    ['255.0.255.0', undefined],
    ['0.255.255.255', undefined],
    ['255.255.255.1', undefined],
    ['254.255.255.0', undefined],
    ['ffff:ffff:ffff:ffff::', 64],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 128],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', 127],
    ['ffc0::', 10],
    ['ffff:ffff:ffff:fff8::', 61],
    ['::', 0],
    ['ffff::ffff', undefined],
    ['fffd::', undefined],
    ['7fff::', undefined],
  ])('%s', (mask, length) => {
    expect(prefixLengthOfMask(ip(mask))).toBe(length);
  });
});

describe('CIDR text', () => {
  it.each<[string, string, number]>([
    ['192.0.2.0/24', '192.0.2.0', 24],
    ['192.0.2.10/24', '192.0.2.10', 24],
    ['0.0.0.0/0', '0.0.0.0', 0],
    ['203.0.113.9/32', '203.0.113.9', 32],
    ['fe80::/10', 'fe80::', 10],
    ['::/0', '::', 0],
    ['2001:db8::1/128', '2001:db8::1', 128],
    ['::ffff:192.0.2.0/120', '::ffff:192.0.2.0', 120],
    ['10.0.0.0/08', '10.0.0.0', 8],
  ])('%s', (text, address, prefixLength) => {
    const cidr = parseCidr(text);
    expect(cidr && formatIp(cidr.address)).toBe(address);
    expect(cidr?.prefixLength).toBe(prefixLength);
  });

  it.each([
    '',
    '192.0.2.0',
    '192.0.2.0/',
    '/24',
    '192.0.2.0/33',
    '192.0.2.0/-1',
    '192.0.2.0/24.5',
    '192.0.2.0/ 24',
    '192.0.2.0/24/8',
    '192.0.2.0/0x18',
    '10/8',
    '192.168.1/24',
    'fe80::/129',
    'fe80::/1000',
    'fe80::%eth0/10',
    'fe80::1%eth0',
    'garbage/8',
  ])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('subnet matching', () => {
  it.each<[string, string, number, boolean]>([
    ['192.0.2.77', '192.0.2.0', 24, true],
    ['192.0.3.77', '192.0.2.0', 24, false],
    ['192.0.2.77', '192.0.2.200', 24, true], // host bits of the network are ignored
    ['198.51.100.127', '198.51.100.74', 26, true],
    ['198.51.100.128', '198.51.100.74', 26, false],
    ['198.51.100.63', '198.51.100.74', 26, false],
    ['10.1.2.3', '10.0.0.0', 15, true],
    ['10.2.0.0', '10.0.0.0', 15, false],
    ['10.127.0.0', '10.0.0.0', 9, true],
    ['10.128.0.0', '10.0.0.0', 9, false],
    ['172.31.255.255', '172.16.0.0', 12, true],
    ['172.32.0.0', '172.16.0.0', 12, false],
    ['127.255.0.1', '0.0.0.0', 1, true],
    ['128.0.0.1', '0.0.0.0', 1, false],
    ['203.0.113.8', '203.0.113.9', 31, true],
    ['203.0.113.10', '203.0.113.9', 31, false],
    ['203.0.113.9', '203.0.113.9', 32, true],
    ['203.0.113.8', '203.0.113.9', 32, false],
    ['1.2.3.4', '9.9.9.9', 0, true],
    ['192.0.2.77', '192.0.2.0', 7, true],
    ['fe80::1', 'fe80::', 10, true],
    ['febf::1', 'fe80::', 10, true],
    ['fec0::1', 'fe80::', 10, false],
    ['2001:db8:0:1::1', '2001:db8::', 63, true],
    ['2001:db8:0:2::1', '2001:db8::', 63, false],
    ['2001:db8::8000:0:0:1', '2001:db8::', 65, false],
    ['2001:db8::7fff:0:0:1', '2001:db8::', 65, true],
    ['2001:db8::1', '2001:db8::', 127, true],
    ['2001:db8::2', '2001:db8::', 127, false],
    ['2001:db8::3', '2001:db8::2', 127, true],
    ['2001:db8::1', '2001:db8::1', 128, true],
    ['2001:db8::1', '::', 0, true],
    // Families never match, mapped or not.
    ['192.0.2.1', '::ffff:192.0.2.0', 120, false],
    ['::ffff:192.0.2.1', '192.0.2.0', 24, false],
    ['192.0.2.1', '::', 0, false],
  ])('%s in %s/%i: %s', (address, network, prefixLength, expected) => {
    expect(inPrefix(ip(address), ip(network), prefixLength)).toBe(expected);
  });

  it.each([33, -1, 24.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses an IPv4 prefix length of %d', (length) => {
    expect(inPrefix(ip('192.0.2.1'), ip('192.0.2.1'), length)).toBe(false);
  });

  it('refuses an IPv6 prefix length of 129', () => {
    expect(inPrefix(ip('::1'), ip('::1'), 129)).toBe(false);
  });

  it("agrees with Node's BlockList at every prefix length", () => {
    const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
    const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 });
    // Addresses near the network, so that matches are as common as misses.
    const pair = (bytes: fc.Arbitrary<Uint8Array>, width: number) =>
      fc
        .tuple(bytes, fc.integer({ min: 0, max: width }), fc.integer({ min: 0, max: width }))
        .map(([network, length, flip]) => {
          const address = network.slice();
          if (flip < width) address[flip >> 3] = (address[flip >> 3] as number) ^ (0x80 >> (flip & 7));
          return { network, address, length };
        });
    const text = (bytes: Uint8Array): string => formatIp({ family: bytes.length === 4 ? 4 : 6, bytes });
    for (const [arbitrary, width, type] of [
      [v4, 32, 'ipv4'],
      [v6, 128, 'ipv6'],
    ] as const) {
      fc.assert(
        fc.property(pair(arbitrary, width), ({ network, address, length }) => {
          const family = width === 32 ? 4 : 6;
          const list = new BlockList();
          // BlockList wants the network address itself: clear the host bits first.
          const masked = network.map(
            (byte, i) => byte & ((0xff << Math.max(0, Math.min(8, 8 - (length - 8 * i)))) & 0xff),
          );
          list.addSubnet(text(masked), length, type);
          expect(inPrefix({ family, bytes: address }, { family, bytes: network }, length)).toBe(
            list.check(text(address), type),
          );
        }),
        { numRuns: 3000 },
      );
    }
  });
});

describe('IPv4 subnet broadcast', () => {
  it.each<[string, number, string | undefined]>([
    ['192.0.2.10', 24, '192.0.2.255'],
    ['192.0.2.0', 24, '192.0.2.255'],
    ['192.0.2.255', 24, '192.0.2.255'],
    ['198.51.100.74', 26, '198.51.100.127'],
    ['192.0.2.10', 23, '192.0.3.255'],
    ['10.20.30.40', 8, '10.255.255.255'],
    ['10.20.30.40', 13, '10.23.255.255'],
    ['169.254.7.7', 16, '169.254.255.255'],
    ['192.0.2.9', 30, '192.0.2.11'],
    ['192.0.2.12', 30, '192.0.2.15'],
    ['1.2.3.4', 0, '255.255.255.255'],
    ['1.2.3.4', 1, '127.255.255.255'],
    ['203.0.113.9', 31, undefined], // RFC 3021: both are hosts
    ['203.0.113.20', 32, undefined], // one host
    ['192.0.2.1', 33, undefined],
    ['192.0.2.1', -1, undefined],
    ['192.0.2.1', 24.5, undefined],
    ['fe80::1', 64, undefined], // IPv6 has no broadcast
    ['::ffff:192.0.2.1', 120, undefined],
  ])('%s/%d → %s', (network, prefixLength, broadcast) => {
    const result = ipv4Broadcast(ip(network), prefixLength);
    expect(result && formatIp(result)).toBe(broadcast);
  });

  it('leaves the network address intact', () => {
    const network = ip('192.0.2.10');
    ipv4Broadcast(network, 24);
    expect(formatIp(network)).toBe('192.0.2.10');
  });
});
