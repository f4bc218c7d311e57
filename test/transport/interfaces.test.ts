import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type os from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../src/errors.js';
import { diffInterfaces } from '../../src/transport/interface-diff.js';
import type { NetworkInterface } from '../../src/transport/interfaces.js';
import { inSubnet, isLinkLocal, readInterfaces, selectInterfaces } from '../../src/transport/interfaces.js';
import { thrown } from '../helpers/errors.js';

const info = (address: string, cidr: string, extra: Partial<os.NetworkInterfaceInfo> = {}): os.NetworkInterfaceInfo =>
  ({
    address,
    cidr,
    netmask: '',
    family: address.includes(':') ? 'IPv6' : 'IPv4',
    mac: '02:00:00:00:00:01',
    internal: false,
    ...(address.includes(':') ? { scopeid: 2 } : {}),
    ...extra,
  }) as os.NetworkInterfaceInfo;

const HOST: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {
  lo: [info('127.0.0.1', '127.0.0.1/8', { internal: true }), info('::1', '::1/128', { internal: true })],
  eth0: [
    info('192.0.2.10', '192.0.2.10/24'),
    info('fe80::10%eth0', 'fe80::10/64'),
    info('2001:db8::10', '2001:db8::10/64'),
  ],
  eth1: [info('198.51.100.4', '198.51.100.4/24')],
  docker0: [info('172.17.0.1', '172.17.0.1/16')],
  veth1a2b: [info('fe80::99', 'fe80::99/64')],
  wg0: [info('10.8.0.2', '10.8.0.2/24')],
  eth2: [info('203.0.113.9', '203.0.113.9/24')],
};

describe('reading interfaces', () => {
  let sysfs: string;

  beforeAll(async () => {
    sysfs = await mkdtemp(path.join(tmpdir(), 'boaster-sysfs-'));
    const write = async (name: string, file: string, text: string) => {
      await mkdir(path.join(sysfs, 'class', 'net', name), { recursive: true });
      await writeFile(path.join(sysfs, 'class', 'net', name, file), `${text}\n`);
    };
    await write('lo', 'flags', '0x9');
    await write('lo', 'mtu', '65536');
    await write('eth0', 'flags', '0x1003');
    await write('eth0', 'mtu', '9000');
    await write('eth1', 'flags', '0x1002'); // multicast but down
    await write('wg0', 'flags', '0x91'); // up, point-to-point, no multicast
    await write('eth2', 'flags', '0x3'); // up, no IFF_MULTICAST
  });

  afterAll(async () => {
    await rm(sysfs, { recursive: true, force: true });
  });

  it('takes addresses from os.networkInterfaces and MTU and flags from sysfs', async () => {
    const nics = await readInterfaces({ networkInterfaces: () => HOST, sysfsRoot: sysfs });
    const eth0 = nics.find((n) => n.name === 'eth0');
    expect(eth0).toMatchObject({ mtu: 9000, up: true, multicast: true, loopback: false, pointToPoint: false });
    expect(eth0?.addresses).toEqual([
      { family: 4, address: '192.0.2.10', prefixLength: 24, linkLocal: false },
      { family: 6, address: 'fe80::10', prefixLength: 64, linkLocal: true },
      { family: 6, address: '2001:db8::10', prefixLength: 64, linkLocal: false },
    ]);
    expect(nics.find((n) => n.name === 'lo')).toMatchObject({ loopback: true, mtu: 65536 });
    // No sysfs entry: MTU 1500 and flags assumed.
    expect(nics.find((n) => n.name === 'docker0')).toMatchObject({ mtu: 1500, up: true, multicast: true });
  });

  it('never throws, even when enumeration does', async () => {
    const nics = await readInterfaces({
      networkInterfaces: () => {
        throw new Error('uv_interface_addresses failed');
      },
    });
    expect(nics).toEqual([]);
  });

  it('default selection: up, multicast, not loopback, not virtual or point-to-point', async () => {
    const nics = await readInterfaces({ networkInterfaces: () => HOST, sysfsRoot: sysfs });
    expect(selectInterfaces(nics).map((n) => n.name)).toEqual(['eth0']);
  });

  it('selection by name admits virtual and loopback interfaces; exclusion always wins', async () => {
    const nics = await readInterfaces({ networkInterfaces: () => HOST, sysfsRoot: sysfs });
    expect(selectInterfaces(nics, { interfaces: ['docker0', 'lo', 'eth0'] }).map((n) => n.name)).toEqual([
      'docker0',
      'eth0',
      'lo',
    ]);
    expect(selectInterfaces(nics, { virtual: true }).map((n) => n.name)).toEqual(['docker0', 'eth0', 'veth1a2b']);
    expect(selectInterfaces(nics, { loopback: true, excludeInterfaces: ['eth0'] }).map((n) => n.name)).toEqual(['lo']);
  });

  it('selection by family and CIDR keeps only matching addresses', async () => {
    const nics = await readInterfaces({ networkInterfaces: () => HOST, sysfsRoot: sysfs });
    const v4 = selectInterfaces(nics, { ipv6: false });
    expect(v4[0]?.addresses.map((a) => a.address)).toEqual(['192.0.2.10']);
    const v6 = selectInterfaces(nics, { ipv4: false });
    expect(v6[0]?.addresses.map((a) => a.address)).toEqual(['fe80::10', '2001:db8::10']);
    const linkLocal = selectInterfaces(nics, { subnets: ['fe80::/10'] });
    expect(linkLocal[0]?.addresses.map((a) => a.address)).toEqual(['fe80::10']);
    expect(selectInterfaces(nics, { subnets: ['192.0.2.128/25'] })).toEqual([]);
  });

  it('a malformed CIDR is a typed error that says what to write', () => {
    const error = thrown(TransportError, () => selectInterfaces([], { subnets: ['192.0.2.0/33'] }));
    expect(error.code).toBe('BAD_OPTION');
    expect(error.message).toMatch(/192\.0\.2\.0\/24/);
  });

  it.each(['10/8', '192.168.1/24', '0x0a.0.0.0/8', '010.0.0.0/8', 'fe80::/129', '192.0.2.0', 'eth0'])(
    'refuses %j as a subnet (inet_aton shorthands included: "10/8" would mean 0.0.0.10/8)',
    (cidr) => {
      expect(thrown(TransportError, () => selectInterfaces([], { subnets: [cidr] })).code).toBe('BAD_OPTION');
    },
  );

  it('takes the prefix length from the netmask when Node gives no CIDR', async () => {
    const nics = await readInterfaces({
      networkInterfaces: () => ({
        eth0: [
          { ...info('192.0.2.10', ''), cidr: null, netmask: '255.255.254.0' },
          { ...info('192.0.2.11', ''), cidr: null, netmask: '255.0.255.0' }, // not a mask: a host
          { ...info('2001:db8::10', ''), cidr: null, netmask: 'ffff:ffff:ffff:ffc0::' },
          { ...info('2001:db8::11', ''), cidr: null, netmask: 'garbage' },
        ],
      }),
      sysfsRoot: sysfs,
    });
    expect(nics[0]?.addresses.map((a) => a.prefixLength)).toEqual([23, 32, 58, 128]);
  });
});

describe('address tests on textual addresses', () => {
  it.each<[string, 4 | 6, boolean]>([
    ['169.254.1.2', 4, true],
    ['169.254.1.2', 6, false],
    ['169.255.1.2', 4, false],
    ['fe80::1', 6, true],
    ['fe80::1%eth0', 6, true],
    ['FE80::1%3', 6, true],
    ['fe80::1', 4, false],
    ['fec0::1', 6, false],
    ['::ffff:169.254.1.2', 4, false], // mapped addresses are unmapped by the caller
    ['192.0.2.1', 4, false],
    ['not-an-address', 4, false],
    ['', 6, false],
  ])('isLinkLocal(%j, %i) is %s', (address, family, expected) => {
    expect(isLinkLocal(address, family)).toBe(expected);
  });

  it.each<[string, string, number, boolean]>([
    ['192.0.2.77', '192.0.2.10', 24, true],
    ['192.0.3.77', '192.0.2.10', 23, true],
    ['192.0.4.77', '192.0.2.10', 23, false],
    ['fe80::99%eth0', 'fe80::10', 64, true],
    ['2001:db8::99', '2001:db8::10%eth0', 64, true],
    ['2001:db8:1::99', '2001:db8::10', 64, false],
    ['192.0.2.77', '::ffff:192.0.2.10', 120, false],
    ['192.0.2.77', '192.0.2.10', 33, false],
    ['192.0.2.77%eth0', '192.0.2.10', 24, false], // IPv4 has no zones
    ['127.1', '127.0.0.0', 8, false], // inet_aton shorthand is not an address
    ['garbage', '192.0.2.10', 24, false],
  ])('inSubnet(%j, %j, %i) is %s', (address, network, prefixLength, expected) => {
    expect(inSubnet(address, network, prefixLength)).toBe(expected);
  });
});

describe('interface changes', () => {
  const nic = (name: string, addresses: string[], mtu = 1500): NetworkInterface => ({
    name,
    mtu,
    loopback: false,
    up: true,
    multicast: true,
    pointToPoint: false,
    addresses: addresses.map((address) => ({
      family: address.includes(':') ? 6 : 4,
      address,
      prefixLength: 24,
      linkLocal: false,
    })),
  });

  it('reports interfaces up and down, addresses added and removed, MTU changes', () => {
    const before = [nic('eth0', ['192.0.2.10']), nic('eth1', ['198.51.100.1'])];
    const after = [nic('eth0', ['192.0.2.11', '2001:db8::1'], 9000), nic('eth2', ['203.0.113.1'])];
    expect(
      diffInterfaces(before, after).map((c) => [c.kind, c.nic.name, 'address' in c ? c.address.address : '']),
    ).toEqual([
      ['down', 'eth1', ''],
      ['addressRemoved', 'eth0', '192.0.2.10'],
      ['addressAdded', 'eth0', '192.0.2.11'],
      ['addressAdded', 'eth0', '2001:db8::1'],
      ['mtu', 'eth0', ''],
      ['up', 'eth2', ''],
    ]);
    expect(diffInterfaces(after, after)).toEqual([]);
  });
});
