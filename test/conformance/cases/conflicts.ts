/**
 * Name conflicts: a simultaneous probe both ways (§8.2), every probe denied
 * (§8.1 rate limit, §9), and conflicts after the announcements (§9).
 */
import type { MdnsPacket } from '../packets.js';
import { normName } from '../packets.js';
import { LATE_A_AT, LATE_SRV_AT } from '../scenarios.js';
import type { ScenarioRun } from '../scenario.js';
import {
  answersOf,
  type ConformanceCase,
  fromTarget,
  isResponse,
  judgeRun,
  named,
  noProbe,
  need,
  probes,
  recordsOf,
  srvResponses,
  testerErrors,
  ttlOf,
  Verdict,
} from './common.js';

/** §8.2: the loser waits one second before probing again; the suite allows 100 ms less. */
const DEFER_MS = 900;
/**
 * §8.1: after fifteen conflicts in ten seconds, at most one probe attempt per
 * five seconds; the suite asks for ≤ 1 probe a second from the 15th denial on
 * (from the 10th, for a target that slows down earlier and so never gets 15).
 */
const RATE_LIMIT_AFTER = 15;
const RATE_LIMIT_EARLIEST = 10;
const RATE_LIMITED_GAP_MS = 950;

/** Instance names (normalised) of SRV records the target announced in `packets`. */
function announcedInstances(packets: readonly MdnsPacket[], type: string): Set<string> {
  const out = new Set<string>();
  for (const p of packets.filter(isResponse))
    for (const r of p.msg?.answers ?? [])
      if (r.type === 'SRV' && ttlOf(r) > 0 && normName(r.name).endsWith(`.${normName(type)}`))
        out.add(normName(r.name));
  return out;
}

export const probeTiebreak: ConformanceCase = {
  name: 'probe-tiebreak',
  rfc: 'RFC 6762 §8.2',
  scenarios: ['tiebreak-lose', 'tiebreak-win'],
  judge(runs) {
    const v = new Verdict(this.name);
    const lose = need(runs, 'tiebreak-lose');
    if (typeof lose === 'string') v.add('ERROR', lose);
    else {
      const claim = lose.tester?.reacts.find((r) => r.label === 'claim');
      if (!claim)
        v.add(
          noProbe(lose),
          `lose: the target sent no probe for its name, so there was no tiebreak to settle${testerErrors(lose)}`,
        );
      else {
        const after = fromTarget(lose, claim.at);
        const contested = srvResponses(after, named(lose.names.instance));
        const others = [...announcedInstances(after, lose.names.serviceType)].filter(
          (n) => n !== normName(lose.names.instance),
        );
        // IPv4 only (the tester reacted to the IPv4 copy of the first probe), and not that probe itself.
        const again = probes(after, named(lose.names.instance)).filter((p) => p.family === 4 && p.at > claim.at + 50);
        const soon = again.filter((p) => p.at - claim.at < DEFER_MS);
        v.figure(`lose:${contested.length > 0 ? 'kept' : others.length > 0 ? 'renamed' : 'none'}`);
        if (contested.length > 0)
          v.add('FAIL', 'lose: announced the name although a simultaneous probe had later data');
        else if (others.length === 0) v.add('FAIL', 'lose: yielded but announced no other name');
        else v.add('PASS', `lose: renamed to "${others[0] ?? ''}"`);
        if (soon.length > 0)
          v.add(
            'FAIL',
            `lose: probed the lost name again ${Math.round((soon[0]?.at ?? 0) - claim.at)} ms after a simultaneous probe with later data (§8.2: defer, wait one second)`,
          );
      }
    }
    const win = need(runs, 'tiebreak-win');
    if (typeof win === 'string') v.add('ERROR', win);
    else {
      const claim = win.tester?.reacts.find((r) => r.label === 'claim');
      if (!claim) v.add(noProbe(win), `win: the target sent no probe for its name${testerErrors(win)}`);
      else {
        const kept = srvResponses(fromTarget(win, claim.at), named(win.names.instance));
        const others = [...announcedInstances(fromTarget(win, claim.at), win.names.serviceType)].filter(
          (n) => n !== normName(win.names.instance),
        );
        v.figure(`win:${kept.length > 0 && others.length === 0 ? 'kept' : others.length > 0 ? 'renamed' : 'none'}`);
        if (others.length > 0)
          v.add('FAIL', `win: renamed to "${others[0] ?? ''}" although the other probe had earlier data`);
        else if (kept.length === 0) v.add('FAIL', 'win: never announced its name');
        else v.add('PASS', 'win: kept its name');
      }
    }
    return v.result();
  },
};

export const probeDenial: ConformanceCase = {
  name: 'probe-denial',
  rfc: 'RFC 6762 §8.1, §9',
  scenarios: ['probe-denial'],
  judge(runs) {
    return judgeRun(this.name, runs, 'probe-denial', (v, run) => {
      const denials = run.tester?.reacts.filter((r) => r.label === 'deny') ?? [];
      const base = normName(run.names.instance.slice(0, run.names.instance.indexOf('.')));
      const type = normName(run.names.serviceType);
      const all = probes(fromTarget(run), (n) => n.startsWith(base) && n.endsWith(`.${type}`)).filter(
        (p) => p.family === 4,
      );
      const names = new Set(
        all.flatMap((p) => (p.msg?.questions ?? []).map((q) => normName(q.name)).filter((n) => n.endsWith(`.${type}`))),
      );
      v.figure(`denials=${denials.length} names=${names.size}`);
      if (names.size < 2)
        v.add('FAIL', `the target probed ${names.size} name(s); it must pick a new name after a denial`);
      const nth = Math.min(denials.length, RATE_LIMIT_AFTER);
      const limitFrom = denials[nth - 1]?.at;
      if (limitFrom === undefined || nth < RATE_LIMIT_EARLIEST) {
        v.add(
          'FAIL',
          `only ${denials.length} denial(s) in the run: the target stopped probing (it must go on renaming)${testerErrors(run)}`,
        );
        return v.result();
      }
      const later = all.filter((p) => p.at > limitFrom + 1);
      // From the 15th denial on: the gap to the next probe counts too.
      const gaps = later.map((p, i) => p.at - (i === 0 ? limitFrom : (later[i - 1]?.at ?? p.at)));
      v.figure(`after${nth}: n=${later.length} minGap=${gaps.length ? Math.round(Math.min(...gaps)) : '-'}ms`);
      const tooSoon = gaps.filter((g) => g < RATE_LIMITED_GAP_MS);
      if (later.length < 1) v.add('WARN', `no probe after the ${nth}th denial: the rate could not be measured`);
      if (tooSoon.length > 0)
        v.add(
          'FAIL',
          `after ${nth} denials, probes ${tooSoon.map((g) => Math.round(g)).join(', ')} ms apart (§8.1: wait ≥ 5 s between attempts)`,
        );
      if (v.status === 'PASS')
        v.add(
          'PASS',
          `renamed after each denial; from the ${nth}th denial on, probes are ≥ 1 s apart (gaps ${gaps.map((g) => Math.round(g)).join(', ')} ms)`,
        );
      return v.result();
    });
  },
};

/** Probes for `name` after `from`, and the first one's delay. */
function reprobe(run: ScenarioRun, name: string, from: number): { n: number; delay: number | undefined } {
  const list = probes(fromTarget(run, from), named(name)).filter((p) => p.family === 4);
  return { n: list.length, delay: list[0] ? list[0].at - from : undefined };
}

export const lateConflict: ConformanceCase = {
  name: 'late-conflict',
  rfc: 'RFC 6762 §9',
  scenarios: ['late-conflict'],
  judge(runs) {
    return judgeRun(this.name, runs, 'late-conflict', (v, run) => {
      const t = run.tester;
      const srvAt = t?.sent.find((s) => s.label === 'srv-conflict')?.at;
      const aAt = t?.sent.find((s) => s.label === 'a-conflict')?.at;
      if (!t || srvAt === undefined || aAt === undefined)
        return {
          name: this.name,
          status: 'ERROR',
          figure: '-',
          detail: `conflicting records not sent${testerErrors(run)}`,
        };
      // SRV: back to probing, defended, so a new instance name is announced.
      const s = reprobe(run, run.names.instance, srvAt);
      const renamed = [...announcedInstances(fromTarget(run, srvAt, aAt), run.names.serviceType)].filter(
        (n) => n !== normName(run.names.instance),
      );
      v.figure(
        `srv:reprobe=${s.delay === undefined ? 'none' : `${Math.round(s.delay)}ms`},${renamed.length ? 'renamed' : 'kept'}`,
      );
      if (s.n === 0)
        v.add('FAIL', 'SRV: no probe for the instance name after a conflicting SRV (§9: MUST reset to probing)');
      if (renamed.length === 0)
        v.add('FAIL', 'SRV: no new instance name announced although the other host defended the SRV');
      // A: the host name is probed again and, defended, changes.
      const a = reprobe(run, run.names.hostName, aAt);
      const v4 = run.names.targetV4;
      const newHosts = new Set(
        fromTarget(run, aAt)
          .filter(isResponse)
          .flatMap((p) => recordsOf(p.msg))
          .filter(
            (r) => r.type === 'A' && ttlOf(r) > 0 && r.data === v4 && normName(r.name) !== normName(run.names.hostName),
          )
          .map((r) => normName(r.name)),
      );
      // The tester asked for the lost host name a while later: no answer may come.
      const asked = t.sent.find((s) => s.label === 'old-host');
      const stillOld = asked
        ? fromTarget(run, asked.at, asked.at + 1000).filter(
            (p) => isResponse(p) && answersOf(p.msg, 'A', run.names.hostName).length > 0,
          )
        : [];
      if (!asked) v.add('ERROR', 'the query for the lost host name was not sent');
      v.figure(
        `a:reprobe=${a.delay === undefined ? 'none' : `${Math.round(a.delay)}ms`},${newHosts.size ? 'renamed' : 'kept'}`,
      );
      if (a.n === 0) v.add('FAIL', 'A: no probe for the host name after a conflicting A record (§9)');
      if (newHosts.size === 0)
        v.add('FAIL', 'A: no new host name announced although the other host defended the A record');
      if (stillOld.length > 0) v.add('FAIL', 'A: still answers for the lost host name');
      if (v.status === 'PASS')
        v.add(
          'PASS',
          `re-probed after each conflict and renamed: ${[...renamed, ...newHosts].join(', ')} (conflicts sent ${LATE_SRV_AT} and ${LATE_A_AT} ms into the tester run)`,
        );
      return v.result();
    });
  },
};
