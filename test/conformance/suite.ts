/**
 * The suite: for a target, run the scenarios the selected cases need (each in
 * a fresh lab), then judge every case. Used by `npm run conformance` (run.ts)
 * and by the CI test (conformance.lab.test.ts).
 */
import { CASES, type CaseResult, type ConformanceCase, type Runs } from './cases/index.js';
import { runScenario, type ScenarioName, type ScenarioRun } from './scenario.js';
import { SCENARIOS } from './scenarios.js';
import type { ServiceSpec, TargetName } from './targets.js';

/** The service every scenario publishes. */
export const SERVICE: ServiceSpec = {
  name: 'Conformance Test',
  type: '_boaster-conf._tcp',
  port: 4242,
  txt: { a: '1' },
  subtype: '_conf',
};

export interface SuiteOptions {
  /** Case names to judge (default all); only the scenarios they need run. */
  readonly cases?: readonly string[];
  /** boaster only: deliberate faults (faults.ts). */
  readonly faults?: readonly string[];
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /** Called with every scenario's observations (e.g. to print the packets). */
  readonly onScenario?: (run: ScenarioRun) => void;
}

export interface TargetResult {
  readonly target: TargetName;
  readonly faults: readonly string[];
  readonly cases: readonly CaseResult[];
  /** Per scenario: seconds it took, packets captured, error if any. */
  readonly scenarios: readonly { name: ScenarioName; seconds: number; packets: number; error?: string }[];
}

export function selectCases(names?: readonly string[]): ConformanceCase[] {
  if (!names || names.length === 0) return [...CASES];
  const unknown = names.filter((n) => !CASES.some((c) => c.name === n));
  if (unknown.length > 0)
    throw new Error(`unknown case(s) ${unknown.join(', ')}; known: ${CASES.map((c) => c.name).join(', ')}`);
  return CASES.filter((c) => names.includes(c.name));
}

/** Judge one case; an exception or a failed scenario becomes ERROR with the reason. */
function judge(c: ConformanceCase, runs: Runs): CaseResult {
  try {
    const r = c.judge(runs);
    const broken = c.scenarios.map((s) => runs[s]).filter((run) => run?.error !== undefined);
    if (broken.length > 0 && r.status !== 'FAIL') {
      return {
        ...r,
        status: 'ERROR',
        detail: `${r.detail} [scenario error: ${broken.map((b) => `${b?.scenario}: ${b?.error}`).join('; ')}]`,
      };
    }
    return r;
  } catch (e) {
    return { name: c.name, status: 'ERROR', figure: '-', detail: e instanceof Error ? e.message : String(e) };
  }
}

export async function runTarget(target: TargetName, options: SuiteOptions = {}): Promise<TargetResult> {
  const cases = selectCases(options.cases);
  const needed = [...new Set(cases.flatMap((c) => c.scenarios))];
  const runs: Runs = {};
  const scenarios: TargetResult['scenarios'][number][] = [];
  for (const name of needed) {
    const t0 = Date.now();
    options.log?.(`  ${target}: scenario ${name} — ${SCENARIOS[name].about}`);
    const run = await runScenario(SCENARIOS[name], target, SERVICE, options.faults ?? []);
    runs[name] = run;
    options.onScenario?.(run);
    scenarios.push({
      name,
      seconds: Math.round((Date.now() - t0) / 1000),
      packets: run.packets.length,
      ...(run.error ? { error: run.error } : {}),
    });
    if (run.error) options.log?.(`    error: ${run.error}\n    target output: ${run.output.slice(-600)}`);
  }
  return { target, faults: options.faults ?? [], cases: cases.map((c) => judge(c, runs)), scenarios };
}
