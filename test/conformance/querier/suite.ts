/**
 * The querier suite: for a target, run the scenarios the selected cases need
 * (each in a fresh lab) and judge every case; the results as a console table
 * and as Markdown. Used by run.ts and by the CI test (../querier.lab.test.ts).
 */
import { QUERIER_CASES, type QCaseResult, type QuerierCase } from './cases.js';
import type { QRuns } from './common.js';
import { QUERIER_SCENARIOS, runQuerierScenario, type QuerierRun, type QuerierScenarioName } from './scenarios.js';
import { QUERIERS, type QuerierName } from './targets.js';

export interface QuerierTargetResult {
  readonly target: QuerierName;
  readonly command: string;
  readonly cases: readonly QCaseResult[];
  readonly scenarios: readonly { name: QuerierScenarioName; seconds: number; packets: number; error?: string }[];
}

export function selectQuerierCases(names?: readonly string[]): QuerierCase[] {
  if (!names || names.length === 0) return [...QUERIER_CASES];
  const unknown = names.filter((n) => !QUERIER_CASES.some((c) => c.name === n));
  if (unknown.length > 0)
    throw new Error(`unknown case(s) ${unknown.join(', ')}; known: ${QUERIER_CASES.map((c) => c.name).join(', ')}`);
  return QUERIER_CASES.filter((c) => names.includes(c.name));
}

function judge(c: QuerierCase, run: QuerierRun | undefined): QCaseResult {
  if (!run) return { name: c.name, status: 'NA', figure: '-', detail: `scenario ${c.scenario} did not run` };
  try {
    return c.judge(run);
  } catch (e) {
    return {
      name: c.name,
      status: 'NA',
      figure: '-',
      detail: `could not judge: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

export async function runQuerierTarget(
  target: QuerierName,
  options: { cases?: readonly string[]; log?: (line: string) => void; onRun?: (run: QuerierRun) => void } = {},
): Promise<QuerierTargetResult> {
  const cases = selectQuerierCases(options.cases);
  const needed = [...new Set(cases.map((c) => c.scenario))];
  const runs: QRuns = {};
  const scenarios: QuerierTargetResult['scenarios'][number][] = [];
  for (const name of needed) {
    const t0 = Date.now();
    options.log?.(`  ${target}: scenario ${name} — ${QUERIER_SCENARIOS[name].about}`);
    const run = await runQuerierScenario(name, target);
    runs[name] = run;
    options.onRun?.(run);
    scenarios.push({
      name,
      seconds: Math.round((Date.now() - t0) / 1000),
      packets: run.packets.length,
      ...(run.error ? { error: run.error } : {}),
    });
    if (run.error) options.log?.(`    error: ${run.error}\n    target output: ${run.output.slice(-600)}`);
  }
  return { target, command: QUERIERS[target].command, cases: cases.map((c) => judge(c, runs[c.scenario])), scenarios };
}

const caseNames = (results: readonly QuerierTargetResult[]): string[] =>
  QUERIER_CASES.map((c) => c.name).filter((n) => results.some((r) => r.cases.some((x) => x.name === n)));

/** Plain table for the console: one row per case, one column per target. */
export function querierTable(results: readonly QuerierTargetResult[]): string {
  const rows: string[][] = [['case', ...results.map((r) => r.target)]];
  for (const n of caseNames(results))
    rows.push([n, ...results.map((r) => r.cases.find((c) => c.name === n)?.status ?? '-')]);
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

export function querierMarkdown(
  results: readonly QuerierTargetResult[],
  date: string,
  vers: Readonly<Record<string, string>>,
): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const rfc = (n: string): string => QUERIER_CASES.find((c) => c.name === n)?.rfc ?? '';
  const lines = [
    '# Querier conformance results',
    '',
    `Produced by \`npx tsx test/conformance/querier/run.ts\` on ${date}.`,
    '',
    ...Object.entries(vers).map(([k, v]) => `- ${k}: ${v}`),
    ...results.map((r) => `- ${r.target}: ${r.command}`),
    '',
    `| case | RFC | ${results.map((r) => r.target).join(' | ')} |`,
    `|---|---|${results.map(() => '---').join('|')}|`,
    ...caseNames(results).map(
      (n) =>
        `| ${n} | ${rfc(n)} | ${results
          .map((r) => {
            const c = r.cases.find((x) => x.name === n);
            return c ? `**${c.status}** ${esc(c.figure)}` : '-';
          })
          .join(' | ')} |`,
    ),
    '',
    '## Details',
    '',
  ];
  for (const r of results) {
    lines.push(`### ${r.target}`, '');
    lines.push(
      `Scenarios: ${r.scenarios.map((s) => `${s.name} ${s.seconds}s/${s.packets} packets${s.error ? ` (error: ${esc(s.error)})` : ''}`).join(', ')}.`,
      '',
    );
    for (const c of r.cases) lines.push(`- **${c.name}** ${c.status} — ${c.figure}. ${c.detail}`);
    lines.push('');
  }
  return lines.join('\n');
}
