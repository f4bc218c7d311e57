/**
 * Cases about how a target answers queries: legacy unicast, reply timing
 * (unique and shared), QU questions and several questions in one query.
 * Judged from what the tester in h1 received (arrival times taken there).
 */
import { AT, QM_COUNT, tag } from '../basic-plan.js';
import type { ScenarioRun } from '../scenario.js';
import { SHARED_QUERIES, sharedNames } from '../scenarios.js';
import type { Family } from '../tester.js';
import {
  answersOf,
  type ConformanceCase,
  exchange,
  families,
  firstAnswer,
  flush,
  judgeRun,
  r1,
  recordsOf,
  testerErrors,
  ttlOf,
  Verdict,
} from './common.js';
import { normName } from '../packets.js';

function judgeLegacy(v: Verdict, run: ScenarioRun, fam: Family): void {
  const x = exchange(run, tag('legacy', fam));
  if (!x) return v.add('ERROR', `IPv${fam}: the legacy query was not sent`);
  const reply = x.replies.find((d) => d.sock === 'ephemeral');
  if (!reply?.msg) {
    v.figure(`v${fam}: no reply`);
    return v.add('FAIL', `IPv${fam}: no response to the query's source port`);
  }
  const m = reply.msg;
  const recs = recordsOf(m).filter((r) => r.type !== 'OPT');
  const maxTtl = Math.max(0, ...recs.map(ttlOf));
  v.figure(`v${fam}: ${r1(reply.at - x.send.at)}ms maxTTL=${maxTtl}`);
  if (m.id !== x.send.msg?.id) v.add('FAIL', `IPv${fam}: id ${String(m.id)} ≠ query id ${String(x.send.msg?.id)}`);
  const q = x.send.msg?.questions?.[0];
  if (!(m.questions ?? []).some((e) => q !== undefined && normName(e.name) === normName(q.name) && e.type === q.type))
    v.add('FAIL', `IPv${fam}: question not echoed`);
  if (answersOf(m, 'SRV', run.names.instance).length === 0) v.add('FAIL', `IPv${fam}: no SRV answer`);
  const long = recs.filter((r) => ttlOf(r) > 10);
  if (long.length > 0)
    v.add('FAIL', `IPv${fam}: TTL > 10 on ${long.map((r) => `${r.type} ${r.name} ${ttlOf(r)}`).join('; ')} (§6.7)`);
  const flushed = recs.filter(flush);
  if (flushed.length > 0)
    v.add(
      'FAIL',
      `IPv${fam}: cache-flush bit on ${flushed.map((r) => `${r.type} ${r.name}`).join('; ')} (§6.7: MUST NOT)`,
    );
  if (reply.port !== 5353) v.add('PASS', `IPv${fam}: reply from port ${reply.port}`);
}

export const legacyUnicast: ConformanceCase = {
  name: 'legacy-unicast',
  rfc: 'RFC 6762 §6.7',
  scenarios: ['basic'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      for (const fam of families(run)) judgeLegacy(v, run, fam);
      for (const [label, dig] of Object.entries(run.dig)) {
        v.figure(`dig${label}:${dig.formerr ? 'FORMERR' : (dig.status ?? 'no-reply')}`);
        if (dig.formerr || dig.status !== 'NOERROR')
          v.add(
            'FAIL',
            `dig ${label}: ${dig.formerr ? 'FORMERR' : dig.status === undefined ? 'no reply' : dig.status}`,
          );
      }
      if (Object.keys(run.dig).length < families(run).length) v.add('ERROR', 'dig did not run for every family');
      if (v.status === 'PASS')
        v.add('PASS', 'id and question echoed, reply to the source port, every TTL ≤ 10, no cache-flush; dig NOERROR');
      v.notes.push(...(testerErrors(run) ? [testerErrors(run)] : []));
      return v.result();
    });
  },
};

/** RFC 6762 §6: unique answers within 10 ms (BCT: warn above 10 ms, fail above 750 ms). */
export const UNIQUE_WARN_MS = 10;
export const UNIQUE_FAIL_MS = 750;

export const uniqueReplyTiming: ConformanceCase = {
  name: 'unique-reply-timing',
  rfc: 'RFC 6762 §6',
  scenarios: ['basic'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      const delays: number[] = [];
      for (const fam of families(run)) {
        for (let k = 1; k <= QM_COUNT; k++) {
          const x = exchange(run, tag(`qm-${k}`, fam));
          if (!x) continue;
          const hit = firstAnswer(x, 'SRV', run.names.instance);
          delays.push(hit ? hit.delay : Infinity);
        }
      }
      if (delays.length === 0)
        return { name: this.name, status: 'ERROR', figure: '-', detail: `no query sent${testerErrors(run)}` };
      const sorted = [...delays].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? Infinity;
      const max = sorted[sorted.length - 1] ?? Infinity;
      v.figure(
        `median ${Number.isFinite(median) ? r1(median) : '∞'}ms max ${Number.isFinite(max) ? r1(max) : '∞'}ms n=${delays.length}`,
      );
      const unanswered = delays.filter((d) => !Number.isFinite(d)).length;
      if (unanswered > 0) v.add('FAIL', `${unanswered}/${delays.length} SRV queries unanswered within 1 s`);
      // Judged on the median, so one reply delayed by the tester's own scheduling does not decide.
      if (median > UNIQUE_FAIL_MS) v.add('FAIL', `median ${r1(median)} ms > ${UNIQUE_FAIL_MS} ms`);
      else if (median > UNIQUE_WARN_MS)
        v.add('WARN', `median ${r1(median)} ms > ${UNIQUE_WARN_MS} ms (§6: unique answers SHOULD go within 10 ms)`);
      v.add(
        'PASS',
        `query → SRV arrival at the tester over IPv4 and IPv6: [${delays.map((d) => (Number.isFinite(d) ? r1(d) : '-')).join(', ')}] ms`,
      );
      return v.result();
    });
  },
};

/** RFC 6762 §6: shared answers 20–120 ms later, uniformly. */
export const SHARED_MIN_MS = 20;
export const SHARED_MAX_MS = 120;
/** Answers up to this late still count as in range (scheduling on a shared 2-core VM). */
export const SHARED_LATE_OK_MS = 125;
/** Share of answers allowed outside 20–125 ms before the case fails. */
export const SHARED_OUTLIERS_OK = 0.02;
export const SHARED_MIN_SAMPLES = 100;
/** Share of the samples each quarter of 20–120 ms must get. */
export const QUARTER_MIN = 0.15;
export const QUARTER_MAX = 0.35;

/**
 * Delay of each shared answer, from the capture on the link (query seen →
 * answer seen), so neither end's event loop adds to it.
 */
function sharedDelays(run: ScenarioRun): { delays: number[]; unanswered: number } {
  const names = sharedNames(run.names);
  const delays: number[] = [];
  let unanswered = 0;
  const queries = run.packets.filter(
    (p) => run.testerAddresses.has(p.src) && p.family === 4 && p.msg && !p.msg.flag_qr,
  );
  const answers = run.packets.filter(
    (p) => run.targetAddresses.has(p.src) && p.family === 4 && p.msg?.flag_qr === true && p.dst === '224.0.0.251',
  );
  for (let i = 0; i < SHARED_QUERIES; i++) {
    const send = run.tester?.sent.find((x) => x.label === `shared-${i}`);
    const name = names[i % names.length] ?? '';
    if (!send) continue;
    const seen = queries.find(
      (q) => Math.abs(q.at - send.at) < 50 && (q.msg?.questions ?? []).some((x) => normName(x.name) === normName(name)),
    );
    const answer =
      seen && answers.find((a) => a.at > seen.at && a.at < seen.at + 1000 && answersOf(a.msg, 'PTR', name).length > 0);
    if (seen && answer) delays.push(answer.at - seen.at);
    else unanswered += 1;
  }
  return { delays, unanswered };
}

export const sharedReplyTiming: ConformanceCase = {
  name: 'shared-reply-timing',
  rfc: 'RFC 6762 §6',
  scenarios: ['shared-timing'],
  judge(runs) {
    return judgeRun(this.name, runs, 'shared-timing', (v, run) => {
      const { delays, unanswered } = sharedDelays(run);
      const n = delays.length;
      const span = SHARED_MAX_MS - SHARED_MIN_MS;
      const quarter = (d: number): number => Math.min(3, Math.floor(((d - SHARED_MIN_MS) / span) * 4));
      const inRange = delays.filter((d) => d >= SHARED_MIN_MS && d <= SHARED_LATE_OK_MS);
      const quarters = [0, 1, 2, 3].map((q) => inRange.filter((d) => quarter(d) === q).length);
      const outside = delays.filter((d) => d < SHARED_MIN_MS || d > SHARED_LATE_OK_MS);
      const pct = (k: number): string => `${Math.round((100 * k) / Math.max(1, n))}%`;
      v.figure(`n=${n} quarters=${quarters.map(pct).join('/')} out=${outside.length}`);
      if (n < SHARED_MIN_SAMPLES)
        v.add('FAIL', `${n} answered queries, need ≥ ${SHARED_MIN_SAMPLES} (${unanswered} unanswered)`);
      if (outside.length > n * SHARED_OUTLIERS_OK)
        v.add(
          'FAIL',
          `${outside.length} answer(s) outside ${SHARED_MIN_MS}–${SHARED_LATE_OK_MS} ms: ${outside.slice(0, 5).map(r1).join(', ')} ms`,
        );
      else if (outside.length > 0)
        v.add(
          'PASS',
          `${outside.length} answer(s) outside ${SHARED_MIN_MS}–${SHARED_LATE_OK_MS} ms tolerated (≤ ${SHARED_OUTLIERS_OK * 100}%): ${outside.map(r1).join(', ')} ms`,
        );
      quarters.forEach((k, q) => {
        if (n > 0 && (k / n < QUARTER_MIN || k / n > QUARTER_MAX))
          v.add(
            'FAIL',
            `quarter ${q + 1} of ${SHARED_MIN_MS}–${SHARED_MAX_MS} ms got ${pct(k)}, need ${QUARTER_MIN * 100}–${QUARTER_MAX * 100}% (uniform delay)`,
          );
      });
      if (n > 0)
        v.add(
          'PASS',
          `query → answer on the link (capture): min ${r1(Math.min(...delays))} ms, max ${r1(Math.max(...delays))} ms, PTR queries for ${sharedNames(run.names).join(', ')}${unanswered ? `; ${unanswered} unanswered` : ''}`,
        );
      return v.result();
    });
  },
};

export const quUnicast: ConformanceCase = {
  name: 'qu-unicast',
  rfc: 'RFC 6762 §5.4',
  scenarios: ['basic'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      for (const fam of families(run)) {
        const x = exchange(run, tag('qu-early', fam));
        if (!x) {
          v.add('ERROR', `IPv${fam}: QU query not sent`);
          continue;
        }
        const uni = firstAnswer(x, 'SRV', run.names.instance, 'unicast');
        const multi = firstAnswer(x, 'SRV', run.names.instance, 'multicast');
        v.figure(`v${fam}:${uni ? `unicast ${r1(uni.delay)}ms` : multi ? `multicast ${r1(multi.delay)}ms` : 'none'}`);
        if (!uni && !multi) v.add('FAIL', `IPv${fam}: QU query right after the announcements not answered`);
        else if (!uni)
          v.add(
            'WARN',
            `IPv${fam}: answered by multicast only (allowed, but §5.4 asks for unicast when the record was multicast within 1/4 TTL)`,
          );
      }
      // A QU query long after the last multicast of the record (> 1/4 of its TTL) must be answered by multicast.
      const late = exchange(run, tag('qu-late', 4));
      if (!late) v.add('ERROR', 'late QU query not sent');
      else {
        const multi = firstAnswer(late, 'SRV', run.names.instance, 'multicast');
        const uni = firstAnswer(late, 'SRV', run.names.instance, 'unicast');
        v.figure(`late:${multi ? `multicast ${r1(multi.delay)}ms` : uni ? 'unicast only' : 'none'}`);
        if (!multi)
          v.add(
            'FAIL',
            `QU query ${Math.round(AT.quLate / 1000) + 33} s after the announcements: ${uni ? 'unicast only' : 'no answer'}; §5.4 requires multicast when the record was not multicast within 1/4 of its TTL`,
          );
      }
      if (v.status === 'PASS')
        v.add(
          'PASS',
          'unicast reply right after the announcements, multicast reply when the record was not multicast within 1/4 TTL',
        );
      return v.result();
    });
  },
};

export const multipleQuestions: ConformanceCase = {
  name: 'multiple-questions',
  rfc: 'RFC 6762 §6, §6.4',
  scenarios: ['basic'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      for (const fam of families(run)) {
        const x = exchange(run, tag('multi', fam));
        if (!x) {
          v.add('ERROR', `IPv${fam}: query not sent`);
          continue;
        }
        const want: [string, string][] = [
          ['SRV', run.names.instance],
          ['TXT', run.names.instance],
          [fam === 4 ? 'A' : 'AAAA', run.names.hostName],
        ];
        const mcast = x.replies.filter((d) => d.sock === 'multicast');
        const missing = want.filter(([t, n]) => !mcast.some((d) => answersOf(d.msg, t, n).length > 0));
        const carrying = mcast.filter((d) => want.some(([t, n]) => answersOf(d.msg, t, n).length > 0));
        v.figure(`v${fam}:${want.length - missing.length}/${want.length} in ${carrying.length} pkt`);
        if (missing.length > 0) v.add('FAIL', `IPv${fam}: no answer for ${missing.map(([t]) => t).join(', ')}`);
        else if (carrying.length > 1)
          v.add('WARN', `IPv${fam}: answers spread over ${carrying.length} packets (§6.4: aggregate where possible)`);
      }
      if (v.status === 'PASS') v.add('PASS', 'SRV, TXT and address questions in one query answered in one packet');
      return v.result();
    });
  },
};
