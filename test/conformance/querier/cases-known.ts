/**
 * Traffic reduction on the querier's side (RFC 6762 §7): known answers
 * while more than half their TTL remains (§7.1), spread over TC packets when
 * they do not fit in one (§7.2), and a query skipped when another host asked
 * the same QM question listing no known answer we would not list ourselves
 * (§7.3) — and not skipped when it listed one we lack.
 */
import { normName } from '../packets.js';
import {
  DUP_BEFORE_NEXT_MS,
  FOREIGN,
  KNOWN,
  PTR_NAME,
  TC_INSTANCES,
  instanceName,
  tcLabel,
  type QuerierRun,
} from './scenarios.js';
import {
  listedTtl,
  ms,
  ptrData,
  ptrQueries,
  ptrSends,
  result,
  s1,
  sendOf,
  ttlOf,
  type PtrQuery,
  type QuerierCase,
} from './common.js';

/** Queries this close to the half-TTL point (s) are not judged (rounding, timers). */
const HALF_MARGIN_S = 1;
/** A query this soon after the record was sent may have been built before it arrived. */
const IN_FLIGHT_MS = 100;

export const knownAnswers: QuerierCase = {
  name: 'known-answers',
  rfc: 'RFC 6762 §7.1',
  scenario: 'schedule',
  judge(run) {
    const fqdn = instanceName(KNOWN.label);
    const sends = ptrSends(run, fqdn);
    const goodbye = sendOf(run, 'goodbye-K') ?? Infinity;
    if (sends.length === 0) return result(this.name, 'NA', '-', `the responder never announced ${KNOWN.label}`, run);
    const cells: string[] = [];
    const bad: string[] = [];
    let judgedIn = 0;
    let judgedOut = 0;
    for (const q of ptrQueries(run)) {
      const last = sends.filter((s) => s <= q.at - IN_FLIGHT_MS).pop();
      if (last === undefined || q.at >= goodbye) continue;
      const remaining = KNOWN.ptrTtl - (q.at - last) / 1000;
      const ttl = listedTtl(q, fqdn);
      cells.push(`${s1(remaining * 1000)}:${ttl === undefined ? '-' : ttl}`);
      if (Math.abs(remaining - KNOWN.ptrTtl / 2) < HALF_MARGIN_S) continue;
      const want = remaining > KNOWN.ptrTtl / 2;
      if (want) judgedIn++;
      else judgedOut++;
      if (want && ttl === undefined) bad.push(`not listed with ${s1(remaining * 1000)} s of ${KNOWN.ptrTtl} left`);
      if (!want && ttl !== undefined)
        bad.push(`listed (TTL ${ttl}) with only ${s1(remaining * 1000)} s of ${KNOWN.ptrTtl} left`);
    }
    const fig = cells.join(' ') || 'none';
    const extended = ptrQueries(run).some((q) => (listedTtl(q, fqdn) ?? 0) > KNOWN.ptrTtl);
    if (extended) bad.push(`the target lists a TTL above the record's own ${KNOWN.ptrTtl} s (it extended the TTL)`);
    const about = `per PTR query: remaining TTL (s) of ${KNOWN.label}'s PTR (TTL ${KNOWN.ptrTtl}) : TTL listed as known answer; PASS when listed above half and not below (±${HALF_MARGIN_S} s not judged)`;
    if (bad.length > 0) return result(this.name, 'FAIL', fig, `${about}: ${bad.join('; ')}`, run);
    if (judgedIn < 2 || judgedOut < 1)
      return result(
        this.name,
        'NA',
        fig,
        `${about}: too few queries to judge (${judgedIn} above half, ${judgedOut} below)`,
        run,
      );
    return result(this.name, 'PASS', fig, about, run);
  },
};

export const tcKnownAnswers: QuerierCase = {
  name: 'tc-known-answers',
  rfc: 'RFC 6762 §7.2',
  scenario: 'tc',
  judge(run) {
    const announced = (run.responder?.sent ?? []).filter((s) => s.label === 'announce-T').map((s) => s.at);
    if (announced.length === 0) return result(this.name, 'NA', '-', 'the responder never announced the instances', run);
    const done = Math.max(...announced);
    const q = ptrQueries(run).find((x) => x.at > done + 200);
    if (!q)
      return result(this.name, 'FAIL', 'none', `no PTR query after the ${TC_INSTANCES} instances were announced`, run);
    const names = new Set(Array.from({ length: TC_INSTANCES }, (_, i) => normName(instanceName(tcLabel(i + 1)))));
    const listed = new Set(
      q.knownAnswers
        .filter((a) => a.type === 'PTR' && normName(a.name) === normName(PTR_NAME) && ttlOf(a) > 0)
        .map((a) => normName(ptrData(a))),
    );
    const covered = [...names].filter((n) => listed.has(n)).length;
    const n = q.packets.length;
    const tc = q.packets.filter((p) => p.msg?.flag_tc === true).length;
    const bytes = Math.max(...q.packets.map((p) => p.payload.length));
    const fig = `packets:${n} tc:${tc} known:${covered}/${TC_INSTANCES} max:${bytes}B`;
    const bad: string[] = [];
    if (n < 2) bad.push('one packet: the known answers did not go on in more');
    q.packets.forEach((p, i) => {
      const m = p.msg;
      const last = i === n - 1;
      if (!last && m?.flag_tc !== true) bad.push(`packet ${i + 1} of ${n} without TC`);
      if (last && m?.flag_tc === true) bad.push(`the last packet has TC`);
      if (
        i > 0 &&
        ((m?.questions ?? []).length > 0 || (m?.authorities ?? []).length > 0 || (m?.answers ?? []).length === 0)
      )
        bad.push(`packet ${i + 1} is not known answers only`);
    });
    if (covered < TC_INSTANCES)
      bad.push(`${TC_INSTANCES - covered} of the instances' PTRs missing from the known answers`);
    const about = `the first PTR query after ${TC_INSTANCES} PTRs (TTL 4500) were announced; PASS when every packet but the last has TC, the rest carry known answers only, and all ${TC_INSTANCES} are listed`;
    return result(
      this.name,
      bad.length ? 'FAIL' : 'PASS',
      fig,
      bad.length ? `${about}: ${bad.join('; ')}` : about,
      run,
    );
  },
};

/** After the expected time of the skipped query, this long must pass without one. */
const SKIP_MARGIN_MS = 1500;

interface DupObservation {
  readonly expected: number;
  readonly before: number;
  readonly lists: string;
  /** The target's PTR queries from the duplicate until SKIP_MARGIN_MS past the due time, and the first after. */
  readonly inWindow: readonly PtrQuery[];
  readonly after: PtrQuery | undefined;
  readonly fig: string;
}

/** The duplicate question and the target's PTR queries around it, or why there is none. */
function observeDup(run: QuerierRun): DupObservation | string {
  const qs = ptrQueries(run);
  const dup = run.responder?.sent.find((s) => s.label === 'dup');
  const [, q2, q3] = qs;
  if (!dup || !q2 || !q3) return 'the tester never sent the duplicate question (fewer than 3 PTR queries?)';
  const expected = q3.at + 2 * (q3.at - q2.at);
  const until = expected + SKIP_MARGIN_MS;
  const names = (dup.msg?.answers ?? []).map((a) => ptrData(a).split('.')[0] ?? '').filter(Boolean);
  const inWindow = qs.filter((q) => q.at > dup.at && q.at <= until);
  const after = qs.find((q) => q.at > until);
  const fig = `dup:${s1(expected - dup.at)}s-before sent:${inWindow.length ? `${s1((inWindow[0]?.at ?? 0) - dup.at)}s-after` : 'skipped'} next:${after ? `${s1(after.at - dup.at)}s-after` : 'none'}`;
  if (expected - dup.at < DUP_BEFORE_NEXT_MS / 2) return 'the duplicate came too late to judge';
  return { expected, before: expected - dup.at, lists: names.join(', ') || 'none', inWindow, after, fig };
}

export const duplicateQuestion: QuerierCase = {
  name: 'duplicate-question',
  rfc: 'RFC 6762 §7.3',
  scenario: 'suppression',
  judge(run) {
    const o = observeDup(run);
    if (typeof o === 'string') return result(this.name, 'NA', '-', o, run);
    const about = `another host asked the same QM PTR question ${ms(o.before)} ms before the target's 4th query was due (q3 + 2·(q3 − q2)), listing q3's known answers (${o.lists}); PASS when no PTR query follows until ${SKIP_MARGIN_MS} ms past that time, and querying goes on later`;
    if (o.inWindow.length > 0) return result(this.name, 'FAIL', o.fig, `${about}: the query was sent anyway`, run);
    if (!o.after) return result(this.name, 'FAIL', o.fig, `${about}: the target stopped querying`, run);
    return result(this.name, 'PASS', o.fig, about, run);
  },
};

export const duplicateQuestionForeign: QuerierCase = {
  name: 'duplicate-question-foreign',
  rfc: 'RFC 6762 §7.3',
  scenario: 'suppression-foreign',
  judge(run) {
    const o = observeDup(run);
    if (typeof o === 'string') return result(this.name, 'NA', '-', o, run);
    const about = `as duplicate-question, but the other host's known answers (${o.lists}) also hold ${FOREIGN.label}'s PTR, which the target does not have; §7.3 suppresses only when they hold nothing the target would not list itself (responders stay silent about what is listed), so PASS when the target's query still goes out by ${SKIP_MARGIN_MS} ms past its due time`;
    if (o.inWindow.length === 0) return result(this.name, 'FAIL', o.fig, `${about}: the query was skipped`, run);
    return result(this.name, 'PASS', o.fig, about, run);
  },
};
