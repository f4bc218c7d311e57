/**
 * One run of the lab browse benchmark in one fresh 2-host lab: avahi-daemon
 * on h1 publishes N static services of `_bench._tcp` (IPv4 only, the
 * scale-lab's service files), a watcher on h0 (scale-lab/querier.cjs,
 * phase `watch`) waits until every SRV was announced and h1 was quiet for
 * 5 s; then on h0, one after another, each in a fresh process with an empty
 * cache and bounded in time, 3 s apart:
 *
 *   boaster       boaster.mjs: Mdns.browse() until all N are `up`;
 *   avahi-browse  an avahi-daemon started on h0 for it (IPv4 only,
 *                 `disable-publishing=yes`), then `avahi-browse -r -t -p -k`
 *                 until it exits;
 *   zeroconf      zc_browse_all.py: python-zeroconf AsyncServiceBrowser and
 *                 an AsyncServiceInfo request for each instance.
 *
 * Each browser is held `holdMs` after it has everything (avahi-browse exits
 * by itself: its daemon is kept that long), so the capture shows what it
 * goes on sending. dumpcap captures the bridge all along; the packets h0
 * sent (and h1 sent back) are counted per browser in its window.
 * Everything runs in namespaces the lab creates and is torn down here.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLab } from '../../test/lab/lab.js';
import { startAvahi, type Avahi } from '../../test/lab/avahi.js';
import { startCapture } from '../../test/lab/capture.js';
import { parseAvahiBrowse } from '../../test/lab/avahi-parse.js';
import { PYTHON } from '../../test/lab/availability.js';
import type { Host } from '../../test/lab/host.js';
import type { LabProcess } from '../../test/lab/process.js';
import { sleep } from '../../test/lab/wait.js';
import { cpuSeconds, procStatusKiB } from '../../test/hardening/flood-scenario.js';
import { readPcapUdp } from '../scale-lab/pcap.js';
import { AVAHI_HOST, SERVICE_TYPE, avahiServiceFile, hwid, servicePort } from '../scale-lab/spec.mjs';
import { traffic, type Traffic } from './analysis.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOASTER = fileURLToPath(new URL('./boaster.mjs', import.meta.url));
const ZEROCONF = fileURLToPath(new URL('./zc_browse_all.py', import.meta.url));
const WATCHER = fileURLToPath(new URL('../scale-lab/querier.cjs', import.meta.url));
const QUIET_MS = 5_000;
const PAUSE_MS = 3_000;
/** The publisher counts as idle once it used less than this much CPU in a second. */
const IDLE_CPU_S = 0.05;
const POLL_MS = 5;

export type BrowserKind = 'boaster' | 'avahi-browse' | 'zeroconf';

export interface BrowserSpec {
  readonly kind: BrowserKind;
  /** boaster only: `cache.maxRecords` (default: boaster's default, 10,000). */
  readonly cacheMaxRecords?: number;
  /** boaster diagnostics (boaster.mjs patches the instance): no SRV/TXT queries; first query at 20 ms. */
  readonly noSrvTxtQueries?: boolean;
  readonly earliestFirstQuery?: boolean;
  /** boaster with n = 0 for 2 s: RSS of node + the package + its sockets, nothing cached. */
  readonly baseline?: boolean;
  /** boaster from src/ under `node --import tsx` instead of dist/ (what is committed but not built). */
  readonly src?: boolean;
  /** Extra node options for boaster.mjs (e.g. `--cpu-prof`), for one-off investigations. */
  readonly nodeArgs?: readonly string[];
}

export interface LabOptions {
  readonly n: number;
  readonly run: number;
  readonly browsers: readonly BrowserSpec[];
  /** A browser that has not everything after this long is stopped. */
  readonly maxMs: number;
  /** Kept running this long after it had everything. */
  readonly holdMs: number;
  /** Bound for avahi (h1) to announce all N. */
  readonly publishTimeoutMs: number;
  /**
   * Pin the publisher (h1's avahi-daemon) to CPU 0 and every browser process
   * (with h0's avahi-daemon and dbus-daemon) to CPU 1, so they do not take
   * CPU from each other as they would not on two machines.
   */
  readonly pin?: boolean;
}

/** One browser's run, on one clock (epoch ms), with what the capture saw. */
export interface BrowserResult {
  readonly kind: BrowserKind;
  readonly label: string;
  readonly n: number;
  readonly run: number;
  readonly ok: boolean;
  readonly error: string | null;
  /** The spawn call (epoch ms). */
  readonly spawnAt: number;
  /** The moment the tool's own clock starts: browse() call (boaster), browser made (zeroconf), spawn (avahi-browse). */
  readonly startAt: number;
  /** All N found (PTR) — boaster: first time all N were up, which is the same event. */
  readonly allFoundAt: number | null;
  /** All N resolved (SRV + TXT + address). */
  readonly allResolvedAt: number | null;
  /** Process exit (avahi-browse -t), else null. */
  readonly exitAt: number | null;
  readonly found: number;
  readonly resolved: number;
  /** Headline time: boaster browse() → all up; avahi-browse spawn → exit; zeroconf browser made → all resolved. */
  readonly headlineMs: number | null;
  /** Spawn → all resolved, the same origin for every tool. */
  readonly spawnToResolvedMs: number | null;
  readonly milestones: Readonly<Record<string, number>>;
  readonly cpuS: number | null;
  readonly rssKiB: number | null;
  readonly rssEndKiB: number | null;
  readonly wrong: readonly string[];
  /** What h0 sent from the spawn to having everything (or to the end when it never did). */
  readonly sentToDone: Traffic;
  /** What h0 sent in the hold after that. */
  readonly sentInHold: Traffic;
  /** What h1 (avahi) sent in the same window as `sentToDone`. */
  readonly publisherToDone: Traffic;
  /** h1 packets in the 2 s before the spawn (should be 0: the link was quiet). */
  readonly publisherBefore: number;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly notes: readonly string[];
}

export interface LabResult {
  readonly n: number;
  readonly run: number;
  readonly pinned: boolean;
  readonly publish: {
    readonly announcedMs: number | null;
    readonly seen: number;
    readonly quietAt: number;
    readonly avahiRssKiB: number;
    readonly idleAfterMs: number | null;
  };
  readonly browsers: readonly BrowserResult[];
  readonly captureDrops: string | null;
  readonly notes: readonly string[];
}

interface Window {
  readonly spawnAt: number;
  readonly doneAt: number;
  readonly holdEnd: number;
}

type Partial = Omit<BrowserResult, 'sentToDone' | 'sentInHold' | 'publisherToDone' | 'publisherBefore'> & {
  window: Window;
};

function lastJson(proc: LabProcess): Record<string, unknown> | undefined {
  const line = proc.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function exitWithin(proc: LabProcess, ms: number): Promise<boolean> {
  const exited = await Promise.race([proc.exited.then(() => true), sleep(ms).then(() => false)]);
  if (!exited) await proc.stop();
  return exited;
}

/** `cmd args` run on CPU `cpu` (taskset execs the command: the pid stays the command's). */
function onCpu(cpu: number | undefined, cmd: string, args: readonly string[]): [string, string[]] {
  return cpu === undefined ? [cmd, [...args]] : ['taskset', ['-c', String(cpu), cmd, ...args]];
}

/** Move a running process (all its threads) to CPU `cpu`. */
function pinPid(pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore', timeout: 5_000 });
}

const BROWSER_CPU = 1;
const PUBLISHER_CPU = 0;

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

export function labelOf(spec: BrowserSpec): string {
  if (spec.kind !== 'boaster') return spec.kind;
  if (spec.baseline) return 'boaster baseline (N = 0)';
  const parts: string[] = [];
  if (spec.src) parts.push('src/ via tsx');
  if (spec.cacheMaxRecords !== undefined)
    parts.push(`cache.maxRecords ${spec.cacheMaxRecords.toLocaleString('en-US')}`);
  const diag: string[] = [];
  if (spec.noSrvTxtQueries) diag.push('no SRV/TXT queries');
  if (spec.earliestFirstQuery) diag.push('first query at 20 ms');
  if (diag.length > 0) parts.push(`diagnostic: ${diag.join(', ')}`);
  return parts.length === 0 ? 'boaster' : `boaster (${parts.join(', ')})`;
}

async function runBoaster(h0: Host, h1: Host, spec: BrowserSpec, opts: LabOptions): Promise<Partial> {
  const n = spec.baseline ? 0 : opts.n;
  const cfg = {
    n,
    ...(spec.baseline ? { type: '_nobody._tcp' } : {}),
    ifname: h0.ifname,
    address: h1.ipv4,
    maxMs: spec.baseline ? 2_000 : opts.maxMs,
    holdMs: spec.baseline ? 0 : opts.holdMs,
    ...(spec.cacheMaxRecords ? { cacheMaxRecords: spec.cacheMaxRecords } : {}),
    ...(spec.noSrvTxtQueries ? { noSrvTxtQueries: true } : {}),
    ...(spec.earliestFirstQuery ? { earliestFirstQuery: true } : {}),
    ...(spec.src ? { src: true } : {}),
  };
  const spawnAt = Date.now();
  const [cmd, args] = onCpu(opts.pin ? BROWSER_CPU : undefined, process.execPath, [
    ...(spec.src ? ['--import', 'tsx'] : []),
    ...(spec.nodeArgs ?? []),
    BOASTER,
    JSON.stringify(cfg),
  ]);
  const proc = h0.spawn(cmd, args, { cwd: ROOT, label: 'boaster-browse@h0' });
  const exited = await exitWithin(proc, opts.maxMs + opts.holdMs + 45_000);
  const r = lastJson(proc);
  const notes: string[] = [];
  if (!exited) notes.push('the driver overstayed its bound and was stopped');
  if (proc.stderr.trim()) notes.push(`stderr: ${proc.stderr.trim().slice(0, 400)}`);
  const ok = r?.['kind'] === 'done';
  const browseAt = num(r?.['browseAt']) ?? spawnAt;
  const allUpAt = num(r?.['allUpAt']);
  const doneAt = num(r?.['doneAt']) ?? Date.now();
  const memDone = (r?.['memoryAtDone'] ?? {}) as Record<string, number>;
  const memEnd = (r?.['memoryAtEnd'] ?? {}) as Record<string, number>;
  const errors = (r?.['errors'] as string[] | undefined) ?? [];
  if (errors.length) notes.push(`'error' events: ${errors.join(' | ')}`);
  const downs = num(r?.['downs']) ?? 0;
  if (downs > 0) notes.push(`${downs} 'down' events while browsing`);
  return {
    kind: 'boaster',
    label: labelOf(spec),
    n: opts.n,
    run: opts.run,
    ok: ok && (allUpAt !== null || n === 0),
    error: ok
      ? allUpAt === null && n > 0
        ? `never all ${n} up at once within ${opts.maxMs} ms: ${String(r?.['found'])} reported up at some time, at most ${String(r?.['maxUpAtOnce'])} up at once, ${String(r?.['upAtDone'])} then`
        : null
      : String(r?.['error'] ?? `no result: ${proc.tail(600)}`),
    spawnAt,
    startAt: browseAt,
    allFoundAt: allUpAt,
    allResolvedAt: allUpAt,
    exitAt: null,
    found: num(r?.['found']) ?? 0,
    resolved: num(r?.['upAtDone']) ?? 0,
    headlineMs: allUpAt === null ? null : allUpAt - browseAt,
    spawnToResolvedMs: allUpAt === null ? null : allUpAt - spawnAt,
    milestones: (r?.['milestones'] ?? {}) as Record<string, number>,
    cpuS: num(r?.['cpuToDoneS']),
    rssKiB: memDone['rssKiB'] ?? null,
    rssEndKiB: memEnd['rssKiB'] ?? null,
    wrong: (r?.['bad'] as string[] | undefined) ?? [],
    extra: {
      processStartToBrowseMs: num(r?.['processStartAt']) === null ? null : browseAt - (num(r?.['processStartAt']) ?? 0),
      spawnToBrowseMs: browseAt - spawnAt,
      memoryAtDone: memDone,
      memoryAtEnd: memEnd,
      cacheAtDone: r?.['cacheAtDone'],
      cacheAtEnd: r?.['cacheAtEnd'],
      cacheMaxRecords: r?.['cacheMaxRecords'],
      questionsAtDone: r?.['questionsAtDone'],
      questionsAtEnd: r?.['questionsAtEnd'],
      ups: r?.['ups'],
      updates: r?.['updates'],
      downs,
      upAtEnd: r?.['upAtEnd'],
      maxUpAtOnce: r?.['maxUpAtOnce'],
      cpuTotalS: r?.['cpuTotalS'],
    },
    notes,
    window: { spawnAt, doneAt, holdEnd: doneAt + cfg.holdMs },
  };
}

async function runAvahiBrowse(h0: Host, h1: Host, opts: LabOptions): Promise<Partial> {
  const notes: string[] = [];
  const daemonStartAt = Date.now();
  const avahi = await startAvahi(h0, {
    hostName: 'bench-h0',
    useIPv6: false,
    extraConfig: { publish: { 'disable-publishing': 'yes' } },
    timeoutMs: 30_000,
  });
  try {
    const daemonReadyMs = Date.now() - daemonStartAt;
    if (opts.pin) {
      pinPid(avahi.daemon.pid, BROWSER_CPU);
      pinPid(avahi.dbus.pid, BROWSER_CPU);
    }
    await sleep(500);
    const daemonCpu0 = cpuSeconds(avahi.daemon.pid);
    const spawnAt = Date.now();
    const [cmd, args] = onCpu(opts.pin ? BROWSER_CPU : undefined, 'avahi-browse', [
      '-r',
      '-t',
      '-p',
      '-k',
      SERVICE_TYPE,
    ]);
    const proc = h0.spawn(cmd, args, { env: avahi.env, label: 'avahi-browse@h0' });
    const state: { exitAt: number | null } = { exitAt: null };
    void proc.exited.then(() => {
      state.exitAt = Date.now();
    });
    const added = new Set<string>();
    const resolved = new Set<string>();
    let allFoundAt: number | null = null;
    let allResolvedAt: number | null = null;
    let firstResolvedAt: number | null = null;
    let scanned = 0;
    let clientCpu: number | null = null;
    const milestones: Record<string, number> = {};
    const marks = [1, Math.ceil(opts.n / 10), Math.ceil(opts.n / 2), Math.ceil((opts.n * 9) / 10), opts.n];
    const deadline = spawnAt + opts.maxMs;
    for (let i = 0; state.exitAt === null && Date.now() < deadline && i < opts.maxMs; i++) {
      try {
        clientCpu = cpuSeconds(proc.pid);
      } catch {
        // exited between the checks
      }
      const out = proc.stdout;
      const end = out.lastIndexOf('\n') + 1;
      if (end > scanned) {
        const now = Date.now();
        for (const line of out.slice(scanned, end).split('\n')) {
          const f = line.split(';');
          if (f[0] === '+' && f[3]) added.add(f[3]);
          if (f[0] === '=' && f[3] && f[7]) {
            resolved.add(f[3]);
            firstResolvedAt ??= now;
            for (const k of marks) if (milestones[k] === undefined && resolved.size >= k) milestones[k] = now - spawnAt;
          }
        }
        scanned = end;
        if (allFoundAt === null && added.size >= opts.n) allFoundAt = now;
        if (allResolvedAt === null && resolved.size >= opts.n) allResolvedAt = now;
      }
      await sleep(POLL_MS);
    }
    const exited = await exitWithin(proc, 2_000);
    const exitAt = exited ? (state.exitAt ?? Date.now()) : null;
    if (!exited) notes.push(`avahi-browse had not exited after ${opts.maxMs} ms: stopped`);
    const entries = parseAvahiBrowse(proc.stdout);
    const res = entries.filter((e) => e.event === '=');
    const names = new Set(res.map((e) => e.name));
    if (allResolvedAt === null && names.size >= opts.n) allResolvedAt = exitAt ?? Date.now();
    if (allFoundAt === null && new Set(entries.filter((e) => e.event === '+').map((e) => e.name)).size >= opts.n)
      allFoundAt = allResolvedAt;
    const wrong: string[] = [];
    for (const e of res) {
      const i = Number(/^svc-(\d+)$/.exec(e.name)?.[1] ?? -1);
      const bad: string[] = [];
      if (i < 0 || i >= opts.n) bad.push('name');
      else {
        if (e.port !== servicePort(i)) bad.push(`port ${String(e.port)}`);
        if (!(e.txt ?? []).includes(`hwid=${hwid(i)}`)) bad.push(`txt ${JSON.stringify(e.txt)}`);
      }
      // h1's avahi also publishes its link-local AAAA over IPv4 (publish-aaaa-on-ipv4=yes): either of h1's addresses is right.
      if (e.address !== h1.ipv4 && e.address !== h1.ipv6) bad.push(`address ${String(e.address)}`);
      if (bad.length && wrong.length < 10) wrong.push(`${e.name}: ${bad.join('; ')}`);
    }
    const failures = proc.stderr
      .split('\n')
      .filter((l) => l.trim())
      .slice(0, 5);
    if (failures.length) notes.push(`avahi-browse stderr: ${failures.join(' | ')}`);
    const doneAt = allResolvedAt ?? exitAt ?? Date.now();
    const rssKiB = procStatusKiB(avahi.daemon.pid, 'VmRSS');
    const daemonCpuToExit = cpuSeconds(avahi.daemon.pid) - daemonCpu0;
    const endAt = exitAt ?? Date.now();
    // Hold the daemon: does it go on querying once its client is gone?
    await sleep(Math.max(0, doneAt + opts.holdMs - Date.now()));
    const rssEndKiB = procStatusKiB(avahi.daemon.pid, 'VmRSS');
    const exitCode = proc.exitStatus?.code ?? null;
    if (exitCode !== 0) notes.push(`avahi-browse exit code ${String(exitCode)}`);
    return {
      kind: 'avahi-browse',
      label: 'avahi-browse',
      n: opts.n,
      run: opts.run,
      ok: allResolvedAt !== null && exitAt !== null,
      error:
        allResolvedAt === null
          ? `${names.size} of ${opts.n} resolved (= lines) by ${exitAt === null ? 'the bound' : 'its exit'}`
          : null,
      spawnAt,
      startAt: spawnAt,
      allFoundAt,
      allResolvedAt,
      exitAt: endAt,
      found: new Set(entries.filter((e) => e.event === '+').map((e) => e.name)).size,
      resolved: names.size,
      headlineMs: exitAt === null ? null : endAt - spawnAt,
      spawnToResolvedMs: allResolvedAt === null ? null : allResolvedAt - spawnAt,
      milestones,
      cpuS: clientCpu === null ? null : clientCpu + daemonCpuToExit,
      rssKiB,
      rssEndKiB,
      wrong,
      extra: {
        daemonReadyMs,
        clientCpuS: clientCpu,
        daemonCpuS: daemonCpuToExit,
        resolvedLines: res.length,
        firstResolvedMs: firstResolvedAt === null ? null : firstResolvedAt - spawnAt,
        lastResolvedMs: allResolvedAt === null ? null : allResolvedAt - spawnAt,
        daemonStartAt,
        pollMs: POLL_MS,
      },
      notes,
      window: { spawnAt, doneAt, holdEnd: doneAt + opts.holdMs },
    };
  } finally {
    await avahi.stop();
  }
}

async function runZeroconf(h0: Host, h1: Host, opts: LabOptions): Promise<Partial> {
  const cfg = {
    n: opts.n,
    type: SERVICE_TYPE,
    interface: h0.ipv4,
    address: h1.ipv4,
    maxMs: opts.maxMs,
    holdMs: opts.holdMs,
    resolveTimeoutMs: 3_000,
  };
  const spawnAt = Date.now();
  const [cmd, args] = onCpu(opts.pin ? BROWSER_CPU : undefined, PYTHON, ['-u', '-B', ZEROCONF, JSON.stringify(cfg)]);
  const proc = h0.spawn(cmd, args, { label: 'zc_browse_all@h0' });
  const exited = await exitWithin(proc, opts.maxMs + opts.holdMs + 45_000);
  const r = lastJson(proc);
  const notes: string[] = [];
  if (!exited) notes.push('the zeroconf script overstayed its bound and was stopped');
  const err = proc.stderr.trim();
  if (err) notes.push(`stderr: ${err.slice(-400)}`);
  const ok = r?.['kind'] === 'done';
  const browseAt = num(r?.['browseAt']) ?? spawnAt;
  const allResolvedAt = num(r?.['allResolvedAt']);
  const doneAt = num(r?.['doneAt']) ?? Date.now();
  const failed = num(r?.['failed']) ?? 0;
  if (failed > 0) notes.push(`${failed} instances whose AsyncServiceInfo request timed out (3 s)`);
  return {
    kind: 'zeroconf',
    label: `python-zeroconf ${String(r?.['version'] ?? '')}`.trim(),
    n: opts.n,
    run: opts.run,
    ok: ok && allResolvedAt !== null,
    error: ok
      ? allResolvedAt === null
        ? `${String(r?.['resolved'])} of ${opts.n} resolved after ${opts.maxMs} ms`
        : null
      : String(r?.['error'] ?? `no result: ${proc.tail(600)}`),
    spawnAt,
    startAt: browseAt,
    allFoundAt: num(r?.['allFoundAt']),
    allResolvedAt,
    exitAt: null,
    found: num(r?.['found']) ?? 0,
    resolved: num(r?.['resolved']) ?? 0,
    headlineMs: allResolvedAt === null ? null : allResolvedAt - browseAt,
    spawnToResolvedMs: allResolvedAt === null ? null : allResolvedAt - spawnAt,
    milestones: (r?.['milestones'] ?? {}) as Record<string, number>,
    cpuS: num(r?.['cpuToDoneS']),
    rssKiB: num(r?.['rssKiBAtDone']),
    rssEndKiB: num(r?.['rssKiBAtEnd']),
    wrong: (r?.['bad'] as string[] | undefined) ?? [],
    extra: {
      spawnToBrowseMs: browseAt - spawnAt,
      importMs: (num(r?.['importedAt']) ?? 0) - (num(r?.['startAt']) ?? 0),
      resolvedFromCache: r?.['resolvedFromCache'],
      resolvedByRequest: r?.['resolvedByRequest'],
      failed,
      cpuTotalS: r?.['cpuTotalS'],
      hwmKiB: r?.['hwmKiB'],
    },
    notes,
    window: { spawnAt, doneAt, holdEnd: doneAt + opts.holdMs },
  };
}

function avahiServices(n: number): Record<string, string> {
  const services: Record<string, string> = {};
  for (let i = 0; i < n; i++) services[`svc-${i}.service`] = avahiServiceFile(i);
  return services;
}

/** One lab, one N: the publisher, then each browser in turn. The lab is always destroyed. */
export async function runLab(opts: LabOptions, log: (line: string) => void): Promise<LabResult> {
  const notes: string[] = [];
  const lab = await createLab({ hosts: 2 });
  let publisher: Avahi | undefined;
  try {
    const [h0, h1] = [lab.host(0), lab.host(1)];
    const cap = await startCapture(lab.link(0), { dir: lab.dir, filter: 'udp port 5353' });
    const watch = h0.spawn(
      process.execPath,
      [
        WATCHER,
        JSON.stringify({
          phase: 'watch',
          source: h0.ipv4,
          target: h1.ipv4,
          n: opts.n,
          type: SERVICE_TYPE,
          quietMs: QUIET_MS,
          maxMs: opts.publishTimeoutMs,
        }),
      ],
      { label: 'watch@h0' },
    );
    await watch.waitForOutput(/^READY$/m, 10_000);
    const publishAt = Date.now();
    log(`  N=${opts.n} run ${opts.run}: avahi-daemon on h1 publishing ${opts.n} services`);
    publisher = await startAvahi(h1, {
      hostName: AVAHI_HOST,
      useIPv6: false,
      services: avahiServices(opts.n),
      timeoutMs: opts.publishTimeoutMs,
    });
    await exitWithin(watch, opts.publishTimeoutMs + 15_000);
    const w = lastJson(watch);
    const seen = num(w?.['seen']) ?? 0;
    const allSeenAt = num(w?.['allSeenAt']);
    if (seen < opts.n)
      notes.push(`the watcher saw ${seen} of ${opts.n} SRVs announced within ${opts.publishTimeoutMs} ms`);
    // Quiet on the wire is not idle: at 10,000 services avahi-daemon stays busy long after its last announcement.
    const idleFrom = Date.now();
    let idleAfterMs: number | null = null;
    for (let i = 0, last = cpuSeconds(publisher.daemon.pid); i < Math.ceil(opts.publishTimeoutMs / 1_000); i++) {
      await sleep(1_000);
      const now = cpuSeconds(publisher.daemon.pid);
      if (now - last < IDLE_CPU_S) {
        idleAfterMs = Date.now() - idleFrom;
        break;
      }
      last = now;
    }
    if (idleAfterMs === null)
      notes.push(
        `avahi-daemon on h1 was still busy (≥ ${IDLE_CPU_S} s CPU a second) ${opts.publishTimeoutMs} ms after it went quiet`,
      );
    else if (idleAfterMs > 1_500)
      notes.push(
        `avahi-daemon on h1 went on using CPU for ${Math.round(idleAfterMs / 1000)} s after its last announcement; the browsers started once it idled`,
      );
    const avahiRssKiB = procStatusKiB(publisher.daemon.pid, 'VmRSS');
    if (opts.pin) pinPid(publisher.daemon.pid, PUBLISHER_CPU);
    log(`  announced: ${seen} SRVs${allSeenAt === null ? '' : ` in ${allSeenAt - publishAt} ms`}; quiet`);
    const partials: Partial[] = [];
    for (const spec of opts.browsers) {
      await sleep(PAUSE_MS);
      log(`  ${labelOf(spec)}…`);
      try {
        const p =
          spec.kind === 'boaster'
            ? await runBoaster(h0, h1, spec, opts)
            : spec.kind === 'avahi-browse'
              ? await runAvahiBrowse(h0, h1, opts)
              : await runZeroconf(h0, h1, opts);
        partials.push(p);
        log(
          `    ${p.ok ? 'ok' : `FAILED: ${p.error ?? ''}`}: headline ${p.headlineMs ?? '—'} ms, spawn → all resolved ${p.spawnToResolvedMs ?? '—'} ms, ${p.resolved}/${opts.n} resolved`,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`    FAILED: ${message}`);
        const now = Date.now();
        partials.push({
          kind: spec.kind,
          label: labelOf(spec),
          n: opts.n,
          run: opts.run,
          ok: false,
          error: message,
          spawnAt: now,
          startAt: now,
          allFoundAt: null,
          allResolvedAt: null,
          exitAt: null,
          found: 0,
          resolved: 0,
          headlineMs: null,
          spawnToResolvedMs: null,
          milestones: {},
          cpuS: null,
          rssKiB: null,
          rssEndKiB: null,
          wrong: [],
          extra: {},
          notes: [],
          window: { spawnAt: now, doneAt: now, holdEnd: now },
        });
      }
    }
    await sleep(1_000);
    await publisher.stop();
    publisher = undefined;
    await sleep(1_000);
    await cap.stop();
    const drops = /received\/dropped on interface '[^']*': (\d+)\/(\d+)/.exec(cap.process.output);
    const captureDrops = drops ? `${drops[2]} of ${drops[1]}` : null;
    if (!drops) notes.push('dumpcap printed no capture statistics');
    else if (Number(drops[2]) > 0)
      notes.push(`dumpcap dropped ${drops[2]} of ${drops[1]} packets: the packet counts are incomplete`);
    const datagrams = readPcapUdp(cap.file);
    const browsers: BrowserResult[] = partials.map(({ window, ...p }) => ({
      ...p,
      sentToDone: traffic(datagrams, h0.ipv4, window.spawnAt, window.doneAt),
      sentInHold: traffic(datagrams, h0.ipv4, window.doneAt + 0.001, window.holdEnd, window.doneAt),
      publisherToDone: traffic(datagrams, h1.ipv4, window.spawnAt, window.doneAt),
      publisherBefore: traffic(datagrams, h1.ipv4, window.spawnAt - 2_000, window.spawnAt).packets,
    }));
    const v6 = datagrams.filter((d) => d.family === 6).length;
    if (v6 > 0) notes.push(`${v6} IPv6 packets captured (expected none)`);
    return {
      n: opts.n,
      run: opts.run,
      pinned: opts.pin === true,
      publish: {
        announcedMs: allSeenAt === null ? null : allSeenAt - publishAt,
        seen,
        quietAt: num(w?.['end']) ?? 0,
        avahiRssKiB,
        idleAfterMs,
      },
      browsers,
      captureDrops,
      notes,
    };
  } finally {
    await publisher?.stop().catch(() => undefined);
    await lab.destroy();
  }
}
