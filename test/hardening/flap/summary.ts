/**
 * Figures of a flap run (scenario.ts), shared by the lab test and
 * bench/flap.ts: how many steps passed each check, how long the browsers
 * took to be right, and h0's resource series with its least-squares slope
 * per 10 cycles (a cycle: one link down/up or one address change of h0).
 */
import type { Resources } from './flap-process.js';
import type { FlapReport, StepResult } from './scenario.js';

/** One resource over the run. */
export interface SeriesFigures {
  readonly start: number;
  readonly end: number;
  readonly min: number;
  readonly max: number;
  /** Least-squares slope per 10 cycles of h0, over every sample. */
  readonly slopePer10: number;
  /** The same over the second half only (after warm-up). */
  readonly lateSlopePer10: number;
}

export interface FlapSummary {
  readonly steps: number;
  readonly h0Cycles: number;
  readonly failedSteps: number;
  /** Steps passing each check, out of `steps`. */
  readonly passed: Readonly<Record<string, number>>;
  readonly viewMs: { readonly p50: number | null; readonly max: number | null };
  readonly peerViewMs: { readonly p50: number | null; readonly max: number | null };
  readonly rss: SeriesFigures;
  readonly heapUsed: SeriesFigures;
  readonly fds: SeriesFigures;
  readonly handles: SeriesFigures;
  readonly expectedErrors: number;
  readonly unexpectedErrors: number;
  readonly uncaught: number;
}

/** Least-squares slope of `points` ([x, y]) times 10. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 10;
}

/** A resource against h0's cycles done (a peer's step adds none): `start` at 0, then one sample per step. */
function series(
  start: Resources,
  steps: readonly StepResult[],
  key: keyof Omit<Resources, 'handlesByType'>,
): SeriesFigures {
  let cycles = 0;
  const points: [number, number][] = [[0, start[key]]];
  for (const step of steps) {
    if (step.host === 'h0') cycles++;
    points.push([cycles, step.sample[key]]);
  }
  const ys = points.map(([, y]) => y);
  return {
    start: start[key],
    end: ys[ys.length - 1] ?? start[key],
    min: Math.min(...ys),
    max: Math.max(...ys),
    slopePer10: slope(points),
    lateSlopePer10: slope(points.slice(Math.floor(points.length / 2))),
  };
}

function spread(values: readonly (number | null)[]): { p50: number | null; max: number | null } {
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (known.length === 0) return { p50: null, max: null };
  return { p50: known[Math.floor((known.length - 1) / 2)] ?? null, max: known[known.length - 1] ?? null };
}

const CHECKS: Readonly<Record<string, (s: StepResult, services: number) => boolean>> = {
  noticed: (s) => s.noticed,
  reannounced: (s) => s.reannounced,
  browserSeesPeer: (s) => s.viewMs !== null,
  peerSeesServices: (s) => s.peerViewMs !== null,
  probedOnWire: (s, n) => s.wire?.probed.length === n,
  announcedOnWire: (s, n) => s.wire?.announced.length === n,
  currentAddressOnWire: (s) => s.wire?.addressAnnounced === true,
  goodbyeForOldAddress: (s) => s.wire?.goodbye !== false,
  oldAddressNeverAgain: (s) => s.wire?.staleAfterGoodbye === 0,
  noUnexpectedError: (s) => s.errors.length === 0,
};

/** The figures of `report`. */
export function summarize(report: FlapReport): FlapSummary {
  const h0 = report.steps.filter((s) => s.host === 'h0');
  const services = (s: StepResult): number => (s.host === 'h0' ? report.options.services : 1);
  const passed: Record<string, number> = {};
  for (const [name, check] of Object.entries(CHECKS))
    passed[name] = report.steps.filter((s) => check(s, services(s))).length;
  return {
    steps: report.steps.length,
    h0Cycles: h0.length,
    failedSteps: report.failedSteps,
    passed,
    viewMs: spread(report.steps.map((s) => s.viewMs)),
    peerViewMs: spread(report.steps.map((s) => s.peerViewMs)),
    rss: series(report.start, report.steps, 'rss'),
    heapUsed: series(report.start, report.steps, 'heapUsed'),
    fds: series(report.start, report.steps, 'fds'),
    handles: series(report.start, report.steps, 'handles'),
    expectedErrors: report.steps.reduce((n, s) => n + s.expectedErrors, 0),
    unexpectedErrors: report.steps.reduce((n, s) => n + s.errors.length, 0),
    uncaught: report.uncaught.length,
  };
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

/** A plain-text account of `report` (for the bench's output and a failing test's message). */
export function formatFlapSummary(report: FlapReport, s: FlapSummary = summarize(report)): string {
  const fig = (name: string, f: SeriesFigures, unit: (n: number) => string): string =>
    `${name}: ${unit(f.start)} → ${unit(f.end)} (min ${unit(f.min)}, max ${unit(f.max)}; slope ${unit(f.slopePer10)}/10 cycles, second half ${unit(f.lateSlopePer10)}/10 cycles)`;
  const count = (n: number): string => n.toFixed(2).replace(/\.00$/, '');
  const failing = report.steps.filter((st) => st.ok !== true);
  return [
    `${s.steps} steps (${s.h0Cycles} of h0: ${report.options.cycles} link cycles + ${report.options.addressChanges} address changes; the rest the peer's), ${s.failedSteps} failed, wall ${(report.wallMs / 1000).toFixed(1)} s, ${report.capturedPackets} packets captured`,
    `checks passed: ${Object.entries(s.passed)
      .map(([k, v]) => `${k} ${v}/${s.steps}`)
      .join(', ')}`,
    `browser right after: p50 ${String(s.viewMs.p50)} ms, max ${String(s.viewMs.max)} ms (h0 sees the peer); p50 ${String(s.peerViewMs.p50)} ms, max ${String(s.peerViewMs.max)} ms (the peer sees h0)`,
    fig('h0 RSS', s.rss, mib),
    fig('h0 heapUsed (after GC)', s.heapUsed, mib),
    fig('h0 fds', s.fds, count),
    fig('h0 active handles', s.handles, count),
    `after close: fds ${report.closed.fds}, handles ${JSON.stringify(report.closed.handlesByType)}`,
    `errors: ${s.expectedErrors} expected (IPv6 bind during DAD after link-up; sends between a change and boaster noticing it), ${s.unexpectedErrors} unexpected; uncaught ${s.uncaught}`,
    ...failing
      .slice(0, 10)
      .map(
        (st) =>
          `FAILED step ${st.index} ${st.kind}@${st.host}: noticed ${String(st.noticed)} reannounced ${String(st.reannounced)} view ${String(st.viewMs)} peerView ${String(st.peerViewMs)} wire ${JSON.stringify(st.wire)} errors ${JSON.stringify(st.errors)}`,
      ),
  ].join('\n');
}
