/**
 * Passive conformance cases, judged only from packets captured on the lab
 * link while the target started publishing one service. Each case gets the
 * same {@link CaseContext} and returns a {@link CaseResult}.
 */
import type { Answer } from 'dns-packet';
import type { ActiveObservations } from './active.js';
import { isQU, normName, type MdnsPacket } from './packets.js';

export type Status = 'PASS' | 'WARN' | 'FAIL' | 'ERROR';

export interface CaseResult {
  readonly name: string;
  readonly status: Status;
  /** Measured figures, short (for the table). */
  readonly figure: string;
  /** Explanation, violations. */
  readonly detail: string;
}

export interface CaseContext {
  /** Every captured datagram on the link, in capture order. */
  readonly packets: readonly MdnsPacket[];
  /** Source addresses of the target's host (IPv4 and IPv6). */
  readonly targetAddresses: ReadonlySet<string>;
  /** Full instance name, e.g. `Conformance Test._boaster-conf._tcp.local`. */
  readonly instance: string;
  /**
   * Capture time (s) of the first packet of the active tester: the passive
   * cases that count responses (announcements) only look before it, so the
   * replies to the tester's queries are not taken for announcements.
   */
  readonly passiveEnd?: number;
  /** Observations of the active tester (active.ts); absent when it did not run. */
  readonly active?: ActiveObservations;
}

export interface ConformanceCase {
  readonly name: string;
  /** RFC 6762 section(s) the case is about. */
  readonly rfc: string;
  judge(ctx: CaseContext): CaseResult;
}

/** Probe interval (RFC 6762 §8.1: 250 ms) and the tolerance the suite allows. */
export const PROBE_INTERVAL_MS = 250;
export const PROBE_TOLERANCE_MS = 50;
/** Minimum spacing of the first two announcements (§8.3: one second), with 100 ms tolerance. */
export const MIN_ANNOUNCE_GAP_MS = 900;

const ms = (s: number): number => Math.round(s * 1000);

/** mDNS packets sent by the target (source address of its host, port 5353 or to the mDNS groups). */
export function fromTarget(ctx: CaseContext): MdnsPacket[] {
  return ctx.packets.filter((p) => ctx.targetAddresses.has(p.src));
}

function recordsOf(p: MdnsPacket): Answer[] {
  return [...(p.msg?.answers ?? []), ...(p.msg?.authorities ?? []), ...(p.msg?.additionals ?? [])];
}

/** Probe queries for the instance name (§8.1): QR=0, a question of type ANY for the name, records in authority. */
export function probesFor(packets: readonly MdnsPacket[], instance: string): MdnsPacket[] {
  const want = normName(instance);
  return packets.filter((p) => {
    const m = p.msg;
    if (!m || m.flag_qr) return false;
    const asks = (m.questions ?? []).some((q) => String(q.type) === 'ANY' && normName(q.name) === want);
    return asks && (m.authorities ?? []).length > 0;
  });
}

/** Whether a record's class has the cache-flush bit (dns-packet: `flush: true`). */
function flush(r: Answer): boolean {
  return 'flush' in r && r.flush === true;
}

function ttlOf(r: Answer): number | undefined {
  return 'ttl' in r ? r.ttl : undefined;
}

/** Shared PTR: DNS-SD browse/enumeration PTRs, not reverse-mapping PTRs (which are unique records). */
function isSharedPtr(r: Answer): boolean {
  return r.type === 'PTR' && !/\.arpa\.?$/i.test(r.name);
}

/** One-line summary of a query (for details when no probe is recognised). */
export function describeQuery(p: MdnsPacket): string {
  const m = p.msg;
  if (!m) return 'undecodable';
  const qs = (m.questions ?? []).map((q) => `${String(q.type)}${isQU(q) ? '/QU' : ''} ${q.name}`).join(', ');
  const auth = (m.authorities ?? []).map((r) => r.type).join(',');
  return `Q[${qs}] auth[${auth}]`;
}

function byFamily(packets: readonly MdnsPacket[]): Map<4 | 6, MdnsPacket[]> {
  const m = new Map<4 | 6, MdnsPacket[]>();
  for (const p of [...packets].sort((a, b) => a.family - b.family || a.time - b.time)) {
    const list = m.get(p.family) ?? [];
    list.push(p);
    m.set(p.family, list);
  }
  return m;
}

const RANK: Record<Status, number> = { PASS: 0, WARN: 1, FAIL: 2, ERROR: 3 };
function worst(a: Status, b: Status): Status {
  return RANK[b] > RANK[a] ? b : a;
}

/** §8.1 probing: ≥ 3 probes, 250 ms apart, QU questions, no cache-flush on the proposed records. */
export const probing: ConformanceCase = {
  name: 'probing',
  rfc: 'RFC 6762 §8.1, §8.2, §10.2',
  judge(ctx) {
    const probes = probesFor(fromTarget(ctx), ctx.instance);
    if (probes.length === 0) {
      const queries = fromTarget(ctx).filter((p) => p.msg && !p.msg.flag_qr);
      const seen = [...new Set(queries.map(describeQuery))].slice(0, 4).join('; ');
      return {
        name: this.name,
        status: 'FAIL',
        figure: 'no probes',
        detail: `no probe query (ANY question + authority) for ${ctx.instance} seen; the target's queries: ${seen || 'none'}`,
      };
    }
    let status: Status = 'PASS';
    const figures: string[] = [];
    const notes: string[] = [];
    for (const [fam, list] of byFamily(probes)) {
      const intervals = list.slice(1).map((p, i) => ms(p.time - (list[i]?.time ?? p.time)));
      figures.push(`v${fam}: n=${list.length}, Δ=[${intervals.join(',')}]ms`);
      if (list.length < 3) {
        status = worst(status, 'FAIL');
        notes.push(`IPv${fam}: only ${list.length} probe(s), need ≥ 3`);
      }
      const bad = intervals.filter((d) => Math.abs(d - PROBE_INTERVAL_MS) > PROBE_TOLERANCE_MS);
      if (bad.length > 0) {
        status = worst(status, 'FAIL');
        notes.push(`IPv${fam}: interval(s) ${bad.join(', ')} ms outside ${PROBE_INTERVAL_MS}±${PROBE_TOLERANCE_MS} ms`);
      }
      const want = normName(ctx.instance);
      const nonQU = list.filter((p) => !(p.msg?.questions ?? []).some((q) => normName(q.name) === want && isQU(q)));
      if (nonQU.length > 0) {
        status = worst(status, 'WARN');
        notes.push(`IPv${fam}: ${nonQU.length}/${list.length} probe(s) without QU bit on the instance question (§8.1 SHOULD for the first probe)`);
      }
      const flushed = list.flatMap((p) => (p.msg?.authorities ?? []).filter(flush).map((r) => `${r.type} ${r.name}`));
      if (flushed.length > 0) {
        status = worst(status, 'FAIL');
        notes.push(`IPv${fam}: cache-flush bit set on proposed record(s) in authority: ${[...new Set(flushed)].join('; ')} (§10.2: MUST NOT in probes)`);
      }
    }
    notes.push('first-probe delay not checked (process start time unknown)');
    return { name: this.name, status, figure: figures.join(' | '), detail: notes.join('; ') };
  },
};

/** §8.3 announcing: ≥ 2 unsolicited responses with the SRV, ≥ 1 s apart; cache-flush on unique records only. */
export const announcements: ConformanceCase = {
  name: 'announcements',
  rfc: 'RFC 6762 §8.3, §10.2',
  judge(ctx) {
    const end = ctx.passiveEnd ?? Infinity;
    const mine = fromTarget(ctx).filter((p) => p.time < end);
    const want = normName(ctx.instance);
    const probes = probesFor(mine, ctx.instance);
    const lastProbe = probes.reduce((t, p) => Math.max(t, p.time), -Infinity);
    const anns = mine.filter((p) => {
      const m = p.msg;
      if (!m || !m.flag_qr || !m.flag_aa || p.time <= lastProbe) return false;
      // Goodbyes (TTL 0) are not announcements.
      return (m.answers ?? []).some((r) => r.type === 'SRV' && normName(r.name) === want && (ttlOf(r) ?? 0) > 0);
    });
    if (anns.length === 0) {
      return { name: this.name, status: 'FAIL', figure: 'none', detail: `no unsolicited response with SRV ${ctx.instance} after the last probe` };
    }
    let status: Status = 'PASS';
    const figures: string[] = [];
    const notes: string[] = [];
    for (const [fam, list] of byFamily(anns)) {
      const gaps = list.slice(1).map((p, i) => ms(p.time - (list[i]?.time ?? p.time)));
      figures.push(`v${fam}: n=${list.length}, Δ=[${gaps.join(',')}]ms`);
      if (list.length < 2) {
        status = worst(status, 'FAIL');
        notes.push(`IPv${fam}: only ${list.length} announcement(s), need ≥ 2`);
      } else if ((gaps[0] ?? 0) < MIN_ANNOUNCE_GAP_MS) {
        status = worst(status, 'FAIL');
        notes.push(`IPv${fam}: first two announcements ${gaps[0] ?? 0} ms apart, need ≥ ${MIN_ANNOUNCE_GAP_MS} ms (§8.3: at least one second)`);
      }
    }
    // Cache-flush check over every response the target sent after its last
    // probe (announcements of the service and of the host records, which some
    // responders put in separate packets); goodbye records (TTL 0) excluded.
    const responses = mine.filter((p) => p.msg?.flag_qr === true && p.time > lastProbe);
    const missing = new Set<string>();
    const sharedFlushed = new Set<string>();
    const reverseUnflushed = new Set<string>();
    for (const p of responses) {
      for (const r of recordsOf(p)) {
        if ((ttlOf(r) ?? 0) === 0) continue;
        if (['SRV', 'TXT', 'A', 'AAAA'].includes(r.type) && !flush(r)) missing.add(`${r.type} ${r.name}`);
        if (isSharedPtr(r) && flush(r)) sharedFlushed.add(`PTR ${r.name}`);
        if (r.type === 'PTR' && !isSharedPtr(r) && !flush(r)) reverseUnflushed.add(r.name);
      }
    }
    if (missing.size > 0) {
      status = worst(status, 'FAIL');
      notes.push(`cache-flush bit missing on unique record(s): ${[...missing].join('; ')}`);
    }
    if (sharedFlushed.size > 0) {
      status = worst(status, 'FAIL');
      notes.push(`cache-flush bit set on shared record(s): ${[...sharedFlushed].join('; ')}`);
    }
    if (reverseUnflushed.size > 0) {
      status = worst(status, 'WARN');
      notes.push(
        `reverse-mapping PTR record(s) without cache-flush bit: ${[...reverseUnflushed].join('; ')} ` +
          '(they are unique records, one per address; avahi and mDNSResponder set the bit)',
      );
    }
    if (notes.length === 0) notes.push(`cache-flush set on SRV/TXT/A/AAAA, never on shared PTR (${responses.length} responses checked)`);
    return { name: this.name, status, figure: figures.join(' | '), detail: notes.join('; ') };
  },
};

/** §11: every mDNS packet sent with IP TTL / hop limit 255. */
export const ipTtl: ConformanceCase = {
  name: 'ip-ttl',
  rfc: 'RFC 6762 §11',
  judge(ctx) {
    const mine = fromTarget(ctx).filter((p) => p.srcPort === 5353 || p.dstPort === 5353);
    if (mine.length === 0) return { name: this.name, status: 'FAIL', figure: 'no packets', detail: 'the target sent no mDNS packet' };
    const counts = new Map<string, number>();
    for (const p of mine) {
      const k = `v${p.family}:${p.ttl}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const bad = mine.filter((p) => p.ttl !== 255);
    const figure = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}×${n}`).join(' ');
    return bad.length === 0
      ? { name: this.name, status: 'PASS', figure, detail: `all ${mine.length} packets sent with TTL/hop limit 255` }
      : {
          name: this.name,
          status: 'FAIL',
          figure,
          detail: `${bad.length}/${mine.length} packets with TTL/hop limit ≠ 255 (first: IPv${bad[0]?.family} ${bad[0]?.src} → ${bad[0]?.dst}, ${bad[0]?.ttl})`,
        };
  },
};

export const CASES: readonly ConformanceCase[] = [probing, announcements, ipTtl];

/** Run one case, turning exceptions into ERROR results. */
export function judgeSafely(c: ConformanceCase, ctx: CaseContext): CaseResult {
  try {
    return c.judge(ctx);
  } catch (e) {
    return { name: c.name, status: 'ERROR', figure: '-', detail: e instanceof Error ? e.message : String(e) };
  }
}
