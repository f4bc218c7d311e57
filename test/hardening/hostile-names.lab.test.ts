/**
 * Issue 9, "a single packet kills the process": a peer on the link claims
 * a name boaster holds when that name is already (almost) as long as a DNS
 * label may be, so the conflict rename ("host-2", "Name (2)") cannot simply
 * append its suffix. The process must survive, pick a legal name (≤ 63
 * bytes, RFC 1035 §2.3.4) and announce it.
 *
 * h0 runs `boaster publish` (the CLI, through tsx); h1 runs peer.cjs (plain
 * dgram + dns-packet). After boaster has announced, h1 sends the conflicting
 * record unsolicited and, like any real owner of the name, answers boaster's
 * probes for it: RFC 6762 §9 has a responder re-probe after a conflicting
 * answer and rename only when the probe is defended, so an undefended packet
 * alone rightly ends in keeping the name.
 */
import { describe, expect, it } from 'vitest';
import type { Answer, SrvAnswer } from 'dns-packet';
import { labGate } from '../lab/availability.js';
import { useLab } from '../lab/use-lab.js';
import { sleep } from '../lab/wait.js';
import { startPublish } from '../responder/publish-lab.js';
import {
  instanceFqdn,
  query,
  recordsOf,
  response,
  runPeer,
  sameName,
  standardSockets,
  type DataAnswer,
  type PeerDatagram,
} from './peer.js';

const skip = labGate([], 'hardening: hostile names');

/** After "Established" the remaining announcements take 3 s (RFC 6762 §8.3). */
const ANNOUNCED_MS = 4_000;
const INTRUDER_V4 = '192.0.2.99';
const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Datagrams h0 (192.0.2.10) sent to the group. */
function fromBoaster(received: readonly PeerDatagram[]): PeerDatagram[] {
  return received.filter((d) => d.from === '192.0.2.10' && d.sock === 'group4');
}

describe.skipIf(skip)('hostile names: a conflict on a name at the label limit', () => {
  const lab = useLab({ hosts: 2 });

  it('a conflicting A for a 62-byte host name: the process lives, renames to 61 bytes + "-2" and announces it', async () => {
    const host = `hostilehost${'a'.repeat(51)}`;
    const renamed = `${host.slice(0, 61)}-2`;
    expect(host).toHaveLength(62);
    const pub = await startPublish(lab().host(0), ['Hostile Host Service', '_http._tcp', '80', '--host', host]);
    await sleep(ANNOUNCED_MS);
    const h1 = lab().host(1);
    const theirA = response([{ type: 'A', name: `${host}.local`, ttl: 120, flush: true, data: INTRUDER_V4 }]);
    const renameLine = pub.process
      .waitForOutput(/Host renamed from '(.*?)' to '(.*?)'/, 10_000)
      .catch((e: unknown) => e as Error);
    const run = await runPeer(h1, {
      durationMs: 9_000,
      sockets: standardSockets(h1),
      steps: [
        { at: 0, label: 'conflicting-a', socket: 'mdns4', packet: theirA },
        {
          at: 7_000,
          label: 'ask-new-name',
          socket: 'eph4',
          packet: query([{ name: `${renamed}.local`, type: 'A' }], { id: 0x4e01 }),
        },
      ],
      defend: [{ label: 'defend-a', name: `${host}.local`, socket: 'mdns4', packet: theirA, max: 6 }],
    });
    expect(run.errors).toEqual([]);
    // The defect: renaming to "<62 bytes>-2" throws LABEL_TOO_LONG in a timer and ends the process.
    expect(pub.process.running, `boaster died after one conflicting packet\n${pub.process.tail()}`).toBe(true);
    const line = await renameLine;
    expect(line instanceof Error ? line.message : line[0]).toBe(`Host renamed from '${host}' to '${renamed}'`);
    // Announced under the new name: an A record for it, our address, TTL > 0, from h0.
    const announced = fromBoaster(run.received).some(
      (d) =>
        d.msg?.type === 'response' &&
        recordsOf(d.msg).some(
          (r) => r.type === 'A' && sameName(r.name, `${renamed}.local`) && r.data === '192.0.2.10' && (r.ttl ?? 0) > 0,
        ),
    );
    expect(announced, 'no announcement of the renamed host seen on the link').toBe(true);
    for (const d of fromBoaster(run.received)) {
      for (const r of recordsOf(d.msg))
        expect(
          r.name.split('.').every((label) => utf8Bytes(label) <= 63),
          r.name,
        ).toBe(true);
    }
    // And it answers for the new name (legacy unicast, RFC 6762 §6.7).
    const answer = run.received.find((d) => d.sock === 'eph4' && d.msg?.id === 0x4e01);
    expect(recordsOf(answer?.msg).find((r) => r.type === 'A')?.data, 'no legacy answer for the renamed host').toBe(
      '192.0.2.10',
    );
    await pub.process.stop();
  }, 60_000);

  it('conflicting SRVs for a 60-byte instance name: the process lives, renames within 63 bytes at a character boundary and stops announcing the taken name', async () => {
    // 58 ASCII bytes and a 2-byte "é": "Name (2)" must cut the base to fit 63 bytes without splitting the "é".
    const instance = `Hostile Instance ${'x'.repeat(41)}é`;
    expect(utf8Bytes(instance)).toBe(60);
    const type = '_http._tcp';
    const fqdn = instanceFqdn(instance, type);
    const pub = await startPublish(lab().host(0), [instance, type, '80', '--host', 'hostilesvc']);
    await sleep(ANNOUNCED_MS);
    const h1 = lab().host(1);
    const theirSrv: Answer = {
      type: 'SRV',
      name: fqdn,
      ttl: 120,
      flush: true,
      data: { priority: 0, weight: 0, port: 9, target: 'intruder.local' },
    };
    const conflict = response([theirSrv]);
    const renameLine = pub.process
      .waitForOutput(/Service name collision, renaming service to '(.*?)' \(was '(.*?)'\)\n/, 12_000)
      .catch((e: unknown) => e as Error);
    const run = await runPeer(h1, {
      durationMs: 10_000,
      sockets: standardSockets(h1),
      steps: [
        ...[0, 1_500, 3_000, 4_500].map((at, i) => ({
          at,
          label: `conflicting-srv-${i + 1}`,
          socket: 'mdns4',
          packet: conflict,
        })),
        // The taken name must not be answered for any more.
        {
          at: 8_000,
          label: 'ask-old-name',
          socket: 'eph4',
          packet: query([{ name: fqdn, type: 'SRV' }], { id: 0x4e02 }),
        },
      ],
      defend: [{ label: 'defend-srv', name: fqdn, socket: 'mdns4', packet: conflict, max: 8 }],
    });
    expect(run.errors).toEqual([]);
    expect(pub.process.running, `boaster died after conflicting SRV records\n${pub.process.tail()}`).toBe(true);
    const line = await renameLine;
    if (line instanceof Error) throw new Error(`no rename: ${line.message}`);
    const [, to = '', from] = line;
    expect(from).toBe(instance);
    expect(utf8Bytes(to), `renamed to "${to}"`).toBeLessThanOrEqual(63);
    expect(to).not.toContain('\uFFFD');
    expect(to).toMatch(/ \(\d+\)$/);
    expect(instance.startsWith(to.replace(/ \(\d+\)$/, ''))).toBe(true);
    const newFqdn = instanceFqdn(to, type);
    const ours = fromBoaster(run.received);
    // The new name is announced with our data.
    const srvOf = (d: PeerDatagram, name: string): SrvAnswer[] =>
      recordsOf(d.msg).filter((r): r is SrvAnswer => r.type === 'SRV' && sameName(r.name, name));
    const announced = ours.some(
      (d) =>
        d.msg?.type === 'response' &&
        srvOf(d, newFqdn).some(
          (r) => (r.ttl ?? 0) > 0 && r.data.port === 80 && sameName(r.data.target, 'hostilesvc.local'),
        ),
    );
    expect(announced, `no announcement of "${to}" seen on the link`).toBe(true);
    // From the first probe of the new name on, nothing of the old one but goodbyes (TTL 0).
    const firstProbe = ours.find(
      (d) => d.msg?.type === 'query' && (d.msg.questions ?? []).some((q) => sameName(q.name, newFqdn)),
    );
    expect(firstProbe, `no probe for "${to}"`).toBeDefined();
    const afterRename = ours.filter((d) => d.at >= (firstProbe?.at ?? Infinity));
    const oldLive = afterRename.flatMap((d) =>
      recordsOf(d.msg)
        .filter(
          (r: DataAnswer) =>
            (r.ttl ?? 0) > 0 && (sameName(r.name, fqdn) || (r.type === 'PTR' && sameName(r.data, fqdn))),
        )
        .map((r) => `+${d.at - run.start} ms ${r.type} ${r.name} ttl ${String(r.ttl)}`),
    );
    expect(oldLive, 'the taken name was announced again after the rename').toEqual([]);
    expect(
      run.received.some((d) => d.sock === 'eph4' && d.msg?.id === 0x4e02 && (d.msg.answers ?? []).length > 0),
      'the taken name is still answered',
    ).toBe(false);
    await pub.process.stop();
  }, 60_000);
});
