/**
 * `npm run conformance [-- --target NAME ...] [--case NAME ...] [--fault NAME ...] [--out FILE-STEM] [--dump]`
 *
 * Runs the suite against each target in turn, prints the table and writes it
 * as JSON and Markdown (default results/latest.{json,md}). Exit code 1 when
 * a case is not PASS for boaster (other targets are reference points), 2 on
 * usage errors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isFault } from './faults.js';
import { dumpPackets, markdown, table, versions } from './report.js';
import { runTarget, selectCases, SERVICE, type TargetResult } from './suite.js';
import { TARGET_NAMES, type TargetName } from './targets.js';

const DEFAULT_OUT = fileURLToPath(new URL('./results/latest', import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', multiple: true },
      case: { type: 'string', multiple: true },
      fault: { type: 'string', multiple: true },
      out: { type: 'string' },
      dump: { type: 'boolean' },
    },
  });
  const split = (xs: string[] | undefined): string[] => (xs ?? []).flatMap((x) => x.split(',')).filter(Boolean);
  const targets = split(values.target);
  const selected = targets.length > 0 ? targets : [...TARGET_NAMES];
  const bad = selected.filter((t) => !(TARGET_NAMES as readonly string[]).includes(t));
  const faults = split(values.fault);
  const badFaults = faults.filter((f) => !isFault(f));
  if (bad.length > 0 || badFaults.length > 0) {
    process.stderr.write(
      `unknown ${bad.length ? `target(s) ${bad.join(', ')}; known: ${TARGET_NAMES.join(', ')}` : `fault(s) ${badFaults.join(', ')}`}\n`,
    );
    return 2;
  }
  const cases = split(values.case);
  try {
    selectCases(cases);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const results: TargetResult[] = [];
  for (const t of selected as TargetName[]) {
    process.stdout.write(`== ${t}\n`);
    const r = await runTarget(t, {
      cases,
      faults: t === 'boaster' ? faults : [],
      log: (l) => process.stdout.write(`${l}\n`),
      ...(values.dump ? { onScenario: (run) => process.stdout.write(`${dumpPackets(run)}\n`) } : {}),
    });
    for (const c of r.cases) process.stdout.write(`  ${c.name}: ${c.status} ${c.figure} — ${c.detail}\n`);
    results.push(r);
  }
  const date = new Date().toISOString();
  const vers = await versions();
  process.stdout.write(`\n${table(results)}\n`);
  const out = resolve(values.out ?? DEFAULT_OUT);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.json`, `${JSON.stringify({ date, versions: vers, service: SERVICE, results }, null, 2)}\n`);
  writeFileSync(`${out}.md`, markdown(results, date, vers));
  process.stdout.write(`written ${out}.json and ${out}.md\n`);
  const boaster = results.find((r) => r.target === 'boaster');
  return boaster?.cases.some((c) => c.status !== 'PASS') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
