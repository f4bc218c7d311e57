/**
 * Issue 9, item 10: two boaster processes on one host. Every socket sets
 * SO_REUSEADDR, so both bind the same addresses and both get every multicast
 * packet; a unicast datagram, though, goes to one socket only, and among
 * equally specific binds Linux picks the one bound last (RFC 6762 §15.1
 * expects the first; either way, one). So a direct unicast query to the
 * host's address (`dig -p 5353 @addr`), and a unicast reply to a QU question
 * or probe, reach only the process started last. SO_REUSEPORT does not copy
 * either (it balances), and Node's dgram offers nothing that copies unicast.
 * These tests pin that down; the README tells users to run one responder
 * per host.
 */
import { describe, expect, it } from 'vitest';
import { CORE_LAB_TOOLS, labGate } from '../lab/availability.js';
import { useLab } from '../lab/use-lab.js';
import { runPeer, TransportProcess } from './transport-lab.js';

const skip = labGate([...CORE_LAB_TOOLS], 'two-process lab tests');

/** Binds 192.0.2.10:5353 without SO_REUSEADDR and prints the outcome. */
const EXCLUSIVE_BIND = `
const s = require('node:dgram').createSocket({ type: 'udp4', reuseAddr: false });
s.on('error', (e) => { console.log(e.code); s.close(); });
s.bind(5353, '192.0.2.10', () => { console.log('bound'); s.close(); });
`;

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skip)('two boaster processes on one host', () => {
  let first: TransportProcess;
  let second: TransportProcess;
  const lab = useLab({ hosts: 2 }, async (l) => {
    first = await TransportProcess.start(l.host(0), { pollIntervalMs: 0 });
    second = await TransportProcess.start(l.host(0), { pollIntervalMs: 0 });
  });

  const got = (t: TransportProcess, payload: string): string[] =>
    t
      .packets()
      .filter((p) => p.payload === payload)
      .map((p) => p.destination);

  it('both receive every multicast packet, over IPv4 and IPv6', async () => {
    const h1 = lab().host(1);
    await runPeer(h1, { family: 4, source: h1.ipv4, listenMs: 100, send: [{ data: 'multicast v4' }] });
    await runPeer(h1, { family: 6, source: h1.ipv6, listenMs: 100, send: [{ data: 'multicast v6' }] });
    for (const t of [first, second]) await t.waitFor((e) => e.event === 'packet' && e.payload === 'multicast v6');
    for (const t of [first, second]) {
      expect(got(t, 'multicast v4')).toEqual(['multicast']);
      expect(got(t, 'multicast v6')).toEqual(['multicast']);
    }
  }, 30_000);

  it('a unicast query to the host address reaches exactly one: the process started last', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    await runPeer(h1, { family: 4, source: h1.ipv4, listenMs: 100, send: [{ data: 'unicast v4', to: h0.ipv4 }] });
    await runPeer(h1, { family: 6, source: h1.ipv6, listenMs: 100, send: [{ data: 'unicast v6', to: h0.ipv6 }] });
    await second.waitFor((e) => e.event === 'packet' && e.payload === 'unicast v6');
    await settle(300);
    expect(got(second, 'unicast v4')).toEqual(['unicast']);
    expect(got(second, 'unicast v6')).toEqual(['unicast']);
    expect(got(first, 'unicast v4')).toEqual([]);
    expect(got(first, 'unicast v6')).toEqual([]);
  }, 30_000);

  it('the process started second can tell it is not alone: binding the address without SO_REUSEADDR fails with EADDRINUSE', async () => {
    const r = await lab().host(0).run(process.execPath, ['-e', EXCLUSIVE_BIND], { timeoutMs: 10_000 });
    expect(r.stdout.trim()).toBe('EADDRINUSE');
  }, 20_000);

  it('once the later process closes, unicast reaches the earlier one again', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    expect(await second.close()).toBe(0);
    await runPeer(h1, { family: 4, source: h1.ipv4, listenMs: 100, send: [{ data: 'unicast v4 after', to: h0.ipv4 }] });
    await runPeer(h1, { family: 6, source: h1.ipv6, listenMs: 100, send: [{ data: 'unicast v6 after', to: h0.ipv6 }] });
    await first.waitFor((e) => e.event === 'packet' && e.payload === 'unicast v6 after');
    expect(got(first, 'unicast v4 after')).toEqual(['unicast']);
    expect(got(first, 'unicast v6 after')).toEqual(['unicast']);
    expect(await first.close()).toBe(0);
  }, 30_000);
});
