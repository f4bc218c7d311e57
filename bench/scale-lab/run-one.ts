/**
 * One responder, one N, one fresh 2-host lab: the responder on h0 (boaster
 * through driver.ts, or avahi-daemon with N static service files), the
 * querier (querier.cjs) on h1, dumpcap on the bridge. Both use IPv4 only.
 * Sequence: capture and a passive watcher start; the responder is spawned
 * (time origin: the spawn, from /proc/<pid>/stat); the watcher waits until
 * every SRV was announced and h0 was quiet for 5 s; RSS; idle window (CPU
 * from /proc/<pid>/stat, packets from the capture); PTR QU then legacy;
 * 500 sequential legacy SRV queries; 32 outstanding for 5 s (unique, then
 * random ids); QM SRV queries; SIGTERM; the capture is read back (pcap.ts).
 * Everything runs in namespaces the lab creates and is torn down here.
 */
import { fileURLToPath } from 'node:url';
import { createLab } from '../../test/lab/lab.js';
import { startAvahi, type Avahi } from '../../test/lab/avahi.js';
import { startCapture } from '../../test/lab/capture.js';
import { readPcapUdp } from './pcap.js';
import { legacyPhases, runPhase, startPhase, type RateResult, type SeqResult } from './client.js';

export type { RateResult, SeqResult } from './client.js';
import type { Host } from '../../test/lab/host.js';
import type { LabProcess } from '../../test/lab/process.js';
import { sleep } from '../../test/lab/wait.js';
import { cpuSeconds, processStartMs, procStatusKiB } from '../../test/hardening/flood-scenario.js';
import {
  goodbyeFigures,
  packetsBetween,
  ptrFigures,
  startupFigures,
  type GoodbyeFigures,
  type PtrFigures,
  type StartupFigures,
} from './analysis.js';
import { AVAHI_HOST, SERVICE_TYPE, avahiServiceFile } from './spec.mjs';

export type Impl = 'boaster' | 'avahi';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DRIVER = fileURLToPath(new URL('./driver.mjs', import.meta.url));
const FLOOR = fileURLToPath(new URL('./floor.cjs', import.meta.url));
/** Legacy queries sent before the timed ones (under avahi's 1,000-packet burst), then a pause that refills its bucket. */
const WARMUP_QUERIES = 900;
/** The legacy PTR query's source port (captured, unlike the other legacy replies). */
const LEGACY_PTR_PORT = 5300;
const PTR_WINDOW_MS = 3_000;
const QUIET_MS = 5_000;
const PAUSE_MS = 1_500;

export interface RunOptions {
  readonly n: number;
  readonly idleMs: number;
  readonly seqQueries: number;
  readonly rateMs: number;
  readonly outstanding: number;
  readonly qmQueries: number;
  /** Also measure the RSS of the driver with N = 0 (boaster only). */
  readonly baseline?: boolean;
  /** avahi only: afterwards, restart it with its packet rate limit off and time legacy queries again. */
  readonly noRateLimit?: boolean;
  /** Afterwards, time the legacy and QM queries against floor.cjs in the same lab. */
  readonly floor?: boolean;
}

/** The same timed queries answered by floor.cjs: what Node itself costs, with no mDNS logic. */
export interface FloorResult {
  legacySeq: SeqResult;
  qm: SeqResult;
  rssKiB: number;
}
interface WatchResult {
  start: number;
  end: number;
  packets: number;
  seen: number;
  allSeenAt: number | null;
  lastAt: number;
}
interface PtrQuerier {
  sentAt: number;
  packets: number;
  instances: number;
  maxSize: number;
  firstMs: number | null;
  truncated: boolean;
}

export interface RunResult {
  readonly impl: Impl;
  readonly n: number;
  readonly pid: number;
  readonly startup: StartupFigures & {
    publishCallMs: number | null;
    readyMs: number | null;
    originSource: string;
    watcherSeen: number;
  };
  readonly rssKiB: number;
  readonly rssAfterQueriesKiB: number;
  readonly hwmKiB: number;
  readonly baselineRssKiB: number | null;
  readonly idle: { seconds: number; packets: number; bytes: number; cpuSeconds: number };
  readonly ptrQu: PtrFigures & { querierPackets: number };
  readonly ptrLegacy: PtrFigures & { querierPackets: number };
  readonly legacySeq: SeqResult;
  readonly rateUnique: RateResult;
  readonly rateRandom: RateResult;
  readonly qm: SeqResult & { spacingMs: number };
  readonly goodbye: GoodbyeFigures & { exitMs: number | null };
  /** avahi restarted with `ratelimit-interval-usec=0`: the legacy figures again. */
  readonly noRateLimit: { legacySeq: SeqResult; rateUnique: RateResult; rateRandom: RateResult } | null;
  readonly floor: FloorResult | null;
  readonly ipv6Packets: number;
  readonly notes: readonly string[];
}

/** Wait (bounded) for a process to exit; by pid with SIGTERM/SIGKILL when it overstays. */
async function exitWithin(proc: LabProcess, ms: number): Promise<boolean> {
  const exited = await Promise.race([proc.exited.then(() => true), sleep(ms).then(() => false)]);
  if (!exited) await proc.stop();
  return exited;
}

async function baselineRss(h0: Host): Promise<number> {
  const proc = h0.spawn(process.execPath, [DRIVER, JSON.stringify({ n: 0, ifname: h0.ifname, maxLifeMs: 60_000 })], {
    cwd: ROOT,
    label: 'driver-baseline@h0',
  });
  try {
    await proc.waitForOutput(/^ready \d+$/m, 30_000);
    await sleep(1_000);
    return procStatusKiB(proc.pid, 'VmRSS');
  } finally {
    await proc.stop();
  }
}

function avahiServices(n: number): Record<string, string> {
  const services: Record<string, string> = {};
  for (let i = 0; i < n; i++) services[`svc-${i}.service`] = avahiServiceFile(i);
  return services;
}

/** The legacy and QM timings against floor.cjs on h0 (the responder gone): Node's own cost, for scale. */
async function floorPhases(
  h0: Host,
  h1: Host,
  common: Record<string, unknown>,
  opts: RunOptions,
): Promise<FloorResult> {
  const proc = h0.spawn(process.execPath, [FLOOR, JSON.stringify({ address: h0.ipv4, maxLifeMs: 600_000 })], {
    label: 'floor@h0',
  });
  try {
    await proc.waitForOutput(/^READY$/m, 10_000);
    await sleep(500);
    const rssKiB = procStatusKiB(proc.pid, 'VmRSS');
    const legacySeq = await runPhase<SeqResult>(h1, {
      ...common,
      phase: 'legacy-seq',
      count: opts.seqQueries,
      warmup: WARMUP_QUERIES,
      pauseMs: PAUSE_MS,
      timeoutMs: 1_000,
      maxMs: 120_000,
    });
    await sleep(PAUSE_MS);
    const spacingMs = opts.n >= opts.qmQueries ? 250 : 1_100;
    const qm = await runPhase<SeqResult>(h1, {
      ...common,
      phase: 'qm',
      count: opts.qmQueries,
      spacingMs,
      timeoutMs: 1_000,
      maxMs: opts.qmQueries * spacingMs + 10_000,
    });
    return { legacySeq, qm, rssKiB };
  } finally {
    await proc.stop();
  }
}

/** Measure one responder at one N in a lab of its own (always destroyed). */
export async function runOne(impl: Impl, opts: RunOptions, log: (line: string) => void): Promise<RunResult> {
  const { n } = opts;
  const notes: string[] = [];
  const lab = await createLab({ hosts: 2 });
  let avahi: Avahi | undefined;
  try {
    const [h0, h1] = [lab.host(0), lab.host(1)];
    const baselineRssKiB = impl === 'boaster' && opts.baseline ? await baselineRss(h0) : null;
    const filter = `udp src port 5353 and not src host ${h1.ipv4} and (udp dst port 5353 or udp dst port ${LEGACY_PTR_PORT})`;
    const cap = await startCapture(lab.link(0), { dir: lab.dir, filter });
    const common = { source: h1.ipv4, target: h0.ipv4, n, type: SERVICE_TYPE };
    const watchMs = 60_000 + 20 * n;
    const watch = await startPhase<WatchResult>(h1, { ...common, phase: 'watch', quietMs: QUIET_MS, maxMs: watchMs });
    const t0 = Date.now();
    let proc: LabProcess;
    let publishCallMs: number | null = null;
    let readyMs: number | null = null;
    if (impl === 'boaster') {
      proc = h0.spawn(process.execPath, [DRIVER, JSON.stringify({ n, ifname: h0.ifname, maxLifeMs: 3_600_000 })], {
        cwd: ROOT,
        label: 'driver@h0',
      });
      const ready = await proc.waitForOutput(/^ready (\d+)$/m, watchMs);
      readyMs = Number(ready[1]);
      publishCallMs = Number(/^publish (\d+)$/m.exec(proc.stdout)?.[1] ?? NaN);
    } else {
      avahi = await startAvahi(h0, {
        hostName: AVAHI_HOST,
        useIPv6: false,
        services: avahiServices(n),
        timeoutMs: watchMs,
      });
      proc = avahi.daemon;
    }
    const pid = proc.pid;
    let origin = processStartMs(pid);
    let originSource = '/proc/<pid>/stat starttime';
    if (!(origin >= t0 - 100 && origin <= t0 + 5_000)) {
      notes.push(
        `process start time from /proc (${origin - t0} ms after the spawn call) looked wrong: origin = the spawn call`,
      );
      origin = t0;
      originSource = 'Date.now() at the spawn call';
    }
    log(`  ${impl} N=${n}: started (pid ${pid}), waiting for the announcements`);
    const w = await watch();
    if (w.seen < n) notes.push(`the watcher saw ${w.seen} of ${n} SRVs announced within ${watchMs} ms`);
    const rssKiB = procStatusKiB(pid, 'VmRSS');

    log(`  ${impl} N=${n}: idle ${opts.idleMs / 1000} s`);
    const cpu0 = cpuSeconds(pid);
    const idleFrom = Date.now();
    await sleep(opts.idleMs);
    const idleTo = Date.now();
    const idleCpu = cpuSeconds(pid) - cpu0;

    log(`  ${impl} N=${n}: queries`);
    const qu = await runPhase<PtrQuerier>(h1, {
      ...common,
      phase: 'ptr',
      mode: 'qu',
      windowMs: PTR_WINDOW_MS,
      maxMs: PTR_WINDOW_MS + 2_000,
    });
    await sleep(PAUSE_MS);
    const leg = await runPhase<PtrQuerier>(h1, {
      ...common,
      phase: 'ptr',
      mode: 'legacy',
      legacyPort: LEGACY_PTR_PORT,
      windowMs: PTR_WINDOW_MS,
      maxMs: PTR_WINDOW_MS + 2_000,
    });
    await sleep(PAUSE_MS);
    const { legacySeq, rateUnique, rateRandom } = await legacyPhases(h1, common, { ...opts, warmup: WARMUP_QUERIES });
    const spacingMs = n >= opts.qmQueries ? 250 : 1_100;
    const qm = {
      spacingMs,
      ...(await runPhase<SeqResult>(h1, {
        ...common,
        phase: 'qm',
        count: opts.qmQueries,
        spacingMs,
        timeoutMs: 1_000,
        maxMs: opts.qmQueries * spacingMs + 10_000,
      })),
    };
    const rssAfterQueriesKiB = procStatusKiB(pid, 'VmRSS');
    const hwmKiB = procStatusKiB(pid, 'VmHWM');
    await sleep(PAUSE_MS);

    log(`  ${impl} N=${n}: SIGTERM`);
    const sigtermAt = Date.now();
    proc.signal('SIGTERM');
    const exitedInTime = await exitWithin(proc, 30_000);
    const exitMs = exitedInTime ? Date.now() - sigtermAt : null;
    if (!exitedInTime) notes.push('the responder did not exit within 30 s of SIGTERM (killed)');
    if (impl === 'boaster') {
      const closed = /^closed (\d+)$/m.exec(proc.stdout);
      if (!closed) notes.push(`the driver printed no "closed" line: ${proc.tail(400)}`);
    }
    await avahi?.stop();
    await sleep(1_500);
    await cap.stop();
    const datagrams = readPcapUdp(cap.file);
    const drops = /received\/dropped on interface '[^']*': (\d+)\/(\d+)/.exec(cap.process.output);
    if (!drops) notes.push('dumpcap printed no capture statistics');
    else if (Number(drops[2]) > 0)
      notes.push(`dumpcap dropped ${drops[2]} of ${drops[1]} packets: the capture figures are incomplete`);
    let noRateLimit: RunResult['noRateLimit'] = null;
    if (impl === 'avahi' && opts.noRateLimit) {
      log(`  avahi N=${n}: again with its rate limit off (legacy queries only)`);
      const again = await startPhase<WatchResult>(h1, { ...common, phase: 'watch', quietMs: QUIET_MS, maxMs: watchMs });
      avahi = await startAvahi(h0, {
        hostName: AVAHI_HOST,
        useIPv6: false,
        services: avahiServices(n),
        timeoutMs: watchMs,
        extraConfig: { server: { 'ratelimit-interval-usec': '0', 'ratelimit-burst': '0' } },
      });
      const w2 = await again();
      if (w2.seen < n) notes.push(`without its rate limit, avahi announced ${w2.seen} of ${n} SRVs`);
      noRateLimit = await legacyPhases(h1, common, { ...opts, warmup: WARMUP_QUERIES });
      await avahi.stop();
    }
    const floor = opts.floor ? await floorPhases(h0, h1, common, opts) : null;
    const src = h0.ipv4;
    const startup = startupFigures(datagrams, src, n, origin, w.end);
    const idle = packetsBetween(datagrams, src, idleFrom, idleTo);
    return {
      impl,
      n,
      pid,
      startup: {
        ...startup,
        publishCallMs: publishCallMs === null ? null : publishCallMs - origin,
        readyMs: readyMs === null ? null : readyMs - origin,
        originSource,
        watcherSeen: w.seen,
      },
      rssKiB,
      rssAfterQueriesKiB,
      hwmKiB,
      baselineRssKiB,
      idle: { seconds: (idleTo - idleFrom) / 1000, packets: idle.packets, bytes: idle.bytes, cpuSeconds: idleCpu },
      ptrQu: { ...ptrFigures(datagrams, src, qu.sentAt, PTR_WINDOW_MS, 5353), querierPackets: qu.packets },
      ptrLegacy: {
        ...ptrFigures(datagrams, src, leg.sentAt, PTR_WINDOW_MS, LEGACY_PTR_PORT),
        querierPackets: leg.packets,
      },
      legacySeq,
      rateUnique,
      rateRandom,
      qm,
      goodbye: { ...goodbyeFigures(datagrams, src, sigtermAt), exitMs },
      noRateLimit,
      floor,
      ipv6Packets: datagrams.filter((d) => d.family === 6).length,
      notes,
    };
  } finally {
    await avahi?.stop().catch(() => undefined);
    await lab.destroy();
  }
}
