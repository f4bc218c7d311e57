/**
 * The responder half of the comparison benchmark: one implementation, two
 * fresh 2-host labs (IPv4 only; the responder on h0, the measuring client
 * bench/scale-lab/querier.cjs on h1, dumpcap on the bridge):
 *
 *   lab 1, N = 1: `visibleRuns` times, spawn → the first SRV announcement
 *     the client hears (origin: the process start in /proc/<pid>/stat), then
 *     SIGTERM; the last one stays for RSS, one dig query (`dig @h0 -p 5353`,
 *     judged clean when NOERROR, an answer, no warning, every TTL ≤ 10),
 *     sequential legacy SRV queries (after a warm-up, the scale-lab's
 *     method) and 32 outstanding for `rateMs` with unique and random ids;
 *   lab 2, N = `n`: spawn → `ready` and → every SRV announced (capture),
 *     RSS, an idle window (CPU, packets), the PTR query on three paths (QU
 *     from an ephemeral port, legacy, QU from 5353), QM SRV queries for
 *     distinct instances, SIGTERM → exit and the goodbyes captured.
 *
 * Every wait is bounded; each lab is destroyed whatever happens.
 */
import { fileURLToPath } from 'node:url';
import { createLab, type Lab } from '../../test/lab/lab.js';
import { startCapture } from '../../test/lab/capture.js';
import type { Host } from '../../test/lab/host.js';
import { sleep } from '../../test/lab/wait.js';
import { cpuSeconds, processStartMs, procStatusKiB } from '../../test/hardening/flood-scenario.js';
import { readPcapUdp } from '../scale-lab/pcap.js';
import {
  goodbyeFigures,
  packetsBetween,
  ptrFigures,
  startupFigures,
  type GoodbyeFigures,
  type PtrFigures,
} from '../scale-lab/analysis.js';
import { SERVICE_TYPE } from '../scale-lab/spec.mjs';
import type { Avahi } from '../../test/lab/avahi.js';
import {
  startAvahiDaemon,
  startAvahiPublish,
  startResponder,
  type ResponderImpl,
  type RunningResponder,
} from './peers.js';
import { digCheck, type DigCheck } from './dig.js';
import { within } from '../../test/lab/within.js';
import { legacyPhases, runPhase, startPhase, type RateResult, type SeqResult } from '../scale-lab/client.js';

const FLOOR = fileURLToPath(new URL('../scale-lab/floor.cjs', import.meta.url));
/** Source ports of the two captured PTR queries from an ephemeral port. */
const LEGACY_PTR_PORT = 5300;
const QU_EPHEMERAL_PORT = 5301;
const PAUSE_MS = 1_000;

export interface ResponderOptions {
  readonly n: number;
  readonly visibleRuns: number;
  readonly seqQueries: number;
  readonly rateMs: number;
  readonly idleMs: number;
  readonly qmQueries: number;
  /** How long replies to each PTR query are collected. */
  readonly ptrWindowMs: number;
  /** The responder counts as done announcing once quiet this long. */
  readonly quietMs: number;
  /** The bound on announcing N services: this plus 20 ms per service. */
  readonly watchBaseMs: number;
  /** Legacy queries before the timed ones (not counted). */
  readonly warmup: number;
  /** Legacy queries unanswered in a row, before any answer, after which a responder counts as not answering. */
  readonly giveUpAfter: number;
}

export interface ResponderResult {
  readonly impl: ResponderImpl;
  readonly n: number;
  /** spawn → first SRV announcement heard, one per run (ms; null: never heard). */
  readonly visibleMs: readonly (number | null)[];
  /** spawn → `ready`, per run. */
  readonly readyN1Ms: readonly (number | null)[];
  /** spawn → `publish` (the runtime's start-up and imports), per run. */
  readonly publishN1Ms: readonly (number | null)[];
  readonly rssN1KiB: number | null;
  readonly dig: DigCheck;
  readonly legacySeq: SeqResult;
  readonly rateUnique: RateResult;
  readonly rateRandom: RateResult;
  /** boaster only: the same legacy and QM queries answered by a bare Node socket (floor.cjs). */
  readonly floor: { readonly legacySeq: SeqResult; readonly qm: SeqResult } | null;
  readonly big: {
    readonly readyMs: number | null;
    readonly allAnnouncedMs: number | null;
    readonly srvsSeen: number;
    readonly probePackets: number;
    readonly probeRounds: number;
    /** First to last probe round (ms). */
    readonly probeSpanMs: number;
    readonly announcePackets: number;
    readonly rssKiB: number | null;
    readonly rssAfterKiB: number | null;
    readonly idle: { seconds: number; packets: number; bytes: number; cpuSeconds: number | null };
    readonly ptr: { quEphemeral: PtrFigures; legacy: PtrFigures; qu5353: PtrFigures };
    readonly qm: SeqResult;
    readonly goodbye: GoodbyeFigures & { exitMs: number | null; exited: boolean };
  };
  readonly notes: readonly string[];
}

interface Watch {
  readonly seen: number;
  readonly firstSeenAt: number | null;
  readonly allSeenAt: number | null;
  readonly end: number;
}

const safeKiB = (pid: number, key: 'VmRSS' | 'VmHWM'): number | null => {
  try {
    return procStatusKiB(pid, key);
  } catch {
    return null;
  }
};

/** The origin of a run: the process start, or the spawn call when /proc disagrees with it. */
function originOf(r: RunningResponder, spawnAt: number, notes: string[]): number {
  const start = processStartMs(r.proc.pid);
  if (start >= spawnAt - 100 && start <= spawnAt + 5_000) return start;
  notes.push(`${r.impl}: /proc start time ${start - spawnAt} ms off the spawn call; origin = the spawn call`);
  return spawnAt;
}

/**
 * Node's own floor, in boaster's lab once boaster is gone: bench/scale-lab/floor.cjs
 * (one dgram socket answering every query at once with a canned SRV, no mDNS
 * logic) takes the same legacy and QM queries. No Node program answers faster.
 */
async function floorPhases(h0: Host, h1: Host, opts: ResponderOptions): Promise<ResponderResult['floor']> {
  const proc = h0.spawn(process.execPath, [FLOOR, JSON.stringify({ address: h0.ipv4, maxLifeMs: 600_000 })], {
    label: 'floor@h0',
  });
  try {
    await proc.waitForOutput(/^READY$/m, 10_000);
    await sleep(PAUSE_MS);
    const common = { source: h1.ipv4, target: h0.ipv4, n: opts.n, type: SERVICE_TYPE };
    const legacySeq = await runPhase<SeqResult>(h1, {
      ...common,
      phase: 'legacy-seq',
      count: opts.seqQueries,
      warmup: opts.warmup,
      pauseMs: 1_500,
      timeoutMs: 1_000,
      maxMs: 120_000,
    });
    const qm = await runPhase<SeqResult>(h1, {
      ...common,
      phase: 'qm',
      count: opts.qmQueries,
      spacingMs: 250,
      timeoutMs: 1_000,
      maxMs: opts.qmQueries * 250 + 10_000,
    });
    return { legacySeq, qm };
  } finally {
    await proc.stop();
  }
}

async function labOne(impl: ResponderImpl, opts: ResponderOptions, log: (l: string) => void, notes: string[]) {
  const lab = await createLab({ hosts: 2, waitForIPv6: false });
  let daemon: Avahi | undefined;
  try {
    const [h0, h1] = [lab.host(0), lab.host(1)];
    const common = { source: h1.ipv4, target: h0.ipv4, n: 1, type: SERVICE_TYPE };
    const visibleMs: (number | null)[] = [];
    const readyN1Ms: (number | null)[] = [];
    const publishN1Ms: (number | null)[] = [];
    let last: RunningResponder | undefined;
    // avahi: the daemon runs (as a system service does) and each run is an application publishing through it.
    daemon = impl === 'avahi' ? await startAvahiDaemon(h0) : undefined;
    for (let run = 1; run <= opts.visibleRuns; run++) {
      const watch = await startPhase<Watch>(h1, {
        ...common,
        phase: 'watch',
        quietMs: 200,
        giveUpQuietMs: 3_000,
        maxMs: 15_000,
      });
      const spawnAt = Date.now();
      const r = daemon ? startAvahiPublish(daemon) : await startResponder(impl, h0, 1, 15_000);
      const origin = originOf(r, spawnAt, notes);
      const readied = r.waitReady(15_000).catch(() => undefined);
      const w = await watch();
      visibleMs.push(w.firstSeenAt === null ? null : w.firstSeenAt - origin);
      await within(readied, 5_000);
      const ready = r.readyAt();
      readyN1Ms.push(ready === null ? null : ready - origin);
      const publish = r.publishAt();
      publishN1Ms.push(publish === null ? null : publish - origin);
      if (run < opts.visibleRuns) {
        await r.stop(10_000);
        await sleep(PAUSE_MS);
      } else last = r;
    }
    if (!last) throw new Error('no run');
    await sleep(PAUSE_MS);
    const rssN1KiB = safeKiB(last.measured.pid, 'VmRSS');
    log(`  ${impl}: dig and legacy unicast`);
    const dig = await digCheck(h1, h0.ipv4, `svc-0.${SERVICE_TYPE}.local`);
    const { legacySeq, rateUnique, rateRandom } = await legacyPhases(h1, common, { ...opts, outstanding: 32 });
    await last.stop(10_000);
    const floor = impl === 'boaster' ? await floorPhases(h0, h1, opts) : null;
    return { visibleMs, readyN1Ms, publishN1Ms, rssN1KiB, dig, legacySeq, rateUnique, rateRandom, floor };
  } finally {
    await daemon?.stop().catch(() => undefined);
    await lab.destroy();
  }
}

async function labBig(
  impl: ResponderImpl,
  opts: ResponderOptions,
  log: (l: string) => void,
  notes: string[],
): Promise<ResponderResult['big']> {
  const { n } = opts;
  const lab: Lab = await createLab({ hosts: 2, waitForIPv6: false });
  let r: RunningResponder | undefined;
  try {
    const [h0, h1] = [lab.host(0), lab.host(1)];
    const filter = `udp src port 5353 and src host ${h0.ipv4}`;
    const cap = await startCapture(lab.link(0), { dir: lab.dir, filter });
    const common = { source: h1.ipv4, target: h0.ipv4, n, type: SERVICE_TYPE };
    const watchMs = opts.watchBaseMs + 20 * n;
    const watch = await startPhase<Watch>(h1, {
      ...common,
      phase: 'watch',
      quietMs: opts.quietMs,
      giveUpQuietMs: 10_000,
      maxMs: watchMs,
    });
    const spawnAt = Date.now();
    r = await startResponder(impl, h0, n, watchMs);
    const origin = originOf(r, spawnAt, notes);
    log(`  ${impl} N=${n}: started, waiting for the announcements`);
    const w = await watch();
    if (w.seen < n) notes.push(`${impl} N=${n}: the client heard ${w.seen} of ${n} SRVs announced`);
    await r.waitReady(5_000).catch(() => notes.push(`${impl} N=${n}: no "ready" line`));
    const ready = r.readyAt();
    const pid = r.measured.pid;
    const rssKiB = safeKiB(pid, 'VmRSS');
    log(`  ${impl} N=${n}: idle ${opts.idleMs / 1000} s`);
    const cpu0 = cpuSeconds(pid);
    const idleFrom = Date.now();
    await sleep(opts.idleMs);
    const idleTo = Date.now();
    const idleCpu = r.measured.running ? cpuSeconds(pid) - cpu0 : null;
    log(`  ${impl} N=${n}: PTR and QM queries`);
    const ptr = async (mode: string, port: number): Promise<number> => {
      const got = await runPhase<{ sentAt: number }>(h1, {
        ...common,
        phase: 'ptr',
        mode,
        legacyPort: port,
        windowMs: opts.ptrWindowMs,
        maxMs: opts.ptrWindowMs + 2_000,
      });
      await sleep(PAUSE_MS);
      return got.sentAt;
    };
    const quEphemeralAt = await ptr('qu-ephemeral', QU_EPHEMERAL_PORT);
    const legacyAt = await ptr('legacy', LEGACY_PTR_PORT);
    const qu5353At = await ptr('qu', 5353);
    const spacingMs = n >= opts.qmQueries ? 250 : 1_100;
    const qm = await runPhase<SeqResult>(h1, {
      ...common,
      phase: 'qm',
      count: opts.qmQueries,
      spacingMs,
      timeoutMs: 1_000,
      maxMs: opts.qmQueries * spacingMs + 10_000,
    });
    const rssAfterKiB = safeKiB(pid, 'VmRSS');
    await sleep(PAUSE_MS);
    log(`  ${impl} N=${n}: SIGTERM`);
    const sigtermAt = Date.now();
    const stopped = await r.stop(30_000);
    const exitAt = Date.now();
    r = undefined;
    await sleep(1_500);
    await cap.stop();
    const datagrams = readPcapUdp(cap.file);
    const drops = /received\/dropped on interface '[^']*': (\d+)\/(\d+)/.exec(cap.process.output);
    if (drops && Number(drops[2]) > 0) notes.push(`${impl} N=${n}: dumpcap dropped ${drops[2]} of ${drops[1]} packets`);
    const src = h0.ipv4;
    const startup = startupFigures(datagrams, src, n, origin, w.end);
    const idle = packetsBetween(datagrams, src, idleFrom, idleTo);
    return {
      readyMs: ready === null ? null : ready - origin,
      allAnnouncedMs: startup.allAnnouncedMs,
      srvsSeen: startup.srvsSeen,
      probePackets: startup.probePackets,
      probeRounds: startup.probeRounds.length,
      probeSpanMs: (startup.probeRounds.at(-1)?.atMs ?? 0) - (startup.probeRounds[0]?.atMs ?? 0),
      announcePackets: startup.announcePackets,
      rssKiB,
      rssAfterKiB,
      idle: { seconds: (idleTo - idleFrom) / 1000, ...idle, cpuSeconds: idleCpu },
      ptr: {
        quEphemeral: ptrFigures(datagrams, src, quEphemeralAt, opts.ptrWindowMs, QU_EPHEMERAL_PORT),
        legacy: ptrFigures(datagrams, src, legacyAt, opts.ptrWindowMs, LEGACY_PTR_PORT),
        qu5353: ptrFigures(datagrams, src, qu5353At, opts.ptrWindowMs, 5353),
      },
      qm,
      goodbye: {
        ...goodbyeFigures(datagrams, src, sigtermAt),
        exitMs: stopped.exited ? exitAt - sigtermAt : null,
        exited: stopped.exited,
      },
    };
  } finally {
    await r?.stop(5_000).catch(() => undefined);
    await lab.destroy();
  }
}

/** Measure one responder: both labs, one after the other. */
export async function measureResponder(
  impl: ResponderImpl,
  opts: ResponderOptions,
  log: (line: string) => void,
): Promise<ResponderResult> {
  const notes: string[] = [];
  log(`responder ${impl}: N = 1, ${opts.visibleRuns} starts`);
  const one = await labOne(impl, opts, log, notes);
  log(`responder ${impl}: N = ${opts.n}`);
  const big = await labBig(impl, opts, log, notes);
  return { impl, n: opts.n, ...one, big, notes };
}
