/**
 * What every case shares: the result model, and readers over a scenario's
 * observations (packets from the target in the capture, replies the tester
 * got to one of its queries). Names are compared case-insensitively
 * (RFC 6762 §16); everything is decoded with dns-packet, not boaster.
 */
import type { Answer, DecodedPacket } from 'dns-packet';
import type { MdnsPacket } from '../packets.js';
import { normName } from '../packets.js';
import type { ScenarioName, ScenarioRun } from '../scenario.js';
import type { Family, TesterDatagram, TesterSend } from '../tester.js';

export type Status = 'PASS' | 'WARN' | 'FAIL' | 'ERROR';

export interface CaseResult {
  readonly name: string;
  readonly status: Status;
  /** Measured figures, short (for the table). */
  readonly figure: string;
  /** Explanation, violations. */
  readonly detail: string;
}

export type Runs = Partial<Record<ScenarioName, ScenarioRun>>;

export interface ConformanceCase {
  readonly name: string;
  /** RFC section(s) the case is about. */
  readonly rfc: string;
  /** Scenarios whose observations it judges. */
  readonly scenarios: readonly ScenarioName[];
  judge(runs: Runs): CaseResult;
}

const RANK: Record<Status, number> = { PASS: 0, WARN: 1, FAIL: 2, ERROR: 3 };
export function worst(...all: Status[]): Status {
  return all.reduce<Status>((w, s) => (RANK[s] > RANK[w] ? s : w), 'PASS');
}

/** Accumulates a case's verdict: the worst status, figures and notes. */
export class Verdict {
  status: Status = 'PASS';
  readonly figures: string[] = [];
  readonly notes: string[] = [];
  constructor(readonly name: string) {}
  /** Record a finding; `status` PASS only adds the note. */
  add(status: Status, note: string): void {
    this.status = worst(this.status, status);
    if (note) this.notes.push(note);
  }
  figure(f: string): void {
    this.figures.push(f);
  }
  result(): CaseResult {
    return {
      name: this.name,
      status: this.status,
      figure: this.figures.join(' ') || '-',
      detail: this.notes.join('; '),
    };
  }
}

/** The run of `scenario`, or a reason it cannot be judged. */
export function need(runs: Runs, scenario: ScenarioName): ScenarioRun | string {
  const run = runs[scenario];
  if (!run) return `scenario ${scenario} did not run`;
  if (run.packets.length === 0) return `scenario ${scenario}: nothing captured${run.error ? ` (${run.error})` : ''}`;
  return run;
}

/**
 * Judge the run of `scenario` with a fresh Verdict; a run that cannot be
 * judged is an ERROR. `body` may return a result of its own.
 */
export function judgeRun(
  name: string,
  runs: Runs,
  scenario: ScenarioName,
  body: (v: Verdict, run: ScenarioRun) => CaseResult | undefined,
): CaseResult {
  const run = need(runs, scenario);
  if (typeof run === 'string') return { name, status: 'ERROR', figure: '-', detail: run };
  const v = new Verdict(name);
  return body(v, run) ?? v.result();
}

/**
 * The target never sent the probe a scenario reacts to: a FAIL when the
 * scenario ran cleanly (the target does not probe), an ERROR when it broke.
 */
export function noProbe(run: ScenarioRun): Status {
  return run.error === undefined && (run.tester?.errors.length ?? 0) === 0 ? 'FAIL' : 'ERROR';
}

export const ms = (n: number): string => `${Math.round(n)}`;
export const r1 = (n: number): string => (Math.round(n * 10) / 10).toFixed(1);

export function recordsOf(m: DecodedPacket | undefined): Answer[] {
  return m ? [...(m.answers ?? []), ...(m.authorities ?? []), ...(m.additionals ?? [])] : [];
}

export function ttlOf(r: Answer): number {
  return 'ttl' in r ? (r.ttl ?? 0) : 0;
}

export function flush(r: Answer): boolean {
  return 'flush' in r && r.flush === true;
}

/** Packets the target sent (source = one of its addresses). */
export function fromTarget(run: ScenarioRun, from = -Infinity, to = Infinity): MdnsPacket[] {
  return run.packets.filter((p) => run.targetAddresses.has(p.src) && p.at >= from && p.at < to);
}

export function isQuery(p: MdnsPacket): boolean {
  return p.msg !== undefined && !p.msg.flag_qr;
}

export function isResponse(p: MdnsPacket): boolean {
  return p.msg?.flag_qr === true;
}

/** Probe queries (§8.1: a question of type ANY for the name, records in authority) for names matching `test`. */
export function probes(packets: readonly MdnsPacket[], test: (name: string) => boolean): MdnsPacket[] {
  return packets.filter((p) => {
    const m = p.msg;
    if (!m || m.flag_qr || (m.authorities ?? []).length === 0) return false;
    return (m.questions ?? []).some((q) => String(q.type) === 'ANY' && test(normName(q.name)));
  });
}

export const named =
  (name: string) =>
  (n: string): boolean =>
    n === normName(name);

/** Answer-section records of `type` for `name` (TTL > 0 unless `goodbye`). */
export function answersOf(m: DecodedPacket | undefined, type: string, name: string, goodbye = false): Answer[] {
  const want = normName(name);
  return (m?.answers ?? []).filter(
    (r) => r.type === type && normName(r.name) === want && (goodbye ? ttlOf(r) === 0 : ttlOf(r) > 0),
  );
}

/** Responses carrying an SRV (TTL > 0) whose owner passes `test`: announcements or answers. */
export function srvResponses(packets: readonly MdnsPacket[], test: (name: string) => boolean): MdnsPacket[] {
  return packets.filter(
    (p) =>
      isResponse(p) && (p.msg?.answers ?? []).some((r) => r.type === 'SRV' && ttlOf(r) > 0 && test(normName(r.name))),
  );
}

export function byFamily<T extends { family: Family }>(list: readonly T[]): Map<Family, T[]> {
  const m = new Map<Family, T[]>();
  for (const x of list) m.set(x.family, [...(m.get(x.family) ?? []), x]);
  return m;
}

/** A query the tester sent and the target's responses (same family) that reached the tester after it, within `windowMs` (or until the next query). */
export interface Exchange {
  readonly send: TesterSend;
  readonly replies: TesterDatagram[];
}

/** The exchange for step `label` (e.g. `qm-1/4`), or undefined when it was not sent. */
export function exchange(run: ScenarioRun, label: string, windowMs = 1000): Exchange | undefined {
  const t = run.tester;
  const send = t?.sent.find((s) => s.label === label);
  if (!t || !send) return undefined;
  // The next query that is not a continuation of this one (those follow within 100 ms).
  const next = t.sent.filter((s) => s.at > send.at + 100).reduce((m, s) => Math.min(m, s.at), Infinity);
  const until = Math.min(next, send.at + windowMs, t.end);
  // Same family only: a responder may multicast an IPv4 query's answer on IPv6 too (mDNSResponder does).
  const replies = t.received.filter(
    (d) =>
      d.family === send.family &&
      run.targetAddresses.has(d.from) &&
      d.at >= send.at &&
      d.at < until &&
      d.msg?.flag_qr === true,
  );
  return { send, replies };
}

/** The first reply with an answer of `type` for `name`, and its delay (ms). */
export function firstAnswer(
  x: Exchange,
  type: string,
  name: string,
  sock?: TesterDatagram['sock'],
): { d: TesterDatagram; delay: number } | undefined {
  const d = x.replies.find((r) => answersOf(r.msg, type, name).length > 0 && (sock === undefined || r.sock === sock));
  return d ? { d, delay: d.at - x.send.at } : undefined;
}

/** Families the run covers (IPv6 only when the target takes part). */
export function families(run: ScenarioRun): Family[] {
  return run.names.targetV6 !== undefined ? [4, 6] : [4];
}

export function testerErrors(run: ScenarioRun): string {
  const e = [...(run.tester?.errors ?? []), ...(run.error ? [`scenario: ${run.error}`] : [])];
  return e.length > 0 ? ` [${e.join('; ')}]` : '';
}
