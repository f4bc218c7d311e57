/**
 * Transport errors on real sockets: an exclusive holder of port 5353, and a
 * destination without a route, each reported with what to do, without
 * stopping the rest. Also: multicast needs no 224.0.0.0/4 route, because
 * every send socket names its interface (IP_MULTICAST_IF).
 */
import { describe, expect, it } from 'vitest';
import { CORE_LAB_TOOLS, labGate } from '../lab/availability.js';
import { useLab } from '../lab/use-lab.js';
import { runPeer, TransportProcess } from './transport-lab.js';

const skip = labGate([...CORE_LAB_TOOLS], 'transport error tests');

/** Holds 0.0.0.0:5353 without SO_REUSEADDR until killed. */
const EXCLUSIVE_HOLDER = `
const s = require('node:dgram').createSocket({ type: 'udp4', reuseAddr: false });
s.bind(5353, '0.0.0.0', () => console.log('holding'));
setTimeout(() => s.close(), 30000);
`;

describe.skipIf(skip)('transport errors', () => {
  // Two links, so each subnet is a /26 and 192.0.2.200 has no route from h0.
  const lab = useLab({ links: 2, hosts: [{ links: [0] }, { links: [0] }] });

  it('a process holding UDP 5353 exclusively makes start() fail with PORT_IN_USE and advice', async () => {
    const holder = lab().host(0).spawn(process.execPath, ['-e', EXCLUSIVE_HOLDER]);
    await holder.waitForOutput(/holding/, 10_000);
    await expect(TransportProcess.start(lab().host(0), { pollIntervalMs: 0 })).rejects.toThrow(
      /"code":"PORT_IN_USE".*SO_REUSEADDR/,
    );
    await holder.stop();
  }, 30_000);

  it('an unroutable destination fails with NETWORK_UNREACHABLE; multicast, IPv6 and on-link unicast go on, with no multicast route', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    const t = await TransportProcess.start(h0, { pollIntervalMs: 0 });
    await h0.runChecked('ip', ['route', 'del', '224.0.0.0/4']);
    try {
      const listen4 = runPeer(h1, { family: 4, source: h1.ipv4, listenMs: 2000 });
      const listen6 = runPeer(h1, { family: 6, source: h1.ipv6, listenMs: 2000 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const failed = await t.command('send', {
        data: 'nowhere',
        target: { interface: 'eth0', family: 4, address: '192.0.2.200' },
      });
      expect(failed).toMatchObject({ code: 'NETWORK_UNREACHABLE' });
      expect(failed.error).toMatch(/No route while sending to 192\.0\.2\.200:5353 on eth0/);
      const sends: [string, Record<string, unknown>][] = [
        ['v4 multicast without a route', { interface: 'eth0', family: 4 }],
        ['v4 unicast on-link', { interface: 'eth0', family: 4, address: h1.ipv4 }],
        ['v6 multicast', { interface: 'eth0', family: 6 }],
        ['v6 unicast', { interface: 'eth0', family: 6, address: h1.ipv6 }],
      ];
      for (const [data, target] of sends) expect((await t.command('send', { data, target })).ok, data).toBe(true);
      const heard = [...(await listen4), ...(await listen6)].map((d) => d.payload);
      for (const [data] of sends) expect(heard).toContain(data);
      const stats = (await t.command('stats')).stats as { sendErrors: number; sent: number };
      expect(stats).toMatchObject({ sendErrors: 1, sent: 4 });
    } finally {
      await h0.runChecked('ip', ['route', 'add', '224.0.0.0/4', 'dev', 'eth0']);
    }
    expect(await t.close()).toBe(0);
  }, 30_000);
});
