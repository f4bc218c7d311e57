import { describe, expect, it } from 'vitest';
import type { ArrivalSocket, Attribution, AttributionInterface } from '../../src/transport/attribution.js';
import { attributeSource, splitScope } from '../../src/transport/attribution.js';
import type { InterfaceAddress } from '../../src/transport/interfaces.js';

const v4 = (address: string, prefixLength: number): InterfaceAddress => ({
  family: 4,
  address,
  prefixLength,
  linkLocal: address.startsWith('169.254.'),
});
const v6 = (address: string, prefixLength: number): InterfaceAddress => ({
  family: 6,
  address,
  prefixLength,
  linkLocal: address.startsWith('fe80'),
});
const nic = (name: string, ...addresses: InterfaceAddress[]): AttributionInterface => ({ name, addresses });

const GROUP4: ArrivalSocket = { family: 4 };
const unicast4 = (name: string): ArrivalSocket => ({ family: 4, interface: name });
const bound6 = (name: string): ArrivalSocket => ({ family: 6, interface: name, exact: true });

const to = (name: string, ...ambiguousWith: string[]): Attribution => ({ interface: name, ambiguousWith });
const drop = (reason: 'off-link' | 'no-interface' | 'family-mismatch' | 'bad-address'): Attribution => ({
  drop: reason,
});

describe('attributing a packet to its arrival interface', () => {
  const twoSubnets = [
    nic('eth0', v4('192.0.2.10', 26), v6('fe80::1', 64)),
    nic('eth1', v4('192.0.2.74', 26), v6('fe80::2', 64), v6('2001:db8:1::2', 64)),
  ];

  it.each<[string, string, ArrivalSocket, Attribution]>([
    ['IPv4 source on eth0 subnet, group socket', '192.0.2.11', GROUP4, to('eth0')],
    ['IPv4 source on eth1 subnet, group socket', '192.0.2.76', GROUP4, to('eth1')],
    [
      'network and broadcast addresses match their subnet here (source-check.ts refuses a broadcast source first)',
      '192.0.2.63',
      GROUP4,
      to('eth0'),
    ],
    ['IPv4 source on no subnet: off-link (RFC 6762 §11)', '192.0.2.200', GROUP4, drop('off-link')],
    ['a routed source far away: off-link', '198.51.100.7', GROUP4, drop('off-link')],
    ['our own address is on our subnet', '192.0.2.10', GROUP4, to('eth0')],
    [
      'unicast to eth0 from eth1 subnet follows the source (weak host model)',
      '192.0.2.76',
      unicast4('eth0'),
      to('eth1'),
    ],
    ['IPv4-mapped IPv6 source is read as IPv4', '::ffff:192.0.2.11', GROUP4, to('eth0')],
    ['IPv6 link-local attributed by scope', 'fe80::99%eth1', bound6('eth1'), to('eth1')],
    ['IPv6 link-local scope wins over a socket', 'fe80::99%eth0', bound6('eth1'), to('eth0')],
    ['IPv6 link-local from an unselected interface', 'fe80::99%wlan0', bound6('eth1'), drop('no-interface')],
    ['IPv6 link-local without scope, on an interface-bound socket', 'fe80::99', bound6('eth0'), to('eth0')],
    ['IPv6 global source inside the prefix of the bound interface', '2001:db8:1::99', bound6('eth1'), to('eth1')],
    ['IPv6 global source outside every prefix: off-link', '2001:db8:2::99', bound6('eth1'), drop('off-link')],
    [
      'IPv6 global source of another interface on a bound socket: off-link for that link',
      '2001:db8:1::99',
      bound6('eth0'),
      drop('off-link'),
    ],
    ['IPv6 source on an IPv4 socket', 'fe80::99%eth0', GROUP4, drop('family-mismatch')],
    ['garbage', 'not-an-address', GROUP4, drop('bad-address')],
    ['inet_aton shorthand is not an address', '192.0.11', GROUP4, drop('bad-address')],
    ['IPv4-mapped IPv6 source in hex groups is read as IPv4 too', '::ffff:c000:20b', GROUP4, to('eth0')],
    [
      'an IPv4-compatible source (RFC 4291 §2.5.5.1) is IPv6, not mapped',
      '::192.0.2.11',
      GROUP4,
      drop('family-mismatch'),
    ],
  ])('%s', (_title, source, socket, expected) => {
    expect(attributeSource(source, socket, twoSubnets)).toEqual(expected);
  });

  it('overlapping subnets: the longest prefix wins', () => {
    const overlapping = [nic('wide', v4('192.0.2.1', 24)), nic('narrow', v4('192.0.2.65', 26))];
    expect(attributeSource('192.0.2.70', GROUP4, overlapping)).toEqual(to('narrow'));
    expect(attributeSource('192.0.2.10', GROUP4, overlapping)).toEqual(to('wide'));
  });

  it('two interfaces on the same subnet: the receiving socket decides, else the first, and the ambiguity is reported', () => {
    const same = [nic('eth0', v4('192.0.2.10', 24)), nic('eth1', v4('192.0.2.20', 24))];
    expect(attributeSource('192.0.2.30', GROUP4, same)).toEqual(to('eth0', 'eth1'));
    expect(attributeSource('192.0.2.30', unicast4('eth1'), same)).toEqual(to('eth1', 'eth0'));
  });

  it('IPv4 link-local sources (RFC 3927) are on-link; ambiguous ones are dropped', () => {
    const withLinkLocal = [nic('eth0', v4('192.0.2.10', 24)), nic('eth1', v4('169.254.7.7', 16))];
    expect(attributeSource('169.254.1.2', GROUP4, withLinkLocal)).toEqual(to('eth1'));
    const single = [nic('eth0', v4('192.0.2.10', 24))];
    expect(attributeSource('169.254.1.2', GROUP4, single)).toEqual(to('eth0'));
    const two = [nic('eth0', v4('192.0.2.10', 26)), nic('eth1', v4('192.0.2.74', 26))];
    expect(attributeSource('169.254.1.2', GROUP4, two)).toEqual(drop('no-interface'));
    expect(attributeSource('169.254.1.2', unicast4('eth1'), two)).toEqual(to('eth1'));
  });

  it('an interface with only IPv6 gets no IPv4 packets, and the reverse', () => {
    const mixed = [nic('v6only', v6('fe80::1', 64)), nic('v4only', v4('192.0.2.10', 24))];
    expect(attributeSource('192.0.2.11', GROUP4, mixed)).toEqual(to('v4only'));
    expect(attributeSource('fe80::5%v6only', bound6('v6only'), mixed)).toEqual(to('v6only'));
    expect(attributeSource('fe80::5%v4only', bound6('v4only'), mixed)).toEqual(to('v4only'));
  });

  it('numeric zones match the interface index', () => {
    const indexed = [
      { ...nic('eth0', v6('fe80::1', 64)), index: 2 },
      { ...nic('eth1', v6('fe80::2', 64)), index: 3 },
    ];
    expect(attributeSource('fe80::99%3', bound6('eth0'), indexed)).toEqual(to('eth1'));
    expect(attributeSource('fe80::99%9', bound6('eth0'), indexed)).toEqual(drop('no-interface'));
  });

  // RFC 6762 §11's on-link test: an IPv6 source is link-local or inside one
  // of the interface's prefixes. §11 deems responses to ff02::fb on-link
  // "regardless of source IP address"; boaster, as for 224.0.0.251, does not
  // take that exemption: reaching the link-scope group shows the sender is
  // on the link, not that the address it claims is (issue 9, the IPv6 side
  // of CVE-2017-6519: 2001:db8:7::7 to ff02::fb was delivered and answered).
  it('an off-link IPv6 source on the link-scope group socket is dropped, as on unicast (RFC 6762 §11 on-link test)', () => {
    const group6 = (name: string): ArrivalSocket => ({ family: 6, interface: name, exact: true, group: true });
    expect(attributeSource('2001:db8:99::1', group6('eth0'), twoSubnets)).toEqual(drop('off-link'));
    expect(attributeSource('2001:db8:99::1', bound6('eth0'), twoSubnets)).toEqual(drop('off-link'));
  });

  it('an IPv6 source on the group socket is accepted when link-local or inside a prefix of that interface only', () => {
    const group6 = (name: string): ArrivalSocket => ({ family: 6, interface: name, exact: true, group: true });
    const linkLocalOnly = [nic('eth0', v4('192.0.2.10', 24), v6('fe80::10', 64))];
    // The responder of issue 9: link-local only; the attacker's global address.
    expect(attributeSource('2001:db8:7::7', group6('eth0'), linkLocalOnly)).toEqual(drop('off-link'));
    expect(attributeSource('fe80::7%eth0', group6('eth0'), linkLocalOnly)).toEqual(to('eth0'));
    expect(attributeSource('fe80::7', group6('eth0'), linkLocalOnly)).toEqual(to('eth0'));
    // eth1 has 2001:db8:1::/64: on-link there, off-link on eth0 even on eth0's group socket.
    expect(attributeSource('2001:db8:1::99', group6('eth1'), twoSubnets)).toEqual(to('eth1'));
    expect(attributeSource('2001:db8:1::99', group6('eth0'), twoSubnets)).toEqual(drop('off-link'));
    // A prefix longer than /64 is honoured; one bit out is off-link.
    const narrow = [nic('eth0', v6('fe80::10', 64), v6('2001:db8:7::10', 120))];
    expect(attributeSource('2001:db8:7::ff', group6('eth0'), narrow)).toEqual(to('eth0'));
    expect(attributeSource('2001:db8:7::100', group6('eth0'), narrow)).toEqual(drop('off-link'));
    // Unique local addresses are no exception.
    expect(attributeSource('fd00::7', group6('eth0'), linkLocalOnly)).toEqual(drop('off-link'));
  });

  it('an off-link IPv6 source on a socket bound to a global address (not scoped) is off-link', () => {
    const globalOnly = [nic('eth0', v6('2001:db8:5::10', 64))];
    const unscoped6: ArrivalSocket = { family: 6, interface: 'eth0' };
    expect(attributeSource('2001:db8:7::7', unscoped6, globalOnly)).toEqual(drop('off-link'));
    expect(attributeSource('2001:db8:5::7', unscoped6, globalOnly)).toEqual(to('eth0'));
  });

  it('splits IPv6 zones', () => {
    expect(splitScope('fe80::1%eth0')).toEqual({ address: 'fe80::1', scope: 'eth0' });
    expect(splitScope('192.0.2.1')).toEqual({ address: '192.0.2.1', scope: undefined });
  });
});
