/**
 * Browse benchmark, lab (issue 11's scale part): how fast boaster's querier
 * (Mdns.browse) finds and resolves N services that avahi-daemon publishes,
 * beside avahi-browse and python-zeroconf on the same link, in the network
 * lab (Linux network namespaces on TEST-NET-1; needs Linux, root,
 * avahi-daemon, avahi-browse, dbus-daemon, dumpcap and python3-zeroconf).
 * bench/browse-lab/run-one.ts says what is measured and how; each run is a
 * fresh lab, torn down before the next starts and on exit whatever happens.
 *
 * `npm run bench:browse:lab -- [--n 1000] [--runs 2] [--hold 10] [--big 10000] [--diagnose] [--src] [--pinned-runs 0]`
 * prints the figures and writes bench/results/browse-lab.json and
 * browse-lab.md (the machine described, the command used). `--diagnose`
 * adds two patched boaster runs to each lab that tell where its time goes
 * (boaster.mjs says how; not boaster as shipped). `--pinned-runs K` adds K
 * labs with the publisher and the browsers pinned to different CPUs
 * (reported apart, not for the target). `--src` adds a boaster run on
 * src/ under `node --import tsx` to each lab (sources changed since the
 * last build). `--big N` adds
 * one more lab where avahi publishes N services and only boaster browses,
 * with its default cache bound and again with `cache.maxRecords` raised to
 * hold them all. It exits non-zero only when the bench itself fails, never
 * on a target missed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PYTHON, labUnavailableReason } from '../test/lab/availability.js';
import { markdown, targets } from './browse-lab/report.js';
import { runLab, type BrowserSpec, type LabResult } from './browse-lab/run-one.js';
import { describeMachine } from './machine.js';

const MAX_N = 10_000;
const MAX_RUNS = 5;

function fail(message: string): never {
  process.stderr.write(`bench:browse:lab: ${message}\n`);
  process.exit(2);
}

function output(cmd: string, args: readonly string[]): string {
  try {
    return execFileSync(cmd, [...args], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return 'unknown';
  }
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What boaster.mjs runs: dist/index.js (hash, build time) and the sources changed since it was built. */
function build(): { dist: string; gitHead: string; srcNewerThanDist: string[] } {
  const file = join(ROOT, 'dist', 'index.js');
  try {
    const built = statSync(file).mtimeMs;
    const newer: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (statSync(p).mtimeMs > built) newer.push(p.slice(ROOT.length));
      }
    };
    walk(join(ROOT, 'src'));
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
    return {
      dist: `dist/index.js sha256 ${sha}, built ${new Date(built).toISOString()}`,
      gitHead: output('git', ['-C', ROOT, 'log', '-1', '--format=%h %cI']),
      srcNewerThanDist: newer.sort(),
    };
  } catch (error) {
    return { dist: `unreadable: ${String(error)}`, gitHead: 'unknown', srcNewerThanDist: [] };
  }
}

function size(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1 || n > MAX_N) fail(`${what} takes 1 to ${MAX_N}, got ${text}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string' },
      runs: { type: 'string' },
      hold: { type: 'string' },
      big: { type: 'string' },
      diagnose: { type: 'boolean' },
      src: { type: 'boolean' },
      'pinned-runs': { type: 'string' },
    },
    allowPositionals: false,
  });
  const n = size(values.n, 1_000, '--n');
  const runs = values.runs === undefined ? 2 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) fail(`--runs must be 1..${MAX_RUNS}`);
  const holdS = values.hold === undefined ? 10 : Number(values.hold);
  if (!(holdS >= 0 && holdS <= 60)) fail('--hold takes 0 to 60 (seconds)');
  const big = values.big === undefined ? undefined : size(values.big, 10_000, '--big');
  const pinnedRuns = values['pinned-runs'] === undefined ? 0 : Number(values['pinned-runs']);
  if (!Number.isInteger(pinnedRuns) || pinnedRuns < 0 || pinnedRuns > MAX_RUNS)
    fail(`--pinned-runs must be 0..${MAX_RUNS}`);
  if (pinnedRuns > 0 && os.cpus().length < 2) fail('--pinned-runs needs at least 2 CPUs');
  const reason = labUnavailableReason([
    'avahi-daemon',
    'dbus-daemon',
    'avahi-browse',
    'unshare',
    'tshark',
    'python-zeroconf',
  ]);
  if (reason) fail(`needs the network lab: ${reason}`);
  const machine = {
    ...describeMachine(),
    avahi: output('avahi-daemon', ['--version']),
    zeroconf: output(PYTHON, ['-c', 'import zeroconf; print(zeroconf.__version__)']),
    loadAverage: Number((os.loadavg()[0] ?? 0).toFixed(2)),
    ...build(),
  };
  const argv = process.argv.slice(2);
  const command = `npm run bench:browse:lab${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const log = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  log(
    `${command}\n${machine.cpu} × ${machine.cores}, Linux ${machine.kernel}, Node ${machine.node}, ${machine.avahi}, python-zeroconf ${machine.zeroconf}`,
  );
  const started = Date.now();
  const holdMs = holdS * 1000;
  const labs: LabResult[] = [];
  for (let run = 1; run <= runs; run++) {
    log(`N=${n} run ${run}/${runs}`);
    const t = Date.now();
    const browsers: BrowserSpec[] = [{ kind: 'boaster' }, { kind: 'avahi-browse' }, { kind: 'zeroconf' }];
    if (run === 1) browsers.unshift({ kind: 'boaster', baseline: true });
    if (values.diagnose)
      browsers.push(
        { kind: 'boaster', noSrvTxtQueries: true },
        { kind: 'boaster', noSrvTxtQueries: true, earliestFirstQuery: true },
      );
    if (values.src) browsers.push({ kind: 'boaster', src: true });
    labs.push(await runLab({ n, run, browsers, maxMs: 60_000, holdMs, publishTimeoutMs: 120_000 }, log));
    log(`  done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  for (let run = 1; run <= pinnedRuns; run++) {
    log(`N=${n} pinned run ${run}/${pinnedRuns} (publisher on CPU 0, browsers on CPU 1)`);
    const t = Date.now();
    const browsers: BrowserSpec[] = [{ kind: 'boaster' }, { kind: 'avahi-browse' }, { kind: 'zeroconf' }];
    if (values.diagnose) browsers.push({ kind: 'boaster', noSrvTxtQueries: true, earliestFirstQuery: true });
    labs.push(await runLab({ n, run, browsers, maxMs: 60_000, holdMs, publishTimeoutMs: 120_000, pin: true }, log));
    log(`  done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  if (big !== undefined) {
    log(`N=${big}: boaster only`);
    const t = Date.now();
    const browsers: BrowserSpec[] = [{ kind: 'boaster' }, { kind: 'boaster', cacheMaxRecords: 4 * big + 1_000 }];
    if (values.diagnose) browsers.push({ kind: 'boaster', cacheMaxRecords: 4 * big + 1_000, noSrvTxtQueries: true });
    if (values.src) browsers.push({ kind: 'boaster', cacheMaxRecords: 4 * big + 1_000, src: true });
    labs.push(await runLab({ n: big, run: 1, browsers, maxMs: 120_000, holdMs, publishTimeoutMs: 600_000 }, log));
    log(`  done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  const header = { machine, command, n, runs, holdMs, ...(big !== undefined ? { big } : {}) };
  const md = markdown(header, labs);
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  const elapsedS = Math.round((Date.now() - started) / 1000);
  writeFileSync(
    join(out, 'browse-lab.json'),
    `${JSON.stringify(
      {
        machine,
        command,
        elapsedS,
        targets: targets(
          labs.filter((l) => !l.pinned),
          n,
        ),
        labs,
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(join(out, 'browse-lab.md'), `${md}\n(${elapsedS} s in all.)\n`);
  log(`\n${md}\n(${elapsedS} s; written to bench/results/browse-lab.json and browse-lab.md)`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:browse:lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
