/**
 * Churn soak (issue 15): 10 minutes of publish / updateTxt / updatePort /
 * rename / stop churn of about 300 services, with browsing, resolving and
 * queries running on a second core and python-zeroconf and dig querying
 * from another host. The scenario is test/hardening/soak/scenario.ts, run in
 * a lab of its own (two network namespaces, TEST-NET-1 only; needs Linux and
 * root), torn down before exit whatever happens.
 *
 * `npm run bench:soak -- [--minutes 10] [--seconds N] [--target 300]`
 * prints the figures and writes bench/results/soak.json (series, slopes
 * per minute, totals) and bench/results/soak.md, with the machine described.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { labUnavailableReason } from '../test/lab/availability.js';
import { createLab } from '../test/lab/lab.js';
import { formatSoakReport } from '../test/hardening/soak/report.js';
import { runSoak, SOAK_ANCHOR, SOAK_TYPE, type SoakReport } from '../test/hardening/soak/scenario.js';
import { describeMachine, machineLine } from './machine.js';

const MAX_SECONDS = 3_600;

function positive(text: string | undefined, fallback: number, max: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    process.stderr.write(`bench soak: --${what} must be a number in (0, ${max}], got ${text}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { minutes: { type: 'string' }, seconds: { type: 'string' }, target: { type: 'string' } },
    allowPositionals: false,
  });
  const seconds =
    values.seconds !== undefined
      ? positive(values.seconds, 600, MAX_SECONDS, 'seconds')
      : 60 * positive(values.minutes, 10, MAX_SECONDS / 60, 'minutes');
  const target = Math.round(positive(values.target, 300, 2_000, 'target'));
  const reason = labUnavailableReason(['python-zeroconf', 'dig']);
  if (reason) {
    process.stderr.write(`bench soak needs the network lab: ${reason}\n`);
    process.exit(1);
  }
  const machine = describeMachine();
  const command = `npm run bench:soak -- --seconds ${seconds} --target ${target}`;
  process.stdout.write(`${command}\nbuilding the lab and churning ${target} services for ${seconds} s…\n`);
  const lab = await createLab({ hosts: 2 });
  let report: SoakReport;
  try {
    report = await runSoak(lab, { seconds, target });
  } finally {
    await lab.destroy();
  }
  const md = [
    '# Churn soak',
    '',
    machineLine(machine),
    '',
    `Command: \`${command}\`.`,
    '',
    'Lab (test/hardening/soak/scenario.ts): h0 runs test/hardening/soak/churn-child.ts (`node --expose-gc --import tsx`, from `src/`):',
    `one \`Mdns\` publishes "${SOAK_ANCHOR}" and churns the ${SOAK_TYPE} services (publish, updateTxt, updatePort, rename, stop,`,
    'seeded); a second `Mdns` on its own core browses the type, starts a short-lived browser every 6 s (iterated with `for await`)',
    'and calls resolve(), query() and resolveHost(). h1 runs python-zeroconf browsing the type and `dig -p 5353 @h0` once a second.',
    'RSS, heap after gc, open fds (/proc/self/fd) and active handles are sampled in the child.',
    '',
    formatSoakReport(report),
    '',
    '## Series',
    '',
    '| t (s) | RSS | heap | fds | handles | live | ops | pending | browser view | cache records | timers (churn/peer) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...report.samples.map(
      (s) =>
        `| ${s.t.toFixed(0)} | ${(s.rssKiB / 1024).toFixed(1)} | ${(s.heapKiB / 1024).toFixed(1)} | ${s.fds} | ${s.handles} | ${s.live} | ${s.ops} | ${s.pending} | ${s.view} | ${s.cacheRecords} | ${s.timers.churn}/${s.timers.peer} |`,
    ),
    '',
    'RSS and heap in MiB.',
    '',
  ].join('\n');
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'soak.json'), `${JSON.stringify({ machine, command, report }, null, 2)}\n`);
  writeFileSync(join(out, 'soak.md'), md);
  process.stdout.write(`${md}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
