/**
 * Scale benchmark, lab half (issue 10): boaster and avahi-daemon publishing
 * N services, measured on the wire in the network lab (Linux network
 * namespaces on TEST-NET-1; needs Linux, root, avahi-daemon, dbus-daemon
 * and tshark). For each N, boaster first, then avahi-daemon, each in a fresh
 * 2-host lab (bench/scale-lab/run-one.ts says what is measured and how);
 * every lab is torn down before the next starts, and on exit whatever
 * happens. The offline half is bench/scale.ts.
 *
 * `npm run bench:scale:lab -- [--n 1,1000] [--runs 1] [--quick]` prints the
 * figures and writes bench/results/scale-lab.json and scale-lab.md (the
 * machine described, the command used). `--quick` idles 10 s instead of
 * 60 s. It exits non-zero only when a run fails, never on a target missed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { labUnavailableReason } from '../test/lab/availability.js';
import { markdown, targets } from './scale-lab/report.js';
import { runOne, type Impl, type RunOptions, type RunResult } from './scale-lab/run-one.js';
import { describeMachine } from './machine.js';

const MAX_N = 10_000;
const MAX_RUNS = 5;

function fail(message: string): never {
  process.stderr.write(`bench:scale:lab: ${message}\n`);
  process.exit(2);
}

function output(cmd: string, args: readonly string[]): string {
  try {
    return execFileSync(cmd, [...args], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return 'unknown';
  }
}

function parseNs(text: string | undefined): number[] {
  if (text === undefined) return [1, 1_000];
  const ns = text.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  for (const n of ns)
    if (!Number.isInteger(n) || n < 1 || n > MAX_N) fail(`--n takes sizes from 1 to ${MAX_N}, got ${text}`);
  return [...new Set(ns)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { n: { type: 'string' }, runs: { type: 'string' }, quick: { type: 'boolean' } },
    allowPositionals: false,
  });
  const ns = parseNs(values.n);
  const runs = values.runs === undefined ? 1 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) fail(`--runs must be 1..${MAX_RUNS}`);
  const quick = values.quick === true;
  const reason = labUnavailableReason(['avahi-daemon', 'dbus-daemon', 'unshare', 'tshark']);
  if (reason) fail(`needs the network lab: ${reason}`);
  const options = (n: number, impl: Impl, baseline: boolean): RunOptions => ({
    n,
    idleMs: quick ? 10_000 : 60_000,
    seqQueries: 500,
    rateMs: 5_000,
    outstanding: 32,
    qmQueries: quick ? 10 : 20,
    baseline,
    noRateLimit: impl === 'avahi',
    floor: impl === 'boaster',
  });
  const machine = {
    ...describeMachine(),
    avahi: output('avahi-daemon', ['--version']),
    loadAverage: Number((os.loadavg()[0] ?? 0).toFixed(2)),
  };
  const argv = process.argv.slice(2);
  const command = `npm run bench:scale:lab${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const log = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  log(`${command}\n${machine.cpu} × ${machine.cores}, Linux ${machine.kernel}, Node ${machine.node}, ${machine.avahi}`);
  const started = Date.now();
  const results: RunResult[] = [];
  let first = true;
  for (const n of ns) {
    for (let run = 1; run <= runs; run++) {
      for (const impl of ['boaster', 'avahi'] as const satisfies readonly Impl[]) {
        log(`N=${n} run ${run}/${runs}: ${impl}`);
        const t = Date.now();
        results.push(await runOne(impl, options(n, impl, first && impl === 'boaster'), log));
        first = false;
        log(`  done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
      }
    }
  }
  const header = { machine, command, ns, runs, idleSeconds: quick ? 10 : 60 };
  const md = markdown(header, results);
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  const elapsedS = Math.round((Date.now() - started) / 1000);
  writeFileSync(
    join(out, 'scale-lab.json'),
    `${JSON.stringify({ machine, command, elapsedS, targets: targets(results, ns), results }, null, 2)}\n`,
  );
  writeFileSync(join(out, 'scale-lab.md'), md);
  log(`\n${md}\n(${elapsedS} s; written to bench/results/scale-lab.json and scale-lab.md)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale:lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
