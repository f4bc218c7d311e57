/**
 * The transport follows interface changes while running (an IPv6-only
 * interface appears, gains IPv4, loses it, is deleted) without an exception
 * escaping or a socket leaking, and it shares the host with avahi-daemon.
 */
import { describe, expect, it } from 'vitest';
import { CORE_LAB_TOOLS, labGate } from '../lab/availability.js';
import { startAvahi } from '../lab/avahi.js';
import { avahiPublish } from '../lab/avahi-client.js';
import { useLab } from '../lab/use-lab.js';
import { zeroconfBrowse } from '../lab/zeroconf.js';
import { runPeer, runScenario, TransportProcess } from './transport-lab.js';

const skip = labGate([...CORE_LAB_TOOLS], 'transport change tests');
const skipAvahi = labGate(
  ['unshare', 'avahi-daemon', 'dbus-daemon', 'avahi-browse', 'python-zeroconf'],
  'transport beside avahi',
);

describe.skipIf(skip)('interfaces and addresses changing while the transport runs', () => {
  const lab = useLab({ links: 2, hosts: [{ links: [0] }, { links: [1] }] });

  it('follows an IPv6-only interface appearing, gaining and losing IPv4, and being deleted', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    const t = await TransportProcess.start(h0, { pollIntervalMs: 200 });
    await t.command('echo', { on: true });
    const baseline = (await t.command('handles')).udp as number;
    // IPv4 group socket, and eth0's IPv4 unicast, IPv6 group and IPv6 unicast sockets.
    expect(baseline).toBe(4);

    // 1. An interface with IPv6 only appears on link 1.
    await h0.addInterface(lab().link(1), { ipv4: null });
    await t.waitFor((e) => e.event === 'interfaceUp' && e.name === 'eth1');
    const v6heard = await runPeer(h1, {
      family: 6,
      source: h1.ipv6,
      listenMs: 1500,
      send: [{ data: 'v6 to new interface' }],
    });
    expect(v6heard.map((d) => d.payload)).toContain('echo eth1 v6 to new interface');

    // 2. It gains an IPv4 address.
    await h0.addAddress('eth1', '192.0.2.100/26');
    await t.waitFor((e) => e.event === 'addressAdded' && e.name === 'eth1' && e.address === '192.0.2.100');
    const v4heard = await runPeer(h1, {
      family: 4,
      source: h1.ipv4,
      listenMs: 1500,
      send: [{ data: 'v4 to new address' }],
    });
    expect(v4heard).toContainEqual(
      expect.objectContaining({ from: '192.0.2.100', payload: 'echo eth1 v4 to new address' }),
    );

    // 3. It loses the IPv4 address again.
    await h0.removeAddress('eth1', '192.0.2.100/26');
    await t.waitFor((e) => e.event === 'addressRemoved' && e.name === 'eth1' && e.address === '192.0.2.100');

    // 4. The interface is deleted.
    await h0.removeInterface('eth1');
    await t.waitFor((e) => e.event === 'interfaceDown' && e.name === 'eth1');
    expect((await t.command('stats')).interfaces).toEqual(['eth0']);

    // Nothing escaped, and the sockets of eth1 are all closed.
    expect(t.eventsOf('uncaught')).toEqual([]);
    expect((await t.command('handles')).udp).toBe(baseline);
    expect(await t.close()).toBe(0);
    expect(t.process.exitStatus?.code).toBe(0);
  }, 60_000);
});

describe.skipIf(skip)('transport lifecycle on real sockets', () => {
  const lab = useLab({ hosts: 1 });

  it('close() during start() rejects the start with CLOSED and leaves no socket or timer', async () => {
    expect(await runScenario(lab().host(0), 'close-during-start')).toEqual({ outcome: 'CLOSED', udp: 0, timers: 0 });
  }, 30_000);

  it('a throwing listener becomes an error event; refresh and close still work', async () => {
    const result = await runScenario(lab().host(0), 'throwing-listeners');
    expect(result).toMatchObject({ interfaces: ['eth0'], open: 4, udp: 0 });
    expect(result.errors).toEqual([expect.stringMatching(/listener bug while an interface event listener threw/)]);
  }, 30_000);

  it('an interface whose IPv6 is not ready yet comes up with IPv4, and its IPv6 follows as an added address', async () => {
    const t = await TransportProcess.start(lab().host(0), { pollIntervalMs: 100 });
    await lab().host(0).addInterface(lab().link(0), { ipv4: '192.0.2.50/24', waitForIPv6: false });
    const up = await t.waitFor((e) => e.event === 'interfaceUp' && e.name === 'eth1');
    const added = await t.waitFor(
      (e) => e.event === 'addressAdded' && e.name === 'eth1' && String(e.address).startsWith('fe80'),
      15_000,
    );
    // IPv4 was usable at once; IPv6 joined when duplicate address detection ended.
    const upFamilies = (up.addresses as { family: number }[]).map((a) => a.family);
    expect(upFamilies).toContain(4);
    expect(added).toBeDefined();
    // A tentative address is reported at most once, however often it is retried.
    expect(t.eventsOf('error').filter((e) => String(e.message).includes('eth1')).length).toBeLessThanOrEqual(1);
    expect(await t.close()).toBe(0);
    await lab().host(0).removeInterface('eth1');
  }, 40_000);
});

describe.skipIf(skipAvahi)('the transport beside avahi-daemon on one host', () => {
  const lab = useLab({ hosts: 2 });

  it('both receive queries and neither breaks the other', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    const avahi = await startAvahi(h0, { hostName: 'beside-avahi' });
    const t = await TransportProcess.start(h0, { pollIntervalMs: 0 });
    const published = await avahiPublish(avahi, {
      name: 'Avahi Beside Boaster',
      type: '_boaster-side._tcp',
      port: 7000,
    });

    // python-zeroconf in h1 queries: avahi answers it, and our transport hears the same queries.
    const found = await zeroconfBrowse(h1, ['_boaster-side._tcp'], {
      until: ['Avahi Beside Boaster'],
      durationMs: 8_000,
    });
    expect(found.map((s) => s.name)).toContain('Avahi Beside Boaster');
    expect(t.packets().some((p) => p.source.address === '192.0.2.11' && p.interface === 'eth0')).toBe(true);
    // ...and it hears avahi's answers, from its own host, as a peer's.
    expect(t.packets().some((p) => p.source.address === '192.0.2.10')).toBe(true);

    // Our multicast reaches the link while avahi runs.
    const listen = runPeer(h1, { family: 4, source: h1.ipv4, listenMs: 2000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await t.command('send', { data: 'boaster beside avahi', target: { interface: 'eth0', family: 4 } });
    expect((await listen).map((d) => d.payload)).toContain('boaster beside avahi');

    expect(await t.close()).toBe(0);
    // avahi still answers after we are gone.
    const again = await zeroconfBrowse(h1, ['_boaster-side._tcp'], {
      until: ['Avahi Beside Boaster'],
      durationMs: 8_000,
    });
    expect(again.map((s) => s.name)).toContain('Avahi Beside Boaster');
    expect(avahi.daemon.running).toBe(true);
    await published.stop();
  }, 60_000);
});
