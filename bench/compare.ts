/**
 * `npm run bench`: boaster beside avahi-daemon, python-zeroconf,
 * @homebridge/ciao and bonjour-service as responders, and beside
 * avahi-browse, python-zeroconf, bonjour-service and multicast-dns as
 * queriers, in one run on one machine, plus the wire codec beside
 * dns-packet. Each implementation runs alone in labs of its own (Linux
 * network namespaces on TEST-NET-1; needs Linux, root and .ci/run's system
 * packages): bench/compare/responder-lab.ts and querier-lab.ts say what is
 * measured and how, bench/peers/ holds one small adapter per peer.
 *
 *   npm run bench [-- --quick] [--responders a,b] [--queriers a,b] [--no-queriers] [--no-micro]
 *
 * Writes bench/results/<date>.json and <date>.md (`--quick`:
 * quick-<date>.*), with the machine and every version described. `--quick`
 * is a smoke slice of about 3 minutes (N = 100, short windows): it shows the
 * harness works, its figures are not for comparison. Exits non-zero only
 * when the harness fails, never on a target missed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { labUnavailableReason } from '../test/lab/availability.js';
import { cpuModel, kernel } from './machine.js';
import { QUERIERS, RESPONDERS, versions, type QuerierImpl, type ResponderImpl } from './compare/peers.js';
import { measureResponder, type ResponderOptions, type ResponderResult } from './compare/responder-lab.js';
import { measureQueriers, type QuerierOptions, type QuerierResults } from './compare/querier-lab.js';
import { markdown, targets } from './compare/report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function pick<T extends string>(text: string | undefined, all: readonly T[], what: string): readonly T[] {
  if (text === undefined) return all;
  const chosen = text.split(',').map((s) => s.trim());
  const bad = chosen.filter((c) => !(all as readonly string[]).includes(c));
  if (bad.length) fail(`unknown ${what} ${bad.join(', ')}; choose from ${all.join(', ')}`);
  return chosen as T[];
}

/** The wire benchmark (bench/wire.ts, which also writes its own results unless quick), its table from what it prints. */
function micro(quick: boolean): string {
  const md = execFileSync(process.execPath, ['--import', 'tsx', 'bench/wire.ts', ...(quick ? ['--quick'] : [])], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return md
    .split('\n')
    .filter((l) => l.startsWith('|') || l.startsWith('Operations'))
    .join('\n');
}

/** The full run: the figures issue 14 asks for. */
const FULL_RESPONDERS: ResponderOptions = {
  n: 1_000,
  visibleRuns: 5,
  seqQueries: 2_000,
  warmup: 900,
  rateMs: 5_000,
  idleMs: 60_000,
  qmQueries: 40,
  ptrWindowMs: 3_000,
  // Over the 2 s between a responder's second and third announcements (RFC 6762 §8.3's doubling).
  quietMs: 3_000,
  giveUpAfter: 10,
  watchBaseMs: 20_000,
};
const FULL_QUERIERS = { ns: [1, 100, 1_000], idleN: 100, idleMs: 300_000, memoryN: 3_300, boundMs: 10_000 };
/** The smoke slice: every path of the harness, small and short. */
const QUICK_RESPONDERS: ResponderOptions = {
  n: 100,
  visibleRuns: 1,
  seqQueries: 300,
  warmup: 100,
  rateMs: 1_000,
  idleMs: 2_000,
  qmQueries: 5,
  ptrWindowMs: 1_500,
  // Over the 2 s between a responder's second and third announcements (RFC 6762 §8.3's doubling).
  quietMs: 2_500,
  giveUpAfter: 3,
  watchBaseMs: 10_000,
};
const QUICK_QUERIERS = { ns: [1, 100], idleN: 20, idleMs: 10_000, memoryN: 100, boundMs: 3_000 };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      responders: { type: 'string' },
      queriers: { type: 'string' },
      'no-queriers': { type: 'boolean' },
      'no-micro': { type: 'boolean' },
    },
    allowPositionals: false,
  });
  const quick = values.quick === true;
  const responders = pick<ResponderImpl>(values.responders, RESPONDERS, 'responder');
  const queriers = values['no-queriers'] ? [] : pick<QuerierImpl>(values.queriers, QUERIERS, 'querier');
  const reason = labUnavailableReason([
    'avahi-daemon',
    'avahi-browse',
    'dbus-daemon',
    'unshare',
    'tshark',
    'dig',
    'python-zeroconf',
  ]);
  if (reason) fail(`needs the network lab: ${reason}`);
  const responderOpts: ResponderOptions = quick ? QUICK_RESPONDERS : FULL_RESPONDERS;
  const querierOpts: QuerierOptions = { queriers, ...(quick ? QUICK_QUERIERS : FULL_QUERIERS) };
  const argv = process.argv.slice(2);
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const machine = `${cpuModel()} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${kernel()}, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(2)} at the start`;
  const t0 = Date.now();
  const log = (line: string): void =>
    void process.stdout.write(`${String(Math.round((Date.now() - t0) / 1000)).padStart(5)} s  ${line}\n`);
  log(`${command}\n${machine}`);
  const started = Date.now();
  const results: ResponderResult[] = [];
  for (const impl of responders) results.push(await measureResponder(impl, responderOpts, log));
  const q: QuerierResults | null = queriers.length ? await measureQueriers(querierOpts, log) : null;
  const wire = values['no-micro'] ? null : micro(quick);
  const date = new Date().toISOString();
  const header = {
    date,
    command,
    machine,
    versions: versions(),
    quick,
    elapsedS: Math.round((Date.now() - started) / 1000),
    n: responderOpts.n,
  };
  const md = markdown(header, results, q, wire);
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const stem = `${quick ? 'quick-' : ''}${date.slice(0, 10)}`;
  const json = {
    ...header,
    responderOpts,
    querierOpts,
    targets: targets(results, q, responderOpts.n),
    responders: results,
    queriers: q,
  };
  writeFileSync(join(out, `${stem}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(out, `${stem}.md`), md);
  log(`\n${md}\n(${header.elapsedS} s; written to bench/results/${stem}.json and ${stem}.md)`);
  const broken = harnessFailures(results, q);
  if (broken.length) fail(`the harness got nothing from: ${broken.join('; ')}`);
}

/** Implementations that produced no figure at all: an adapter or lab broke (never a target missed). */
function harnessFailures(results: readonly ResponderResult[], q: QuerierResults | null): string[] {
  const out: string[] = [];
  for (const r of results) if (r.visibleMs.every((v) => v === null)) out.push(`responder ${r.impl} was never heard`);
  for (const s of q?.speed ?? [])
    if (s.n === 1 && s.resolved === 0) out.push(`querier ${s.impl} resolved nothing at N = 1`);
  return out;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
