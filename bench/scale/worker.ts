/**
 * One N of the scale benchmark (issue 10), in a process of its own so RSS
 * and heap are this N's: `node --expose-gc --import tsx bench/scale/worker.ts
 * N [--quick]`. Prints one JSON line (a WorkerResult, see result.ts) on
 * stdout and progress on stderr. Nothing goes on any network: the responder
 * runs on FakeTransport with a manual clock (clock.ts) and a seeded random.
 *
 * What it does, in order, all through the public API:
 * 1. publish N services `svc-<i>` of `_bench._tcp` at once and run the clock
 *    until every publish() resolved (CPU, simulated time, probe and
 *    announcement rounds: packets sent at one instant of the clock), then
 *    until the third announcement;
 * 2. memory after gc, before the responder and once all are announced;
 * 3. 60 s of simulated idle;
 * 4. queries, each in a series: up to 200 warm-up repetitions (200 ms of
 *    CPU at most; V8 compiles on helper threads meanwhile), then repetitions
 *    until 400 ms of CPU (at least 10, at most 800; 200 for the TC query).
 *    A repetition delivers the query, advances the clock 600 ms (past the
 *    20–120 ms shared-answer delay and the 400–500 ms wait after a TC
 *    query), then the rest of its period: 1.2 s (2 s after a TC query), so
 *    each query finds the one-second multicast rule (RFC 6762 §6.2) and the
 *    per-source reply budget (one-second windows) clear. The series run in
 *    this order (SRV, legacy, PTR, known answers) and all end within 4,500 s
 *    (the longest TTL) of the announcements: the engine's multicast log
 *    still holds every announced record, as in a responder whose records
 *    keep being asked for (past that it forgets them and a multicast costs
 *    less). Two CPU figures, each less that of a series of empty
 *    repetitions run afterwards (the harness: yields, clock): the main
 *    thread's per repetition (Linux schedstat, exact to the ns), and the
 *    process's (process.cpuUsage, all threads, so V8's concurrent GC and
 *    compiler too) over the series, divided. Queries come from 192.0.2.99
 *    port 5353 (legacy: port 40000), addressed to the group, on eth0, IPv4;
 * 5. close(): CPU, packets, TTL-0 SRV goodbyes.
 */
import v8 from 'node:v8';
import { Responder } from '../../src/api/responder.js';
import type { SentPacket } from '../../src/transport/fake-transport.js';
import { FakeTransport, fakeInterface } from '../../src/transport/fake-transport.js';
import type { ReceivedPacket } from '../../src/transport/transport.js';
import { decodePacket } from '../../src/wire/decode.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { ResourceRecord } from '../../src/wire/model.js';
import { splitPacket } from '../../src/wire/split.js';
import { ManualClock } from './clock.js';
import { mainThreadNs, mainThreadSource } from './thread-cpu.js';
import { decodeAll, hwid, light, lower, overBudget, rounds, seeded, T0, type Light } from './util.js';
import type { QueryFigure, WorkerResult } from './result.js';

const TYPE = '_bench._tcp';
const TYPE_NAME = `${TYPE}.local`;
const PEER = { address: '192.0.2.99', port: 5353 } as const;
const LEGACY_PEER = { address: '192.0.2.99', port: 40000 } as const;
/** A query every 1.2 s: past the 120 ms answer delay plus the one-second rule; 2 s after a TC query (answered 400–500 ms later). */
const PERIOD_MS = 1_200;
const TC_PERIOD_MS = 2_000;
const ANSWER_WINDOW_MS = 600;
const WARMUP_REPS = 200;
const WARMUP_CPU_US = 200_000;
const MIN_REPS = 10;
const TARGET_CPU_US = 400_000;
const BASELINE_REPS = 2_000;
const KNOWN_ANSWERS = 1_000;
/** A stuck engine must not hang the benchmark: no phase runs past this much simulated time. */
const PHASE_LIMIT_MS = 120_000;

const n = Number(process.argv[2]);
if (!Number.isInteger(n) || n < 1 || n > 100_000) {
  process.stderr.write(`worker: N must be a whole number from 1 to 100000, got ${process.argv[2]}\n`);
  process.exit(2);
}
const quick = process.argv.includes('--quick');
/** Caps on timed repetitions: every series ends within 4,500 s (the longest TTL) of the announcements, see the header. */
const MAX_REPS = quick ? 20 : 800;
const MAX_TC_REPS = quick ? 20 : 200;
const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
const round1 = (x: number): number => Math.round(x * 10) / 10;
const wallStart = performance.now();
const progress = (what: string): void =>
  void process.stderr.write(`[N=${n}] ${what} (${((performance.now() - wallStart) / 1000).toFixed(1)} s)\n`);

function collect(): void {
  gc?.();
  gc?.();
}

function cpuUs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return u.user + u.system;
}

async function main(): Promise<void> {
  const phases: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string): void => {
    const now = performance.now();
    phases[name] = Math.round(now - phaseStart);
    phaseStart = now;
    progress(`${name} done`);
  };

  collect();
  const before = process.memoryUsage();
  const clock = new ManualClock(T0);
  const transport = new FakeTransport([fakeInterface()], () => clock.now());
  const responder = new Responder({ transport, clock, random: seeded(1), hostName: 'bench-boaster' });
  const errors: string[] = [];
  let errorCount = 0;
  responder.on('error', (e) => {
    errorCount++;
    if (errors.length < 5) errors.push(`${e.code}: ${e.message}`);
  });
  const specs = Array.from({ length: n }, (_, i) => ({
    name: `svc-${i}`,
    type: TYPE,
    port: 8000 + (i % 1000),
    txt: { hwid: hwid(i) },
  }));

  // 1. Publish.
  let resolved = 0;
  let rejected = 0;
  const c0 = process.cpuUsage();
  const m0 = mainThreadNs();
  const w0 = performance.now();
  for (const spec of specs) {
    responder.publish(spec).then(
      () => resolved++,
      (error: unknown) => {
        rejected++;
        if (errors.length < 5) errors.push(`publish ${spec.name}: ${String(error)}`);
      },
    );
  }
  await clock.runUntil(() => resolved + rejected === n, T0 + PHASE_LIMIT_MS);
  const publishCpuUs = cpuUs(c0);
  const publishMainMs = (mainThreadNs() - m0) / 1e6;
  const publishSimMs = clock.now() - T0;
  const publishWall = performance.now() - w0;
  // Analysed now and dropped, so the memory figure holds none of the benchmark's copies.
  let sent = transport.sent.splice(0);
  const isResponse = (p: SentPacket): boolean => ((p.data[2] ?? 0) & 0x80) !== 0;
  const v4 = sent.filter((p) => p.target.family === 4);
  const firstProbeAt = Math.min(...v4.filter((p) => !isResponse(p)).map((p) => p.at));
  const firstAnnouncementAt = Math.min(...v4.filter(isResponse).map((p) => p.at));
  const probedNames = new Set(
    v4
      .filter((p) => !isResponse(p) && p.at === firstProbeAt)
      .flatMap((p) => decodePacket(p.data).questions.map((q) => lower(q.name))),
  );
  const firstAnnounced = v4
    .filter((p) => isResponse(p) && p.at === firstAnnouncementAt)
    .map((p) => decodePacket(p.data));
  const announcedSrv = new Set(
    firstAnnounced.flatMap((p) => p.answers.filter((r) => r.type === 'SRV').map((r) => lower(r.name))),
  ).size;
  const lights: Light[] = sent.map(light);
  sent = [];
  v4.length = 0;
  firstAnnounced.length = 0;
  collect();
  const announcedMem = process.memoryUsage();
  const newSpace = v8.getHeapSpaceStatistics().find((sp) => sp.space_name === 'new_space')?.space_size ?? 0;
  phase('publish');

  // Until the third announcement.
  const responseTimes = (): number => new Set(lights.filter((p) => p.response).map((p) => p.at)).size;
  const c1 = process.cpuUsage();
  const w1 = performance.now();
  await clock.runUntil(() => {
    lights.push(...transport.sent.splice(0).map(light));
    return responseTimes() >= 3;
  }, clock.now() + PHASE_LIMIT_MS);
  await clock.advance(1);
  lights.push(...transport.sent.splice(0).map(light));
  const restCpuUs = cpuUs(c1);
  const restWall = performance.now() - w1;
  phase('announcements');

  // 3. Idle.
  const cIdle = process.cpuUsage();
  const firedBefore = clock.fired;
  const idleFrom = clock.now();
  await clock.advance(60_000);
  const idle = {
    simMs: clock.now() - idleFrom,
    packets: transport.sent.splice(0).length,
    cpuMs: round1(cpuUs(cIdle) / 1000),
    timersFired: clock.fired - firedBefore,
    timersPendingAfter: clock.pending,
  };
  phase('idle');

  // 4. Queries. getrusage moves in scheduler ticks on this kind of VM (a 30 µs
  // step can read 0 or 4 ms), so the process's CPU is read over a whole series
  // and divided; the main thread's is read per repetition from schedstat (ns).
  type Source = ReceivedPacket['source'];
  /** One repetition: deliver, advance the answer window (timed), then the rest of the period. */
  async function repetition(
    packets: readonly Buffer[],
    source: Source | undefined,
    period: number,
  ): Promise<{ mainUs: number; answer: SentPacket[]; late: number; at: number }> {
    const at = clock.now();
    const m = mainThreadNs();
    if (source)
      for (const data of packets)
        transport.deliver({ data, interface: 'eth0', family: 4, source: { ...source }, destination: 'multicast' });
    await clock.advance(ANSWER_WINDOW_MS);
    const answer = transport.sent.splice(0);
    await clock.advance(period - ANSWER_WINDOW_MS);
    const mainUs = (mainThreadNs() - m) / 1000;
    return { mainUs, answer, late: transport.sent.splice(0).length, at };
  }

  /** Warm up, then repeat until TARGET_CPU_US of CPU (at least MIN_REPS, at most `reps`); CPU per repetition and wall of each. */
  async function series(
    packets: readonly Buffer[],
    source: Source | undefined,
    reps: number,
    period: number,
  ): Promise<{ cpuUs: number; mains: number[]; runs: { answer: SentPacket[]; late: number; at: number }[] }> {
    const warm = process.cpuUsage();
    for (let i = 0; i < WARMUP_REPS && (i < 3 || cpuUs(warm) < WARMUP_CPU_US); i++)
      await repetition(packets, source, period);
    const mains: number[] = [];
    const runs: { answer: SentPacket[]; late: number; at: number }[] = [];
    const c = process.cpuUsage();
    while (runs.length < reps && (runs.length < MIN_REPS || cpuUs(c) < TARGET_CPU_US)) {
      const { mainUs, ...run } = await repetition(packets, source, period);
      mains.push(mainUs);
      runs.push(run);
    }
    return { cpuUs: cpuUs(c) / runs.length, mains, runs };
  }
  const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

  /** A series of this query, analysed; CPU and wall still include the harness (subtracted below). */
  async function measure(
    packets: readonly Buffer[],
    source: Source,
    counted: 'PTR' | 'SRV',
    tc = false,
  ): Promise<QueryFigure> {
    const simFrom = clock.now();
    const {
      cpuUs: perRep,
      mains,
      runs,
    } = await series(packets, source, tc ? MAX_TC_REPS : MAX_REPS, tc ? TC_PERIOD_MS : PERIOD_MS);
    const simTo = clock.now();
    const instances: number[][] = [[], []];
    const perFamily: number[][] = [[], []];
    const delays: number[] = [];
    let unicastReps = 0;
    let multicastReps = 0;
    let largest = 0;
    let over = 0;
    let late = 0;
    for (const run of runs) {
      const { answer } = run;
      late += run.late;
      const ls = answer.map(light);
      largest = Math.max(largest, ...ls.map((p) => p.size));
      over += overBudget(ls);
      if (ls.some((p) => p.unicast)) unicastReps++;
      if (ls.some((p) => !p.unicast)) multicastReps++;
      if (answer[0]) delays.push(answer[0].at - run.at);
      for (const [i, family] of [4, 6].entries()) {
        const mine = answer.filter((p) => p.target.family === family);
        perFamily[i]?.push(mine.length);
        const names = new Set<string>();
        for (const p of mine) {
          for (const r of decodePacket(p.data).answers) {
            if (counted === 'PTR' && r.type === 'PTR' && lower(r.name) === TYPE_NAME) names.add(lower(r.data));
            if (counted === 'SRV' && r.type === 'SRV') names.add(lower(r.name));
          }
        }
        instances[i]?.push(names.size);
      }
    }
    const range = (xs: readonly number[] | undefined): [number, number] =>
      xs && xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : [0, 0];
    return {
      reps: runs.length,
      cpuUs: perRep,
      mainUs: mean(mains),
      mainUsMedian: median(mains),
      simSeconds: [Math.round((simFrom - T0) / 1000), Math.round((simTo - T0) / 1000)],
      queryPackets: packets.length,
      instances: range(instances[0]),
      instancesV6: range(instances[1]),
      packetsV4: range(perFamily[0]),
      packetsV6: range(perFamily[1]),
      unicastReps,
      multicastReps,
      largest,
      overBudget: over,
      latePackets: late,
      firstDelayMs:
        delays.length > 0
          ? [
              round1(Math.min(...delays)),
              round1(delays.reduce((a, b) => a + b, 0) / delays.length),
              round1(Math.max(...delays)),
            ]
          : null,
    };
  }

  const instance = `svc-${Math.floor(n / 2)}.${TYPE_NAME}`;
  const srv = await measure([encodePacket({ questions: [{ name: instance, type: 'SRV' }] })], PEER, 'SRV');
  phase('SRV query (QM)');
  const legacy = await measure(
    [encodePacket({ id: 0x2a2a, questions: [{ name: instance, type: 'SRV' }] })],
    LEGACY_PEER,
    'SRV',
  );
  phase('legacy SRV query');
  const ptr = await measure(
    [encodePacket({ questions: [{ name: TYPE_NAME, type: 'PTR', unicastResponse: true }] })],
    PEER,
    'PTR',
  );
  phase('PTR query (QU)');
  const known = Array.from({ length: KNOWN_ANSWERS }, (_, i): ResourceRecord => ({
    name: TYPE_NAME,
    type: 'PTR',
    ttl: 4500,
    data: `svc-${i}.${TYPE_NAME}`,
  }));
  // RFC 6762 §7.2: the question and what fits in the first packet, TC set; the rest in packets of answers only.
  const kaPackets = splitPacket(
    { questions: [{ name: TYPE_NAME, type: 'PTR' }], answers: known },
    { budget: 9000, truncateAllButLast: true },
  );
  const knownAnswers = await measure(kaPackets, PEER, 'PTR', true);
  phase('known-answer query');

  // The harness alone: repetitions with no query.
  const baseline = await series([], undefined, BASELINE_REPS, PERIOD_MS);
  const baselineUs = baseline.cpuUs;
  const baselineMainUs = mean(baseline.mains);
  for (const q of [ptr, srv, legacy, knownAnswers]) {
    q.cpuUs = round1(q.cpuUs - baselineUs);
    q.mainUs = round1(q.mainUs - baselineMainUs);
    q.mainUsMedian = round1(q.mainUsMedian - median(baseline.mains));
  }
  phase('baseline');

  // 5. Close.
  const cClose = process.cpuUsage();
  const mClose = mainThreadNs();
  const wClose = performance.now();
  const closeFrom = clock.now();
  let closed = false;
  const closing = responder.close().then(() => {
    closed = true;
  });
  await clock.runUntil(() => closed, clock.now() + PHASE_LIMIT_MS);
  const closeCpuUs = cpuUs(cClose);
  const closeMainMs = (mainThreadNs() - mClose) / 1e6;
  const closeWall = performance.now() - wClose;
  const closeSim = clock.now() - closeFrom;
  if (closed) await closing;
  const bye = transport.sent.splice(0);
  const byeLight = bye.map(light);
  const goodbyes = (family: 4 | 6): number =>
    new Set(
      decodeAll(bye.filter((p) => p.target.family === family)).flatMap((d) =>
        d.packet.answers.filter((r) => r.type === 'SRV' && r.ttl === 0).map((r) => lower(r.name)),
      ),
    ).size;
  phase('close');

  const result: WorkerResult = {
    n,
    publish: {
      allResolved: resolved === n,
      rejected,
      cpuMs: round1(publishCpuUs / 1000),
      mainCpuMs: round1(publishMainMs),
      simMs: publishSimMs,
      cpuToLastAnnouncementMs: round1((publishCpuUs + restCpuUs) / 1000),
      wallMs: Math.round(publishWall + restWall),
      probeRounds: rounds(lights.filter((p) => !p.response)),
      announcementRounds: rounds(lights.filter((p) => p.response)),
      probedNames: probedNames.size,
      announcedSrv,
      largestPacket: Math.max(...lights.map((p) => p.size)),
      overBudget: overBudget(lights),
    },
    memory: {
      rssBeforeMiB: mib(before.rss),
      heapBeforeMiB: mib(before.heapUsed),
      rssAnnouncedMiB: mib(announcedMem.rss),
      heapAnnouncedMiB: mib(announcedMem.heapUsed),
      heapTotalAnnouncedMiB: mib(announcedMem.heapTotal),
      newSpaceAnnouncedMiB: mib(newSpace),
      maxRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    },
    idle,
    baselineUs: round1(baselineUs),
    baselineMainUs: round1(baselineMainUs),
    mainThreadClock: mainThreadSource,
    queries: { srv, ptr, legacy, knownAnswers },
    close: {
      cpuMs: round1(closeCpuUs / 1000),
      mainCpuMs: round1(closeMainMs),
      wallMs: round1(closeWall),
      simMs: closed ? closeSim : -1,
      packets: bye.length,
      v4: byeLight.filter((p) => p.family === 4).length,
      v6: byeLight.filter((p) => p.family === 6).length,
      largest: Math.max(0, ...byeLight.map((p) => p.size)),
      srvGoodbyesV4: goodbyes(4),
      srvGoodbyesV6: goodbyes(6),
      timersPendingAfter: clock.pending,
    },
    errors: { count: errorCount, first: errors },
    phasesWallMs: phases,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`worker N=${n}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
