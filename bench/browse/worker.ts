/**
 * One N of the offline browse benchmark (issue 11), in a process of its own
 * so RSS and heap are this N's: `node --expose-gc --import tsx
 * bench/browse/worker.ts N [MAX_RECORDS]` (the cache bound; default the
 * library's). Prints one JSON line (a BrowseWorkerResult) on
 * stdout. Nothing goes on any network: `Mdns.browse()` runs on FakeTransport
 * with a manual clock and a seeded random.
 *
 * The peer is played as avahi-daemon 0.8 answered a PTR query for a type
 * with 1,000 instances in the lab (captured 2026-12-01): every record in the
 * answer section, PTR + TXT + SRV of about 18 instances a packet (packets of
 * ≤ 1,440 bytes, the host's A and AAAA in the first), one packet every 6 ms,
 * starting 110 ms after the browser's first query. TTLs: PTR and TXT 4,500 s,
 * SRV and addresses 120 s, cache-flush on all but the PTR. One peer host
 * holds every instance (as in the lab).
 *
 * Measured: CPU of the main thread (Linux schedstat, bench/scale/thread-cpu.ts; process.cpuUsage too)
 * from browse() until every instance was `up`, per instance and per packet
 * received; the packets the browser sent until then; then 10 s of simulated
 * hold (what it sends, CPU), and RSS / heap after gc with everything cached.
 */
import { Mdns } from '../../src/api/mdns.js';
import { MdnsCore } from '../../src/core/core.js';
import { FakeTransport, fakeInterface } from '../../src/transport/fake-transport.js';
import { decodePacket } from '../../src/wire/decode.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { ResourceRecord } from '../../src/wire/model.js';
import { ManualClock } from '../scale/clock.js';
import { mainThreadNs } from '../scale/thread-cpu.js';
import { hwid, seeded, T0 } from '../scale/util.js';

const TYPE = '_bench._tcp';
const TYPE_NAME = `${TYPE}.local`;
const PEER_HOST = 'bench-avahi.local';
const PEER = { address: '192.0.2.11', port: 5353, family: 'IPv4' as const };
/** The answer stream, as avahi sent it in the lab. */
const FIRST_ANSWER_AFTER_MS = 110;
const PACKET_GAP_MS = 6;
const MAX_ANSWER_BYTES = 1440;
const HOLD_MS = 10_000;
const LIMIT_MS = 600_000;

/** What one worker reports. */
export interface BrowseWorkerResult {
  n: number;
  /** The cache bound it ran with. */
  maxRecords: number;
  /** Packets the peer sent in its answer. */
  answerPackets: number;
  /** Simulated ms from browse() to the first query, and to all up. */
  firstQuerySimMs: number;
  allUpSimMs: number;
  /** Main-thread CPU (ms) from browse() to all up; per instance (µs) and per answer packet (µs). */
  cpuMs: number;
  cpuPerInstanceUs: number;
  cpuPerPacketUs: number;
  /** process.cpuUsage over the same span (all threads: GC and compiler too), ms. */
  processCpuMs: number;
  /** Packets and questions the browser sent until all up. */
  sentUntilUp: number;
  questionsUntilUp: Record<string, number>;
  /** In the 10 s after: packets, bytes, questions by type, main-thread CPU (ms). */
  holdPackets: number;
  holdBytes: number;
  holdQuestions: Record<string, number>;
  holdCpuMs: number;
  /** Records cached, and memory after gc with everything cached. */
  cachedRecords: number;
  rssKiB: number;
  heapUsedKiB: number;
  baselineRssKiB: number;
  baselineHeapUsedKiB: number;
}

/** Main-thread CPU in ms (schedstat; wall time where there is none: see thread-cpu.ts). */
const threadCpuMs = (): number => mainThreadNs() / 1e6;

function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function memory(): { rssKiB: number; heapUsedKiB: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rssKiB: Math.round(m.rss / 1024), heapUsedKiB: Math.round(m.heapUsed / 1024) };
}

const enc = new TextEncoder();

function instanceRecords(i: number): ResourceRecord[] {
  const name = `svc-${i}.${TYPE_NAME}`;
  return [
    { name: TYPE_NAME, type: 'PTR', class: 1, ttl: 4500, data: name },
    { name, type: 'TXT', class: 1, ttl: 4500, cacheFlush: true, data: [enc.encode(`hwid=${hwid(i)}`)] },
    {
      name,
      type: 'SRV',
      class: 1,
      ttl: 120,
      cacheFlush: true,
      data: { priority: 0, weight: 0, port: 8000 + (i % 1000), target: PEER_HOST },
    },
  ];
}

/** The peer's answer: PTR + TXT + SRV triples in the answer section, packets of ≤ MAX_ANSWER_BYTES. */
function answerPackets(n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let answers: ResourceRecord[] = [
    { name: PEER_HOST, type: 'A', class: 1, ttl: 120, cacheFlush: true, data: PEER.address },
    { name: PEER_HOST, type: 'AAAA', class: 1, ttl: 120, cacheFlush: true, data: 'fe80::11' },
  ];
  const packet = (records: ResourceRecord[]): Uint8Array => encodePacket({ id: 0, flags: 0x8400, answers: records });
  for (let i = 0; i < n; i++) {
    const more = instanceRecords(i);
    if (answers.length > 0 && packet([...answers, ...more]).length > MAX_ANSWER_BYTES) {
      out.push(packet(answers));
      answers = [];
    }
    answers.push(...more);
  }
  if (answers.length > 0) out.push(packet(answers));
  return out;
}

function countQuestions(data: readonly Uint8Array[], into: Record<string, number>): void {
  for (const d of data) for (const q of decodePacket(d).questions) into[q.type] = (into[q.type] ?? 0) + 1;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2]);
  const maxArg = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  if (!Number.isInteger(n) || n < 1 || (maxArg !== undefined && !(Number.isInteger(maxArg) && maxArg > 0)))
    throw new Error('usage: worker.ts N [MAX_RECORDS] (whole numbers ≥ 1)');
  const packets = answerPackets(n);
  const baseline = memory();
  const clock = new ManualClock(T0);
  const transport = new FakeTransport([fakeInterface()], () => clock.now());
  const core = new MdnsCore({
    transport,
    clock,
    random: seeded(1),
    interfaces: ['eth0'],
    ...(maxArg === undefined ? {} : { cache: { maxRecords: maxArg } }),
  });
  const mdns = new Mdns({ core, hostName: 'bench-browser' });
  await core.start();
  const up = new Set<string>();
  const t0 = clock.now();
  const cpu0 = threadCpuMs();
  const pcpu0 = processCpuMs();
  const browser = mdns.browse(TYPE);
  browser.on('up', (s) => up.add(s.name));
  const sentBefore = transport.sent.length;
  await clock.runUntil(() => transport.sent.length > sentBefore, t0 + 1000);
  const firstQueryAt = clock.now();
  for (const [k, data] of packets.entries()) {
    const at = firstQueryAt + FIRST_ANSWER_AFTER_MS + k * PACKET_GAP_MS;
    if (at > clock.now()) await clock.advance(at - clock.now());
    transport.deliver({ data, interface: 'eth0', source: { ...PEER } });
  }
  await clock.runUntil(() => up.size === n, t0 + LIMIT_MS);
  if (up.size !== n) throw new Error(`only ${up.size} of ${n} instances came up`);
  const allUpAt = clock.now();
  const cpuMs = threadCpuMs() - cpu0;
  const processMs = processCpuMs() - pcpu0;
  const untilUp = transport.sent.slice(sentBefore).map((s) => s.data);
  const questionsUntilUp: Record<string, number> = {};
  countQuestions(untilUp, questionsUntilUp);
  const holdFrom = transport.sent.length;
  const holdCpu0 = threadCpuMs();
  await clock.advance(HOLD_MS);
  const holdCpuMs = threadCpuMs() - holdCpu0;
  const hold = transport.sent.slice(holdFrom).map((s) => s.data);
  const holdQuestions: Record<string, number> = {};
  countQuestions(hold, holdQuestions);
  const mem = memory();
  const result: BrowseWorkerResult = {
    n,
    maxRecords: core.cache.maxRecords,
    answerPackets: packets.length,
    firstQuerySimMs: firstQueryAt - t0,
    allUpSimMs: allUpAt - t0,
    cpuMs,
    cpuPerInstanceUs: (cpuMs * 1000) / n,
    cpuPerPacketUs: (cpuMs * 1000) / packets.length,
    processCpuMs: processMs,
    sentUntilUp: untilUp.length,
    questionsUntilUp,
    holdPackets: hold.length,
    holdBytes: hold.reduce((a, d) => a + d.length, 0),
    holdQuestions,
    holdCpuMs,
    cachedRecords: core.cache.stats.records,
    rssKiB: mem.rssKiB,
    heapUsedKiB: mem.heapUsedKiB,
    baselineRssKiB: baseline.rssKiB,
    baselineHeapUsedKiB: baseline.heapUsedKiB,
  };
  browser.stop();
  await mdns.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`browse worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
