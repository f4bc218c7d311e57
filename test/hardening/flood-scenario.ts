/**
 * Issue 9, "floods starve unicast answers": the scenario shared by
 * flood.lab.test.ts and bench/flood.ts.
 *
 * Three lab hosts: h0 runs `boaster publish` ('Flood Target' _http._tcp 80 on
 * floodhost); h1 runs flood.cjs (a paced mix of valid, bogus, oversized,
 * junk and truncated mDNS packets, default 3,000/s); h2 runs legit.cjs, a
 * legitimate querier sending a legacy unicast SRV query and a QU SRV query
 * every 20 ms and timing each answer (a miss after 1 s). boaster's CPU time
 * (utime + stime, /proc/<pid>/stat) and RSS (/proc/<pid>/status) are read
 * at the flood's start and end — the lab uses network namespaces only, so
 * the pid is the same from the root namespace — and h0's UDP counters
 * (/proc/<pid>/net/snmp), which tell datagrams the kernel dropped for a full
 * receive buffer from what boaster chose not to answer. After the flood a
 * legacy SRV query checks the service is still answered correctly.
 */
import { lastJson } from '../lab/result-line.js';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SrvAnswer } from 'dns-packet';
import type { Lab } from '../lab/lab.js';
import type { LabProcess } from '../lab/process.js';
import { sleep } from '../lab/wait.js';
import { startPublish } from '../responder/publish-lab.js';
import { instanceFqdn, query, recordsOf, runPeer, sameName } from './peer.js';

const FLOOD_SCRIPT = fileURLToPath(new URL('./flood.cjs', import.meta.url));
const LEGIT_SCRIPT = fileURLToPath(new URL('./legit.cjs', import.meta.url));

/** What the scenario publishes. */
export const FLOOD_SERVICE = { instance: 'Flood Target', type: '_http._tcp', port: 80, host: 'floodhost' } as const;

export interface FloodOptions {
  /** Flood duration (s). */
  readonly seconds: number;
  /** Target flood rate (packets/s). */
  readonly rate: number;
  /** Legit query interval (ms); default 20. */
  readonly legitIntervalMs?: number;
  /** Legit querying before and after the flood (ms); default 2000. */
  readonly quietMs?: number;
}

/** Answers to one kind of legit query in one phase. */
export interface LegitStats {
  readonly sent: number;
  readonly answered: number;
  /** answered / sent (1 when nothing was sent). */
  readonly share: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

export interface LegitPhase {
  readonly legacy: LegitStats;
  /** QU queries, one unicast reply each (by id, else the newest still waiting). */
  readonly quOwn: LegitStats;
  /** QU queries answered by any SRV response after them, unicast or multicast (RFC 6762 §18.1). */
  readonly quAny: LegitStats;
}

export interface FloodReport {
  readonly options: Required<FloodOptions>;
  readonly flood: {
    readonly packetsSent: number;
    readonly scheduled: number;
    readonly skipped: number;
    readonly sendErrors: number;
    readonly bytes: number;
    readonly durationS: number;
    readonly achievedRate: number;
    readonly bigQueryBytes: number;
    readonly byKind: Readonly<Record<string, number>>;
    /** Datagrams boaster sent back to the flooder (unicast and legacy replies). */
    readonly repliesReceived: number;
    readonly replyBytes: number;
  };
  readonly legit: {
    readonly before: LegitPhase;
    readonly during: LegitPhase;
    readonly after: LegitPhase;
    readonly unicastQuReplies: number;
    readonly multicastSrvResponses: number;
    /** boaster's multicasts over the whole run, against RFC 6762 §6.2. */
    readonly multicastRate: MulticastRate;
  };
  readonly boaster: {
    readonly pid: number;
    readonly aliveAfter: boolean;
    /** utime + stime over the flood window (s). */
    readonly cpuSeconds: number;
    /** cpuSeconds / flood duration (1 = one core busy). */
    readonly cpuShare: number;
    /** cpuSeconds per packet the flood sent, in µs. */
    readonly cpuPerPacketUs: number;
    readonly rssBeforeKiB: number;
    readonly rssAfterKiB: number;
    /** VmHWM at the end: peak RSS of the whole run. */
    readonly rssPeakKiB: number;
    /** h0's UDP counters over the flood (/proc/<pid>/net/snmp: boaster's namespace). */
    readonly udp: { readonly inDatagrams: number; readonly rcvbufErrors: number; readonly inErrors: number };
    /** Output tail when it did not survive. */
    readonly outputTail?: string;
  };
  /** A legacy SRV query after the flood. */
  readonly afterFlood: { readonly answered: boolean; readonly port?: number; readonly target?: string };
}

interface FloodDone {
  kind: 'done';
  start: number;
  end: number;
  scheduled: number;
  achievedRate: number;
  sent: number;
  sendErrors: number;
  skipped: number;
  bytes: number;
  repliesReceived: number;
  replyBytes: number;
  byKind: Record<string, number>;
}

/** What the legit querier saw of boaster's multicasts (legit.cjs): the §6.2 one-second rule, per record. */
export interface MulticastRate {
  /** Records multicast by boaster (every section; one record in one packet counts once). */
  readonly records: number;
  /** Distinct records among them (a goodbye is a record of its own). */
  readonly distinct: number;
  /** Shortest interval between two multicasts of one record (ms); null if none went twice. */
  readonly minIntervalMs: number | null;
  /** Intervals under 950 ms (a second less 50 ms of arrival jitter): RFC 6762 §6.2 broken. */
  readonly under: number;
  /** Most multicasts of one record within one calendar second. */
  readonly maxPerSecond: number;
}

interface LegitDone {
  kind: 'done';
  unicastQuReplies: number;
  multicastSrvResponses: number;
  multicastRate: MulticastRate;
  legacy: [number, number][];
  quOwn: [number, number][];
  quAny: [number, number][];
}

const clockTicks = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Epoch ms at which `pid` was started (field 22 of /proc/<pid>/stat against /proc/uptime). */
export function processStartMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return Date.now() - uptime * 1000 + (Number(fields[19]) / clockTicks) * 1000;
}

/** utime + stime of `pid` in seconds (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** A `Vm…:` line of /proc/<pid>/status in KiB. */
export function procStatusKiB(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** UDP counters of the network namespace `pid` lives in. */
export function udpCounters(pid: number): { inDatagrams: number; rcvbufErrors: number; inErrors: number } {
  const lines = readFileSync(`/proc/${pid}/net/snmp`, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = (lines[0] ?? '').split(/\s+/).slice(1);
  const values = (lines[1] ?? '').split(/\s+/).slice(1).map(Number);
  const get = (name: string): number => values[names.indexOf(name)] ?? NaN;
  return { inDatagrams: get('InDatagrams'), rcvbufErrors: get('RcvbufErrors'), inErrors: get('InErrors') };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

function stats(entries: readonly [number, number][]): LegitStats {
  const latencies = entries
    .filter((e) => e[1] >= 0)
    .map((e) => e[1])
    .sort((a, b) => a - b);
  return {
    sent: entries.length,
    answered: latencies.length,
    share: entries.length === 0 ? 1 : latencies.length / entries.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.length > 0 ? (latencies[latencies.length - 1] ?? null) : null,
  };
}

async function finish(proc: LabProcess, withinMs: number): Promise<void> {
  const exited = await Promise.race([proc.exited.then(() => true), sleep(withinMs).then(() => false)]);
  if (!exited) await proc.stop();
}

/** Run the scenario in `lab` (3 hosts); boaster and the scripts are stopped before it returns. */
export async function runFloodScenario(lab: Lab, opts: FloodOptions): Promise<FloodReport> {
  const options: Required<FloodOptions> = { legitIntervalMs: 20, quietMs: 2_000, ...opts };
  const [h0, h1, h2] = [lab.host(0), lab.host(1), lab.host(2)];
  const svc = FLOOD_SERVICE;
  const fqdn = instanceFqdn(svc.instance, svc.type);
  const pub = await startPublish(h0, [svc.instance, svc.type, String(svc.port), '--host', svc.host]);
  const pid = pub.process.pid;
  let legit: LabProcess | undefined;
  let flood: LabProcess | undefined;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('boaster.ts'))
      throw new Error(`pid ${pid} is not boaster`);
    await sleep(4_000); // the remaining announcements (RFC 6762 §8.3)
    const floodMs = options.seconds * 1000;
    legit = h2.spawn(
      process.execPath,
      [
        LEGIT_SCRIPT,
        JSON.stringify({
          source: h2.ipv4,
          target: h0.ipv4,
          instance: fqdn,
          intervalMs: options.legitIntervalMs,
          timeoutMs: 1_000,
          maxDurationMs: floodMs + 2 * options.quietMs + 20_000,
        }),
      ],
      { label: `legit@${h2.name}` },
    );
    flood = h1.spawn(
      process.execPath,
      [
        FLOOD_SCRIPT,
        JSON.stringify({
          source: h1.ipv4,
          rate: options.rate,
          durationMs: floodMs,
          instance: svc.instance,
          type: svc.type,
          host: svc.host,
        }),
      ],
      {
        label: `flood@${h1.name}`,
      },
    );
    const [, ready] = await Promise.all([
      legit.waitForOutput(/^READY$/m, 10_000),
      flood.waitForOutput(/^READY (.*)$/m, 10_000),
    ]);
    const { bigQueryBytes } = JSON.parse(ready[1] ?? '{}') as { bigQueryBytes: number };
    await sleep(options.quietMs);
    const cpuBefore = cpuSeconds(pid);
    const udpBefore = udpCounters(pid);
    const rssBeforeKiB = procStatusKiB(pid, 'VmRSS');
    flood.write('go\n');
    await flood.waitForOutput(/^\{"kind":"(done|error)".*\n/m, floodMs + 20_000);
    const alive = pub.process.running;
    const cpuAfter = alive ? cpuSeconds(pid) : NaN;
    const rssAfterKiB = alive ? procStatusKiB(pid, 'VmRSS') : NaN;
    const rssPeakKiB = alive ? procStatusKiB(pid, 'VmHWM') : NaN;
    const udpAfter = alive ? udpCounters(pid) : { inDatagrams: NaN, rcvbufErrors: NaN, inErrors: NaN };
    const f = lastJson<FloodDone>(flood, 'the flood');
    await sleep(options.quietMs);
    legit.write('stop\n');
    // It prints its (long) result and exits.
    await finish(legit, 10_000);
    const l = lastJson<LegitDone>(legit, 'the legit querier');
    const within = (list: [number, number][], from: number, to: number): [number, number][] =>
      list.filter((e) => e[0] >= from && e[0] < to);
    const phase = (from: number, to: number): LegitPhase => ({
      legacy: stats(within(l.legacy, from, to)),
      quOwn: stats(within(l.quOwn, from, to)),
      quAny: stats(within(l.quAny, from, to)),
    });

    const check = await runPeer(h2, {
      durationMs: 2_500,
      sockets: [{ id: 'eph4', family: 4, address: h2.ipv4, port: 0 }],
      steps: [0, 500, 1_000].map((at, i) => ({
        at,
        label: `after-${i}`,
        socket: 'eph4',
        packet: query([{ name: fqdn, type: 'SRV' }], { id: 0x7f00 + i }),
      })),
    });
    const srv = check.received
      .flatMap((d) => recordsOf(d.msg))
      .find((r): r is SrvAnswer => r.type === 'SRV' && sameName(r.name, fqdn));
    const durationS = (f.end - f.start) / 1000;
    return {
      options,
      flood: {
        packetsSent: f.sent,
        scheduled: f.scheduled,
        skipped: f.skipped,
        sendErrors: f.sendErrors,
        bytes: f.bytes,
        durationS,
        achievedRate: f.achievedRate,
        bigQueryBytes,
        byKind: f.byKind,
        repliesReceived: f.repliesReceived,
        replyBytes: f.replyBytes,
      },
      legit: {
        before: phase(0, f.start),
        during: phase(f.start, f.end),
        after: phase(f.end, Infinity),
        unicastQuReplies: l.unicastQuReplies,
        multicastSrvResponses: l.multicastSrvResponses,
        multicastRate: l.multicastRate,
      },
      boaster: {
        pid,
        aliveAfter: alive && pub.process.running,
        cpuSeconds: cpuAfter - cpuBefore,
        cpuShare: (cpuAfter - cpuBefore) / durationS,
        cpuPerPacketUs: ((cpuAfter - cpuBefore) / Math.max(1, f.sent)) * 1e6,
        rssBeforeKiB,
        rssAfterKiB,
        rssPeakKiB,
        udp: {
          inDatagrams: udpAfter.inDatagrams - udpBefore.inDatagrams,
          rcvbufErrors: udpAfter.rcvbufErrors - udpBefore.rcvbufErrors,
          inErrors: udpAfter.inErrors - udpBefore.inErrors,
        },
        ...(pub.process.running ? {} : { outputTail: pub.process.tail() }),
      },
      afterFlood: srv ? { answered: true, port: srv.data.port, target: srv.data.target } : { answered: false },
    };
  } finally {
    await Promise.allSettled([flood && finish(flood, 5_000), legit && finish(legit, 5_000)]);
    await pub.process.stop();
  }
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const ms = (x: number | null): string => (x === null ? '–' : `${x} ms`);

/** The report as Markdown table rows (no header), for the bench and the test log. */
export function formatFloodReport(r: FloodReport): string {
  const row = (phase: string, kind: string, s: LegitStats): string =>
    `| ${phase} | ${kind} | ${s.answered} / ${s.sent} | ${pct(s.share)} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${ms(s.maxMs)} |`;
  const phases = [
    ['before', r.legit.before],
    ['during flood', r.legit.during],
    ['after', r.legit.after],
  ] as const;
  const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
  return [
    `Flood: ${r.flood.packetsSent} packets in ${r.flood.durationS.toFixed(1)} s = ${r.flood.achievedRate.toFixed(0)}/s (target ${r.options.rate}/s; ${r.flood.skipped} skipped, ${r.flood.sendErrors} send errors; ${(r.flood.bytes / 1e6).toFixed(1)} MB; 1,000-question query ${r.flood.bigQueryBytes} bytes)`,
    `Mix: ${Object.entries(r.flood.byKind)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `Replies to the flooder: ${r.flood.repliesReceived} datagrams, ${(r.flood.replyBytes / 1e6).toFixed(2)} MB`,
    '',
    '| phase | query | answered | share | p50 | p99 | max |',
    '|---|---|---|---|---|---|---|',
    ...phases.flatMap(([name, p]) => [
      row(name, 'legacy unicast', p.legacy),
      row(name, 'QU, own reply', p.quOwn),
      row(name, 'QU, any answer', p.quAny),
    ]),
    '',
    `QU answers seen by the legit querier: ${r.legit.unicastQuReplies} unicast, ${r.legit.multicastSrvResponses} multicast responses carrying the SRV.`,
    `RFC 6762 §6.2 at the legit querier: ${r.legit.multicastRate.records} records multicast by boaster (${r.legit.multicastRate.distinct} distinct); shortest interval between two multicasts of one record ${r.legit.multicastRate.minIntervalMs === null ? '–' : `${r.legit.multicastRate.minIntervalMs} ms`}; ${r.legit.multicastRate.under} under 950 ms; at most ${r.legit.multicastRate.maxPerSecond} of one record in one second.`,
    `boaster (pid ${r.boaster.pid}): ${r.boaster.aliveAfter ? 'alive' : 'DEAD'} after the flood; CPU ${r.boaster.cpuSeconds.toFixed(2)} s over the flood (${pct(r.boaster.cpuShare)} of one core, ${r.boaster.cpuPerPacketUs.toFixed(1)} µs per flood packet); RSS ${mib(r.boaster.rssBeforeKiB)} before, ${mib(r.boaster.rssAfterKiB)} after, peak ${mib(r.boaster.rssPeakKiB)}.`,
    `h0's UDP sockets over the flood: ${r.boaster.udp.inDatagrams} datagrams delivered, ${r.boaster.udp.rcvbufErrors} dropped for a full receive buffer (${r.boaster.udp.inErrors} receive errors in all).`,
    `After the flood a legacy SRV query: ${r.afterFlood.answered ? `answered, port ${String(r.afterFlood.port)}, target ${String(r.afterFlood.target)}` : 'NOT answered'}.`,
    ...(r.boaster.outputTail ? ['', '```', r.boaster.outputTail, '```'] : []),
  ].join('\n');
}
