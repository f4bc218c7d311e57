/**
 * The transport on real (namespaced) interfaces: attribution to the arrival
 * interface without IP_PKTINFO, answers on that interface only, off-link
 * drops, IPv6 by scope, own-packet recognition, and running beside avahi.
 */
import { describe, expect, it } from 'vitest';
import { CORE_LAB_TOOLS, labGate } from '../lab/availability.js';
import { useLab } from '../lab/use-lab.js';
import { runPeer, TransportProcess } from './transport-lab.js';

const skip = labGate([...CORE_LAB_TOOLS], 'transport lab tests');

describe.skipIf(skip)('transport on a host with two interfaces on two subnets', () => {
  // h0 (eth0 on link 0, eth1 on link 1) runs the transport; h1 is on link 0,
  // h2 on link 1, h3 on link 0 with an address from no subnet of h0's.
  let transport: TransportProcess;
  const lab = useLab(
    { links: 2, hosts: [{ links: [0, 1] }, { links: [0] }, { links: [1] }, { links: [0] }] },
    async (l) => {
      await l.host(3).replaceIPv4('eth0', '192.0.2.200/26');
      transport = await TransportProcess.start(l.host(0), { pollIntervalMs: 0 });
      await transport.command('echo', { on: true });
    },
  );

  it('opens both interfaces with their subnets', () => {
    const ready = transport.eventsOf('ready')[0] as unknown as {
      interfaces: { name: string; addresses: { address: string; prefixLength: number }[] }[];
    };
    expect(ready.interfaces.map((n) => n.name)).toEqual(['eth0', 'eth1']);
    expect(ready.interfaces[0]?.addresses).toContainEqual(
      expect.objectContaining({ address: '192.0.2.10', prefixLength: 26 }),
    );
    expect(ready.interfaces[1]?.addresses).toContainEqual(
      expect.objectContaining({ address: '192.0.2.74', prefixLength: 26 }),
    );
  });

  it('attributes a query from each link to its interface and answers on that interface only', async () => {
    const [h1, h2] = [lab().host(1), lab().host(2)];
    // h2 listens on link 1 while h1 queries on link 0, then the other way round.
    const listen2 = runPeer(h2, { family: 4, source: h2.ipv4, listenMs: 2500 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const heard1 = await runPeer(h1, { family: 4, source: h1.ipv4, listenMs: 1000, send: [{ data: 'query from h1' }] });
    const heardBy2 = await listen2;
    expect(heard1).toContainEqual(expect.objectContaining({ from: '192.0.2.10', payload: 'echo eth0 query from h1' }));
    expect(heardBy2.filter((d) => d.payload.startsWith('echo '))).toEqual([]);

    const listen1 = runPeer(h1, { family: 4, source: h1.ipv4, listenMs: 2500 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const heard2 = await runPeer(h2, { family: 4, source: h2.ipv4, listenMs: 1000, send: [{ data: 'query from h2' }] });
    const heardBy1 = await listen1;
    expect(heard2).toContainEqual(expect.objectContaining({ from: '192.0.2.74', payload: 'echo eth1 query from h2' }));
    expect(heardBy1.filter((d) => d.payload.startsWith('echo '))).toEqual([]);

    const packets = transport.packets();
    expect(packets).toContainEqual(
      expect.objectContaining({
        interface: 'eth0',
        source: { address: '192.0.2.11', port: 5353 },
        payload: 'query from h1',
      }),
    );
    expect(packets).toContainEqual(
      expect.objectContaining({
        interface: 'eth1',
        source: { address: '192.0.2.76', port: 5353 },
        payload: 'query from h2',
      }),
    );
  }, 30_000);

  it('attributes a unicast query sent to either address', async () => {
    const h1 = lab().host(1);
    const heard = await runPeer(h1, {
      family: 4,
      source: h1.ipv4,
      listenMs: 1000,
      send: [{ data: 'unicast from h1', to: '192.0.2.10' }],
    });
    expect(transport.packets()).toContainEqual(
      expect.objectContaining({ interface: 'eth0', destination: 'unicast', payload: 'unicast from h1' }),
    );
    expect(heard).toContainEqual(expect.objectContaining({ payload: 'echo eth0 unicast from h1' }));
  }, 20_000);

  it('drops and counts a packet whose source is on no local subnet (RFC 6762 §11)', async () => {
    const before = (await transport.command('stats')).stats as { dropped: Record<string, number> };
    const h3 = lab().host(3);
    const heard = await runPeer(h3, {
      family: 4,
      source: '192.0.2.200',
      listenMs: 1000,
      send: [{ data: 'from off-link' }],
    });
    const after = (await transport.command('stats')).stats as { dropped: Record<string, number> };
    expect(after.dropped['off-link']).toBe((before.dropped['off-link'] ?? 0) + 1);
    expect(transport.packets().some((p) => p.payload === 'from off-link')).toBe(false);
    expect(heard.filter((d) => d.payload.startsWith('echo '))).toEqual([]);
  }, 20_000);

  it('IPv6: a link-local query is attributed by scope and answered over IPv6', async () => {
    const h2 = lab().host(2);
    const heard = await runPeer(h2, {
      family: 6,
      source: h2.ipv6,
      listenMs: 1000,
      send: [{ data: 'v6 query from h2' }],
    });
    expect(transport.packets()).toContainEqual(
      expect.objectContaining({
        interface: 'eth1',
        family: 6,
        source: { address: h2.ipv6, port: 5353 },
        payload: 'v6 query from h2',
      }),
    );
    const h0eth1 = lab().host(0).iface('eth1').ipv6;
    expect(heard).toContainEqual(
      expect.objectContaining({ from: `${h0eth1}%eth0`, payload: 'echo eth1 v6 query from h2' }),
    );
  }, 20_000);
});

describe.skipIf(skip)('own packets and peers on the same host', () => {
  const lab = useLab({ hosts: 1 });

  it('a transport does not take its own multicast for a peer; two transports on one host see each other', async () => {
    const a = await TransportProcess.start(lab().host(0), { pollIntervalMs: 0 });
    const b = await TransportProcess.start(lab().host(0), { pollIntervalMs: 0 });
    for (const family of [4, 6]) {
      expect(
        (await a.command('send', { data: `from a over v${family}`, target: { interface: 'eth0', family } })).ok,
      ).toBe(true);
    }
    await b.waitFor((e) => e.event === 'packet' && e.payload === 'from a over v6');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.packets()).toEqual([]);
    const stats = (await a.command('stats')).stats as { dropped: Record<string, number>; sent: number };
    expect(stats.sent).toBe(2);
    expect(stats.dropped.own).toBe(2);
    expect(b.packets().map((p) => [p.payload, p.source.address])).toEqual([
      ['from a over v4', '192.0.2.10'],
      ['from a over v6', lab().host(0).ipv6],
    ]);
    expect(await a.close()).toBe(0);
    expect(await b.close()).toBe(0);
  }, 40_000);
});

describe.skipIf(skip)('two interfaces of one host on the same link and subnet', () => {
  // h0 has eth0 and eth1, both on link 0 (192.0.2.0/24); h1 is a peer there.
  const lab = useLab({ hosts: [{ links: [0, 0] }, { links: [0] }] });

  it('each packet reaches both interfaces but is delivered once, and the ambiguity is counted', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    expect(h0.interfaces.map((i) => i.ifname)).toEqual(['eth0', 'eth1']);
    // The lab numbers by host, so both got 192.0.2.10. Node joins IPv4 groups
    // by address, which reaches one interface only: the transport says so.
    const twin = await TransportProcess.start(h0, { pollIntervalMs: 0 });
    expect(twin.eventsOf('error')).toEqual([
      expect.objectContaining({
        code: 'ADDRESS_NOT_AVAILABLE',
        message: expect.stringMatching(/192\.0\.2\.10 is on both eth0 and eth1/),
      }),
    ]);
    expect(await twin.close()).toBe(0);
    await h0.replaceIPv4('eth1', '192.0.2.20/24');
    // Without reverse-path filtering the kernel hands the IPv4 group socket both link copies.
    for (const conf of ['all', 'default', 'eth0', 'eth1'])
      await h0.runChecked('sysctl', ['-qw', `net.ipv4.conf.${conf}.rp_filter=0`]);
    const t = await TransportProcess.start(h0, { pollIntervalMs: 0 });
    await runPeer(h1, { family: 4, source: h1.ipv4, listenMs: 300, send: [{ data: 'same link v4' }] });
    await runPeer(h1, { family: 6, source: h1.ipv6, listenMs: 300, send: [{ data: 'same link v6' }] });
    await t.waitFor((e) => e.event === 'packet' && e.payload === 'same link v6');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const v4 = t.packets().filter((p) => p.payload === 'same link v4');
    // IPv4: the group socket gets a copy per interface; the subnet fits both: delivered once, on eth0.
    expect(v4.map((p) => p.interface)).toEqual(['eth0']);
    // IPv6: each interface's socket is bound to it, so each link copy is exact: once per interface.
    const v6 = t.packets().filter((p) => p.payload === 'same link v6');
    expect(v6.map((p) => p.interface).sort()).toEqual(['eth0', 'eth1']);
    const stats = (await t.command('stats')).stats as { ambiguous: number; dropped: Record<string, number> };
    expect(stats.dropped.duplicate).toBeGreaterThanOrEqual(1);
    expect(stats.ambiguous).toBeGreaterThanOrEqual(1);

    // Our own multicast from eth1 comes back attributed to eth0 (same subnet, first by name): still ours.
    await t.command('send', { data: 'ours from eth1', target: { interface: 'eth1', family: 4 } });
    await t.command('send', { data: 'ours from eth1 v6', target: { interface: 'eth1', family: 6 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.packets().filter((p) => p.payload.startsWith('ours'))).toEqual([]);
    const after = (await t.command('stats')).stats as { dropped: Record<string, number> };
    expect(after.dropped.own).toBeGreaterThanOrEqual(2);
    expect(await t.close()).toBe(0);
  }, 30_000);
});
