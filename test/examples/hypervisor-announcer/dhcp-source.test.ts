/**
 * The announcer's DHCP detector on fixture files: iproute2's JSON, lease
 * files of dhclient (IPv4 and IPv6), systemd-networkd and NetworkManager's
 * internal client, a busybox udhcpc found by its command line, and the
 * fallbacks (the kernel's dynamic flag; a static address, said so).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectDhcp } from '../../../examples/hypervisor-announcer/src/dhcp-source.js';
import type { HostView } from '../../../examples/hypervisor-announcer/src/host-view.js';
import { fakeHost } from './fake-host.js';
import { defaultRouteInterface, parseIpAddr } from '../../../examples/hypervisor-announcer/src/ip-json.js';
import { parseDhclientLeases, parseKeyValueLease } from '../../../examples/hypervisor-announcer/src/leases.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
/** 2026-12-01 16:10 UTC: the second dhclient lease (to 16:30) is current, the first expired. */
const NOW = Date.UTC(2026, 11, 1, 16, 10, 0);

/** A host made of fixture files and command outputs, at NOW; everything else is missing. */
const host = (
  files: Record<string, string>,
  commands: Record<string, string>,
  mtimes: Record<string, number> = {},
): HostView => fakeHost({ files, commands, mtimes, now: NOW });

const IP = { 'ip -j addr show': fixture('ip-addr.json'), 'ip -j route show default': fixture('route-default.json') };

describe('iproute2 JSON', () => {
  it('reads interfaces, addresses, the dynamic flag and lifetimes; the default route by metric', () => {
    const nics = parseIpAddr(fixture('ip-addr.json'));
    expect(nics.map((n) => [n.name, n.index, n.up])).toEqual([
      ['lo', 1, true],
      ['eth0', 2, true],
      ['eth1', 3, true],
    ]);
    expect(nics[1]?.addresses.map((a) => [a.address, a.family, a.scope, a.dynamic, a.validLifetime])).toEqual([
      ['192.0.2.50', 4, 'global', true, 3512],
      ['2001:db8::50', 6, 'global', true, 7100],
      ['fe80::5054:ff:fe12:3456', 6, 'link', false, undefined],
    ]);
    expect(defaultRouteInterface(fixture('route-default.json'))).toBe('eth0');
    expect(parseIpAddr('not json')).toEqual([]);
    expect(parseIpAddr('[{"ifname": 7}, 3, null]')).toEqual([]);
    expect(defaultRouteInterface('[]')).toBeUndefined();
  });
});

describe('lease files', () => {
  it('dhclient: every lease in file order with its expiry; DHCPv6 lease6 addresses with starts + max-life', () => {
    expect(parseDhclientLeases(fixture('dhclient.leases'))).toEqual([
      {
        interface: 'eth0',
        family: 4,
        address: '192.0.2.40',
        expiresAt: Date.UTC(2026, 10, 30, 10, 30),
        server: '192.0.2.1',
      },
      {
        interface: 'eth0',
        family: 4,
        address: '192.0.2.50',
        expiresAt: Date.UTC(2026, 11, 1, 16, 30),
        server: '192.0.2.1',
      },
    ]);
    expect(parseDhclientLeases(fixture('dhclient6.leases'))).toEqual([
      {
        interface: 'eth0',
        family: 6,
        address: '2001:db8::50',
        expiresAt: (1796140800 + 7200) * 1000,
        server: undefined,
      },
    ]);
    expect(parseDhclientLeases('lease { interface "eth0"; ')).toEqual([]);
  });

  it('systemd-networkd and NetworkManager internal: ADDRESS, SERVER_ADDRESS, LIFETIME from the file time', () => {
    expect(parseKeyValueLease(fixture('networkd-lease'), 'eth0', 1000)).toEqual({
      interface: 'eth0',
      family: 4,
      address: '192.0.2.50',
      expiresAt: 1000 + 3600 * 1000,
      server: '192.0.2.1',
    });
    expect(parseKeyValueLease('# nothing\n', 'eth0', 0)).toBeUndefined();
  });
});

describe('detectDhcp', () => {
  it('dhclient: the default-route interface, its current lease matched (the expired one ignored), IPv6 by the kernel flag', async () => {
    const view = await detectDhcp(host({ '/var/lib/dhcp/dhclient.eth0.leases': fixture('dhclient.leases') }, IP));
    expect(view).toMatchObject({ interface: 'eth0', chosenBy: 'default-route', mac: '52:54:00:12:34:56' });
    expect(view.addresses).toEqual([
      { address: '192.0.2.50', family: 4, source: 'dhclient', leaseFile: '/var/lib/dhcp/dhclient.eth0.leases' },
      { address: '2001:db8::50', family: 6, source: 'kernel-dynamic', leaseFile: undefined },
    ]);
    expect(view.summary).toBe(
      'addresses on eth0 (chosen by default-route): 192.0.2.50, 2001:db8::50 from dhclient (/var/lib/dhcp/dhclient.eth0.leases), kernel-dynamic',
    );
  });

  it('dhclient -6: the IPv6 address matched in its lease6', async () => {
    const view = await detectDhcp(host({ '/var/lib/dhcp/dhclient6.leases': fixture('dhclient6.leases') }, IP));
    expect(view.addresses.find((a) => a.family === 6)).toMatchObject({
      source: 'dhclient',
      leaseFile: '/var/lib/dhcp/dhclient6.leases',
    });
  });

  it('systemd-networkd: the lease file named by the interface index', async () => {
    const file = '/run/systemd/netif/leases/2';
    const view = await detectDhcp(host({ [file]: fixture('networkd-lease') }, IP, { [file]: NOW - 60_000 }));
    expect(view.addresses[0]).toEqual({
      address: '192.0.2.50',
      family: 4,
      source: 'systemd-networkd',
      leaseFile: file,
    });
  });

  it('systemd-networkd: a lease past its lifetime is not current', async () => {
    const file = '/run/systemd/netif/leases/2';
    const view = await detectDhcp(host({ [file]: fixture('networkd-lease') }, IP, { [file]: NOW - 7200_000 }));
    expect(view.addresses[0]?.source).toBe('kernel-dynamic');
  });

  it('NetworkManager: its internal client lease for the interface, and its dhclient leases', async () => {
    const internal = '/var/lib/NetworkManager/internal-3f2a9c1e-0000-4000-8000-000000000001-eth0.lease';
    expect(
      (await detectDhcp(host({ [internal]: fixture('nm-internal.lease') }, IP, { [internal]: NOW }))).addresses[0],
    ).toMatchObject({
      source: 'NetworkManager',
      leaseFile: internal,
    });
    const dhclient = '/var/lib/NetworkManager/dhclient-3f2a9c1e-eth0.lease';
    expect((await detectDhcp(host({ [dhclient]: fixture('dhclient.leases') }, IP))).addresses[0]).toMatchObject({
      source: 'NetworkManager',
    });
  });

  it('busybox udhcpc: found by its command line (no lease file), the address set without a lifetime', async () => {
    const commands = { 'ip -j addr show': fixture('ip-addr-static.json'), 'ip -j route show default': '[]' };
    const files = { '/proc/1234/cmdline': 'udhcpc\0-i\0eth0\0-f\0-S\0', '/proc/99/cmdline': 'sshd\0' };
    const view = await detectDhcp(host(files, commands));
    expect(view).toMatchObject({ interface: 'eth0', chosenBy: 'first-up' });
    expect(view.addresses).toEqual([{ address: '192.0.2.50', family: 4, source: 'udhcpc', leaseFile: undefined }]);
    const applet = await detectDhcp(host({ '/proc/7/cmdline': '/bin/busybox\0udhcpc\0--interface=eth0\0' }, commands));
    expect(applet.addresses[0]?.source).toBe('udhcpc');
  });

  it('no DHCP anywhere: the addresses as configured, and the summary says so', async () => {
    const commands = { 'ip -j addr show': fixture('ip-addr-static.json') };
    const view = await detectDhcp(host({ '/proc/1/cmdline': 'udhcpc\0-i\0eth9\0' }, commands));
    expect(view.addresses).toEqual([{ address: '192.0.2.50', family: 4, source: 'static', leaseFile: undefined }]);
    expect(view.summary).toMatch(/no DHCP lease found, using the interface as configured$/);
  });

  it('an interface given by name is used; one that does not exist yields none, said so, and ip failing yields none too', async () => {
    expect((await detectDhcp(host({}, IP), { interface: 'eth1' })).addresses).toEqual([
      { address: '198.51.100.7', family: 4, source: 'static', leaseFile: undefined },
    ]);
    expect(await detectDhcp(host({}, IP), { interface: 'eth7' })).toMatchObject({
      interface: undefined,
      addresses: [],
      summary: 'addresses: none (no interface "eth7")',
    });
    expect((await detectDhcp(host({}, {}))).interface).toBeUndefined();
  });
});
