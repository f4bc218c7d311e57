/**
 * A service's life beyond start-up: a manual name change (§8.4, §10.1) and
 * the cable pulled and plugged in again (§8, §10.2: re-probe, re-announce).
 */
import { CABLE_OUT_MS, RENAMED_TO } from '../scenarios.js';
import {
  answersOf,
  type ConformanceCase,
  fromTarget,
  isResponse,
  judgeRun,
  named,
  probes,
  srvResponses,
} from './common.js';

export const nameChange: ConformanceCase = {
  name: 'name-change',
  rfc: 'RFC 6762 §8.4, §10.1',
  scenarios: ['name-change'],
  judge(runs) {
    return judgeRun(this.name, runs, 'name-change', (v, run) => {
      const at = run.marks.rename;
      if (at === undefined)
        return {
          name: this.name,
          status: 'ERROR',
          figure: '-',
          detail: `the rename was not made${run.error ? `: ${run.error}` : ''}`,
        };
      const newName = `${RENAMED_TO}.${run.names.serviceType}`;
      const after = fromTarget(run, at, run.marks.stop ?? Infinity);
      const goodbye = after.find(
        (p) =>
          isResponse(p) &&
          (answersOf(p.msg, 'SRV', run.names.instance, true).length > 0 ||
            (p.msg?.answers ?? []).some(
              (r) =>
                r.type === 'PTR' &&
                'ttl' in r &&
                r.ttl === 0 &&
                String(r.data).replace(/\.$/, '').toLowerCase() === run.names.instance.toLowerCase(),
            )),
      );
      const probed = probes(after, named(newName));
      const lastProbe = probed.reduce((t, p) => Math.max(t, p.at), -Infinity);
      const announced = srvResponses(after, named(newName)).filter((p) => p.at > lastProbe);
      const since = (t: number | undefined): string => (t === undefined ? 'none' : `${Math.round(t - at)}ms`);
      v.figure(`goodbye:${since(goodbye?.at)} probes:${probed.length} announce:${since(announced[0]?.at)}`);
      if (!goodbye) v.add('FAIL', `no goodbye (TTL 0) for "${run.names.instance}" after the rename (§10.1)`);
      if (probed.length === 0)
        v.add('FAIL', `the new name "${newName}" was not probed (§8.4: a new name is probed like any other)`);
      if (announced.length === 0) v.add('FAIL', `the new name was not announced after its probes`);
      if (v.status === 'PASS')
        v.add(
          'PASS',
          'goodbye for the old name, then the new one probed and announced (times from the rename request)',
        );
      return v.result();
    });
  },
};

/** How long after the cable is back the target may take to probe and announce again. */
const REPROBE_WITHIN_MS = 12_000;

export const hotPlug: ConformanceCase = {
  name: 'hot-plug',
  rfc: 'RFC 6762 §8, §10.2',
  scenarios: ['hot-plug'],
  judge(runs) {
    return judgeRun(this.name, runs, 'hot-plug', (v, run) => {
      const up = run.marks.up;
      if (up === undefined)
        return {
          name: this.name,
          status: 'ERROR',
          figure: '-',
          detail: `the cable was not plugged back${run.error ? `: ${run.error}` : ''}`,
        };
      const after = fromTarget(run, up, up + REPROBE_WITHIN_MS);
      // The service's own name must be probed again before its SRV is announced (§10.2).
      const probed = probes(after, named(run.names.instance));
      const firstProbe = probed[0]?.at;
      const announced = srvResponses(after, named(run.names.instance)).filter(
        (p) => firstProbe !== undefined && p.at > firstProbe,
      );
      const unprobed = srvResponses(after, named(run.names.instance)).filter(
        (p) => firstProbe === undefined || p.at < firstProbe,
      );
      const since = (t: number | undefined): string => (t === undefined ? 'none' : `${Math.round(t - up)}ms`);
      v.figure(`probe:${since(firstProbe)} announce:${since(announced[0]?.at)}`);
      const first = fromTarget(run, up)[0];
      if (firstProbe === undefined)
        v.add(
          'PASS',
          `first packet from the target after the link came back: ${first ? `${since(first.at)} (${isResponse(first) ? 'response' : 'query'})` : 'none before the end of the run'}`,
        );
      if (firstProbe === undefined)
        v.add(
          'FAIL',
          `no probe for the instance name within ${REPROBE_WITHIN_MS / 1000} s of the link coming back after ${CABLE_OUT_MS / 1000} s down (§8: MUST probe after a link change)`,
        );
      if (unprobed.length > 0) v.add('FAIL', 'announced again before probing (§10.2: re-verify uniqueness first)');
      if (firstProbe !== undefined && announced.length === 0) v.add('FAIL', 'probed but did not announce again');
      if (v.status === 'PASS')
        v.add('PASS', 'probed and announced again after the link came back (times from link up)');
      return v.result();
    });
  },
};
