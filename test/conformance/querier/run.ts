/**
 * `npx tsx test/conformance/querier/run.ts [--target NAME ...] [--case NAME ...] [--out FILE-STEM]`
 *
 * Runs the querier suite against each target in turn (default boaster,
 * avahi, python-zeroconf), prints the table and writes it as JSON and
 * Markdown (default ../results/querier-latest.{json,md}). Exit code 1 when a
 * case is not PASS for boaster (the others are reference points), 2 on usage errors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { versions } from '../report.js';
import {
  querierMarkdown,
  querierTable,
  runQuerierTarget,
  selectQuerierCases,
  type QuerierTargetResult,
} from './suite.js';
import { QUERIER_NAMES, type QuerierName } from './targets.js';

const DEFAULT_OUT = fileURLToPath(new URL('../results/querier-latest', import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', multiple: true },
      case: { type: 'string', multiple: true },
      out: { type: 'string' },
    },
  });
  const split = (xs: string[] | undefined): string[] => (xs ?? []).flatMap((x) => x.split(',')).filter(Boolean);
  const targets = split(values.target);
  const selected = targets.length > 0 ? targets : [...QUERIER_NAMES];
  const bad = selected.filter((t) => !(QUERIER_NAMES as readonly string[]).includes(t));
  if (bad.length > 0) {
    process.stderr.write(`unknown target(s) ${bad.join(', ')}; known: ${QUERIER_NAMES.join(', ')}\n`);
    return 2;
  }
  const cases = split(values.case);
  try {
    selectQuerierCases(cases);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const results: QuerierTargetResult[] = [];
  for (const t of selected as QuerierName[]) {
    process.stdout.write(`== ${t}\n`);
    const r = await runQuerierTarget(t, { cases, log: (l) => process.stdout.write(`${l}\n`) });
    for (const c of r.cases) process.stdout.write(`  ${c.name}: ${c.status} ${c.figure} — ${c.detail}\n`);
    results.push(r);
  }
  const date = new Date().toISOString();
  const all = await versions();
  const vers = Object.fromEntries(Object.entries(all).filter(([k]) => k !== 'ciao'));
  process.stdout.write(`\n${querierTable(results)}\n`);
  const out = resolve(values.out ?? DEFAULT_OUT);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.json`, `${JSON.stringify({ date, versions: vers, results }, null, 2)}\n`);
  writeFileSync(`${out}.md`, querierMarkdown(results, date, vers));
  process.stdout.write(`written ${out}.json and ${out}.md\n`);
  return results.find((r) => r.target === 'boaster')?.cases.some((c) => c.status !== 'PASS') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
