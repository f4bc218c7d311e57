/**
 * Issue 15, amplification (the class of avahi CVE-2017-6519): bytes boaster
 * sends per byte a stranger sends it, for every query shape that gets an
 * answer — QU (a unicast reply), legacy unicast (RFC 6762 §6.7), ANY, and
 * a PTR query whose answer is large — from three kinds of source:
 *
 * - sources that cannot be a querier on this link, or look forged: off-link
 *   IPv4 (198.51.100.7) and IPv6 (2001:db8::7), the subnet broadcast,
 *   0.0.0.0, and source port 0. Not one datagram may answer them (ratio 0),
 *   unicast or multicast: the transport drops them before the engine
 *   (README "Transport"). boaster's own address is not among them: it may be
 *   another program on this host, and is answered by multicast alone;
 * - a spoofed on-link victim (h2's address, forged by h1): what reaches the
 *   victim stays within the per-source unicast budget (reply-budget.ts:
 *   4,096 bytes a second plus 4 × what it "sent"), measured and reported;
 * - the real on-link querier (h1): every shape is answered (the measurement
 *   works), within the same budget.
 *
 * h0 runs test/hardening/amplification/publish.mjs (built dist/); h1 sends
 * every datagram with scapy (cve/lab-tools.ts sendRaw), since no socket
 * can send from another host's address or from port 0; a capture on the
 * link records what boaster sent. The kernel's reverse-path filter is off
 * on h0, so the transport's own checks are what is tested.
 */
import { fileURLToPath } from 'node:url';
import dnsPacket, { type Question, type RecordType } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { CORE_LAB_TOOLS, gateOnReason, labGate } from '../lab/availability.js';
import { readUdpDatagrams, startCapture, type CapturedDatagram } from '../lab/capture.js';
import type { LabProcess } from '../lab/process.js';
import { useLab } from '../lab/use-lab.js';
import { sleep } from '../lab/wait.js';
import { macOf, scapyMissing, sendRaw, type RawDatagram } from './cve/lab-tools.js';
import { query } from './peer.js';

const PUBLISH = fileURLToPath(new URL('./amplification/publish.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const skip =
  labGate([...CORE_LAB_TOOLS, 'tshark'], 'amplification lab test') ??
  gateOnReason(scapyMissing(), 'amplification lab test');

/** Services of the large type: its PTR answer (with SRV, TXT and addresses) is several kB. */
const BIG = 20;
const SMALL = 'Amp Small._amp-small._tcp.local';
const BIG_TYPE = '_amp-big._tcp.local';
/** Queries of each shape from each source. */
const REPEAT = 10;
/** Budget of reply-budget.ts (UNICAST_REPLY_BASE_BYTES_PER_SECOND, UNICAST_REPLY_AMPLIFICATION_LIMIT). */
const BASE_BYTES_PER_SECOND = 4_096;
const AMPLIFICATION_LIMIT = 4;

/** QTYPE ANY (255): dns-packet encodes it, its types leave it out. */
const ANY = 'ANY' as unknown as RecordType;

/** A query shape: its questions, QU or not, and the source port (5353, or a legacy port of its own). */
interface Shape {
  readonly name: string;
  readonly questions: readonly Question[];
  readonly qu: boolean;
  readonly port: number;
}
const SHAPES: readonly Shape[] = [
  { name: 'QU SRV', questions: [{ name: SMALL, type: 'SRV' }], qu: true, port: 5353 },
  { name: 'QU ANY', questions: [{ name: `amp-0.${BIG_TYPE}`, type: ANY }], qu: true, port: 5353 },
  { name: 'QU big PTR', questions: [{ name: BIG_TYPE, type: 'PTR' }], qu: true, port: 5353 },
  { name: 'QM big PTR', questions: [{ name: BIG_TYPE, type: 'PTR' }], qu: false, port: 5353 },
  { name: 'legacy SRV', questions: [{ name: SMALL, type: 'SRV' }], qu: false, port: 40_001 },
  { name: 'legacy ANY', questions: [{ name: `amp-0.${BIG_TYPE}`, type: ANY }], qu: false, port: 40_002 },
  { name: 'legacy big PTR', questions: [{ name: BIG_TYPE, type: 'PTR' }], qu: false, port: 40_003 },
];

/** Every shape, REPEAT times, round-robin (so each shape is asked before any budget is spent), from `src`. */
function burst(src: string, to: { dst: string; dstMac?: string }, sport?: number): RawDatagram[] {
  const out: RawDatagram[] = [];
  for (let i = 0; i < REPEAT; i++)
    for (const [k, shape] of SHAPES.entries()) {
      const legacy = shape.port !== 5353;
      const buf = query(shape.questions, { qu: shape.qu, id: legacy ? 0x100 * (k + 1) + i : 0 });
      out.push({ src, sport: sport ?? shape.port, ...to, dport: 5353, payload: buf });
    }
  return out;
}

const bytes = (list: readonly RawDatagram[]): number => list.reduce((n, d) => n + d.payload.length, 0);
const sentBytes = (list: readonly CapturedDatagram[]): number => list.reduce((n, d) => n + d.payload.length, 0);

/** What boaster sent in [from, to] (epoch ms), read from the capture. */
function window(
  all: readonly CapturedDatagram[],
  own: readonly string[],
  from: number,
  to: number,
): CapturedDatagram[] {
  return all.filter((d) => own.includes(d.src) && d.at >= from && d.at <= to);
}

/** Whether a unicast reply to port 5353 of `dst` answers `shape` (matched by its answer's name and type). */
function answers(d: CapturedDatagram, shape: Shape): boolean {
  let msg;
  try {
    msg = dnsPacket.decode(d.payload);
  } catch {
    return false;
  }
  const q = shape.questions[0];
  return (msg.answers ?? []).some(
    (r) => r.name.toLowerCase() === q?.name.toLowerCase() && (q.type === ANY || r.type === q.type),
  );
}

describe.skipIf(skip)('amplification: bytes sent per byte received, by query shape and source', () => {
  let publisher: LabProcess | undefined;
  const lab = useLab({ hosts: 3 }, async (l) => {
    const h0 = l.host(0);
    // As in source-refusal.lab.test.ts: the kernel's filters out of the way (many hosts run
    // without them), so forged on-link and local sources reach the transport's own checks.
    for (const conf of ['all', 'default', h0.ifname])
      await h0.runChecked('sysctl', ['-qw', `net.ipv4.conf.${conf}.rp_filter=0`]);
    await h0.runChecked('sysctl', ['-qw', `net.ipv4.conf.${h0.ifname}.accept_local=1`]);
    publisher = h0.spawn(process.execPath, [PUBLISH, JSON.stringify({ ifname: h0.ifname, big: BIG })], {
      cwd: ROOT,
      label: `amp-publish@${h0.name}`,
    });
    await publisher.waitForOutput(/^ready$/m, 30_000);
    await sleep(4_500); // the last announcements (RFC 6762 §8.3: 1 s and 3 s after the first)
  });

  it('answers nothing to off-link or forged-looking sources; keeps a spoofed victim and a real querier within the unicast budget', async () => {
    const [h0, h1, h2] = [lab().host(0), lab().host(1), lab().host(2)];
    const mac = await macOf(h0);
    const group4 = { dst: '224.0.0.251' };
    const group6 = { dst: 'ff02::fb' };
    const direct4 = { dst: h0.ipv4, dstMac: mac };
    const hostile: Record<string, RawDatagram[]> = {
      'off-link IPv4 to the group': burst('198.51.100.7', group4),
      'off-link IPv4 to our address': burst('198.51.100.7', direct4),
      'off-link IPv6 to the group': burst('2001:db8::7', group6),
      'the subnet broadcast': burst('192.0.2.255', group4),
      '0.0.0.0': burst('0.0.0.0', group4),
      'source port 0 (IPv4)': burst(h1.ipv4, group4, 0),
      'source port 0 (IPv6)': burst(h1.ipv6, group6, 0),
    };
    // Not forged-looking: a query from our own address may be another program on this host
    // (avahi-browse beside boaster, README "Publishing a service"), answered like any on-link one.
    const local = burst(h0.ipv4, group4);
    const victim = burst(h2.ipv4, group4);
    const real = burst(h1.ipv4, group4);
    const own = [h0.ipv4, h0.ipv6];
    const capture = await startCapture(lab().link(0), { dir: lab().dir, filter: 'udp' });
    let all: CapturedDatagram[];
    const t0 = Date.now();
    const spans: [string, number, number][] = [];
    for (const [what, list] of Object.entries(hostile)) {
      const from = Date.now();
      await sendRaw(h1, list);
      await sleep(1_200);
      spans.push([what, from, Date.now()]);
    }
    await sleep(1_500); // delayed answers (≤ 500 ms) and held-back multicasts (≤ 1 s) would show by now
    const t1 = Date.now();
    await sendRaw(h1, local);
    await sleep(2_500);
    const t2 = Date.now();
    await sendRaw(h1, victim);
    const t3 = Date.now();
    await sleep(2_500);
    const t4 = Date.now();
    await sendRaw(h1, real);
    const t5 = Date.now();
    await sleep(2_500);
    try {
      all = await readUdpDatagrams(await capture.stop());
    } finally {
      await capture.stop().catch(() => undefined);
    }

    const report: string[] = ['| source | query bytes in | bytes boaster sent | ratio |', '|---|---|---|---|'];
    const hostileIn = bytes(Object.values(hostile).flat());
    const hostileOut = window(all, own, t0, t1);
    const localOut = window(all, own, t1, t2);
    for (const [what, from, to] of spans) {
      const list = hostile[what] ?? [];
      const out = sentBytes(window(all, own, from, to));
      report.push(`| ${what} | ${bytes(list)} | ${out} | ${(out / bytes(list)).toFixed(2)} |`);
    }
    report.push(
      `| all forged-looking and off-link | ${hostileIn} | ${sentBytes(hostileOut)} | ${(sentBytes(hostileOut) / hostileIn).toFixed(2)} |`,
    );

    report.push(
      `| our own address (a program on this host?), multicast | ${bytes(local)} | ${sentBytes(localOut)} | ${(sentBytes(localOut) / bytes(local)).toFixed(2)} |`,
    );
    const victimIn = bytes(victim);
    const victimOut = window(all, own, t2, t4);
    const toVictim = victimOut.filter((d) => d.dst === h2.ipv4);
    const victimSeconds = Math.max(1, Math.ceil((t3 - t2) / 1000) + 1);
    report.push(
      `| spoofed on-link victim (h2), unicast to it | ${victimIn} | ${sentBytes(toVictim)} | ${(sentBytes(toVictim) / victimIn).toFixed(2)} |`,
      `| spoofed on-link victim (h2), multicast | ${victimIn} | ${sentBytes(victimOut.filter((d) => d.dst !== h2.ipv4))} | ${(sentBytes(victimOut.filter((d) => d.dst !== h2.ipv4)) / victimIn).toFixed(2)} |`,
    );
    const realOut = window(all, own, t4, Date.now());
    const toReal = realOut.filter((d) => d.dst === h1.ipv4);
    const realIn = bytes(real);
    const realSeconds = Math.max(1, Math.ceil((t5 - t4) / 1000) + 1);
    for (const shape of SHAPES) {
      const shapeIn = bytes(real.filter((_, i) => SHAPES[i % SHAPES.length] === shape));
      const replies =
        shape.port === 5353
          ? toReal.filter((d) => d.dstPort === 5353 && answers(d, shape))
          : toReal.filter((d) => d.dstPort === shape.port);
      report.push(
        `| real querier (h1): ${shape.name} | ${shapeIn} | ${sentBytes(replies)} unicast | ${(sentBytes(replies) / shapeIn).toFixed(2)} |`,
      );
    }
    report.push(
      `| real querier (h1), all shapes, unicast | ${realIn} | ${sentBytes(toReal)} | ${(sentBytes(toReal) / realIn).toFixed(2)} |`,
    );
    console.log(report.join('\n'));

    // CVE-2017-6519's class: nothing at all answers an off-link or forged-looking source.
    expect(hostileOut.map((d) => `${d.src} → ${d.dst}:${d.dstPort}`)).toEqual([]);
    // A query from our own address gets multicast only (§6.2-limited): no unicast reply crosses the link.
    expect(localOut.filter((d) => d.dst !== '224.0.0.251' && d.dst !== 'ff02::fb')).toEqual([]);
    // The per-source budget bounds what a forged querier can have sent to its victim.
    expect(sentBytes(toVictim)).toBeLessThanOrEqual(
      AMPLIFICATION_LIMIT * victimIn + BASE_BYTES_PER_SECOND * victimSeconds,
    );
    expect(sentBytes(toReal)).toBeLessThanOrEqual(AMPLIFICATION_LIMIT * realIn + BASE_BYTES_PER_SECOND * realSeconds);
    // The measurement works: the real querier got a unicast answer to every unicast shape.
    for (const shape of SHAPES.filter((s) => s.qu || s.port !== 5353)) {
      const got = toReal.some((d) =>
        shape.port === 5353 ? d.dstPort === 5353 && answers(d, shape) : d.dstPort === shape.port,
      );
      expect(got, `a unicast answer to ${shape.name} from the real querier`).toBe(true);
    }
    // And the QM shape was answered by multicast.
    expect(realOut.some((d) => d.dst === '224.0.0.251')).toBe(true);
    expect(publisher?.running).toBe(true);
    expect(publisher?.stdout ?? '').not.toMatch(/^error /m);
  }, 90_000);
});
