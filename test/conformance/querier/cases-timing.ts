/**
 * When a querier asks (RFC 6762 §5.2): the first query 20–120 ms after the
 * browse starts, intervals that at least double, and the refresh of a
 * record it wants at 80–95 % (+ up to 2 %) of its TTL.
 */
import { QUERIERS } from './targets.js';
import { REFRESH, instanceName } from './scenarios.js';
import { listedTtl, ms, ptrQueries, ptrSends, result, s1, type QuerierCase } from './common.js';

/** §5.2's window for the first query. */
export const FIRST_MIN_MS = 20;
export const FIRST_MAX_MS = 120;
/** Event-loop / scheduler lateness allowed on top of 120 ms on the loaded 2-core lab machine. */
export const FIRST_SLACK_MS = 30;

export const firstQuery: QuerierCase = {
  name: 'first-query',
  rfc: 'RFC 6762 §5.2',
  scenario: 'schedule',
  judge(run) {
    const q1 = ptrQueries(run)[0];
    if (run.origin === undefined) return result(this.name, 'NA', '-', 'the target never started browsing', run);
    if (!q1) return result(this.name, 'FAIL', 'none', 'no PTR query for the browsed type at all', run);
    const allowance = QUERIERS[run.target].startupAllowanceMs;
    const max = FIRST_MAX_MS + FIRST_SLACK_MS + allowance;
    const d = q1.at - run.origin;
    const origin =
      run.originKind === 'spawn'
        ? `the spawn of the browsing client (start-up allowance ${allowance} ms)`
        : "the clock read right before the browse call (the driver's ready line)";
    const about = `first PTR query ${ms(d)} ms after ${origin}; PASS within ${FIRST_MIN_MS}–${max} ms (120 + ${FIRST_SLACK_MS} ms timer slack${allowance ? ` + ${allowance}` : ''})`;
    const ok = d >= FIRST_MIN_MS && d <= max;
    return result(this.name, ok ? 'PASS' : 'FAIL', `${ms(d)}ms`, about, run);
  },
};

/** Queries judged for doubling, and the tolerance on each doubling. */
export const DOUBLING_QUERIES = 5;
export const DOUBLING_TOLERANCE_MS = 250;
/** §5.2: the second query at least one second after the first (50 ms for timers and capture). */
export const FIRST_GAP_MIN_MS = 950;

export const intervalDoubling: QuerierCase = {
  name: 'interval-doubling',
  rfc: 'RFC 6762 §5.2',
  scenario: 'schedule',
  judge(run) {
    const qs = ptrQueries(run).slice(0, DOUBLING_QUERIES);
    const gaps = qs.slice(1).map((q, i) => q.at - (qs[i]?.at ?? q.at));
    const fig = gaps.map((g) => s1(g)).join(',') || 'none';
    if (qs.length < DOUBLING_QUERIES - 1)
      return result(
        this.name,
        'FAIL',
        fig,
        `only ${qs.length} PTR queries (need ${DOUBLING_QUERIES - 1}, the responder answers only once)`,
        run,
      );
    const bad: string[] = [];
    if ((gaps[0] ?? 0) < FIRST_GAP_MIN_MS) bad.push(`first gap ${ms(gaps[0] ?? 0)} ms < 1 s`);
    for (let i = 1; i < gaps.length; i++) {
      const g = gaps[i] ?? 0;
      const before = gaps[i - 1] ?? 0;
      if (g < 2 * before - DOUBLING_TOLERANCE_MS)
        bad.push(`gap ${i + 1} ${ms(g)} ms < 2 × ${ms(before)} − ${DOUBLING_TOLERANCE_MS}`);
    }
    const about = `gaps (s) between the first ${qs.length} PTR queries; PASS when the first ≥ ${FIRST_GAP_MIN_MS} ms and each ≥ twice the one before − ${DOUBLING_TOLERANCE_MS} ms`;
    return result(
      this.name,
      bad.length ? 'FAIL' : 'PASS',
      fig,
      bad.length ? `${about}: ${bad.join('; ')}` : about,
      run,
    );
  },
};

/** §5.2: refresh queries at 80, 85, 90, 95 % of the TTL, each + 0–2 %; 50 ms for timers and capture. */
export const REFRESH_FROM = 0.8;
export const REFRESH_TO = 0.97;
const REFRESH_SLACK_MS = 50;

export const refresh: QuerierCase = {
  name: 'refresh',
  rfc: 'RFC 6762 §5.2',
  scenario: 'schedule',
  judge(run) {
    const fqdn = instanceName(REFRESH.label);
    const a = ptrSends(run, fqdn)[0];
    if (a === undefined)
      return result(
        this.name,
        'NA',
        '-',
        `the responder never announced ${REFRESH.label} (the target sent < 5 PTR queries?)`,
        run,
      );
    const ttlMs = REFRESH.ptrTtl * 1000;
    // Continuous queries of a doubling querier are ≥ 8 s apart by now: none is due in (50 %, 97 %] of 7 s after the announcement.
    const late = ptrQueries(run).filter((q) => q.at > a + ttlMs / 2 && q.at <= a + ttlMs);
    const pct = (t: number): string => `${Math.round(((t - a) / ttlMs) * 100)}%`;
    const fig = late.map((q) => pct(q.at)).join(',') || 'none';
    const from = a + REFRESH_FROM * ttlMs - REFRESH_SLACK_MS;
    const to = a + REFRESH_TO * ttlMs + REFRESH_SLACK_MS;
    const early = late.filter((q) => q.at < from);
    const inWindow = late.filter((q) => q.at >= from && q.at <= to);
    const listing = inWindow.filter((q) => listedTtl(q, fqdn) !== undefined);
    const about = `PTR queries after half of ${REFRESH.label}'s ${REFRESH.ptrTtl} s TTL (% of it since the announcement); PASS when the first is in ${REFRESH_FROM * 100}–${REFRESH_TO * 100} % and does not list it as known`;
    if (early.length > 0)
      return result(this.name, 'FAIL', fig, `${about}: re-queried at ${pct(early[0]?.at ?? a)}, before 80 %`, run);
    if (inWindow.length === 0)
      return result(this.name, 'FAIL', fig, `${about}: not re-queried before the record expired`, run);
    if (listing.length === inWindow.length)
      return result(this.name, 'FAIL', fig, `${about}: the queries listed the aging record as a known answer`, run);
    return result(this.name, 'PASS', fig, about, run);
  },
};
