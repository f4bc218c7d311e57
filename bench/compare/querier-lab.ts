/**
 * The querier half of the comparison benchmark. avahi-daemon publishes the
 * services on h1 (static service files, IPv4 only, the scale-lab's set); the
 * querier browses `_bench._tcp` on h0, each in a fresh process with an empty
 * cache; dumpcap counts what h0 sends.
 *
 *   speed   for each N, one lab: every querier in turn, until all N are
 *           found and resolved (correct port, TXT hwid and address), or its
 *           bound passes; the times to the 1st, 100th and 1,000th instance
 *           found and resolved from its browse call, and the packets and
 *           bytes it sent until it had them all;
 *   idle    one lab per querier, all at once (nothing but timers runs
 *           there, so they do not skew each other): 100 services in view,
 *           the querier's traffic over `idleMs` after it resolved them all,
 *           split into PTR queries (the browse) and the rest (cache
 *           maintenance), the PTR count beside what RFC 6762 §5.2's doubling
 *           intervals allow; then svc-0 withdrawn (its file removed, avahi
 *           reloaded with SIGHUP) and the time from avahi's goodbye on the
 *           wire to the querier reporting the instance gone;
 *   memory  alongside the idle labs, one lab with `memoryN` services
 *           (3 records each, plus the host's address: about 10,000 records
 *           at 3,300): each querier in turn until it resolved them all, then
 *           its RSS (avahi-browse: the tool plus the querying avahi-daemon).
 *
 * Every wait is bounded; each lab is destroyed whatever happens.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, type Lab } from '../../test/lab/lab.js';
import { startAvahi, type Avahi } from '../../test/lab/avahi.js';
import { startCapture, type Capture } from '../../test/lab/capture.js';
import type { Host } from '../../test/lab/host.js';
import { sleep } from '../../test/lab/wait.js';
import { procStatusKiB } from '../../test/hardening/flood-scenario.js';
import { readPcapUdp } from '../scale-lab/pcap.js';
import { packetsBetween } from '../scale-lab/analysis.js';
import { SERVICE_TYPE, avahiServiceFile, hwid, servicePort } from '../scale-lab/spec.mjs';
import { IPV4_RECORDS_ONLY, startQuerier, type QuerierEvents, type QuerierImpl } from './peers.js';
import { within } from '../../test/lab/within.js';
import { classifyQueries, doublingAllowance, goodbyeAt } from './traffic.js';

const WATCHER = fileURLToPath(new URL('../scale-lab/querier.cjs', import.meta.url));
const PUBLISHER_HOST = 'bench-avahi';
const PAUSE_MS = 2_000;
const MILESTONES = [1, 100, 1_000, 3_300, 10_000] as const;

export interface QuerierOptions {
  readonly queriers: readonly QuerierImpl[];
  readonly ns: readonly number[];
  readonly idleN: number;
  readonly idleMs: number;
  readonly memoryN: number;
  /** A querier that has not everything after this plus 20 ms per instance is stopped. */
  readonly boundMs: number;
}

export interface SpeedResult {
  readonly impl: QuerierImpl;
  readonly n: number;
  readonly found: number;
  /** Resolved with the published port, TXT and address. */
  readonly resolved: number;
  /** Reported resolved with something else (up to five examples in `wrong`). */
  readonly wrongCount: number;
  readonly wrong: readonly string[];
  /** k → ms from the browse call to the k-th instance found / resolved. */
  readonly foundMs: Readonly<Record<string, number>>;
  readonly resolvedMs: Readonly<Record<string, number>>;
  readonly sent: { packets: number; bytes: number };
}

export interface IdleResult {
  readonly impl: QuerierImpl;
  readonly n: number;
  readonly resolved: number;
  readonly seconds: number;
  readonly packets: number;
  readonly bytes: number;
  readonly ptrPackets: number;
  readonly otherPackets: number;
  /** PTR queries §5.2's doubling intervals allow in the same window, counted from the browse call. */
  readonly ptrAllowed: number;
  /** Goodbye on the wire → the querier reported svc-0 gone (ms); null: not reported within the bound. */
  readonly goneMs: number | null;
  readonly notes: readonly string[];
}

export interface MemoryResult {
  readonly impl: QuerierImpl;
  readonly n: number;
  readonly resolved: number;
  readonly resolvedMs: number | null;
  readonly rssKiB: number | null;
}

export interface QuerierResults {
  readonly speed: readonly SpeedResult[];
  readonly idle: readonly IdleResult[];
  readonly memory: readonly MemoryResult[];
  readonly notes: readonly string[];
}

function services(n: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i++) out[`svc-${i}.service`] = avahiServiceFile(i);
  return out;
}

/** avahi on h1 publishing `n`; resolves once a watcher on h0 heard every SRV and h1 was quiet 3 s. */
async function publisher(h0: Host, h1: Host, n: number): Promise<Avahi> {
  const cfg = { phase: 'watch', source: h0.ipv4, target: h1.ipv4, n, type: SERVICE_TYPE, quietMs: 3_000 };
  const maxMs = 30_000 + 30 * n;
  const watch = h0.spawn(process.execPath, [WATCHER, JSON.stringify({ ...cfg, maxMs })], { label: 'watch@h0' });
  await watch.waitForOutput(/^READY$/m, 10_000);
  const avahi = await startAvahi(h1, {
    hostName: PUBLISHER_HOST,
    useIPv6: false,
    services: services(n),
    timeoutMs: maxMs,
    extraConfig: IPV4_RECORDS_ONLY,
  });
  await within(watch.exited, maxMs + 10_000);
  await watch.stop();
  if (!/"seen":\s*(\d+)/.test(watch.stdout) || Number(/"seen":\s*(\d+)/.exec(watch.stdout)?.[1]) < n)
    throw new Error(`avahi on h1 did not announce all ${n} services: ${watch.tail(300)}`);
  return avahi;
}

const isRight = (name: string, r: { port: number; hwid: string; ipv4: string }, publisherIp: string): boolean => {
  const i = Number(/^svc-(\d+)$/.exec(name)?.[1] ?? -1);
  return i >= 0 && r.port === servicePort(i) && r.hwid === hwid(i) && r.ipv4 === publisherIp;
};

/** When each instance was resolved with the port, TXT hwid and address it was published with. */
function rightTimes(e: QuerierEvents, publisherIp: string): number[] {
  return [...e.resolved].filter(([name, r]) => isRight(name, r, publisherIp)).map(([, r]) => r.at);
}

const correctCount = (e: QuerierEvents, publisherIp: string): number => rightTimes(e, publisherIp).length;

/** Up to five instances reported resolved with something other than what was published. */
function wrongOf(e: QuerierEvents, publisherIp: string): string[] {
  return [...e.resolved]
    .filter(([name, r]) => !isRight(name, r, publisherIp))
    .slice(0, 5)
    .map(([name, r]) => `${name}: port ${r.port}, hwid ${r.hwid}, address ${r.ipv4}`);
}

function milestones(startedAt: number, times: Iterable<number>, n: number): Record<string, number> {
  const sorted = [...times].sort((a, b) => a - b);
  const out: Record<string, number> = {};
  for (const k of MILESTONES) if (k <= n && sorted.length >= k) out[String(k)] = (sorted[k - 1] ?? 0) - startedAt;
  return out;
}

/** Poll (bounded) until `done` holds. */
async function until(done: () => boolean, maxMs: number): Promise<boolean> {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    if (done()) return true;
    await sleep(20);
  }
  return done();
}

async function speedLab(n: number, opts: QuerierOptions, log: (l: string) => void): Promise<SpeedResult[]> {
  const lab: Lab = await createLab({ hosts: 2, waitForIPv6: false });
  let avahi: Avahi | undefined;
  try {
    const [h0, h1] = [lab.host(0), lab.host(1)];
    avahi = await publisher(h0, h1, n);
    const cap: Capture = await startCapture(lab.link(0), {
      dir: lab.dir,
      filter: `udp port 5353 and src host ${h0.ipv4}`,
    });
    const windows: { impl: QuerierImpl; e: QuerierEvents; from: number; to: number }[] = [];
    for (const impl of opts.queriers) {
      log(`  querier ${impl}: N=${n}`);
      const from = Date.now();
      const q = await startQuerier(impl, h0, SERVICE_TYPE, 120_000);
      await until(() => correctCount(q.events(), h1.ipv4) >= n, opts.boundMs + 20 * n);
      const e = q.events();
      const right = rightTimes(e, h1.ipv4);
      await q.stop();
      windows.push({ impl, e, from, to: right.length >= n ? Math.max(from, ...right) : Date.now() });
      await sleep(PAUSE_MS);
    }
    await sleep(500);
    await cap.stop();
    const datagrams = readPcapUdp(cap.file);
    return windows.map(({ impl, e, from, to }) => {
      const started = e.startedAt ?? from;
      return {
        impl,
        n,
        found: e.found.size,
        resolved: correctCount(e, h1.ipv4),
        wrongCount: e.resolved.size - correctCount(e, h1.ipv4),
        wrong: wrongOf(e, h1.ipv4),
        foundMs: milestones(started, e.found.values(), n),
        resolvedMs: milestones(started, rightTimes(e, h1.ipv4), n),
        sent: packetsBetween(datagrams, h0.ipv4, from, to),
      };
    });
  } finally {
    await avahi?.stop().catch(() => undefined);
    await lab.destroy();
  }
}

async function idleLab(impl: QuerierImpl, opts: QuerierOptions): Promise<IdleResult> {
  const n = opts.idleN;
  const notes: string[] = [];
  const lab: Lab = await createLab({ hosts: 2, waitForIPv6: false });
  let avahi: Avahi | undefined;
  try {
    const [h0, h1] = [lab.host(0), lab.host(1)];
    avahi = await publisher(h0, h1, n);
    const cap = await startCapture(lab.link(0), { dir: lab.dir, filter: 'udp port 5353' });
    const q = await startQuerier(impl, h0, SERVICE_TYPE, opts.idleMs + 180_000);
    const all = await until(() => correctCount(q.events(), h1.ipv4) >= n, opts.boundMs + 20 * n);
    if (!all) notes.push(`resolved ${correctCount(q.events(), h1.ipv4)} of ${n} correctly before the idle window`);
    const startedAt = q.events().startedAt ?? Date.now();
    const idleFrom = Date.now();
    await sleep(opts.idleMs);
    const idleTo = Date.now();
    // The service is withdrawn: its file goes, avahi reloads and says goodbye (RFC 6762 §10.1).
    rmSync(join(h1.dir, 'avahi', 'services', 'svc-0.service'));
    avahi.daemon.signal('SIGHUP');
    const reported = await until(() => q.events().lost.has('svc-0'), 15_000);
    const lostAt = q.events().lost.get('svc-0') ?? null;
    const resolved = correctCount(q.events(), h1.ipv4);
    await q.stop();
    await sleep(300);
    await cap.stop();
    const datagrams = readPcapUdp(cap.file);
    const window = datagrams.filter((d) => d.src === h0.ipv4 && d.at >= idleFrom && d.at <= idleTo);
    const kinds = classifyQueries(window);
    // From the idle window's end: avahi may react to the file's removal (inotify) before the SIGHUP.
    const bye = goodbyeAt(datagrams, h1.ipv4, `svc-0.${SERVICE_TYPE}.local`, idleTo);
    if (bye === null) notes.push('no goodbye for svc-0 from avahi on the wire');
    if (!reported) notes.push('svc-0 not reported gone within 15 s of the goodbye');
    return {
      impl,
      n,
      resolved,
      seconds: (idleTo - idleFrom) / 1000,
      packets: window.length,
      bytes: window.reduce((s, d) => s + d.payload.length, 0),
      ptrPackets: kinds.ptr,
      otherPackets: kinds.other,
      ptrAllowed: doublingAllowance(startedAt, idleFrom, idleTo),
      goneMs: bye !== null && lostAt !== null ? lostAt - bye : null,
      notes,
    };
  } finally {
    await avahi?.stop().catch(() => undefined);
    await lab.destroy();
  }
}

const rssOf = (pids: readonly number[]): number | null => {
  try {
    return pids.reduce((s, pid) => s + procStatusKiB(pid, 'VmRSS'), 0);
  } catch {
    return null;
  }
};

async function memoryLab(opts: QuerierOptions, log: (l: string) => void): Promise<MemoryResult[]> {
  const n = opts.memoryN;
  const lab: Lab = await createLab({ hosts: 2, waitForIPv6: false });
  let avahi: Avahi | undefined;
  try {
    const [h0, h1] = [lab.host(0), lab.host(1)];
    avahi = await publisher(h0, h1, n);
    const out: MemoryResult[] = [];
    for (const impl of opts.queriers) {
      log(`  querier ${impl}: ${n} services cached`);
      const q = await startQuerier(impl, h0, SERVICE_TYPE, 240_000);
      await until(() => correctCount(q.events(), h1.ipv4) >= n, opts.boundMs + 20 * n);
      await sleep(1_000);
      const e = q.events();
      const times = rightTimes(e, h1.ipv4);
      out.push({
        impl,
        n,
        resolved: times.length,
        resolvedMs: times.length >= n && e.startedAt !== null ? Math.max(...times) - e.startedAt : null,
        rssKiB: rssOf(q.pids()),
      });
      await q.stop();
      await sleep(PAUSE_MS);
    }
    return out;
  } finally {
    await avahi?.stop().catch(() => undefined);
    await lab.destroy();
  }
}

/** Every querier figure: the speed labs one after another, then the idle labs and the memory lab at once. */
export async function measureQueriers(opts: QuerierOptions, log: (line: string) => void): Promise<QuerierResults> {
  const notes: string[] = [];
  const speed: SpeedResult[] = [];
  for (const n of opts.ns) {
    log(`queriers: N = ${n}`);
    speed.push(...(await speedLab(n, opts, log)));
  }
  log(`queriers: ${opts.idleMs / 1000} s idle with ${opts.idleN} services (one lab each), and ${opts.memoryN} cached`);
  const [idle, memory] = await Promise.all([
    Promise.all(opts.queriers.map((impl) => idleLab(impl, opts))),
    memoryLab(opts, log),
  ]);
  return { speed, idle, memory, notes };
}
