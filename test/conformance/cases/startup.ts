/**
 * Cases about what a target sends on its own: probes, announcements, the IP
 * TTL of everything, and silence when idle. Judged from the `basic`
 * scenario's capture.
 */
import { normName } from '../packets.js';
import { IDLE_FROM_MS, IDLE_TO_MS } from '../basic-plan.js';
import { isQU } from '../packets.js';
import {
  answersOf,
  byFamily,
  type ConformanceCase,
  flush,
  fromTarget,
  isQuery,
  isResponse,
  judgeRun,
  named,
  probes,
  recordsOf,
  ttlOf,
} from './common.js';

/** Probe interval (RFC 6762 §8.1: 250 ms) and the tolerance the suite allows. */
export const PROBE_INTERVAL_MS = 250;
export const PROBE_TOLERANCE_MS = 50;
/** Minimum spacing of the first two announcements (§8.3: one second), with 100 ms tolerance. */
export const MIN_ANNOUNCE_GAP_MS = 900;
/** Chattiness: at most this many packets per idle hour (extrapolated from the idle window). */
export const IDLE_PACKETS_PER_HOUR = 10;

export const probing: ConformanceCase = {
  name: 'probing',
  rfc: 'RFC 6762 §8.1, §10.2',
  scenarios: ['basic'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      const mine = probes(fromTarget(run), named(run.names.instance));
      if (mine.length === 0) {
        const seen = [
          ...new Set(
            fromTarget(run)
              .filter(isQuery)
              .map((p) => (p.msg?.questions ?? []).map((q) => `${String(q.type)} ${q.name}`).join(',')),
          ),
        ].slice(0, 3);
        v.figure('no probes');
        v.add(
          'FAIL',
          `no probe (ANY question + authority) for ${run.names.instance}; the target's queries: ${seen.join('; ') || 'none'}`,
        );
        return v.result();
      }
      for (const [fam, list] of byFamily(mine)) {
        const gaps = list.slice(1).map((p, i) => Math.round(p.at - (list[i]?.at ?? p.at)));
        v.figure(`v${fam}: n=${list.length} Δ=[${gaps.join(',')}]ms`);
        if (list.length < 3) v.add('FAIL', `IPv${fam}: ${list.length} probe(s), need 3`);
        const off = gaps.filter((g) => Math.abs(g - PROBE_INTERVAL_MS) > PROBE_TOLERANCE_MS);
        if (off.length > 0)
          v.add('FAIL', `IPv${fam}: interval(s) ${off.join(', ')} ms, need ${PROBE_INTERVAL_MS}±${PROBE_TOLERANCE_MS}`);
        const want = normName(run.names.instance);
        const nonQU = list.filter((p) => !(p.msg?.questions ?? []).some((q) => normName(q.name) === want && isQU(q)));
        if (nonQU.length > 0)
          v.add('WARN', `IPv${fam}: ${nonQU.length}/${list.length} probe(s) without the QU bit (§8.1 SHOULD)`);
        const flushed = list.flatMap((p) => (p.msg?.authorities ?? []).filter(flush).map((r) => `${r.type} ${r.name}`));
        if (flushed.length > 0)
          v.add(
            'FAIL',
            `IPv${fam}: cache-flush bit on proposed record(s) ${[...new Set(flushed)].join('; ')} (§10.2: never in probes)`,
          );
      }
      const launched = run.marks.launched;
      const first = mine[0];
      if (launched !== undefined && first)
        v.add(
          'PASS',
          `first probe ${Math.round(first.at - launched)} ms after the target was launched (includes its start-up; the 0–250 ms delay of §8.1 is not judged)`,
        );
      return v.result();
    });
  },
};

/** Shared PTR: DNS-SD browse/enumeration PTRs (reverse-mapping PTRs are left to the implementation, see below). */
function isSharedPtr(type: string, name: string): boolean {
  return type === 'PTR' && !/\.arpa\.?$/i.test(name);
}

export const announcements: ConformanceCase = {
  name: 'announcements',
  rfc: 'RFC 6762 §8.3, §10.2',
  scenarios: ['basic'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      // Before the tester's first query: what the target said unasked.
      const end = run.tester?.start ?? Infinity;
      const mine = fromTarget(run, -Infinity, end);
      const lastProbe = probes(mine, named(run.names.instance)).reduce((t, p) => Math.max(t, p.at), -Infinity);
      const anns = mine.filter(
        (p) => isResponse(p) && p.at > lastProbe && answersOf(p.msg, 'SRV', run.names.instance).length > 0,
      );
      if (anns.length === 0) {
        v.figure('none');
        v.add('FAIL', `no unsolicited response with the SRV of ${run.names.instance} after the probes`);
        return v.result();
      }
      for (const [fam, list] of byFamily(anns)) {
        const gaps = list.slice(1).map((p, i) => Math.round(p.at - (list[i]?.at ?? p.at)));
        v.figure(`v${fam}: n=${list.length} Δ=[${gaps.join(',')}]ms`);
        if (list.length < 2) v.add('FAIL', `IPv${fam}: ${list.length} announcement(s), need ≥ 2`);
        else if ((gaps[0] ?? 0) < MIN_ANNOUNCE_GAP_MS)
          v.add('FAIL', `IPv${fam}: first two ${gaps[0] ?? 0} ms apart, need ≥ 1 s (§8.3)`);
      }
      const missing = new Set<string>();
      const sharedFlushed = new Set<string>();
      const reverse = new Map<string, boolean>();
      const responses = mine.filter((p) => isResponse(p) && p.at > lastProbe);
      for (const p of responses) {
        for (const r of recordsOf(p.msg)) {
          if (ttlOf(r) === 0) continue;
          if (['SRV', 'TXT', 'A', 'AAAA'].includes(r.type) && !flush(r)) missing.add(`${r.type} ${r.name}`);
          if (isSharedPtr(r.type, r.name) && flush(r)) sharedFlushed.add(`PTR ${r.name}`);
          if (r.type === 'PTR' && !isSharedPtr(r.type, r.name)) reverse.set(r.name, flush(r));
        }
      }
      if (missing.size > 0) v.add('FAIL', `cache-flush bit missing on unique record(s): ${[...missing].join('; ')}`);
      if (sharedFlushed.size > 0)
        v.add('FAIL', `cache-flush bit on shared record(s): ${[...sharedFlushed].join('; ')} (§10.2: MUST NOT)`);
      if (v.status === 'PASS')
        v.add('PASS', `cache-flush on SRV/TXT/A/AAAA, never on shared PTRs (${responses.length} responses)`);
      // RFC 6762 does not say whether reverse-mapping PTRs are unique: mDNSResponder
      // and avahi set the bit, ciao and boaster treat them as shared. Reported only.
      if (reverse.size > 0) {
        const flushed = [...reverse.values()].filter(Boolean).length;
        v.add(
          'PASS',
          `reverse-mapping PTRs: ${flushed}/${reverse.size} with cache-flush (the RFC leaves it open; not judged)`,
        );
      }
      return v.result();
    });
  },
};

export const ipTtl: ConformanceCase = {
  name: 'ip-ttl',
  rfc: 'RFC 6762 §11',
  scenarios: ['basic'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      const mine = fromTarget(run).filter((p) => p.srcPort === 5353 || p.dstPort === 5353);
      if (mine.length === 0) {
        v.add('FAIL', 'the target sent no mDNS packet');
        return v.result();
      }
      const counts = new Map<string, number>();
      for (const p of mine) counts.set(`v${p.family}:${p.ttl}`, (counts.get(`v${p.family}:${p.ttl}`) ?? 0) + 1);
      v.figure(
        [...counts]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, n]) => `${k}×${n}`)
          .join(' '),
      );
      const bad = mine.filter((p) => p.ttl !== 255);
      if (bad.length > 0)
        v.add(
          'FAIL',
          `${bad.length}/${mine.length} packets with TTL/hop limit ≠ 255 (first: IPv${bad[0]?.family} → ${bad[0]?.dst}, ${bad[0]?.ttl})`,
        );
      else v.add('PASS', `all ${mine.length} packets with TTL/hop limit 255, unicast replies included`);
      return v.result();
    });
  },
};

export const chattiness: ConformanceCase = {
  name: 'chattiness',
  rfc: 'RFC 6762 §8.3, §10',
  scenarios: ['basic'],
  judge(runs) {
    return judgeRun(this.name, runs, 'basic', (v, run) => {
      if (!run.tester)
        return {
          name: this.name,
          status: 'ERROR',
          figure: '-',
          detail: 'the tester did not run, so no idle window was observed',
        };
      const from = run.tester.start + IDLE_FROM_MS;
      const to = run.tester.start + IDLE_TO_MS;
      if (run.tester.end < to)
        return { name: this.name, status: 'ERROR', figure: '-', detail: 'the run ended before the idle window did' };
      const sent = fromTarget(run, from, to);
      const perHour = (sent.length * 3_600_000) / (to - from);
      v.figure(`${sent.length} in ${Math.round((to - from) / 1000)}s`);
      const what = sent.slice(0, 3).map(
        (p) =>
          `${isResponse(p) ? 'response' : 'query'} ${
            recordsOf(p.msg)
              .concat()
              .map((r) => `${r.type} ${r.name}`)
              .slice(0, 2)
              .join(',') || (p.msg?.questions ?? []).map((q) => q.name).join(',')
          }`,
      );
      if (perHour > IDLE_PACKETS_PER_HOUR)
        v.add(
          'FAIL',
          `${sent.length} packet(s) while idle ≈ ${Math.round(perHour)}/hour, allowed ${IDLE_PACKETS_PER_HOUR}/hour: ${what.join('; ')}`,
        );
      else v.add('PASS', `nothing sent in the idle window (≤ ${IDLE_PACKETS_PER_HOUR}/hour allowed)`);
      return v.result();
    });
  },
};
