/**
 * Issue 9, item 9: packets from sources no host sends from were delivered,
 * answered, and every failed answer became an error event and a stderr line
 * (107,978 in a 20 s flood). The transport now refuses them before
 * attribution; these are the rules (source-check.ts).
 */
import { describe, expect, it } from 'vitest';
import type { InterfaceAddress } from '../../src/transport/interfaces.js';
import type { SourceCheckInterface, SourceVerdict } from '../../src/transport/source-check.js';
import { checkSource } from '../../src/transport/source-check.js';

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

const eth0: SourceCheckInterface = { loopback: false, addresses: [v4('192.0.2.10', 24), v6('fe80::10', 64)] };
const eth1: SourceCheckInterface = {
  loopback: false,
  addresses: [v4('198.51.100.74', 26), v4('203.0.113.9', 31), v4('203.0.113.20', 32)],
};
const lo: SourceCheckInterface = { loopback: true, addresses: [v4('127.0.0.1', 8), v6('::1', 128)] };
const LAN = [eth0, eth1];

describe('refusing sources no mDNS sender can have', () => {
  it.each<[string, string, number, readonly SourceCheckInterface[], SourceVerdict | undefined]>([
    // Peers.
    ['an IPv4 host on the subnet', '192.0.2.11', 5353, LAN, undefined],
    ['a legacy resolver on a high port (RFC 6762 §6.7)', '192.0.2.11', 40000, LAN, undefined],
    ['the network address itself (left to attribution)', '192.0.2.0', 5353, LAN, undefined],
    ['an IPv6 link-local host with zone', 'fe80::99%eth0', 5353, LAN, undefined],
    ['an IPv6 global host (on-link or not is attribution’s call)', '2001:db8:7::7', 5353, LAN, undefined],
    ['a host of an off-link subnet (attribution drops it as off-link)', '203.0.113.77', 5353, LAN, undefined],
    ['both addresses of a /31 are hosts (RFC 3021)', '203.0.113.9', 5353, LAN, undefined],
    ['the other address of the /31 too', '203.0.113.8', 5353, LAN, undefined],
    ['a /32 address is a host', '203.0.113.20', 5353, LAN, undefined],
    ['garbage is left to attribution (bad-address)', 'not-an-address', 5353, LAN, undefined],
    // Port 0 (RFC 768: no port).
    ['IPv4 source port 0', '192.0.2.11', 0, LAN, 'bad-port'],
    ['IPv6 source port 0', 'fe80::99%eth0', 0, LAN, 'bad-port'],
    // Broadcast (RFC 1122 §3.2.1.3).
    ['limited broadcast', '255.255.255.255', 5353, LAN, 'bad-source'],
    ['the subnet broadcast of an arrival interface', '192.0.2.255', 5353, LAN, 'bad-source'],
    ['the subnet broadcast of another candidate interface (/26)', '198.51.100.127', 5353, LAN, 'bad-source'],
    ['the same address is a host where no candidate has that subnet', '198.51.100.127', 5353, [eth0], undefined],
    ['the IPv4 link-local broadcast (RFC 3927)', '169.254.255.255', 5353, LAN, 'bad-source'],
    ['an IPv4-mapped subnet broadcast', '::ffff:192.0.2.255', 5353, LAN, 'bad-source'],
    ['an IPv4-mapped subnet broadcast in hex groups', '::ffff:c000:2ff', 5353, LAN, 'bad-source'],
    ['an IPv4-mapped limited broadcast', '::ffff:255.255.255.255', 5353, LAN, 'bad-source'],
    // Multicast (RFC 1122 §3.2.1.3, RFC 4291 §2.7).
    ['the IPv4 mDNS group as source', '224.0.0.251', 5353, LAN, 'bad-source'],
    ['IPv4 administratively scoped multicast', '239.255.255.250', 5353, LAN, 'bad-source'],
    ['the IPv6 mDNS group as source', 'ff02::fb', 5353, LAN, 'bad-source'],
    ['IPv6 multicast with zone', 'ff02::1%eth0', 5353, LAN, 'bad-source'],
    ['IPv4-mapped multicast', '::ffff:224.0.0.251', 5353, LAN, 'bad-source'],
    // Unspecified (RFC 1122 §3.2.1.3, RFC 4291 §2.5.2).
    ['0.0.0.0', '0.0.0.0', 5353, LAN, 'bad-source'],
    ['this network (0/8)', '0.1.2.3', 5353, LAN, 'bad-source'],
    ['::', '::', 5353, LAN, 'bad-source'],
    ['IPv4-mapped 0.0.0.0', '::ffff:0.0.0.0', 5353, LAN, 'bad-source'],
    // Loopback off a loopback interface (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3).
    ['127.0.0.1 on a LAN interface', '127.0.0.1', 5353, LAN, 'bad-source'],
    ['127.9.9.9 on a LAN interface', '127.9.9.9', 5353, [eth0], 'bad-source'],
    ['::1 on a LAN interface', '::1', 5353, [eth0], 'bad-source'],
    ['IPv4-mapped loopback on a LAN interface', '::ffff:127.0.0.1', 5353, [eth0], 'bad-source'],
    ['127.0.0.1 when loopback is a candidate', '127.0.0.1', 5353, [eth0, lo], undefined],
    ['::1 on the loopback interface', '::1', 5353, [lo], undefined],
    ['loopback with no candidate interface at all', '127.0.0.1', 5353, [], 'bad-source'],
    // Port 0 is judged first: one reason per packet.
    ['port 0 from a broadcast source counts as bad-port', '192.0.2.255', 0, LAN, 'bad-port'],
  ])('%s', (_title, address, port, candidates, expected) => {
    expect(checkSource(address, port, candidates)).toBe(expected);
  });
});
