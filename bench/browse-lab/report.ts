/**
 * Figures, the target (issue 11: boaster's time to all found and resolved ≤
 * the faster of avahi-browse and python-zeroconf) and the Markdown of the
 * lab browse benchmark. With several runs a figure is the median over the
 * runs. A benchmark reports: a missed target is said, never thrown.
 */
import { questionsText, type Traffic } from './analysis.js';
import type { BrowserKind, BrowserResult, LabResult } from './run-one.js';

/** The runs of one browser label at `n`. */
function byLabel(labs: readonly LabResult[], n: number, label: string): BrowserResult[] {
  return labs.filter((l) => l.n === n).flatMap((l) => l.browsers.filter((b) => b.label === label));
}

type Num = number | null;

const KINDS: readonly BrowserKind[] = ['boaster', 'avahi-browse', 'zeroconf'];

function median(values: readonly Num[]): Num {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] ?? null) : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
}

function fmt(x: Num, digits = 0): string {
  if (x === null) return '—';
  return digits === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits);
}

function kib(x: Num): string {
  return x === null ? '—' : `${(x / 1024).toFixed(1)} MiB`;
}

/** The runs of one browser (default settings only: the boaster runs with another cache bound are apart). */
function of(labs: readonly LabResult[], n: number, kind: BrowserKind, label?: string): BrowserResult[] {
  return labs
    .filter((l) => l.n === n)
    .flatMap((l) =>
      l.browsers.filter(
        (b) =>
          b.kind === kind && (label === undefined ? b.kind !== 'boaster' || b.label === 'boaster' : b.label === label),
      ),
    );
}

function fig(labs: readonly LabResult[], n: number, kind: BrowserKind, get: (b: BrowserResult) => Num): Num {
  return median(of(labs, n, kind).map(get));
}

interface Row {
  readonly label: string;
  readonly get: (b: BrowserResult) => Num;
  readonly digits?: number;
  readonly show?: (x: Num) => string;
}

const sent =
  (get: (t: Traffic) => number) =>
  (b: BrowserResult): Num =>
    get(b.sentToDone);

const ROWS: readonly Row[] = [
  {
    label:
      '**headline: time to all N found and resolved (ms)** — boaster: browse() → all `up`; avahi-browse: spawn → exit; zeroconf: browser made → all resolved',
    get: (b) => b.headlineMs,
  },
  { label: 'process spawn → all N resolved (ms), one origin for all', get: (b) => b.spawnToResolvedMs },
  {
    label: "spawn → the tool's own start (ms): node + import / python + import; avahi-browse 0",
    get: (b) => b.startAt - b.spawnAt,
  },
  {
    label: 'spawn → all N found (PTR seen; boaster: = all up) (ms)',
    get: (b) => (b.allFoundAt === null ? null : b.allFoundAt - b.spawnAt),
  },
  {
    label: 'start → first query on the wire (ms)',
    get: (b) => (b.sentToDone.firstAt === null ? null : b.sentToDone.firstAt - b.startAt),
  },
  {
    label: 'first query → first answer from avahi (ms)',
    get: (b) =>
      b.sentToDone.firstAt === null || b.publisherToDone.firstAt === null
        ? null
        : b.publisherToDone.firstAt - b.sentToDone.firstAt,
  },
  {
    label: 'first query → last answer packet before it had everything (ms)',
    get: (b) =>
      b.sentToDone.firstAt === null || b.publisherToDone.lastAt === null
        ? null
        : b.publisherToDone.lastAt - b.sentToDone.firstAt,
  },
  {
    label: "avahi's answer to the PTR query: first to last packet (ms)",
    get: (b) => b.publisherToDone.bursts[0]?.spanMs ?? null,
  },
  { label: 'start → first instance resolved (ms)', get: (b) => b.milestones['1'] ?? null },
  { label: 'start → half resolved (ms)', get: (b) => b.milestones[String(Math.ceil(b.n / 2))] ?? null },
  {
    label: 'avahi-browse: last `=` line → exit (ms)',
    get: (b) =>
      b.kind === 'avahi-browse' && b.exitAt !== null && b.allResolvedAt !== null ? b.exitAt - b.allResolvedAt : null,
  },
  { label: 'instances resolved', get: (b) => b.resolved },
  { label: 'packets h0 sent until it had everything', get: sent((t) => t.packets) },
  { label: 'bytes h0 sent until then (UDP payload)', get: sent((t) => t.bytes) },
  { label: 'questions h0 asked until then', get: sent((t) => t.questionTotal) },
  { label: 'known answers h0 listed until then', get: sent((t) => t.knownAnswers) },
  { label: 'packets h0 sent in the hold after it had everything', get: (b) => b.sentInHold.packets },
  { label: 'bytes h0 sent in the hold', get: (b) => b.sentInHold.bytes },
  { label: 'packets avahi (h1) sent back until everything', get: (b) => b.publisherToDone.packets },
  { label: 'bytes avahi (h1) sent back until then', get: (b) => b.publisherToDone.bytes },
  { label: 'of which unicast (answers to QU questions)', get: (b) => b.publisherToDone.unicast },
  { label: 'CPU until everything (s) — avahi: avahi-browse + its daemon', get: (b) => b.cpuS, digits: 3 },
  {
    label: 'CPU in the hold after (s) — boaster and zeroconf',
    get: (b) => (b.kind === 'avahi-browse' ? null : ((b.extra['cpuTotalS'] as Num) ?? NaN) - (b.cpuS ?? NaN)),
    digits: 3,
  },
  {
    label: 'RSS once everything is in (boaster: node; avahi: its daemon on h0; zeroconf: python)',
    get: (b) => b.rssKiB,
    show: kib,
  },
  { label: 'RSS at the end of the hold', get: (b) => b.rssEndKiB, show: kib },
  {
    label: 'boaster: V8 heap used once everything is in',
    get: (b) => (b.extra['memoryAtDone'] as Record<string, number> | undefined)?.['heapUsedKiB'] ?? null,
    show: kib,
  },
  {
    label: 'boaster: V8 heap used at the end of the hold',
    get: (b) => (b.extra['memoryAtEnd'] as Record<string, number> | undefined)?.['heapUsedKiB'] ?? null,
    show: kib,
  },
  {
    label: 'boaster: records cached once all up',
    get: (b) => (b.extra['cacheAtDone'] as { records?: number } | undefined)?.records ?? null,
  },
  { label: 'boaster: questions its querier goes on asking', get: (b) => (b.extra['questionsAtDone'] as Num) ?? null },
];

export interface Target {
  readonly n: number;
  readonly what: string;
  readonly met: boolean | null;
  readonly detail: string;
}

/** Issue 11's browse target at `n`, on the headline times, then on one origin for all (spawn). */
export function targets(labs: readonly LabResult[], n: number): Target[] {
  const out: Target[] = [];
  const judge = (what: string, get: (b: BrowserResult) => Num): void => {
    const b = fig(labs, n, 'boaster', get);
    const a = fig(labs, n, 'avahi-browse', get);
    const z = fig(labs, n, 'zeroconf', get);
    const rivals = [a, z].filter((x): x is number => x !== null);
    if (b === null || rivals.length === 0) {
      out.push({
        n,
        what,
        met: null,
        detail: `not measured (boaster ${fmt(b)}, avahi-browse ${fmt(a)}, zeroconf ${fmt(z)})`,
      });
      return;
    }
    const best = Math.min(...rivals);
    const who = best === a ? 'avahi-browse' : 'python-zeroconf';
    const met = b <= best;
    const diff = b - best;
    out.push({
      n,
      what,
      met,
      detail: `boaster ${fmt(b)} ms, avahi-browse ${fmt(a)} ms, python-zeroconf ${fmt(z)} ms: ${met ? `met, ${fmt(-diff)} ms (${((-diff / best) * 100).toFixed(0)} %) under ${who}` : `missed by ${fmt(diff)} ms (${((diff / best) * 100).toFixed(0)} % over ${who})`}`,
    });
  };
  judge(
    'time to all found and resolved (headline times) ≤ the faster of avahi-browse and python-zeroconf',
    (b) => b.headlineMs,
  );
  judge('(like for like) process spawn → all resolved ≤ the faster of the two', (b) => b.spawnToResolvedMs);
  return out;
}

export interface ReportHeader {
  readonly machine: Readonly<Record<string, string | number | readonly string[]>>;
  readonly command: string;
  readonly n: number;
  readonly runs: number;
  readonly holdMs: number;
  readonly big?: number;
}

function burstsText(t: Traffic): string {
  if (t.bursts.length === 0) return 'nothing';
  const shown = t.bursts.map(
    (b) =>
      `${fmt(b.atMs)} ms: ${b.packets} pkt${b.spanMs > 0 ? ` over ${fmt(b.spanMs)} ms` : ''}, ${fmt(b.bytes)} B${b.questions || b.knownAnswers ? `, ${b.questions} q, ${b.knownAnswers} KA` : ''}`,
  );
  return `${shown.join('; ')}${t.burstCount > t.bursts.length ? `; … (${t.burstCount} bursts in all)` : ''}`;
}

function trafficText(t: Traffic): string {
  return `${fmt(t.packets)} packets (${fmt(t.queries)} queries, ${fmt(t.responses)} responses), ${fmt(t.bytes)} B, largest ${fmt(t.largestBytes)} B; questions: ${questionsText(t.questions)} (${fmt(t.quQuestions)} QU); ${fmt(t.knownAnswers)} known answers; ${fmt(t.truncatedQueries)} TC queries`;
}

function cacheText(x: unknown): string {
  const c = x as { records?: number; evicted?: number } | undefined;
  return c ? `${fmt(c.records ?? null)} records, ${fmt(c.evicted ?? null)} evicted` : '—';
}

function perRun(b: BrowserResult): string[] {
  const lines: string[] = [];
  const head = `- run ${b.run}, ${b.label}:`;
  lines.push(
    `${head} ${b.ok ? 'ok' : `**failed**: ${b.error ?? ''}`}; headline ${fmt(b.headlineMs)} ms; spawn → all resolved ${fmt(b.spawnToResolvedMs)} ms; ${fmt(b.resolved)}/${fmt(b.n)} resolved`,
  );
  lines.push(`  - sent until everything: ${trafficText(b.sentToDone)}`);
  lines.push(`  - bursts until everything (ms after the spawn): ${burstsText(b.sentToDone)}`);
  lines.push(
    `  - sent in the hold: ${trafficText(b.sentInHold)}; bursts (ms after having everything): ${burstsText(b.sentInHold)}`,
  );
  lines.push(
    `  - avahi (h1) sent back until everything: ${fmt(b.publisherToDone.packets)} packets (${fmt(b.publisherToDone.unicast)} unicast), ${fmt(b.publisherToDone.bytes)} B, ${fmt(b.publisherToDone.responseRecords)} records, bursts (ms after the spawn): ${burstsText(b.publisherToDone)}; h1 packets in the 2 s before the spawn: ${b.publisherBefore}`,
  );
  const e = b.extra;
  if (b.kind === 'boaster') {
    const md = e['memoryAtDone'] as Record<string, number> | undefined;
    lines.push(
      `  - spawn → browse() ${fmt(e['spawnToBrowseMs'] as Num)} ms; cache at all up: ${cacheText(e['cacheAtDone'])} (bound ${fmt(e['cacheMaxRecords'] as Num)}); at the end: ${cacheText(e['cacheAtEnd'])}; questions the querier keeps asking: ${fmt(e['questionsAtDone'] as Num)}; heap used ${md ? kib(md['heapUsedKiB'] ?? null) : '—'}; 'up' ${fmt(e['ups'] as Num)}, 'update' ${fmt(e['updates'] as Num)}, 'down' ${fmt(e['downs'] as Num)}, up at the end ${fmt(e['upAtEnd'] as Num)}`,
    );
  } else if (b.kind === 'avahi-browse') {
    lines.push(
      `  - daemon ready ${fmt(e['daemonReadyMs'] as Num)} ms after its start; first \`=\` ${fmt(e['firstResolvedMs'] as Num)} ms, last ${fmt(e['lastResolvedMs'] as Num)} ms after the spawn (polled every ${String(e['pollMs'])} ms); CPU: avahi-browse ${fmt(e['clientCpuS'] as Num, 3)} s, daemon ${fmt(e['daemonCpuS'] as Num, 3)} s`,
    );
  } else {
    lines.push(
      `  - spawn → browser made ${fmt(e['spawnToBrowseMs'] as Num)} ms (import ${fmt(e['importMs'] as Num)} ms); resolved from the cache at once ${fmt(e['resolvedFromCache'] as Num)}, by a request ${fmt(e['resolvedByRequest'] as Num)}, timed out ${fmt(e['failed'] as Num)}`,
    );
  }
  for (const w of b.wrong) lines.push(`  - wrong: ${w}`);
  for (const note of b.notes) lines.push(`  - note: ${note}`);
  return lines;
}

/** One N's tables: figures, each run, target, baseline, diagnostics. */
function section(labs: readonly LabResult[], n: number, title: string, intro: string): string[] {
  const lines: string[] = [title, ''];
  if (intro) lines.push(intro, '');
  lines.push('| figure | boaster | avahi-browse | python-zeroconf |', '|---|---:|---:|---:|');
  for (const row of ROWS) {
    const cells = KINDS.map((k) => {
      const x = fig(labs, n, k, row.get);
      return row.show ? row.show(x) : fmt(x, row.digits);
    });
    lines.push(`| ${row.label} | ${cells.join(' | ')} |`);
  }
  const qrow = KINDS.map((k) => {
    const first = of(labs, n, k)[0];
    return first ? questionsText(first.sentToDone.questions) : '—';
  });
  lines.push(`| questions by type until everything (run 1) | ${qrow.join(' | ')} |`);
  lines.push('');
  lines.push(
    '### Each run',
    '',
    '| run | browser | headline (ms) | spawn → all resolved (ms) | resolved | packets sent | bytes sent | packets in the hold | RSS |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const lab of labs.filter((l) => l.n === n)) {
    for (const b of lab.browsers)
      lines.push(
        `| ${b.run} | ${b.label} | ${fmt(b.headlineMs)} | ${fmt(b.spawnToResolvedMs)} | ${fmt(b.resolved)} | ${fmt(b.sentToDone.packets)} | ${fmt(b.sentToDone.bytes)} | ${fmt(b.sentInHold.packets)} | ${kib(b.rssKiB)} |`,
      );
  }
  lines.push('');
  lines.push('### Target (issue 11)', '', '| N | target | result | |', '|---:|---|---|---|');
  for (const t of targets(labs, n))
    lines.push(
      `| ${t.n.toLocaleString('en-US')} | ${t.what} | ${t.detail} | ${t.met === null ? 'n/a' : t.met ? 'met' : 'missed'} |`,
    );
  const baseline = byLabel(labs, n, 'boaster baseline (N = 0)');
  if (baseline.length > 0) {
    lines.push(
      '',
      `Baseline: boaster.mjs browsing a type nobody publishes (node, the package, its sockets, nothing cached) has an RSS of ${kib(median(baseline.map((b) => b.rssKiB)))} and ${kib(median(baseline.map((b) => (b.extra['memoryAtDone'] as Record<string, number> | undefined)?.['heapUsedKiB'] ?? null)))} of V8 heap used.`,
    );
  }
  const diagLabels = [
    ...new Set(
      labs
        .filter((l) => l.n === n)
        .flatMap((l) => l.browsers.map((b) => b.label))
        .filter((x) => x.includes('diagnostic') || x.includes('src/')),
    ),
  ];
  if (diagLabels.length > 0) {
    lines.push('', "### Diagnostics: where boaster's time goes (not boaster as shipped)", '');
    lines.push(
      'boaster.mjs patched from outside: "no SRV/TXT queries" makes its Querier ignore the browser\'s SRV and TXT interests (the',
      'records still come as additionals of the PTR answer); "first query at 20 ms" pins the core\'s random source to 0, so the first',
      'query goes at RFC 6762 §5.2\'s 20 ms minimum instead of 20–120 ms. "src/ via tsx": boaster.mjs on the TypeScript sources as they',
      'are now (`node --import tsx`), not the build. Same labs, run after the three above.',
      '',
    );
    const diagRows: readonly Row[] = [
      ROWS[0] as Row,
      ROWS[1] as Row,
      ...ROWS.filter((r) => /first query|answer to the PTR|packets h0 sent|bytes h0 sent|CPU until/.test(r.label)),
    ];
    const cols = ['boaster', ...diagLabels];
    lines.push(`| figure | ${cols.join(' | ')} |`, `|---|${cols.map(() => '---:').join('|')}|`);
    for (const row of diagRows) {
      const cells = cols.map((c) => {
        const x = median((c === 'boaster' ? of(labs, n, 'boaster') : byLabel(labs, n, c)).map(row.get));
        return row.show ? row.show(x) : fmt(x, row.digits);
      });
      lines.push(`| ${row.label.replace(/ — boaster:.*$/, '')} | ${cells.join(' | ')} |`);
    }
    lines.push('');
    const rivals = [
      fig(labs, n, 'avahi-browse', (b) => b.headlineMs),
      fig(labs, n, 'zeroconf', (b) => b.headlineMs),
    ].filter((x): x is number => x !== null);
    if (rivals.length > 0) {
      const best = Math.min(...rivals);
      for (const c of diagLabels) {
        const x = median(byLabel(labs, n, c).map((b) => b.headlineMs));
        if (x !== null)
          lines.push(
            `- ${c}: headline ${fmt(x)} ms against the faster rival's ${fmt(best)} ms: ${x <= best ? 'would meet the target' : `would still miss it by ${fmt(x - best)} ms`}`,
          );
      }
    }
  }
  lines.push('');
  return lines;
}

/** The Markdown report. */
export function markdown(h: ReportHeader, labs: readonly LabResult[]): string {
  const m = h.machine;
  const n = h.n;
  const lines: string[] = [
    '# Browse benchmark, lab (issue 11): boaster vs avahi-browse vs python-zeroconf on the wire',
    '',
    `${String(m['date'])} · ${String(m['cpu'])} × ${String(m['cores'])} · Linux ${String(m['kernel'])} · Node ${String(m['node'])} · ${String(m['avahi'])} · python-zeroconf ${String(m['zeroconf'])}`,
    '',
    `Command: \`${h.command}\`${h.runs > 1 ? ` (figures: medians of ${h.runs} runs)` : ''}.`,
    '',
    'Each run is a fresh 2-host lab (Linux network namespaces, TEST-NET-1, one bridge), IPv4 only throughout. h1 runs avahi-daemon',
    `publishing N static services \`svc-<i>\` of \`_bench._tcp\` (bench/scale-lab/spec.mjs: port 8000 + i % 1000, TXT \`hwid=<16 hex>\`, host`,
    '`bench-avahi`, stock rate limit 1,000 packets/s); a watcher waits until every SRV was announced and h1 was quiet 5 s. Then',
    'on h0, one after another, 3 s apart, each in a fresh process with an empty cache and bounded in time:',
    '',
    '- **boaster**: bench/browse-lab/boaster.mjs under plain `node` on the built package (dist/): `new Mdns({ interfaces: [eth0], ipv6: false })`,',
    "  `browse('_bench._tcp')`; timed from the browse() call to the moment all N distinct instances had been `up` (SRV + TXT + an address).",
    '- **avahi-browse**: an avahi-daemon started on h0 for it (IPv4 only, `disable-publishing=yes`, fresh: empty cache), then',
    '  `avahi-browse -r -t -p -k _bench._tcp`; timed from the spawn to its exit (`-t`: after "all for now" and every resolve); the `=`',
    `  lines are counted as they come (stdout polled every 5 ms).`,
    '- **python-zeroconf**: bench/browse-lab/zc_browse_all.py under /usr/bin/python3: AsyncZeroconf (V4Only, the lab address),',
    '  AsyncServiceBrowser, and for each instance Added an AsyncServiceInfo (from the cache if SRV, TXT and A are there, else',
    "  `async_request`, 3 s timeout), all concurrently; timed from the browser's creation to all N resolved.",
    '',
    `Each is checked against what was published (port, TXT, the address of h1). Each is held ${h.holdMs / 1000} s after it had everything`,
    '(avahi-browse exits by itself; its daemon is held) to see what it goes on sending. dumpcap captures the bridge; the packets h0',
    'sent (UDP payload bytes; add 28 B a packet for the IPv4 + UDP headers) are counted from the spawn to the moment it had everything.',
    "The headline times start where each tool starts: boaster's and zeroconf's leave out the runtime starting and importing the",
    "library (the \"spawn → the tool's own start\" row), avahi-browse's includes its own start but not its daemon's (started before).",
    `Load average (1 min) at the start: ${String(m['loadAverage'])}. boaster: ${String(m['dist'])} (git HEAD ${String(m['gitHead'])}); sources changed since that build: ${Array.isArray(m['srcNewerThanDist']) && m['srcNewerThanDist'].length ? (m['srcNewerThanDist'] as string[]).join(', ') : 'none'}.`,
    '',
  ];
  const main = labs.filter((l) => !l.pinned);
  const pinned = labs.filter((l) => l.pinned && l.n === n);
  lines.push(...section(main, n, `## N = ${n.toLocaleString('en-US')}`, ''));
  if (pinned.length > 0) {
    lines.push(
      ...section(
        pinned,
        n,
        `## N = ${n.toLocaleString('en-US')}, publisher and browser on separate CPUs (${pinned.length} more runs)`,
        "The same runs with avahi-daemon on h1 pinned to CPU 0 and every browser process (with h0's avahi-daemon and dbus-daemon) to CPU 1 (`taskset`): on one machine the lab's hosts share two cores, so a browser that spends CPU while the answer streams in also slows the publisher, as it would not on a real link. Reference, not the target's measure.",
      ),
    );
  }
  lines.push('', '### Details', '');
  for (const lab of labs.filter((l) => l.n === n)) {
    lines.push(
      `- run ${lab.run}${lab.pinned ? ' (pinned CPUs)' : ''}: avahi on h1 announced all ${fmt(lab.publish.seen)} SRVs ${fmt(lab.publish.announcedMs)} ms after its start (RSS ${kib(lab.publish.avahiRssKiB)}); capture drops: ${lab.captureDrops ?? 'unknown'}`,
    );
    for (const note of lab.notes) lines.push(`  - note: ${note}`);
    for (const b of lab.browsers) lines.push(...perRun(b));
  }
  lines.push('');
  const bigLabs = labs.filter((l) => l.n !== n);
  for (const big of [...new Set(bigLabs.map((l) => l.n))]) {
    lines.push(`## N = ${big.toLocaleString('en-US')} (boaster only)`, '');
    lines.push(
      '| browser | found | up when browsing ended | browse() → all up (ms) | first query → first answer from avahi (ms) | cache records / evicted at the end | RSS at all up / at the end | heap used at the end | questions its querier asks | packets / bytes sent until done | packets in the hold | CPU until done (s) |',
      '|---|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---:|',
    );
    for (const lab of bigLabs.filter((l) => l.n === big)) {
      for (const b of lab.browsers) {
        const md = b.extra['memoryAtEnd'] as Record<string, number> | undefined;
        const c = b.extra['cacheAtEnd'] as { records?: number; evicted?: number } | undefined;
        const firstAnswer =
          b.sentToDone.firstAt === null || b.publisherToDone.firstAt === null
            ? null
            : b.publisherToDone.firstAt - b.sentToDone.firstAt;
        lines.push(
          `| ${b.label} | ${fmt(b.found)} | ${fmt(b.resolved)} | ${fmt(b.headlineMs)} | ${fmt(firstAnswer)} | ${fmt(c?.records ?? null)} / ${fmt(c?.evicted ?? null)} | ${kib(b.rssKiB)} / ${kib(b.rssEndKiB)} | ${md ? kib(md['heapUsedKiB'] ?? null) : '—'} | ${fmt(b.extra['questionsAtDone'] as Num)} | ${fmt(b.sentToDone.packets)} / ${fmt(b.sentToDone.bytes)} | ${fmt(b.sentInHold.packets)} | ${fmt(b.cpuS, 2)} |`,
        );
      }
    }
    lines.push('');
    for (const lab of bigLabs.filter((l) => l.n === big)) {
      lines.push(
        `- avahi on h1 announced ${fmt(lab.publish.seen)} of ${fmt(big)} SRVs${lab.publish.announcedMs === null ? '' : ` ${fmt(lab.publish.announcedMs)} ms after its start`} (RSS ${kib(lab.publish.avahiRssKiB)})`,
      );
      for (const note of lab.notes) lines.push(`  - note: ${note}`);
      for (const b of lab.browsers) lines.push(...perRun(b));
    }
    lines.push('');
  }
  return lines.join('\n');
}
