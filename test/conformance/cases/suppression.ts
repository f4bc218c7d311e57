/**
 * Traffic reduction (RFC 6762 §7): known-answer suppression in one packet and
 * over several (TC), duplicate answer suppression, and — for the one kind of
 * query a responder sends — that probes are not suppressed as duplicate
 * questions (§7.3 is about QM questions; probes are QU).
 */
import { tag } from '../basic-plan.js';
import { RENAMED_TO } from '../scenarios.js';
import type { ScenarioRun } from '../scenario.js';
import type { Family } from '../tester.js';
import {
  type ConformanceCase,
  exchange,
  families,
  firstAnswer,
  fromTarget,
  judgeRun,
  named,
  noProbe,
  need,
  probes,
  r1,
  testerErrors,
  Verdict,
} from './common.js';

/** How long a suppressed answer must stay away (a TC query may be answered 400–500 ms later, §7.2). */
const SILENCE_MS = 1000;

/** Delay of the target's PTR answer to `label`, or undefined when none came within the window. */
function ptrDelay(run: ScenarioRun, label: string): number | undefined | 'unsent' {
  const x = exchange(run, label, SILENCE_MS);
  if (!x) return 'unsent';
  return firstAnswer(x, 'PTR', run.names.serviceType)?.delay;
}

const fig = (d: number | undefined | 'unsent'): string =>
  d === 'unsent' ? 'unsent' : d === undefined ? 'none' : `${Math.round(d)}ms`;

/** `suppressed` (full TTL) must get no answer, `answered` (low TTL) must. */
function pair(
  v: Verdict,
  run: ScenarioRun,
  fam: Family,
  what: string,
  suppressed: string,
  answered: string,
  rule: string,
): void {
  const full = ptrDelay(run, tag(suppressed, fam));
  const low = ptrDelay(run, tag(answered, fam));
  v.figure(`v${fam}/${what}:${fig(full)},${fig(low)}`);
  if (full === 'unsent' || low === 'unsent')
    return v.add('ERROR', `IPv${fam} ${what}: queries not sent${testerErrors(run)}`);
  if (full !== undefined)
    v.add('FAIL', `IPv${fam} ${what}: answered after ${r1(full)} ms although ${rule} with the full TTL`);
  if (low === undefined) v.add('FAIL', `IPv${fam} ${what}: not answered although ${rule} with a TTL below half`);
}

export const knownAnswerSuppression: ConformanceCase = {
  name: 'known-answer-suppression',
  rfc: 'RFC 6762 §7.1, §7.2',
  scenarios: ['basic'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      for (const fam of families(run)) {
        pair(v, run, fam, '1pkt', 'kas-full', 'kas-low', 'the query listed our PTR as a known answer');
        pair(
          v,
          run,
          fam,
          'TC',
          'kas-tc-full',
          'kas-tc-low',
          'the packet after a TC query listed our PTR as a known answer',
        );
        if (ptrDelay(run, tag('kas-none', fam)) === undefined)
          v.add('PASS', `IPv${fam}: note: the control query without known answers was not answered either`);
      }
      if (v.status === 'PASS')
        v.add(
          'PASS',
          'figures: delay with a full-TTL known answer, with a low-TTL one (1pkt: same packet; TC: the next packet); none = suppressed',
        );
      return v.result();
    });
  },
};

export const duplicateSuppression: ConformanceCase = {
  name: 'duplicate-suppression',
  rfc: 'RFC 6762 §7.3, §7.4',
  scenarios: ['basic', 'name-change'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      for (const fam of families(run))
        pair(v, run, fam, 'answer', 'dup-full', 'dup-low', 'another host had just multicast our PTR');
      // §7.3: the identical QM question the tester asks at the new name's first probe must not stop the probes.
      const rename = need(runs, 'name-change');
      if (typeof rename === 'string') v.add('ERROR', rename);
      else {
        const asked = rename.tester?.reacts.find((r) => r.label === 'same-question');
        const newName = `${RENAMED_TO}.${rename.names.serviceType}`;
        if (!asked)
          v.add(
            noProbe(rename),
            `name-change: the new name was never probed, so no probe could be kept from going on${testerErrors(rename)}`,
          );
        else {
          const after = probes(fromTarget(rename, asked.at + 1), named(newName)).filter((p) => p.family === 4);
          v.figure(`probes-after-question:${after.length}`);
          if (after.length < 2)
            v.add(
              'FAIL',
              `only ${after.length} IPv4 probe(s) for the new name after another host asked the same (QM) question; probes must go on (§7.3 is about QM questions)`,
            );
        }
      }
      if (v.status === 'PASS')
        v.add(
          'PASS',
          'no answer right after another host multicast it with full TTL, answered when that TTL was low; probes go on after an identical QM question',
        );
      return v.result();
    });
  },
};
