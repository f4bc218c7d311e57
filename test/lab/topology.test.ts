/**
 * Lab topology features used by transport tests: two links (two /26
 * subnets), a host with an interface on each, interfaces added and removed
 * at runtime, renumbering, link down/up. Skipped (reason printed) when the
 * lab is unavailable; fails instead under BOASTER_LAB=required.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { labGate } from './availability.js';
import { createLab, type Lab } from './lab.js';
import { udpReach } from './reach.js';

const skip = labGate(['python-zeroconf'], 'lab topology test');

/** `ip route show 224.0.0.0/4` inside a host → the device it points at, if any. */
async function multicastRouteDev(lab: Lab, host: number): Promise<string | undefined> {
  const r = await lab.host(host).runChecked('ip', ['-4', 'route', 'show', '224.0.0.0/4']);
  return /dev (\S+)/.exec(r.stdout)?.[1];
}

describe.skipIf(skip)('lab topology: two links, runtime interface changes', () => {
  let lab: Lab | undefined;
  const theLab = (): Lab => {
    if (!lab) throw new Error('lab not created');
    return lab;
  };

  beforeAll(async () => {
    // h0 ("router-like" multihomed host) on links 0 and 1, h1 on link 1 only, h2 on link 0 only.
    lab = await createLab({ links: 2, hosts: [{ links: [0, 1] }, { links: [1] }, { name: 'solo', links: [0] }] });
  }, 60_000);

  afterAll(async () => {
    await lab?.destroy();
  }, 60_000);

  it('addresses hosts per link from the /26 plan', () => {
    const l = theLab();
    const h0 = l.host(0);
    expect(h0.interfaces.map((i) => [i.ifname, i.link.index, i.ipv4])).toEqual([
      ['eth0', 0, '192.0.2.10'],
      ['eth1', 1, '192.0.2.74'],
    ]);
    expect(l.host(1).iface('eth0').ipv4).toBe('192.0.2.75');
    expect(l.host('solo').ipv4).toBe('192.0.2.12');
    expect(h0.iface('eth0').addresses.find((a) => a.family === 'inet')?.prefixLen).toBe(26);
    for (const h of l.hosts) for (const i of h.interfaces) expect(i.ipv6).toMatch(/^fe80:/);
  });

  it('links are separate broadcast domains', async () => {
    const l = theLab();
    const h0 = l.host(0);
    expect((await udpReach(l.host(1), h0, '192.0.2.74')).ok).toBe(true);
    expect((await udpReach(h0, l.host(1), `${l.host(1).ipv6}%eth1`)).ok).toBe(true);
    // h1 (link 1) has no interface on link 0: h2's link-local address is not reachable from it.
    const r = await udpReach(l.host(1), l.host('solo'), `${l.host('solo').ipv6}%eth0`, 47_001, 2);
    expect(r.ok).toBe(false);
    expect(await multicastRouteDev(l, 0)).toBe('eth0');
  }, 30_000);

  it('adds and removes an interface at runtime', async () => {
    const l = theLab();
    const h1 = l.host(1);
    const added = await h1.addInterface(l.link(0));
    expect(added.ifname).toBe('eth1');
    expect(added.ipv4).toBe('192.0.2.11');
    expect(added.ipv6).toMatch(/^fe80:/);
    expect((await udpReach(h1, l.host('solo'), '192.0.2.12')).ok).toBe(true);

    await h1.removeInterface('eth1');
    expect(h1.interfaces.map((i) => i.ifname)).toEqual(['eth0']);
    const links = await h1.runChecked('ip', ['-o', 'link', 'show']);
    expect(links.stdout).not.toContain('eth1');
    const bridgePorts = await l.link(0).ns.runChecked('ip', ['-o', 'link', 'show']);
    expect(bridgePorts.stdout).not.toContain(added.peer);
  }, 30_000);

  it('renumbers and moves the multicast route when the primary goes down', async () => {
    const l = theLab();
    const h0 = l.host(0);
    await h0.replaceIPv4('eth1', '192.0.2.100/26');
    expect(h0.iface('eth1').ipv4).toBe('192.0.2.100');
    expect((await udpReach(l.host(1), h0, '192.0.2.100')).ok).toBe(true);

    await h0.setLinkUp('eth0', false);
    expect(await multicastRouteDev(l, 0)).toBe('eth1');
    expect(h0.iface('eth0').ipv6).toBeUndefined(); // the kernel drops IPv6 addresses on down
    await h0.setLinkUp('eth0', true);
    expect(h0.iface('eth0').ipv6).toMatch(/^fe80:/);
    expect((await udpReach(l.host('solo'), h0, '192.0.2.10')).ok).toBe(true);

    await h0.addAddress('eth0', 'fe80::beef/64');
    expect(h0.iface('eth0').addresses.some((a) => a.address === 'fe80::beef')).toBe(true);
    await h0.removeAddress('eth0', 'fe80::beef/64');
    await expect(h0.addAddress('eth0', '10.1.2.3/24')).rejects.toThrow(/TEST-NET-1/);
  }, 30_000);
});
