/**
 * Issue 9, item 9 on real sockets: datagrams from source port 0 and from
 * sources no host sends from (the subnet broadcast, 0.0.0.0, 127.0.0.1 on
 * eth0, ::) reach the transport's sockets — the kernel lets them through to
 * a link-local group — and must be dropped and counted there, never
 * delivered (the engine answered them, and every failed answer became an
 * error line). They are hand-made with scapy (raw_send.py) in a peer host.
 * Linux itself drops 255.255.255.255 and multicast sources before any
 * socket sees them, so only the table test (source-check.test.ts) has those.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORE_LAB_TOOLS, gateOnReason, labGate, PYTHON } from '../lab/availability.js';
import type { Host } from '../lab/host.js';
import { useLab } from '../lab/use-lab.js';
import { TransportProcess } from './transport-lab.js';

const rawSend = fileURLToPath(new URL('./raw_send.py', import.meta.url));

function scapyMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import scapy.all'], { timeout: 20_000 });
  return r.status === 0 ? undefined : `scapy not importable by ${PYTHON} (apt-get install python3-scapy)`;
}

const skip =
  labGate([...CORE_LAB_TOOLS], 'source refusal lab tests') ?? gateOnReason(scapyMissing(), 'source refusal lab tests');

/** One hand-made datagram for raw_send.py. */
interface RawDatagram {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  payload: string;
  dstMac?: string;
}

/** Send `datagrams` from `host`'s eth0, in order, with scapy. */
async function sendRaw(host: Host, datagrams: readonly RawDatagram[]): Promise<void> {
  const items = datagrams.map(({ payload, ...d }) => ({ ...d, hex: Buffer.from(payload).toString('hex') }));
  const r = await host.run(PYTHON, [rawSend, 'eth0', JSON.stringify(items)], { timeoutMs: 30_000 });
  if (!r.stdout.includes(`sent ${datagrams.length}`))
    throw new Error(`raw_send.py failed (${String(r.code)}): ${r.stderr}`);
}

type Stats = { received: number; delivered: number; dropped: Record<string, number> };

describe.skipIf(skip)('a packet from port 0 or a source no host sends from is dropped at the transport', () => {
  let transport: TransportProcess;
  const lab = useLab({ hosts: 2 }, async (l) => {
    const h0 = l.host(0);
    // Take the kernel's own filters out of the way, so the transport's are what is tested
    // (many hosts run with them off): no reverse-path check (rp_filter=1 refuses two of
    // these sources itself), and 127/8 (a local address, on lo) accepted from eth0.
    for (const conf of ['all', 'default', 'eth0'])
      await h0.runChecked('sysctl', ['-qw', `net.ipv4.conf.${conf}.rp_filter=0`]);
    for (const knob of ['route_localnet', 'accept_local'])
      await h0.runChecked('sysctl', ['-qw', `net.ipv4.conf.eth0.${knob}=1`]);
    transport = await TransportProcess.start(h0, { pollIntervalMs: 0 });
    await transport.command('echo', { on: true });
  });

  it('counts port 0 as bad-port and broadcast, unspecified and loopback sources as bad-source; delivers none and reports no error', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    const link = JSON.parse((await h0.runChecked('ip', ['-j', 'link', 'show', 'eth0'])).stdout) as {
      address: string;
    }[];
    const mac = link[0]?.address ?? '';
    const v4 = { dst: '224.0.0.251', dport: 5353 };
    const v6 = { dst: 'ff02::fb', dport: 5353 };
    const refused: [RawDatagram, 'bad-port' | 'bad-source'][] = [
      [{ ...v4, src: h1.ipv4, sport: 0, payload: 'port 0 to the v4 group' }, 'bad-port'],
      [{ src: h1.ipv4, sport: 0, dst: h0.ipv4, dport: 5353, dstMac: mac, payload: 'port 0 unicast' }, 'bad-port'],
      [{ ...v6, src: h1.ipv6, sport: 0, payload: 'port 0 to the v6 group' }, 'bad-port'],
      [{ ...v4, src: '192.0.2.255', sport: 5353, payload: 'from the subnet broadcast' }, 'bad-source'],
      [{ ...v4, src: '0.0.0.0', sport: 5353, payload: 'from 0.0.0.0' }, 'bad-source'],
      [{ ...v4, src: '127.0.0.1', sport: 5353, payload: 'from 127.0.0.1 on eth0' }, 'bad-source'],
      [{ ...v6, src: '::', sport: 5353, payload: 'from ::' }, 'bad-source'],
    ];
    // Peers' packets last: once they are delivered, the refused ones ahead of them have been handled.
    const controls: RawDatagram[] = [
      { ...v4, src: h1.ipv4, sport: 5353, payload: 'control v4' },
      { ...v6, src: h1.ipv6, sport: 5353, payload: 'control v6' },
    ];
    const before = (await transport.command('stats')).stats as Stats;
    await sendRaw(h1, [...refused.map(([d]) => d), ...controls]);
    await transport.waitFor((e) => e.event === 'packet' && e.payload === 'control v4', 5_000);
    await transport.waitFor((e) => e.event === 'packet' && e.payload === 'control v6', 5_000);

    const expected = (reason: string): number =>
      (before.dropped[reason] ?? 0) + refused.filter(([, r]) => r === reason).length;
    let after = (await transport.command('stats')).stats as Stats;
    for (
      let i = 0;
      i < 20 &&
      (after.dropped['bad-port'] !== expected('bad-port') || after.dropped['bad-source'] !== expected('bad-source'));
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = (await transport.command('stats')).stats as Stats;
    }
    expect(after.dropped['bad-port']).toBe(expected('bad-port'));
    expect(after.dropped['bad-source']).toBe(expected('bad-source'));
    expect(after.dropped['off-link']).toBe(before.dropped['off-link']);
    // Every datagram reached the transport (the echoes of the controls come back as our own).
    const fromPeers = (s: Stats): number => s.received - (s.dropped['own'] ?? 0);
    expect(fromPeers(after) - fromPeers(before)).toBe(refused.length + controls.length);
    expect(after.delivered - before.delivered).toBe(controls.length);
    const delivered = transport.packets().map((p) => p.payload);
    expect(delivered).toEqual(expect.arrayContaining(['control v4', 'control v6']));
    for (const [d] of refused) expect(delivered).not.toContain(d.payload);
    // Nothing was answered, so nothing failed to be sent.
    expect(transport.eventsOf('error')).toEqual([]);
    expect(transport.eventsOf('sendError')).toEqual([]);
  }, 40_000);
});
