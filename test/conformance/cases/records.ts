/**
 * What goes into responses: the additional records DNS-SD asks for, no record
 * twice in one packet, NSEC for types a name does not have — and letter case
 * ignored when matching names (queries and probes).
 */
import type { NsecAnswer } from 'dns-packet';
import { tag } from '../basic-plan.js';
import { normName } from '../packets.js';
import {
  answersOf,
  type ConformanceCase,
  exchange,
  families,
  firstAnswer,
  fromTarget,
  isResponse,
  judgeRun,
  named,
  noProbe,
  need,
  r1,
  recordsOf,
  srvResponses,
  testerErrors,
} from './common.js';

function key(r: { type: string; name: string; data?: unknown }): string {
  return `${r.type} ${normName(r.name)} ${JSON.stringify(r.data ?? null)}`;
}

export const additionalRecords: ConformanceCase = {
  name: 'additional-records',
  rfc: 'RFC 6763 §12; RFC 6762 §6.1, §6.2',
  scenarios: ['basic'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      for (const fam of families(run)) {
        const x = exchange(run, tag('additional', fam));
        const hit = x && firstAnswer(x, 'PTR', run.names.serviceType);
        if (!hit) {
          v.add('FAIL', `IPv${fam}: PTR query not answered${testerErrors(run)}`);
          continue;
        }
        const extra = [...(hit.d.msg?.answers ?? []), ...(hit.d.msg?.additionals ?? [])];
        const has = (type: string, name: string): boolean =>
          extra.some((r) => r.type === type && normName(r.name) === normName(name));
        const want: [string, string][] = [
          ['SRV', run.names.instance],
          ['TXT', run.names.instance],
          [fam === 4 ? 'A' : 'AAAA', run.names.hostName],
        ];
        const missing = want.filter(([t, n]) => !has(t, n));
        v.figure(`v${fam}:${want.length - missing.length}/${want.length}`);
        if (missing.length > 0)
          v.add(
            'FAIL',
            `IPv${fam}: PTR answer without ${missing.map(([t]) => t).join(', ')} (RFC 6763 §12.1: SHOULD be in additional)`,
          );
        // §6.1: a name we own, a type we do not have → NSEC.
        const nx = exchange(run, tag('nsec', fam));
        const nsec = nx?.replies
          .flatMap((d) => recordsOf(d.msg))
          .find((r): r is NsecAnswer => r.type === 'NSEC' && normName(r.name) === normName(run.names.instance));
        v.figure(`nsec${fam}:${nsec ? nsec.data.rrtypes.join('+') : 'none'}`);
        if (!nsec)
          v.add(
            'FAIL',
            `IPv${fam}: no NSEC for ${run.names.instance} when asked for type A (§6.1: MUST assert nonexistence)`,
          );
        else if (!nsec.data.rrtypes.includes('SRV') || !nsec.data.rrtypes.includes('TXT'))
          v.add('FAIL', `IPv${fam}: NSEC lists ${nsec.data.rrtypes.join(',')}, but the name has SRV and TXT`);
      }
      // No record twice in one packet, in any response the target sent.
      const dups = new Set<string>();
      for (const p of fromTarget(run).filter(isResponse)) {
        const seen = new Set<string>();
        for (const r of recordsOf(p.msg).filter((x) => x.type !== 'OPT')) {
          const k = key(r as { type: string; name: string; data?: unknown });
          if (seen.has(k)) dups.add(`${r.type} ${r.name}`);
          seen.add(k);
        }
      }
      if (dups.size > 0) v.add('FAIL', `record(s) repeated within one packet: ${[...dups].slice(0, 4).join('; ')}`);
      if (v.status === 'PASS')
        v.add('PASS', 'PTR answers carry SRV, TXT and addresses; NSEC for a missing type; no record twice in a packet');
      return v.result();
    });
  },
};

export const caseInsensitivity: ConformanceCase = {
  name: 'case-insensitivity',
  rfc: 'RFC 6762 §16',
  scenarios: ['basic', 'tiebreak-lose'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      for (const fam of families(run)) {
        const x = exchange(run, tag('case', fam));
        const hit = x && firstAnswer(x, 'SRV', run.names.instance);
        v.figure(`v${fam}:${hit ? `${r1(hit.delay)}ms` : 'none'}`);
        if (!hit) v.add('FAIL', `IPv${fam}: SRV query in swapped letter case not answered`);
        else if (
          !answersOf(hit.d.msg, 'SRV', run.names.instance).some((r) => r.name.replace(/\.$/, '') === run.names.instance)
        ) {
          v.add('WARN', `IPv${fam}: the answer does not keep the name's own letter case`);
        }
      }
      // The tester's probe in upper case must count as a probe for our name: the target must not announce the name it lost.
      const lose = need(runs, 'tiebreak-lose');
      if (typeof lose === 'string') v.add('ERROR', lose);
      else {
        const claimed = lose.tester?.reacts.find((r) => r.label === 'claim');
        if (!claimed)
          v.add(
            noProbe(lose),
            `tiebreak-lose: the target sent no probe, so no upper-case probe could be answered${testerErrors(lose)}`,
          );
        else {
          const kept = srvResponses(fromTarget(lose, claimed.at), named(lose.names.instance)).length;
          v.figure(`upper-case-probe:${kept === 0 ? 'honoured' : 'ignored'}`);
          if (kept > 0)
            v.add('FAIL', 'the target announced the name after an upper-case probe with later data claimed it');
        }
      }
      if (v.status === 'PASS') v.add('PASS', 'queries and probes in another letter case matched');
      return v.result();
    });
  },
};
