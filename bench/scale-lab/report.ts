/**
 * Figures, targets (issue 10) and the Markdown of the lab scale benchmark.
 * With several runs a figure is the median over the runs. A benchmark
 * reports: a missed target is said, never thrown.
 */
import type { Round } from './analysis.js';
import type { Impl, RunResult } from './run-one.js';
import { PACKET_BUDGET } from './spec.mjs';

type Num = number | null;

/** One row of the figures table: how to read it from a run, and whether a ratio to avahi makes sense. */
interface Row {
  readonly label: string;
  readonly get: (r: RunResult) => Num;
  readonly digits?: number;
  readonly ratio?: boolean;
}

const ROWS: readonly Row[] = [
  { label: 'start → first probe (ms)', get: (r) => r.startup.firstProbeMs },
  { label: 'start → publish() called (ms)', get: (r) => r.startup.publishCallMs },
  { label: 'start → all N SRVs announced (ms)', get: (r) => r.startup.allAnnouncedMs, ratio: true },
  {
    label: 'publish() called → all N SRVs announced (ms)',
    get: (r) =>
      r.startup.allAnnouncedMs === null || r.startup.publishCallMs === null
        ? null
        : r.startup.allAnnouncedMs - r.startup.publishCallMs,
  },
  { label: 'start → every publish() resolved (ms)', get: (r) => r.startup.readyMs },
  { label: 'probe rounds', get: (r) => r.startup.probeRounds.length },
  { label: 'probe packets', get: (r) => r.startup.probePackets },
  { label: 'announcement rounds', get: (r) => r.startup.announceRounds.length },
  { label: 'announcement packets', get: (r) => r.startup.announcePackets, ratio: true },
  { label: 'largest startup packet (B)', get: (r) => r.startup.largestBytes },
  { label: 'PTR QU: instances', get: (r) => r.ptrQu.instances },
  { label: 'PTR QU: packets', get: (r) => r.ptrQu.packets },
  { label: 'PTR QU: largest (B)', get: (r) => r.ptrQu.maxBytes },
  { label: 'PTR QU: first packet (ms)', get: (r) => r.ptrQu.firstMs, ratio: true },
  { label: 'PTR legacy: instances', get: (r) => r.ptrLegacy.instances },
  { label: 'PTR legacy: packets', get: (r) => r.ptrLegacy.packets },
  { label: 'PTR legacy: largest (B)', get: (r) => r.ptrLegacy.maxBytes },
  { label: 'PTR legacy: first packet (ms)', get: (r) => r.ptrLegacy.firstMs, ratio: true },
  { label: 'legacy SRV p50 (ms)', get: (r) => r.legacySeq.p50Ms, digits: 3, ratio: true },
  { label: 'legacy SRV p99 (ms)', get: (r) => r.legacySeq.p99Ms, digits: 3, ratio: true },
  { label: 'legacy SRV unanswered (of 500)', get: (r) => r.legacySeq.timeouts },
  { label: 'answered q/s, 32 outstanding, unique ids', get: (r) => r.rateUnique.perSecond, ratio: true },
  { label: 'answered q/s, 32 outstanding, random ids', get: (r) => r.rateRandom.perSecond, ratio: true },
  {
    label: 'avahi with its rate limit off: legacy SRV p50 (ms)',
    get: (r) => (r.impl === 'avahi' ? (r.noRateLimit?.legacySeq.p50Ms ?? null) : r.legacySeq.p50Ms),
    digits: 3,
    ratio: true,
  },
  {
    label: 'avahi with its rate limit off: q/s, unique ids',
    get: (r) => (r.impl === 'avahi' ? (r.noRateLimit?.rateUnique.perSecond ?? null) : r.rateUnique.perSecond),
    ratio: true,
  },
  {
    label: 'avahi with its rate limit off: q/s, random ids',
    get: (r) => (r.impl === 'avahi' ? (r.noRateLimit?.rateRandom.perSecond ?? null) : r.rateRandom.perSecond),
    ratio: true,
  },
  { label: 'timeouts (unique + random ids)', get: (r) => r.rateUnique.timeouts + r.rateRandom.timeouts },
  { label: 'QM SRV p50 (ms)', get: (r) => r.qm.p50Ms, digits: 3, ratio: true },
  { label: 'QM SRV unanswered', get: (r) => r.qm.timeouts },
  {
    label: "Node floor (floor.cjs in boaster's column): legacy SRV p50 (ms)",
    get: (r) => r.floor?.legacySeq.p50Ms ?? null,
    digits: 3,
  },
  {
    label: "Node floor (floor.cjs in boaster's column): QM SRV p50 (ms)",
    get: (r) => r.floor?.qm.p50Ms ?? null,
    digits: 3,
  },
  { label: 'RSS after announcing (KiB)', get: (r) => r.rssKiB, ratio: true },
  { label: 'RSS after the queries (KiB)', get: (r) => r.rssAfterQueriesKiB, ratio: true },
  { label: 'Node floor: RSS of node with one bound socket (KiB)', get: (r) => r.floor?.rssKiB ?? null },
  { label: 'idle: packets sent', get: (r) => r.idle.packets },
  { label: 'idle: CPU (s)', get: (r) => r.idle.cpuSeconds, digits: 2 },
  { label: 'SIGTERM → last goodbye (ms)', get: (r) => r.goodbye.lastMs, ratio: true },
  { label: 'goodbye packets', get: (r) => r.goodbye.packets },
  { label: 'SRVs with a TTL-0 goodbye', get: (r) => r.goodbye.srvGoodbyes },
];

function median(values: readonly Num[]): Num {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] ?? null) : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
}

/** Median of a figure over the runs of one responder at one N. */
function fig(results: readonly RunResult[], impl: Impl, n: number, get: (r: RunResult) => Num): Num {
  return median(results.filter((r) => r.impl === impl && r.n === n).map(get));
}

function fmt(x: Num, digits = 0): string {
  if (x === null) return '—';
  return digits === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits);
}

function ratio(b: Num, a: Num): Num {
  return b === null || a === null || a === 0 ? null : b / a;
}

export interface Target {
  readonly n: number;
  readonly what: string;
  readonly met: boolean | null;
  readonly detail: string;
}

/** Issue 10's targets, for each N they apply to. */
export function targets(results: readonly RunResult[], ns: readonly number[]): Target[] {
  const out: Target[] = [];
  const rel = (n: number, what: string, get: (r: RunResult) => Num, limit: number, atMost: boolean): void => {
    const b = fig(results, 'boaster', n, get);
    const a = fig(results, 'avahi', n, get);
    const q = ratio(b, a);
    const met = q === null ? null : atMost ? q <= limit : q >= limit;
    const need = `${atMost ? '≤' : '≥'} ${limit}× avahi`;
    const by =
      q === null
        ? 'not measured'
        : met
          ? `${q.toFixed(2)}× (${need})`
          : `${q.toFixed(2)}× (${need}): missed by ${Math.abs(((q - limit) / limit) * 100).toFixed(0)} %`;
    const digits = b !== null && Math.abs(b) < 10 ? 3 : 0;
    out.push({ n, what, met, detail: `boaster ${fmt(b, digits)}, avahi ${fmt(a, digits)}: ${by}` });
  };
  const abs = (n: number, what: string, get: (r: RunResult) => Num, limit: number, unit: string, digits = 0): void => {
    const b = fig(results, 'boaster', n, get);
    const met = b === null || !Number.isFinite(limit) ? null : b <= limit;
    out.push({
      n,
      what,
      met,
      detail:
        met === null
          ? 'not measured'
          : `${fmt(b, digits)} ${unit} (≤ ${fmt(limit, digits)} ${unit})${met ? '' : `: missed by ${fmt((b ?? 0) - limit, digits)} ${unit}`}`,
    });
  };
  for (const n of ns) {
    if (n === 1000) rel(n, 'all announced ≤ 0.75 × avahi', (r) => r.startup.allAnnouncedMs, 0.75, true);
    rel(n, 'legacy unicast SRV p50 ≤ 1.2 × avahi', (r) => r.legacySeq.p50Ms, 1.2, true);
    rel(n, 'answered q/s (32 outstanding, unique ids) ≥ 3 × avahi', (r) => r.rateUnique.perSecond, 3, false);
    rel(n, 'answered q/s (32 outstanding, random ids) ≥ 3 × avahi', (r) => r.rateRandom.perSecond, 3, false);
    const off =
      (get: (x: RunResult['rateUnique']) => number) =>
      (r: RunResult): Num =>
        r.impl === 'avahi' ? (r.noRateLimit ? get(r.noRateLimit.rateUnique) : null) : get(r.rateUnique);
    rel(
      n,
      '(reference, not a target) unique-id q/s vs avahi with its rate limit off, ≥ 3×',
      off((x) => x.perSecond),
      3,
      false,
    );
    rel(n, 'QM SRV p50 ≤ avahi', (r) => r.qm.p50Ms, 1, true);
    const overFloor = (
      what: string,
      get: (r: RunResult) => Num,
      floor: (f: NonNullable<RunResult['floor']>) => Num,
    ): void => {
      const b = fig(results, 'boaster', n, get);
      const f = fig(results, 'boaster', n, (r) => (r.floor ? floor(r.floor) : null));
      const q = ratio(b, f);
      if (q !== null)
        out.push({
          n,
          what: `(reference, not a target) ${what} vs Node's floor (floor.cjs)`,
          met: null,
          detail: `boaster ${fmt(b, 3)}, floor ${fmt(f, 3)}: ${q.toFixed(2)}×`,
        });
    };
    overFloor(
      'legacy SRV p50',
      (r) => r.legacySeq.p50Ms,
      (x) => x.legacySeq.p50Ms,
    );
    overFloor(
      'QM SRV p50',
      (r) => r.qm.p50Ms,
      (x) => x.qm.p50Ms,
    );
    const floorRss = fig(results, 'boaster', n, (r) => r.floor?.rssKiB ?? null);
    // Steady state: after announcing (the query phases, 200,000 queries at up to 67,000 a second, grow V8's young generation).
    if (n === 1)
      abs(
        n,
        'RSS after announcing ≤ bare Node with one socket (floor.cjs) + 5 MB',
        (r) => r.rssKiB / 1024,
        (floorRss ?? NaN) / 1024 + 5,
        'MiB',
        1,
      );
    if (n === 1000 && ns.includes(1)) {
      const one = fig(results, 'boaster', 1, (r) => r.rssKiB) ?? NaN;
      abs(n, 'RSS after announcing ≤ RSS at N = 1 + 10 MB', (r) => r.rssKiB / 1024, one / 1024 + 10, 'MiB', 1);
    }
    if (n !== 1000) continue;
    const inst = fig(results, 'boaster', n, (r) => r.ptrQu.instances);
    out.push({
      n,
      what: 'PTR (QU): all 1,000 instances returned',
      met: inst === null ? null : inst >= n,
      detail: `${fmt(inst)} instances`,
    });
    abs(n, 'PTR (QU): ≤ 16 packets', (r) => r.ptrQu.packets, 16, 'packets');
    abs(n, `PTR (QU): each packet ≤ ${PACKET_BUDGET} B`, (r) => r.ptrQu.maxBytes, PACKET_BUDGET, 'B');
    abs(n, 'PTR (QU): first packet ≤ 150 ms after the query', (r) => r.ptrQu.firstMs, 150, 'ms');
    abs(n, 'idle: 0 packets', (r) => r.idle.packets, 0, 'packets');
    abs(n, 'idle: ≤ 0.05 s CPU', (r) => r.idle.cpuSeconds, 0.05, 's', 3);
    abs(n, 'close(): last goodbye ≤ 1 s after SIGTERM', (r) => r.goodbye.lastMs, 1000, 'ms');
  }
  return out;
}

function roundsText(rounds: readonly Round[]): string {
  if (rounds.length === 0) return 'none';
  const shown = rounds
    .slice(0, 8)
    .map((r) => `${fmt(r.atMs)} ms: ${r.packets} pkt${r.spanMs > 0 ? ` over ${fmt(r.spanMs)} ms` : ''}`);
  const gaps = rounds.slice(1, 8).map((r, i) => fmt(r.atMs - (rounds[i]?.atMs ?? 0)));
  return `${shown.join('; ')}${rounds.length > 8 ? `; … (${rounds.length} in all)` : ''}${gaps.length ? ` — spacing ${gaps.join(', ')} ms` : ''}`;
}

/** Things worth a look in one run, found from its figures. */
function oddities(r: RunResult): string[] {
  const out: string[] = [];
  const pr = r.startup.probeRounds;
  const gaps = pr.slice(1).map((x, i) => Math.round(x.atMs - (pr[i]?.atMs ?? 0)));
  // avahi probes each entry group on its own timer: its clusters are no rounds.
  if (r.impl === 'boaster' && (pr.length !== 3 || gaps.some((g) => g < 240))) {
    out.push(`probe rounds not 250 ms apart (RFC 6762 §8.1): ${pr.length} rounds, spacing ${gaps.join(', ')} ms`);
  }
  if (r.ptrQu.packets > 0 && r.ptrQu.unicast === 0) out.push('the QU PTR query was answered by multicast only');
  if (r.ptrQu.instances < r.n) out.push(`the QU PTR answer (3 s window) held ${r.ptrQu.instances} of ${r.n} instances`);
  if (r.ptrLegacy.packets > 0 && r.ptrLegacy.instances < r.n && !r.ptrLegacy.truncated) {
    out.push(`the legacy PTR answer held ${r.ptrLegacy.instances} of ${r.n} instances without setting TC`);
  }
  if (r.idle.cpuSeconds > 0.5 * r.idle.seconds)
    out.push(
      `busy while quiet on the wire: ${r.idle.cpuSeconds.toFixed(2)} s CPU in ${r.idle.seconds.toFixed(0)} s of idle`,
    );
  if (r.goodbye.packets === 0) out.push('no goodbye seen after SIGTERM');
  return out;
}

export interface ReportHeader {
  readonly machine: Readonly<Record<string, string | number>>;
  readonly command: string;
  readonly ns: readonly number[];
  readonly runs: number;
  readonly idleSeconds: number;
  readonly cut?: string;
}

/** The Markdown report. */
export function markdown(h: ReportHeader, results: readonly RunResult[]): string {
  const m = h.machine;
  const lines: string[] = [
    '# Scale benchmark, lab half (issue 10): boaster vs avahi-daemon on the wire',
    '',
    `${String(m['date'])} · ${String(m['cpu'])} × ${String(m['cores'])} · Linux ${String(m['kernel'])} · Node ${String(m['node'])} · ${String(m['avahi'])}`,
    '',
    `Command: \`${h.command}\`${h.runs > 1 ? ` (figures: medians of ${h.runs} runs)` : ''}.${h.cut ? ` ${h.cut}` : ''}`,
    '',
    'Each N and responder runs in a fresh 2-host lab (Linux network namespaces, TEST-NET-1, one bridge), IPv4 only for both.',
    'h0 publishes N services `svc-<i>` of `_bench._tcp` (port 8000 + i % 1000, TXT `hwid=<16 hex>`): boaster through',
    '`Responder` (bench/scale-lab/driver.mjs on the built package, dist/, under plain `node`, host `bench-boaster`), avahi-daemon with N static',
    'service files (test/lab/avahi.ts bind-mounts a directory of the lab over /etc/avahi/services; stock rate limit',
    '`ratelimit-burst=1000` per `ratelimit-interval-usec=1000000`, as in the Debian config; host `bench-avahi`).',
    "h1 runs bench/scale-lab/querier.cjs (dgram + dns-packet) and dumpcap captures h0's packets on the bridge.",
    'Time origin: the responder process spawn (its start time in /proc/<pid>/stat; for avahi that includes no dbus start).',
    `Idle: ${h.idleSeconds} s after the announcements. RSS: VmRSS (avahi: the daemon alone, not its dbus-daemon; boaster: the node`,
    'process). Legacy queries go to 224.0.0.251:5353 from an ephemeral port; a query unanswered after 1 s is a timeout. The',
    'sequential ones are timed after 900 warm-up queries and a 1.5 s pause, for both (a responder in service has its code',
    "compiled; 900 stays under avahi's 1,000-packet burst). QM queries ask distinct instances (1.1 s apart when N is smaller",
    'than the query count). "Node floor": after boaster, bench/scale-lab/floor.cjs — one dgram socket answering every query',
    "with one canned SRV record, no mDNS logic — takes the same timed queries on h0: what Node costs before any of boaster's.",
    'After its run avahi is restarted in the same lab with `ratelimit-interval-usec=0` and the legacy figures are taken again',
    '(rows "avahi with its rate limit off"; the stock limit caps it at 1,000 packets a second per interface).',
    `Load average (1 min) at the start: ${String(m['loadAverage'])} (other work on this 2-core machine skews the figures when it is well above 0).`,
    '',
  ];
  for (const n of h.ns) {
    lines.push(
      `## N = ${n.toLocaleString('en-US')}`,
      '',
      '| figure | boaster | avahi | boaster / avahi |',
      '|---|---:|---:|---:|',
    );
    for (const row of ROWS) {
      const b = fig(results, 'boaster', n, row.get);
      const a = fig(results, 'avahi', n, row.get);
      const q = row.ratio ? ratio(b, a) : null;
      lines.push(
        `| ${row.label} | ${fmt(b, row.digits)} | ${fmt(a, row.digits)} | ${q === null ? '' : `${q.toFixed(2)}×`} |`,
      );
    }
    lines.push('');
    for (const r of results.filter((x) => x.n === n)) {
      lines.push(`- ${r.impl}, probe rounds: ${roundsText(r.startup.probeRounds)}`);
      lines.push(`- ${r.impl}, announcement rounds: ${roundsText(r.startup.announceRounds)}`);
      lines.push(
        `- ${r.impl}, PTR QU answer: ${r.ptrQu.unicast} unicast + ${r.ptrQu.multicast} multicast packets, last at ${fmt(r.ptrQu.lastMs)} ms${r.ptrQu.overBudget ? `, ${r.ptrQu.overBudget} over ${PACKET_BUDGET} B` : ''}; legacy PTR answer${r.ptrLegacy.truncated ? ' truncated (TC)' : ''}, last at ${fmt(r.ptrLegacy.lastMs)} ms`,
      );
      lines.push(
        `- ${r.impl}, legacy throughput: unique ids ${r.rateUnique.answered} answered of ${r.rateUnique.sent} sent (${r.rateUnique.timeouts} timeouts, p50 ${fmt(r.rateUnique.p50Ms, 2)} ms); random ids ${r.rateRandom.answered} of ${r.rateRandom.sent} (${r.rateRandom.timeouts} timeouts, ${r.rateRandom.unmatched} unmatched replies)`,
      );
      lines.push(
        `- ${r.impl}, goodbyes: first ${fmt(r.goodbye.firstMs)} ms, last ${fmt(r.goodbye.lastMs)} ms after SIGTERM, process gone after ${fmt(r.goodbye.exitMs)} ms; ${r.ipv6Packets} IPv6 packets captured`,
      );
      if (r.baselineRssKiB !== null)
        lines.push(
          `- boaster driver with N = 0 (node + boaster imported, no socket): RSS ${fmt(r.baselineRssKiB)} KiB`,
        );
      for (const note of [...r.notes, ...oddities(r)]) lines.push(`- ${r.impl}: ${note}`);
    }
    lines.push('');
  }
  const ts = targets(results, h.ns);
  lines.push('## Targets (issue 10)', '', '| N | target | result | |', '|---:|---|---|---|');
  for (const t of ts)
    lines.push(
      `| ${t.n.toLocaleString('en-US')} | ${t.what} | ${t.detail} | ${t.met === null ? 'n/a' : t.met ? 'met' : 'missed'} |`,
    );
  lines.push(
    '',
    'Times to "all announced" count from the process spawn: boaster\'s include node starting and loading the package (the "publish() called" row).',
  );
  if (h.idleSeconds < 60) lines.push('', `The idle targets are stated for 60 s; this run idled ${h.idleSeconds} s.`);
  lines.push('');
  return lines.join('\n');
}
