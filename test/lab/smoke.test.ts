/**
 * Lab smoke test: the lab really works on this machine. Two hosts on one
 * link; avahi-daemon in h0 discovers a python-zeroconf service published in
 * h1 (and the other way round with avahi-publish); hosts reach each other
 * over IPv4 and IPv6 link-local; a capture on the link sees the mDNS
 * traffic; destroy leaves no namespace or process behind.
 *
 * Skipped (reason printed) when the lab is unavailable; fails instead under
 * BOASTER_LAB=required.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { labGate } from './availability.js';
import { startAvahi, type Avahi } from './avahi.js';
import { avahiPublish, browseUntil } from './avahi-client.js';
import { txtToRecord } from './avahi-parse.js';
import { readUdpDatagrams, startCapture } from './capture.js';
import { listNetns } from './cleanup.js';
import { createLab, type Lab } from './lab.js';
import { pidAlive } from './naming.js';
import { udpReach } from './reach.js';
import { startZeroconfPublisher, zeroconfBrowse } from './zeroconf.js';

const skip = labGate(
  ['unshare', 'avahi-daemon', 'dbus-daemon', 'avahi-browse', 'python-zeroconf', 'tshark'],
  'lab smoke test',
);

const SERVICE = {
  name: 'Lab Smoke Test',
  type: '_boaster-smoke._tcp',
  port: 4242,
  txt: { serial: 'ABC123', model: 'smoke' },
} as const;

describe.skipIf(skip)('lab smoke: two hosts, avahi + python-zeroconf', () => {
  let lab: Lab | undefined;
  let avahi: Avahi | undefined;

  const theLab = (): Lab => {
    if (!lab) throw new Error('lab not created');
    return lab;
  };

  beforeAll(async () => {
    lab = await createLab({ hosts: 2 });
    avahi = await startAvahi(lab.host(0), { hostName: 'lab-avahi' });
  }, 60_000);

  afterAll(async () => {
    await lab?.destroy();
  }, 60_000);

  it('gives hosts the planned addresses', () => {
    const [h0, h1] = theLab().hosts;
    expect(h0?.ipv4).toBe('192.0.2.10');
    expect(h1?.ipv4).toBe('192.0.2.11');
    expect(h0?.ifname).toBe('eth0');
    expect(h0?.ipv6).toMatch(/^fe80:/);
    expect(h0?.ipv6).not.toBe(h1?.ipv6);
  });

  it('hosts reach each other over IPv4 and IPv6 link-local', async () => {
    const h0 = theLab().host(0);
    const h1 = theLab().host(1);
    const v4 = await udpReach(h0, h1, h1.ipv4);
    expect(v4.ok, v4.detail).toBe(true);
    expect(v4.detail).toContain('from 192.0.2.11');
    const v6 = await udpReach(h1, h0, `${h0.ipv6}%eth0`);
    expect(v6.ok, v6.detail).toBe(true);
  }, 30_000);

  it('avahi in h0 browses and resolves a python-zeroconf service in h1', async () => {
    const l = theLab();
    if (!avahi) throw new Error('avahi not started');
    const capture = await startCapture(l.link(0), { dir: l.dir });
    const pub = await startZeroconfPublisher(l.host(1), { ...SERVICE, server: 'zc-h1.local.' });
    expect(pub.ready.addresses).toEqual(['192.0.2.11']);

    const result = await browseUntil(
      avahi,
      SERVICE.type,
      (resolved) => resolved.some((e) => e.name === SERVICE.name && e.protocol === 'IPv4'),
      { attempts: 8 },
    );
    const entry = result.resolved.find((e) => e.name === SERVICE.name && e.protocol === 'IPv4');
    expect(entry).toMatchObject({
      iface: 'eth0',
      type: SERVICE.type,
      domain: 'local',
      host: 'zc-h1.local',
      address: '192.0.2.11',
      port: 4242,
    });
    expect(txtToRecord(entry?.txt ?? [])).toEqual({ serial: 'ABC123', model: 'smoke' });

    // Withdrawal: the publisher unregisters on SIGTERM and exits cleanly.
    await pub.stop();
    expect(pub.process.exitStatus?.code).toBe(0);
    expect(pub.process.stdout).toContain('UNREGISTERED');

    // The capture on the bridge saw the mDNS exchange from h1.
    const file = await capture.stop();
    const datagrams = await readUdpDatagrams(file);
    const fromH1 = datagrams.filter((d) => d.src === '192.0.2.11' && d.srcPort === 5353);
    expect(fromH1.length).toBeGreaterThan(0);
    expect(fromH1.some((d) => d.payload.includes(Buffer.from('Lab Smoke Test')))).toBe(true);
    expect(fromH1.every((d) => d.dst === '224.0.0.251' || d.dst === '192.0.2.10')).toBe(true);
  }, 60_000);

  it('python-zeroconf in h1 resolves a service published by avahi-publish in h0', async () => {
    if (!avahi) throw new Error('avahi not started');
    const name = 'Smoke Ünï. Tëst';
    const pub = await avahiPublish(avahi, { name, type: '_boaster-smoke._udp', port: 5000, txt: ['path=/x', 'flag'] });
    expect(pub.establishedName).toBe(name);
    const found = await zeroconfBrowse(theLab().host(1), ['_boaster-smoke._udp'], { until: [name], durationMs: 8_000 });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      name,
      type: '_boaster-smoke._udp.local.',
      server: 'lab-avahi.local.',
      port: 5000,
      properties: { path: '/x', flag: null },
    });
    expect(found[0]?.addresses).toContain('192.0.2.10');
    await pub.stop();
  }, 30_000);
});

describe.skipIf(skip)('lab lifecycle', () => {
  it('destroy removes every namespace and process, and is idempotent', async () => {
    const lab = await createLab({ hosts: 2, waitForIPv6: false });
    let sleeper = 0;
    try {
      const names = lab.namespaces;
      expect(names).toHaveLength(3); // two hosts + one link
      const before = await listNetns();
      for (const n of names) expect(before).toContain(n);
      sleeper = lab.host(1).spawn('sleep', ['30']).pid;
      expect(pidAlive(sleeper)).toBe(true);
    } finally {
      await lab.destroy();
    }
    await lab.destroy(); // idempotent
    const after = await listNetns();
    for (const n of lab.namespaces) expect(after).not.toContain(n);
    expect(after.filter((n) => n.startsWith(`${lab.name}-`))).toEqual([]);
    expect(pidAlive(sleeper)).toBe(false);
    expect(lab.destroyed).toBe(true);
  }, 30_000);
});
