/**
 * Avahi's CVE history on real sockets (issue 15): one test per CVE class,
 * in one shared lab. h0 runs `boaster publish` (the target), h2 another
 * (a second responder, for reflection), h3 boaster's querier side (a child
 * script on the API and `boaster resolve`); h1 is the attacker: dgram
 * (peer.cjs) where dgram can write the field, scapy at layer 2
 * (raw_frames.py) where it cannot — source port 0, spoofed sources, a bad
 * UDP checksum. dumpcap records the link around each step, and each test
 * asserts from the capture what boaster sent: nothing to port 0, spoofed or
 * off-link sources, no reflection loop, nothing in reaction to malformed or
 * empty packets; then that a valid legacy query is still answered, the
 * process is alive and no name was given up. The unit side is cve.test.ts.
 *
 * h0's subnet is cut to 192.0.2.0/26 so that 192.0.2.200 (on h1, /32) is
 * off-link for it, as 2001:db8:7::7 is; h0 gets routes to both, so a reply
 * could reach them (checked first: otherwise the off-link test could not fail).
 */
import { describe, expect, it } from 'vitest';
import type { Answer } from 'dns-packet';
import { fileURLToPath } from 'node:url';
import { assertLabIPv6Cidr } from '../lab/addresses.js';
import { gateOnReason, labGate } from '../lab/availability.js';
import type { LabProcess } from '../lab/process.js';
import { udpReach } from '../lab/reach.js';
import { lastJson } from '../lab/result-line.js';
import { useLab } from '../lab/use-lab.js';
import { sleep } from '../lab/wait.js';
import { startPublish } from '../responder/publish-lab.js';
import { encodePacket } from '../../src/wire/encode.js';
import { query, response, runPeer, standardSockets, startPeer, type PeerRun, type PeerStep } from './peer.js';
import {
  captured,
  controlQuery,
  controlSrv,
  datagramLine,
  macOf,
  scapyMissing,
  sendRaw,
  sentBy,
  type RawDatagram,
} from './cve/lab-tools.js';
import {
  badKnownAnswerQuery,
  countOverrunQuery,
  EMPTY,
  ednsPtrQuery,
  loopingRdataResponse,
  overrunResponse,
  pointerCycleQuery,
  selfPointerQuery,
  selfReferences,
} from './cve/hostile-packets.js';

const skip =
  labGate(['ip', 'sysctl', 'tshark'], 'hardening: avahi CVE classes') ??
  gateOnReason(scapyMissing(), 'hardening: avahi CVE classes');

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/boaster.ts', import.meta.url));
const LOOKUPS = fileURLToPath(new URL('./cve/lookup-child.ts', import.meta.url));

const TARGET = 'CVE Target._http._tcp.local';
const MIRROR = 'CVE Mirror._http._tcp.local';
const OFFLINK4 = '192.0.2.200';
const OFFLINK6 = '2001:db8:7::7';
const LEGACY_PORT = 40_000;
/** After "Established" the remaining announcements take 3 s (RFC 6762 §8.3). */
const ANNOUNCED_MS = 4_000;

const buf = (bytes: Uint8Array): Buffer => Buffer.from(bytes);

/** Another host's SRV for our instance: a conflict, were it heard (RFC 6762 §9). */
const CONFLICTING_SRV: Answer = {
  type: 'SRV',
  name: TARGET,
  ttl: 120,
  flush: true,
  data: { priority: 0, weight: 0, port: 9, target: 'intruder.local' },
};

describe.skipIf(skip)('avahi CVE classes against boaster on real sockets', () => {
  let target: LabProcess;
  let mirror: LabProcess;
  const lab = useLab({ hosts: 4 }, async (l) => {
    const [h0, h1, h2] = [l.host(0), l.host(1), l.host(2)];
    await h0.replaceIPv4('eth0', '192.0.2.10/26');
    await h0.runChecked('ip', ['route', 'replace', '192.0.2.192/26', 'dev', 'eth0']);
    await h1.addAddress('eth0', `${OFFLINK4}/32`);
    assertLabIPv6Cidr(`${OFFLINK6}/64`);
    await h1.addAddress('eth0', `${OFFLINK6}/64`);
    await h1.waitForIPv6('eth0');
    await h0.runChecked('ip', ['-6', 'route', 'replace', '2001:db8:7::/64', 'dev', 'eth0']);
    const [t, m] = await Promise.all([
      startPublish(h0, ['CVE Target', '_http._tcp', '8080', '--host', 'cvehost']),
      startPublish(h2, ['CVE Mirror', '_http._tcp', '8081', '--host', 'cvemirror']),
    ]);
    target = t.process;
    mirror = m.process;
    await sleep(ANNOUNCED_MS);
  });

  /** Alive, never renamed, no internal error. */
  const expectIntact = (proc: LabProcess): void => {
    expect(proc.running, proc.tail()).toBe(true);
    expect(proc.stdout).not.toMatch(/collision|renamed/i);
    expect(proc.stderr).not.toMatch(/Internal error/);
  };

  /** When the peer sent control query `id`. */
  const sentAt = (run: PeerRun, id: number): number => {
    const at = run.sent.find((s) => s.label === `control-${id}`)?.at;
    if (at === undefined) throw new Error(`the peer never sent control query ${id}: ${run.errors.join('; ')}`);
    return at;
  };

  /** Legacy control queries from h1 (RFC 6762 §6.7), `at` ms into a peer run. */
  const controls = (at: number, ids: readonly [string, number][]): PeerStep[] =>
    ids.map(([fqdn, id], i) => ({
      at: at + 100 * i,
      label: `control-${id}`,
      socket: 'eph4',
      packet: controlQuery(fqdn, id),
    }));

  it('CVE-2006-6870: questions whose names point at themselves or at each other, and PTR/SRV RDATA that loop, get nothing; the next query is answered', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    const hostile: PeerStep[] = [
      { at: 0, label: 'self', socket: 'mdns4', packet: buf(selfPointerQuery()) },
      { at: 50, label: 'self-legacy', socket: 'eph4', packet: buf(selfPointerQuery()) },
      { at: 100, label: 'cycle', socket: 'mdns4', packet: buf(pointerCycleQuery()) },
      { at: 150, label: 'cycle-legacy', socket: 'eph4', packet: buf(pointerCycleQuery()) },
      {
        at: 200,
        label: 'looping-rdata',
        socket: 'mdns4',
        packet: buf(loopingRdataResponse('_http._tcp.local', TARGET, 'peer.local', h1.ipv4)),
      },
    ];
    const { result: run, seen } = await captured(lab(), () =>
      runPeer(h1, {
        durationMs: 2_000,
        sockets: standardSockets(h1),
        steps: [...hostile, ...controls(1_200, [[TARGET, 0x6870]])],
      }),
    );
    expect(run.errors).toEqual([]);
    const controlAt = sentAt(run, 0x6870);
    expect(seen.filter((d) => d.src === h1.ipv4 && d.at < controlAt).length).toBeGreaterThanOrEqual(hostile.length);
    expect(sentBy(seen, h0, run.start, controlAt).map(datagramLine)).toEqual([]);
    expect(controlSrv(run, TARGET, 0x6870)?.data).toMatchObject({ port: 8080, target: 'cvehost.local' });
    expectIntact(target);
  }, 20_000);

  it('CVE-2008-5081: queries from source port 0 (to the groups and to h0) get no reply at all; the next query is answered', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    const mac = await macOf(h0);
    const asked = (qu: boolean): Uint8Array => query([{ name: TARGET, type: 'TXT' }], { id: 0x5081, qu });
    const hostile: RawDatagram[] = [false, true].flatMap((qu) => [
      { src: h1.ipv4, sport: 0, dst: '224.0.0.251', dport: 5353, payload: asked(qu) },
      { src: h1.ipv4, sport: 0, dst: h0.ipv4, dport: 5353, dstMac: mac, payload: asked(qu) },
      { src: h1.ipv6, sport: 0, dst: 'ff02::fb', dport: 5353, payload: asked(qu) },
    ]);
    const { result, seen } = await captured(lab(), async () => {
      const from = Date.now();
      await sendRaw(h1, hostile);
      await sleep(500);
      const run = await runPeer(h1, {
        durationMs: 800,
        sockets: standardSockets(h1),
        steps: controls(0, [[TARGET, 0x5082]]),
      });
      return { from, run };
    });
    const { from, run } = result;
    expect(seen.filter((d) => d.srcPort === 0).length).toBe(hostile.length);
    expect(seen.filter((d) => d.dstPort === 0).map(datagramLine)).toEqual([]);
    expect(sentBy(seen, h0, from, run.start).map(datagramLine)).toEqual([]);
    expect(controlSrv(run, TARGET, 0x5082)?.data.port).toBe(8080);
    expectIntact(target);
  }, 30_000);

  it('CVE-2009-0758: queries spoofed from the other responder, from h0 itself and from a multicast source, and a response from a legacy port: one reply each at most, no reflection between the two responders', async () => {
    const [h0, h1, h2] = [lab().host(0), lab().host(1), lab().host(2)];
    const [mac0, mac2] = await Promise.all([macOf(h0), macOf(h2)]);
    const srvQuery = (fqdn: string, opts: { id?: number; qu?: boolean } = {}): Uint8Array =>
      query([{ name: fqdn, type: 'SRV' }], opts);
    const round: RawDatagram[] = [
      { src: '224.0.0.251', sport: LEGACY_PORT, dst: '224.0.0.251', dport: 5353, payload: srvQuery(TARGET, { id: 1 }) },
      // QU to h0 "from h2:5353": h0's unicast answer lands on h2's mDNS port, as a response.
      { src: h2.ipv4, sport: 5353, dst: h0.ipv4, dport: 5353, dstMac: mac0, payload: srvQuery(TARGET, { qu: true }) },
      // And the mirror image, to h2 "from h0:5353".
      { src: h0.ipv4, sport: 5353, dst: h2.ipv4, dport: 5353, dstMac: mac2, payload: srvQuery(MIRROR, { qu: true }) },
      // A legacy query "from h2" (RFC 6762 §6.7): h0's reply goes to a port no responder uses.
      { src: h2.ipv4, sport: LEGACY_PORT, dst: '224.0.0.251', dport: 5353, payload: srvQuery(TARGET, { id: 2 }) },
      // A query claiming h0's own address.
      { src: h0.ipv4, sport: 5353, dst: '224.0.0.251', dport: 5353, payload: srvQuery(TARGET) },
      // A conflicting response from a legacy port (§6: not a response): no conflict, no re-probe.
      { src: h2.ipv4, sport: LEGACY_PORT, dst: '224.0.0.251', dport: 5353, payload: response([CONFLICTING_SRV]) },
    ];
    const queries = round.filter((d) => ((d.payload[2] ?? 0) & 0x80) === 0).length;
    const { result, seen } = await captured(lab(), async () => {
      const from = Date.now();
      await sendRaw(h1, [...round, ...round, ...round]);
      await sleep(3_000);
      const run = await runPeer(h1, {
        durationMs: 900,
        sockets: standardSockets(h1),
        steps: controls(0, [
          [TARGET, 0x0758],
          [MIRROR, 0x0759],
        ]),
      });
      return { from, run };
    });
    const { from, run } = result;
    // What the two responders sent: the capture shows h1's spoofed datagrams under their addresses too.
    const spoofed = new Set(round.map((d) => `${d.sport}|${Buffer.from(d.payload).toString('hex')}`));
    const responders = [...sentBy(seen, h0, from, run.start), ...sentBy(seen, h2, from, run.start)].filter(
      (d) => !spoofed.has(`${d.srcPort}|${d.payload.toString('hex')}`),
    );
    expect(responders.length, 'the spoofed queries were not answered at all: nothing to tell').toBeGreaterThan(0);
    expect(responders.length, responders.map(datagramLine).join('\n')).toBeLessThanOrEqual(3 * queries);
    expect(controlSrv(run, TARGET, 0x0758)?.data.port).toBe(8080);
    expect(controlSrv(run, MIRROR, 0x0759)?.data.port).toBe(8081);
    expectIntact(target);
    expectIntact(mirror);
  }, 30_000);

  it('CVE-2010-2244: after a bad UDP checksum, a framing error, a count overrun, a bad known answer and odd records, every next valid query is answered', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    const legacy = (id: number): Uint8Array => controlQuery(TARGET, id);
    const checksums: RawDatagram[] = [
      { src: h1.ipv4, sport: 40_001, dst: '224.0.0.251', dport: 5353, payload: legacy(0x2244), udpChecksum: 0xdead },
      { src: h1.ipv4, sport: 40_001, dst: '224.0.0.251', dport: 5353, payload: legacy(0x2245) },
    ];
    const odd = encodePacket({
      id: 0,
      flags: 0x8400,
      answers: [
        { name: 'odd.local', type: 'TXT', class: 1, ttl: 120, data: [] },
        { name: 'odd.local', type: 'PTR', class: 1, ttl: 120, data: '' },
        { name: 'odd.local', type: 'A', class: 254, ttl: 120, data: '0.0.0.0' },
      ],
    });
    const bad = [overrunResponse('peer.local'), countOverrunQuery(), odd];
    const steps: PeerStep[] = bad.flatMap((packet, i) => [
      { at: 300 * i, label: `bad-${i}`, socket: i === 1 ? 'eph4' : 'mdns4', packet: buf(packet) },
      { at: 300 * i + 20, label: `control-${i}`, socket: 'eph4', packet: controlQuery(TARGET, 0x2250 + i) },
    ]);
    steps.push({
      at: 1_000,
      label: 'bad-known-answer',
      socket: 'eph4',
      packet: buf(badKnownAnswerQuery(0x2260, TARGET)),
    });
    const { result, seen } = await captured(lab(), async () => {
      await sendRaw(h1, checksums);
      return runPeer(h1, { durationMs: 1_800, sockets: standardSockets(h1), steps });
    });
    // The packet after the bad checksum is answered (the bad one the kernel drops, or it is answered too).
    const repliesTo = (id: number) =>
      sentBy(seen, h0).filter((d) => d.dstPort === 40_001 && d.payload.length > 2 && d.payload.readUInt16BE(0) === id);
    expect(repliesTo(0x2245)).toHaveLength(1);
    for (let i = 0; i < bad.length; i++)
      expect(controlSrv(result, TARGET, 0x2250 + i)?.data.port, `no answer after bad packet ${i}`).toBe(8080);
    // The question beside the bad known answer is answered.
    expect(controlSrv(result, TARGET, 0x2260)?.data.port).toBe(8080);
    expectIntact(target);
  }, 30_000);

  it('CVE-2011-1002: empty datagrams from 5353, a legacy port and port 0, to the groups and to h0, get nothing; the next query is answered', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    const empty = Buffer.from(EMPTY);
    const steps: PeerStep[] = [];
    for (let i = 0; i < 10; i++)
      steps.push(
        { at: 20 * i, label: 'empty-5353', socket: 'mdns4', packet: empty },
        { at: 20 * i, label: 'empty-legacy', socket: 'eph4', packet: empty },
        { at: 20 * i, label: 'empty-unicast', socket: 'eph4', to: h0.ipv4, packet: empty },
        { at: 20 * i, label: 'empty-v6', socket: 'mdns6', packet: empty },
      );
    const { result, seen } = await captured(lab(), async () => {
      const from = Date.now();
      await sendRaw(h1, [{ src: h1.ipv4, sport: 0, dst: '224.0.0.251', dport: 5353, payload: EMPTY }]);
      const run = await runPeer(h1, {
        durationMs: 1_500,
        sockets: standardSockets(h1, [4, 6]),
        steps: [...steps, ...controls(800, [[TARGET, 0x1002]])],
      });
      return { from, run };
    });
    const { from, run } = result;
    expect(run.errors).toEqual([]);
    const controlAt = sentAt(run, 0x1002);
    expect(sentBy(seen, h1).filter((d) => d.payload.length === 0).length).toBe(steps.length + 1);
    expect(sentBy(seen, h0, from, controlAt).map(datagramLine)).toEqual([]);
    expect(controlSrv(run, TARGET, 0x1002)?.data.port).toBe(8080);
    expectIntact(target);
  }, 20_000);

  it('CVE-2017-6519: legacy, QU, EDNS0, unicast and conflicting packets from an off-link IPv4 source and an IPv6 global one get no reply and rename nothing; an on-link query is answered', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    const reach = await udpReach(h0, h1, OFFLINK4);
    expect(reach.ok, `h0 cannot reach ${OFFLINK4} at all: nothing below could fail\n${reach.detail}`).toBe(true);
    const srvQuestion = [{ name: TARGET, type: 'SRV' as const }];
    const ptrQuestion = [{ name: '_http._tcp.local', type: 'PTR' as const }];
    const theirSrv = response([CONFLICTING_SRV]);
    const offlink = (f: 4 | 6, unicast: string): PeerStep[] => [
      { at: 0, label: `legacy-${f}`, socket: `offEph${f}`, packet: query(srvQuestion, { id: 0x6519 }) },
      {
        at: 100,
        label: `legacy-unicast-${f}`,
        socket: `offEph${f}`,
        to: unicast,
        packet: query(srvQuestion, { id: 0x651a }),
      },
      { at: 200, label: `qu-${f}`, socket: `off${f}`, packet: query([...srvQuestion, ...ptrQuestion], { qu: true }) },
      {
        at: 300,
        label: `edns-${f}`,
        socket: `offEph${f}`,
        packet: buf(ednsPtrQuery(0x651b, '_http._tcp.local')),
      },
      { at: 400, label: `conflict-${f}`, socket: `off${f}`, packet: theirSrv },
      { at: 1_000, label: `conflict-${f}`, socket: `off${f}`, packet: theirSrv },
    ];
    const hostile = [...offlink(4, h0.ipv4), ...offlink(6, `${h0.ipv6}%${h1.ifname}`)];
    const { result: run, seen } = await captured(lab(), () =>
      runPeer(h1, {
        durationMs: 3_800,
        sockets: [
          ...standardSockets(h1, [4, 6]),
          { id: 'off4', family: 4, address: OFFLINK4, port: 5353 },
          { id: 'offEph4', family: 4, address: OFFLINK4, port: 0 },
          { id: 'off6', family: 6, address: OFFLINK6, port: 5353 },
          { id: 'offEph6', family: 6, address: OFFLINK6, port: 0 },
        ],
        steps: [...hostile, ...controls(3_000, [[TARGET, 0x651f]])],
        // Should boaster take the conflict and probe again, defend: a rename would then show.
        defend: [{ label: 'defend', name: TARGET, socket: 'off4', packet: theirSrv, max: 4 }],
      }),
    );
    expect(run.errors).toEqual([]);
    const controlAt = sentAt(run, 0x651f);
    const fromOfflink = seen.filter((d) => d.src === OFFLINK4 || d.src === OFFLINK6);
    expect(fromOfflink.length, 'the off-link packets did not cross the link').toBeGreaterThanOrEqual(hostile.length);
    // (h2 keeps 192.0.2.0/24, on which 192.0.2.200 is on-link: it may answer; h0 must not.)
    expect(
      sentBy(seen, h0)
        .filter((d) => d.dst === OFFLINK4 || d.dst === OFFLINK6)
        .map(datagramLine),
    ).toEqual([]);
    expect(sentBy(seen, h0, run.start, controlAt).map(datagramLine)).toEqual([]);
    expect(run.reacts).toEqual([]);
    expect(controlSrv(run, TARGET, 0x651f)?.data).toMatchObject({ port: 8080, target: 'cvehost.local' });
    expectIntact(target);
  }, 30_000);

  it('CVE-2026-24401: with CNAME loops, a PTR naming itself and an SRV targeting its own name on the link, resolveHost/resolve/query/browse settle without spinning and `boaster resolve` exits with the timeout code', async () => {
    const [h1, h3] = [lab().host(1), lab().host(3)];
    const timeout = 2_500;
    const child = h3.spawn(
      process.execPath,
      ['--import', 'tsx', LOOKUPS, JSON.stringify({ timeout, type: '_loop._tcp', browseMs: 3_500 })],
      { cwd: root, label: 'lookups@h3' },
    );
    await child.waitForOutput(/READY/, 20_000);
    const loops = Buffer.from(
      encodePacket({
        id: 0,
        flags: 0x8400,
        answers: [
          ...selfReferences('_loop._tcp'),
          { name: 'good.local', type: 'A', class: 1, ttl: 120, data: h1.ipv4 },
        ],
      }),
    );
    const peer = startPeer(h1, {
      durationMs: 9_000,
      sockets: standardSockets(h1),
      steps: Array.from({ length: 32 }, (_, i) => ({ at: 250 * i, label: 'loops', socket: 'mdns4', packet: loops })),
    });
    child.write('go\n');
    const cli = h3.spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'resolve', '--timeout', String(timeout), 'loop.local'],
      {
        cwd: root,
        label: 'boaster-resolve@h3',
      },
    );
    const [childExit, cliExit] = await Promise.all([child.exited, cli.exited]);
    await peer.process.stop();
    expect(childExit.code, child.tail()).toBe(0);
    const report = lastJson<{
      lookups: Record<string, string>;
      settledMs: number;
      elapsedMs: number;
      cpuMs: number;
      found: string[];
      up: string[];
      cacheRecords: number;
      errors: string[];
    }>(child, 'lookup-child.ts');
    expect(report.lookups).toEqual({
      loop: 'TIMEOUT',
      ping: 'TIMEOUT',
      self: 'TIMEOUT',
      good: h1.ipv4,
      cname: 'loop.local CNAME loop.local',
      pingA: '',
    });
    // Settled at their timeout, not never (a wide margin: a loaded machine lags).
    expect(report.settledMs).toBeLessThan(3 * timeout);
    // A lookup that spins burns about a core for its whole run; these idle.
    expect(report.cpuMs, JSON.stringify(report)).toBeLessThan(report.elapsedMs / 2);
    expect(report.found).toEqual(['Self._loop._tcp.local']);
    expect(report.up).toEqual([]);
    expect(report.cacheRecords).toBeLessThanOrEqual(40);
    expect(report.errors).toEqual([]);
    expect(child.stdout.length).toBeLessThan(4_096);
    // The CLI: exit 1 and the TIMEOUT message (resolve.ts), nothing on stdout.
    expect(cliExit.code, cli.tail()).toBe(1);
    expect(cli.stderr).toMatch(new RegExp(`No answer within ${timeout} ms resolving "loop.local"`));
    expect(cli.stdout).toBe('');
  }, 40_000);
});
