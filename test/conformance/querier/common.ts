/**
 * What the querier cases share: the result model and readers over a
 * scenario's capture (the target's PTR queries, each with the packets that
 * continue its known-answer list, §7.2) and over what the responder sent.
 * Everything is decoded with dns-packet, not boaster; names compare
 * case-insensitively (RFC 6762 §16). Queries are judged over IPv4 (the
 * responder plays IPv4 only; boaster and avahi also query over IPv6).
 */
import type { Answer } from 'dns-packet';
import { normName, type MdnsPacket } from '../packets.js';
import { PTR_NAME, type QuerierRun, type QuerierScenarioName } from './scenarios.js';

export type QStatus = 'PASS' | 'FAIL' | 'NA';

export interface QCaseResult {
  readonly name: string;
  readonly status: QStatus;
  /** Measured figures, short (for the table). */
  readonly figure: string;
  readonly detail: string;
}

export type QRuns = Partial<Record<QuerierScenarioName, QuerierRun>>;

export interface QuerierCase {
  readonly name: string;
  readonly rfc: string;
  readonly scenario: QuerierScenarioName;
  judge(run: QuerierRun): QCaseResult;
}

/** A query for PTR_NAME and the packets right after it that continue its known answers (no questions, within 100 ms). */
export interface PtrQuery {
  readonly at: number;
  readonly packets: readonly MdnsPacket[];
  readonly knownAnswers: readonly Answer[];
}

/** Continuation packets of a known-answer list follow at once (§7.2); 100 ms allows for a loaded machine. */
const TRAIN_GAP_MS = 100;

const asksPtr = (p: MdnsPacket): boolean =>
  (p.msg?.questions ?? []).some((q) => q.type === 'PTR' && normName(q.name) === normName(PTR_NAME));

/** The target's IPv4 queries for PTR_NAME, in order. */
export function ptrQueries(run: QuerierRun): PtrQuery[] {
  const own = run.packets.filter(
    (p) => p.family === 4 && p.src === run.querierV4 && p.msg !== undefined && !p.msg.flag_qr,
  );
  const out: PtrQuery[] = [];
  for (let i = 0; i < own.length; i++) {
    const first = own[i];
    if (!first || !asksPtr(first)) continue;
    const packets = [first];
    for (let j = i + 1; j < own.length; j++) {
      const next = own[j];
      const prev = packets[packets.length - 1];
      if (!next || !prev || (next.msg?.questions ?? []).length > 0 || next.at - prev.at > TRAIN_GAP_MS) break;
      packets.push(next);
    }
    out.push({ at: first.at, packets, knownAnswers: packets.flatMap((p) => p.msg?.answers ?? []) });
  }
  return out;
}

export function ttlOf(r: Answer): number {
  return 'ttl' in r ? (r.ttl ?? 0) : 0;
}

/** The target of a PTR record ('' for other types). */
export function ptrData(r: Answer): string {
  return r.type === 'PTR' ? String(r.data) : '';
}

/** The TTL a query lists for the PTR naming `instance`, or undefined when it is not a known answer. */
export function listedTtl(q: PtrQuery, instance: string): number | undefined {
  const r = q.knownAnswers.find(
    (a) => a.type === 'PTR' && normName(a.name) === normName(PTR_NAME) && normName(ptrData(a)) === normName(instance),
  );
  return r ? ttlOf(r) : undefined;
}

/** When the responder multicast the PTR naming `instance` with a TTL above 0 (announcement or answer). */
export function ptrSends(run: QuerierRun, instance: string): number[] {
  return (run.responder?.sent ?? [])
    .filter((s) => (s.msg?.answers ?? []).some((a) => ttlOf(a) > 0 && normName(ptrData(a)) === normName(instance)))
    .map((s) => s.at);
}

/** When the responder sent the step `label` first. */
export function sendOf(run: QuerierRun, label: string): number | undefined {
  return run.responder?.sent.find((s) => s.label === label)?.at;
}

/** A result, or NA when the scenario broke (with its error). */
export function result(name: string, status: QStatus, figure: string, detail: string, run: QuerierRun): QCaseResult {
  const broken = run.error !== undefined ? ` [scenario error: ${run.error}]` : '';
  return { name, status, figure, detail: `${detail}${broken}` };
}

export const ms = (n: number): string => `${Math.round(n)}`;
export const s1 = (n: number): string => (Math.round(n / 100) / 10).toFixed(1);
