/**
 * Flood benchmark (issue 9, "floods starve unicast answers"): boaster under
 * a flood of hostile and useless mDNS packets while a legitimate querier
 * times its answers. The scenario is test/hardening/flood-scenario.ts, run
 * in a lab of its own (three network namespaces, TEST-NET-1 only; needs
 * Linux and root), torn down before exit whatever happens.
 *
 * `npm run bench:flood -- [--seconds 60] [--rate 3000]` prints the figures
 * and writes bench/results/flood.json and bench/results/flood.md with the
 * machine described and the command used.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { labUnavailableReason } from '../test/lab/availability.js';
import { createLab } from '../test/lab/lab.js';
import {
  FLOOD_SERVICE,
  formatFloodReport,
  runFloodScenario,
  type FloodReport,
} from '../test/hardening/flood-scenario.js';
import { describeMachine, machineLine } from './machine.js';

const MAX_SECONDS = 600;
const MAX_RATE = 50_000;

function positive(text: string | undefined, fallback: number, max: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    process.stderr.write(`bench:flood: --${what} must be a number in (0, ${max}], got ${text}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: 'string' }, rate: { type: 'string' } },
    allowPositionals: false,
  });
  const seconds = positive(values.seconds, 60, MAX_SECONDS, 'seconds');
  const rate = positive(values.rate, 3_000, MAX_RATE, 'rate');
  const reason = labUnavailableReason([]);
  if (reason) {
    process.stderr.write(`bench:flood needs the network lab: ${reason}\n`);
    process.exit(1);
  }
  const machine = describeMachine();
  const command = `npm run bench:flood -- --seconds ${seconds} --rate ${rate}`;
  process.stdout.write(`${command}\nbuilding the lab and running ${seconds} s of flood at ${rate} packets/s…\n`);
  const lab = await createLab({ hosts: 3 });
  let report: FloodReport;
  try {
    report = await runFloodScenario(lab, { seconds, rate });
  } finally {
    await lab.destroy();
  }
  const text = formatFloodReport(report);
  const md = [
    '# Flood benchmark',
    '',
    machineLine(machine),
    '',
    `Command: \`${command}\`.`,
    '',
    `Lab (test/hardening/flood-scenario.ts): h0 runs \`boaster publish "${FLOOD_SERVICE.instance}" ${FLOOD_SERVICE.type} ${FLOOD_SERVICE.port} --host ${FLOOD_SERVICE.host}\`;`,
    `h1 floods 224.0.0.251:5353 with a mix of QM/QU/legacy queries for its names and for bogus ones, a 1,000-question query every 100 packets,`,
    'junk, truncated packets and responses for unrelated names; h2 sends a legacy unicast SRV query and a QU SRV query every',
    `${report.options.legitIntervalMs} ms and times each answer (a miss after 1 s). "QU, own reply": one unicast reply per query; "QU, any answer":`,
    "the first response with the SRV after the query, unicast or multicast (RFC 6762 §18.1). CPU is boaster's utime + stime over the flood.",
    '',
    text,
    '',
  ].join('\n');
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'flood.json'), `${JSON.stringify({ machine, command, report }, null, 2)}\n`);
  writeFileSync(join(out, 'flood.md'), md);
  process.stdout.write(`${md}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:flood: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
