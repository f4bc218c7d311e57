/**
 * Browse benchmark, offline half (issue 11): what browsing a type with N
 * instances costs boaster's querier and browser, on FakeTransport with a
 * manual clock (nothing on any network). For each size a fresh child
 * process (bench/browse/worker.ts, which says what it does and how the peer
 * is played) measures CPU until every instance is up, per instance and per
 * answer packet, what the browser sends until then and in the 10 s after,
 * and RSS / heap with everything cached.
 *
 * Sizes: N = 1, 1,000, 3,332 (9,998 records: the default cache bound of
 * 10,000 all but full) and 10,000 (30,002 records, run with the bound raised
 * to 40,000: at the default a browser of 10,000 instances loses what is
 * evicted, and is told so by a CACHE_FULL error). Each size runs in
 * `--runs` workers (default 3); CPU figures are their medians, the rest the
 * first run's.
 *
 * `npm run bench:browse` writes bench/results/browse.json and browse.md
 * (the machine described, the command used); `-- --quick` runs N = 1 and
 * 1,000 once and writes nothing (a smoke check). The lab half, against
 * avahi-browse and python-zeroconf on the wire, is `npm run bench:browse:lab`.
 * A benchmark states figures: it exits non-zero only when a worker fails.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BrowseWorkerResult } from './browse/worker.js';
import { cpuModel, kernel } from './machine.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const FULL: readonly (readonly [number, number | undefined])[] = [
  [1, undefined],
  [1_000, undefined],
  [3_332, undefined],
  [10_000, 40_000],
];
const QUICK: readonly (readonly [number, number | undefined])[] = [
  [1, undefined],
  [1_000, undefined],
];
const WORKER_TIMEOUT_MS = 10 * 60_000;
const MAX_RUNS = 9;

function worker(n: number, maxRecords: number | undefined): Promise<BrowseWorkerResult> {
  const args = [
    '--expose-gc',
    '--import',
    'tsx',
    join(here, 'browse', 'worker.ts'),
    String(n),
    ...(maxRecords === undefined ? [] : [String(maxRecords)]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the worker for N = ${n} ran past ${WORKER_TIMEOUT_MS / 60_000} min and was stopped`));
    }, WORKER_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`the worker for N = ${n} exited with ${signal ?? code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as BrowseWorkerResult);
    });
  });
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const f0 = (x: number): string => Math.round(x).toLocaleString('en-US');
const f1 = (x: number): string => (Math.round(x * 10) / 10).toLocaleString('en-US');
const mib = (kib: number): string => f1(kib / 1024);
const questions = (q: Record<string, number>): string =>
  Object.entries(q)
    .map(([t, c]) => `${t} ${c}`)
    .join(', ') || 'none';

interface Row {
  first: BrowseWorkerResult;
  cpuMs: number;
  cpuPerInstanceUs: number;
  cpuPerPacketUs: number;
  processCpuMs: number;
  holdCpuMs: number;
  runs: number;
}

function markdown(rows: readonly Row[], command: string): string {
  const lines = [
    '# Browse benchmark, offline (issue 11): boaster browsing N instances on FakeTransport',
    '',
    `${new Date().toISOString()} · ${cpuModel()} × ${os.cpus().length} · Linux ${kernel()} · Node ${process.version}`,
    '',
    `Command: \`${command}\`. Each size in fresh worker processes (bench/browse/worker.ts); CPU: the median over the runs, the rest the first run's.`,
    'The peer answers one PTR query as avahi-daemon 0.8 did in the lab: PTR + TXT + SRV of ~18 instances a packet, one packet every 6 ms.',
    '',
    '| N | cache bound | answer packets | CPU until all up (ms) | per instance (µs) | per packet received (µs) | process CPU, all threads (ms) | sent until all up | 10 s after: packets, bytes | questions in those 10 s | CPU in those 10 s (ms) | records cached | heap used after gc | RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const w = r.first;
    lines.push(
      `| ${f0(w.n)} | ${f0(w.maxRecords)} | ${w.answerPackets} | ${f1(r.cpuMs)} | ${f1(r.cpuPerInstanceUs)} | ${f0(r.cpuPerPacketUs)} | ${f1(r.processCpuMs)} | ${w.sentUntilUp} (${questions(w.questionsUntilUp)}) | ${w.holdPackets}, ${f0(w.holdBytes)} B | ${questions(w.holdQuestions)} | ${f1(r.holdCpuMs)} | ${f0(w.cachedRecords)} | ${mib(w.heapUsedKiB)} MiB (${mib(w.heapUsedKiB - w.baselineHeapUsedKiB)} over the empty process) | ${mib(w.rssKiB)} MiB |`,
    );
  }
  lines.push(
    '',
    'Packets sent count IPv4 and IPv6 (the fake interface has both): the first query, then each continuous PTR query with every instance as a known answer, split over TC packets (RFC 6762 §7.2). Nothing is asked for SRV, TXT or addresses: they came with the PTRs.',
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, runs: { type: 'string' } } });
  const runs = values.runs === undefined ? (values.quick ? 1 : 3) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) {
    process.stderr.write(`bench:browse: --runs must be a whole number from 1 to ${MAX_RUNS}\n`);
    process.exit(2);
  }
  const rows: Row[] = [];
  for (const [n, maxRecords] of values.quick ? QUICK : FULL) {
    const results: BrowseWorkerResult[] = [];
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`bench:browse: N = ${n}, run ${i + 1} of ${runs}\n`);
      results.push(await worker(n, maxRecords));
    }
    const first = results[0] as BrowseWorkerResult;
    rows.push({
      first,
      runs,
      cpuMs: median(results.map((r) => r.cpuMs)),
      cpuPerInstanceUs: median(results.map((r) => r.cpuPerInstanceUs)),
      cpuPerPacketUs: median(results.map((r) => r.cpuPerPacketUs)),
      processCpuMs: median(results.map((r) => r.processCpuMs)),
      holdCpuMs: median(results.map((r) => r.holdCpuMs)),
    });
  }
  const command = `npm run bench:browse${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const md = markdown(rows, command);
  process.stdout.write(`${md}\n`);
  if (values.quick) return;
  const out = join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'browse.json'),
    `${JSON.stringify({ at: new Date().toISOString(), machine: { cpu: cpuModel(), cores: os.cpus().length, kernel: kernel(), node: process.version }, command, rows }, null, 2)}\n`,
  );
  writeFileSync(join(out, 'browse.md'), md);
  process.stderr.write('bench:browse: wrote bench/results/browse.json and browse.md\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:browse: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
