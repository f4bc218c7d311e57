/**
 * Whole-stack fuzzing, the long run (issue 15): `npm run bench:fuzz --
 * --packets 1000000 [--seed S] [--note TEXT]` feeds that many generated packets through
 * the transport's source checks into one in-process Mdns (FakeTransport,
 * manual clock; test/hardening/fuzz/), checks the invariants after every
 * batch of 1,000, prints progress, and writes bench/results/fuzz.json and
 * bench/results/fuzz.md: packets by generator, escapes, invariant failures,
 * packets/s, heap and RSS at start, end and along the way, the machine.
 * The run is a child process: if the stack stops handling packets, the
 * results say where. The 50,000-packet CI slice is test/hardening/fuzz.test.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { escapes, type FuzzReport } from '../test/hardening/fuzz/run.js';
import { superviseFuzz, type FuzzProgress } from '../test/hardening/fuzz/supervise.js';
import { describeMachine, machineLine, type MachineDescription } from './machine.js';

const MAX_PACKETS = 100_000_000;
/** No batch of 1,000 takes a minute unless the stack hangs. */
const STALL_MS = 60_000;

function positive(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0 || n > MAX_PACKETS) {
    process.stderr.write(`fuzz: --${what} must be an integer in [1, ${MAX_PACKETS}], got ${text}\n`);
    process.exit(2);
  }
  return n;
}

function markdown(
  command: string,
  machine: MachineDescription,
  report: FuzzReport | undefined,
  series: FuzzProgress[],
  hung: string | undefined,
  note: string | undefined,
): string {
  const lines = [
    '# Whole-stack fuzzing',
    '',
    machineLine(machine),
    '',
    `Command: \`${command}\`. Harness: test/hardening/fuzz/ (one Mdns on FakeTransport and a manual clock: three services, two browsers, a resolver; packets through source-check.ts and attribution.ts first; invariants after every 1,000 packets).`,
    '',
  ];
  if (note) lines.push(`Note: ${note}`, '');
  if (hung) lines.push(`**The run stopped: ${hung}.**`, '');
  if (report) {
    const r = report;
    lines.push(
      '| figure | value |',
      '|---|---|',
      `| packets | ${r.packets.toLocaleString('en')} (${r.batches} batches), seed ${r.seed} |`,
      `| by generator | ${Object.entries(r.byGenerator)
        .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
        .join(', ')} |`,
      `| refused by the transport | ${Object.entries(r.refused)
        .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
        .join(', ')} |`,
      `| delivered to the intake | ${r.delivered.toLocaleString('en')} |`,
      `| malformed (intake, by code) | ${Object.entries(r.malformed)
        .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
        .join(', ')} |`,
      `| dropped (intake) | ${Object.entries(r.intakeDropped)
        .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
        .join(', ')} |`,
      `| sent | ${r.sent.packets.toLocaleString('en')} packets (${r.sent.unicast.toLocaleString('en')} unicast, ${r.sent.legacy.toLocaleString('en')} legacy), largest ${r.sent.largest} bytes |`,
      `| escapes (thrown, uncaught, unhandled, INTERNAL) | ${escapes(r)} (${r.escapes.thrown}, ${r.escapes.uncaught}, ${r.escapes.unhandled}, ${r.escapes.internal}) |`,
      `| invariant violations (budget, off-link, malformed sends, cache bound) | ${r.violations.count} |`,
      `| liveness: checks with a record lost or changed | ${r.liveness.failures} of ${r.liveness.checks} |`,
      `| liveness: checks with an instance not resolved | ${r.resolve.failures} of ${r.liveness.checks} (${r.resolve.failuresBeforeEviction} before the cache first evicted) |`,
      `| renames (RFC 6762 §9, claims in the stream) | ${r.renames.count} |`,
      `| cache | largest ${r.cache.largest.toLocaleString('en')} of ${r.cache.bound.toLocaleString('en')}, ${r.cache.evicted.toLocaleString('en')} evicted |`,
      `| errors reported | ${
        Object.entries(r.errors)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      } |`,
      `| wall time | ${(r.wallMs / 1000).toFixed(1)} s, ${r.packetsPerSecond.toLocaleString('en')} packets/s (${r.simulatedSeconds.toLocaleString('en')} s simulated) |`,
      `| heap start → end | ${r.memory.start.heapMiB} → ${r.memory.end.heapMiB} MiB |`,
      `| RSS start → end (peak) | ${r.memory.start.rssMiB} → ${r.memory.end.rssMiB} MiB (${r.memory.peakRssMiB}) |`,
      '',
    );
    for (const [title, list] of [
      ['Escapes', r.escapes.messages],
      ['Violations', r.violations.first],
      ['Liveness', r.liveness.first],
      ['Resolve', r.resolve.first],
    ] as const) {
      if (list.length === 0) continue;
      lines.push(`## ${title} (first ${list.length})`, '', ...list.map((l) => `- ${l.split('\n')[0]}`), '');
    }
  }
  const step = Math.max(1, Math.floor(series.length / 20));
  lines.push('## Memory along the run', '', '| packets | heap MiB | RSS MiB |', '|---|---|---|');
  for (let i = 0; i < series.length; i += step) {
    const p = series[i] as FuzzProgress;
    lines.push(`| ${p.packets.toLocaleString('en')} | ${p.heapMiB} | ${p.rssMiB} |`);
  }
  lines.push('');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { packets: { type: 'string' }, seed: { type: 'string' }, note: { type: 'string' } },
    allowPositionals: false,
  });
  const packets = positive(values.packets, 1_000_000, 'packets');
  const seed = values.seed === undefined ? 1 : positive(values.seed, 1, 'seed');
  const machine = describeMachine();
  const command = `npm run bench:fuzz -- --packets ${packets} --seed ${seed}`;
  process.stdout.write(`${command}\n`);
  const series: FuzzProgress[] = [];
  const run = await superviseFuzz({ packets, seed, stallMs: STALL_MS }, (p) => {
    series.push(p);
    if (p.batches % 50 === 0)
      process.stdout.write(
        `${p.packets} packets, ${(p.wallMs / 1000).toFixed(0)} s, heap ${p.heapMiB} MiB, RSS ${p.rssMiB} MiB, violations ${p.violations}, liveness failures ${p.livenessFailures}\n`,
      );
  });
  const hung = run.hung
    ? `no batch finished for ${run.hung.stalledMs / 1000} s after ${run.hung.last?.packets ?? 0} packets (${run.hung.exit})`
    : undefined;
  const md = markdown(command, machine, run.report, series, hung, values.note);
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  const sampled = series.filter((_, i) => i % Math.max(1, Math.floor(series.length / 100)) === 0);
  writeFileSync(
    join(out, 'fuzz.json'),
    `${JSON.stringify({ machine, command, note: values.note, hung: run.hung, report: run.report, memorySeries: sampled }, null, 2)}\n`,
  );
  writeFileSync(join(out, 'fuzz.md'), md);
  process.stdout.write(`${md}\n`);
  if (run.hung || (run.report && escapes(run.report) > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`fuzz: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
