/**
 * Flap benchmark (issue 15, "flapping"): boaster publishing and browsing
 * while its link goes down and up and its address changes, beside a peer
 * that flaps too. The scenario is test/hardening/flap/scenario.ts, run in a
 * lab of its own (two network namespaces, TEST-NET-1 and IPv6 link-local
 * only; needs Linux and root), torn down before exit whatever happens.
 *
 * `npm run bench:flap -- [--cycles 100] [--address-changes 20]` prints the
 * figures and writes bench/results/flap.json (every step: its checks, its
 * timings, h0's resources after it) and bench/results/flap.md, with the
 * machine described and the command used. Exit 1 when a step failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { labUnavailableReason } from '../test/lab/availability.js';
import { createLab } from '../test/lab/lab.js';
import { FLAP_TYPE, SERVICES, runFlapScenario, type FlapReport } from '../test/hardening/flap/scenario.js';
import { formatFlapSummary, summarize } from '../test/hardening/flap/summary.js';
import { describeMachine, machineLine } from './machine.js';

const MAX_CYCLES = 1_000;

function count(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > MAX_CYCLES) {
    process.stderr.write(`bench/flap: --${what} must be an integer in [0, ${MAX_CYCLES}], got ${text}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { cycles: { type: 'string' }, 'address-changes': { type: 'string' } },
    allowPositionals: false,
  });
  const cycles = count(values.cycles, 100, 'cycles');
  const addressChanges = count(values['address-changes'], 20, 'address-changes');
  const reason = labUnavailableReason(['ip', 'sysctl', 'tshark']);
  if (reason) {
    process.stderr.write(`bench/flap needs the network lab: ${reason}\n`);
    process.exit(1);
  }
  const machine = describeMachine();
  const command = `npm run bench:flap -- --cycles ${cycles} --address-changes ${addressChanges}`;
  process.stdout.write(
    `${command}\nbuilding the lab and flapping ${cycles} times, renumbering ${addressChanges} times…\n`,
  );
  const lab = await createLab({ hosts: 2 });
  let report: FlapReport;
  try {
    report = await runFlapScenario(lab, { cycles, addressChanges, log: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    await lab.destroy();
  }
  const summary = summarize(report);
  const md = [
    '# Flap benchmark',
    '',
    machineLine(machine),
    '',
    `Command: \`${command}\`.`,
    '',
    `Lab (test/hardening/flap/scenario.ts): h0 runs one \`Mdns\` (child.ts, through tsx) publishing ${SERVICES} ${FLAP_TYPE}`,
    `services on flaphost.local and browsing ${FLAP_TYPE}, interface poll ${report.options.pollIntervalMs} ms; h1 runs the same with one service`,
    '("Flap Peer" on flappeer.local). Steps: h0\'s eth0 down (until boaster notices) and up; h0 renumbered to another',
    'TEST-NET-1 address; the peer flaps its link every fifth cycle and its address every second change. After each step',
    'both browsers must show the other side at its current addresses within 12 s, and the capture must show the changed',
    'host probing (RFC 6762 §8.1) and announcing (§8.3) every service with its current A record, and for an address change',
    "a goodbye (TTL 0) for the old A record and no later announcement of it (§10.1). Resources are h0's after a forced GC.",
    '',
    '```',
    formatFlapSummary(report, summary),
    '```',
    '',
    '| step | kind | host | ms | h0 sees peer (ms) | peer sees h0 (ms) | wire probe/announce/A/goodbye | RSS MiB | heap MiB | fds | handles | ok |',
    '|---:|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|',
    ...report.steps.map((s) => {
      const w = s.wire;
      const wire = w
        ? `${w.probed.length}/${w.announced.length}/${w.addressAnnounced ? 'yes' : 'no'}/${w.goodbye === null ? '-' : w.goodbye ? 'yes' : 'no'}`
        : '?';
      return `| ${s.index} | ${s.kind} | ${s.host} | ${s.durationMs} | ${String(s.viewMs)} | ${String(s.peerViewMs)} | ${wire} | ${(s.sample.rss / 2 ** 20).toFixed(1)} | ${(s.sample.heapUsed / 2 ** 20).toFixed(2)} | ${s.sample.fds} | ${s.sample.handles} | ${s.ok === true ? 'yes' : 'NO'} |`;
    }),
    '',
  ].join('\n');
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'flap.json'), `${JSON.stringify({ machine, command, summary, report }, null, 2)}\n`);
  writeFileSync(join(out, 'flap.md'), md);
  process.stdout.write(`${formatFlapSummary(report, summary)}\n`);
  if (report.failedSteps > 0 || report.uncaught.length > 0) process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/flap: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
