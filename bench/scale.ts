/**
 * Scale benchmark, offline half (issue 10): what N published services cost
 * boaster's responder, measured through the public API on FakeTransport
 * with a manual clock, so nothing is sent on any network. For each N (1,
 * 100, 1,000, 10,000) a fresh child process (bench/scale/worker.ts, which
 * says in detail what it does) measures:
 * - publish → all announced: CPU and simulated time until every publish()
 *   resolved; packets per probe and announcement round (packets sent at one
 *   instant of the clock), their times, the largest packet;
 * - CPU per query: SRV (QM) for one instance, PTR (QU) for the type, legacy
 *   unicast SRV, a PTR query with 1,000 known answers over TC packets; for
 *   each the instances, packets and delay of the answer;
 * - close(): CPU, packets, whether every SRV got a TTL-0 goodbye;
 * - RSS and heap before the responder and once all are announced;
 * - 60 s of simulated idle: packets and CPU.
 * This process also measures the import cost: RSS of a plain node process
 * with one dgram socket (bound to 127.0.0.1, sending nothing), before and
 * after import('./dist/index.js').
 *
 * `npm run bench:scale` runs every N, each in 3 fresh workers (the per-query
 * CPU figures are the medians over them, the rest the first run's), and
 * writes bench/results/scale.json and bench/results/scale.md (the machine
 * described, the command used); `-- --quick` runs N = 1 and 1,000 once
 * each (a CI smoke check: it prints the figures, writes no file and asserts
 * nothing); `-- --n 1,100` picks sizes and `-- --runs 5` the workers per N
 * (either writes nothing unless `--write`). A benchmark states figures: it exits
 * non-zero only when a worker fails, never on a target missed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { markdown, oddities, targets } from './scale/report.js';
import type { ImportCost, WorkerResult } from './scale/result.js';
import { describeMachine, machineLine } from './machine.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const FULL = [1, 100, 1_000, 10_000];
const QUICK = [1, 1_000];
/** A worker that runs past this is stopped and reported. */
const WORKER_TIMEOUT_MS = 15 * 60_000;
const IMPORT_RUNS = 3;
/** Worker processes per N in a full run (per-query figures: the median), and the most --runs takes. */
const DEFAULT_RUNS = 3;
const MAX_RUNS = 9;

function fail(message: string): never {
  process.stderr.write(`bench:scale: ${message}\n`);
  process.exit(2);
}

/** Run `args` with this node; resolves with its stdout, rejects on a non-zero exit or the timeout. */
function run(args: readonly string[], timeoutMs: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} ran past ${timeoutMs / 60_000} min and was stopped`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${what} exited with ${signal ?? code}`));
    });
  });
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** RSS of a bare node process with one dgram socket, before and after importing the built package. */
async function importCost(): Promise<ImportCost | string> {
  const dist = join(root, 'dist', 'index.js');
  if (!existsSync(dist)) return 'dist/index.js is missing (not built; run `npm run build` first)';
  const script = [
    "import dgram from 'node:dgram';",
    'const rss = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().rss; };',
    "const socket = dgram.createSocket('udp4');",
    "await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));",
    'const bare = rss();',
    `await import(${JSON.stringify(pathToFileURL(dist).href)});`,
    'const imported = rss();',
    'socket.close();',
    'console.log(JSON.stringify({ bare, imported }));',
  ].join('\n');
  const bare: number[] = [];
  const imported: number[] = [];
  for (let i = 0; i < IMPORT_RUNS; i++) {
    const out = await run(['--expose-gc', '--input-type=module', '-e', script], 60_000, 'the import-cost process');
    const parsed = JSON.parse(out) as { bare: number; imported: number };
    bare.push(parsed.bare);
    imported.push(parsed.imported);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const mib = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;
  const built = statSync(dist).mtimeMs;
  return {
    bareMiB: mib(median(bare)),
    importedMiB: mib(median(imported)),
    deltaMiB: mib(median(imported.map((x, i) => x - (bare[i] ?? 0)))),
    runs: IMPORT_RUNS,
    distBuilt: new Date(built).toISOString(),
    distStale: newest(join(root, 'src')) > built,
  };
}

/**
 * One result from several runs of a worker: the per-query CPU figures are
 * the medians over the runs (they move most between processes), every
 * other figure is the first run's.
 */
function mergeRuns(each: readonly WorkerResult[]): WorkerResult | undefined {
  const first = each[0];
  if (!first || each.length === 1) return first;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const kinds = ['srv', 'legacy', 'ptr', 'knownAnswers'] as const;
  const merged: WorkerResult = { ...first, queries: { ...first.queries }, runs: each.length, mainUsByRun: {} };
  for (const kind of kinds) {
    const pick = (f: (q: WorkerResult['queries'][typeof kind]) => number): number =>
      median(each.map((r) => f(r.queries[kind])));
    merged.queries[kind] = {
      ...first.queries[kind],
      mainUs: pick((q) => q.mainUs),
      mainUsMedian: pick((q) => q.mainUsMedian),
      cpuUs: pick((q) => q.cpuUs),
    };
    if (merged.mainUsByRun) merged.mainUsByRun[kind] = each.map((r) => r.queries[kind].mainUs);
  }
  return merged;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      n: { type: 'string' },
      runs: { type: 'string' },
      write: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  const runs = values.runs === undefined ? (values.quick ? 1 : DEFAULT_RUNS) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS)
    fail(`--runs takes a whole number from 1 to ${MAX_RUNS}, got ${values.runs}`);
  let sizes = values.quick ? QUICK : FULL;
  if (values.n !== undefined) {
    sizes = values.n.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
    if (sizes.some((x) => !Number.isInteger(x) || x < 1 || x > 100_000))
      fail(`--n takes sizes from 1 to 100000 separated by commas, got ${values.n}`);
  }
  const full = !values.quick && values.n === undefined && values.runs === undefined;
  const write = full || values.write === true;
  const machine = {
    ...describeMachine(),
    /** 1-minute load average when the run began: other work on the machine moves the figures. */
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
  const flags = [
    values.quick ? '--quick' : '',
    values.n !== undefined ? `--n ${sizes.join(',')}` : '',
    values.runs !== undefined ? `--runs ${runs}` : '',
    values.write && !full ? '--write' : '',
  ].filter(Boolean);
  const command = `npm run bench:scale${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`;
  process.stderr.write(
    `${command}: N = ${sizes.join(', ')}, ${runs} fresh worker process${runs > 1 ? 'es' : ''} each\n`,
  );

  const results: WorkerResult[] = [];
  const failures: string[] = [];
  for (const n of sizes) {
    const args = [
      '--expose-gc',
      '--import',
      'tsx',
      join('bench', 'scale', 'worker.ts'),
      String(n),
      ...(values.quick ? ['--quick'] : []),
    ];
    const each: WorkerResult[] = [];
    for (let i = 0; i < runs; i++) {
      try {
        const out = await run(args, WORKER_TIMEOUT_MS, `the worker for N=${n} (run ${i + 1})`);
        each.push(JSON.parse(out.trim().split('\n').pop() ?? '') as WorkerResult);
      } catch (error) {
        failures.push(`N=${n}, run ${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const merged = mergeRuns(each);
    if (merged) results.push(merged);
  }
  let cost: ImportCost | string;
  try {
    cost = await importCost();
  } catch (error) {
    cost = `the measuring process failed: ${error instanceof Error ? error.message : String(error)}`;
  }

  const loadAtEnd = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
  // At the end the load includes this run itself (about one core); at the start it is the rest of the machine.
  const busy = machine.loadAverage > machine.cores / 2;
  const out = join(here, 'results');
  const written = write
    ? 'Results: `bench/results/scale.json`, `bench/results/scale.md`.'
    : 'Printed only: this run writes no file.';
  const md = markdown({
    title: values.quick ? 'Scale benchmark (offline, quick)' : 'Scale benchmark (offline)',
    machineLine: `${machineLine(machine)} · load average ${machine.loadAverage} at the start, ${loadAtEnd} at the end${busy ? ' (**the machine was busy: CPU and wall figures are inflated by other work**)' : ''}`,
    command,
    results,
    failures,
    importCost: cost,
    written,
    quick: values.quick === true,
  }).join('\n');
  if (write) {
    mkdirSync(out, { recursive: true });
    const json = {
      machine: { ...machine, loadAverageAtEnd: loadAtEnd },
      command,
      sizes,
      results,
      failures,
      importCost: cost,
      targets: targets(results),
      oddities: oddities(results),
      lab: {
        measured: false,
        note: 'No socket in this run: the lab half of issue 10 is npm run bench:scale:lab (bench/results/scale-lab.json).',
      },
    };
    // One line per key, and per N in results: short enough to read and to diff.
    const lines = Object.entries(json).map(([key, value]) =>
      Array.isArray(value) && key === 'results'
        ? `  "${key}": [\n${value.map((v) => `    ${JSON.stringify(v)}`).join(',\n')}\n  ]`
        : `  "${key}": ${JSON.stringify(value)}`,
    );
    writeFileSync(join(out, 'scale.json'), `{\n${lines.join(',\n')}\n}\n`);
    writeFileSync(join(out, 'scale.md'), md);
  }
  process.stdout.write(`${md}\n`);
  if (failures.length > 0) process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
