/**
 * Active conformance cases: a tester (tester.cjs, plain dgram + dns-packet)
 * in lab host h1 sends crafted queries after the target has announced and
 * records every datagram it receives (arrival time from process.hrtime, source,
 * receiving socket). The replies are decoded here with dns-packet, never with
 * boaster's own wire code.
 */
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import type { Host } from '../lab/host.js';
import type { CaseContext, ConformanceCase, CaseResult, Status } from './cases.js';
import { normName } from './packets.js';

const TESTER_SCRIPT = fileURLToPath(new URL('./tester.cjs', import.meta.url));

/** Receiving socket of the tester: group-bound, bound to its own address:5353, or the ephemeral legacy socket. */
export type TesterSocket = 'multicast' | 'unicast' | 'ephemeral';

export interface TesterDatagram {
  readonly sock: TesterSocket;
  /** Arrival, ms since the tester started. */
  readonly t: number;
  readonly from: string;
  readonly port: number;
  readonly msg: DecodedPacket | undefined;
  readonly decodeError: string | undefined;
}

export interface TesterSend {
  readonly label: string;
  /** ms since the tester started. */
  readonly t: number;
  /** Encoded query as sent (dns-packet decode, for the checks on echo). */
  readonly msg: DecodedPacket;
}

export interface DigResult {
  readonly command: string;
  readonly status: string | undefined;
  readonly formerr: boolean;
  readonly output: string;
}

/** What the active phase observed (input of the active cases). */
export interface ActiveObservations {
  readonly targetAddress: string;
  readonly testerAddress: string;
  /** Service type with domain, e.g. `_boaster-conf._tcp.local`. */
  readonly serviceType: string;
  readonly sent: readonly TesterSend[];
  readonly received: readonly TesterDatagram[];
  /** End of the tester's run (ms since its start). */
  readonly end: number;
  readonly errors: readonly string[];
  readonly dig: DigResult | undefined;
}

interface Step {
  readonly at: number;
  readonly label: string;
  readonly socket: 'mdns' | 'ephemeral';
  readonly to?: string;
  readonly qu?: boolean;
  readonly packet: Packet;
}

/** Spacing of the QM reply-timing queries (> 1 s multicast rate limit of §6). */
export const QM_SPACING_MS = 1300;
export const QM_COUNT = 5;
/** Listening window for known-answer suppression. */
export const KAS_WINDOW_MS = 1000;
/** Full PTR TTL (RFC 6762 §10: 75 minutes) and one below half of it. */
export const PTR_TTL_FULL = 4500;
export const PTR_TTL_LOW = 100;

// The low-TTL query goes first, so that whatever a responder keeps from a
// suppressed query cannot explain a missing answer to the low-TTL one.
const KAS_LOW_AT = 2200 + QM_COUNT * QM_SPACING_MS + 100;
const KAS_FULL_AT = KAS_LOW_AT + KAS_WINDOW_MS + 500;
/** Control: the same PTR query without known answers (tells "never answers PTR" from "ignores the TTL"). */
const KAS_NONE_AT = KAS_FULL_AT + KAS_WINDOW_MS + 500;
const DURATION_MS = KAS_NONE_AT + KAS_WINDOW_MS + 500;

function plan(targetAddress: string, instance: string, serviceType: string): Step[] {
  const srvQ = { type: 'SRV' as const, name: instance, class: 'IN' as const };
  const kas = (ttl: number | undefined): Packet => ({
    type: 'query',
    id: 0,
    flags: 0,
    questions: [{ type: 'PTR', name: serviceType, class: 'IN' }],
    answers: ttl === undefined ? [] : [{ type: 'PTR', name: serviceType, class: 'IN', ttl, data: instance }],
  });
  return [
    // §5.4: right after the announcements (SRV multicast < 1/4 TTL ago).
    { at: 0, label: 'qu', socket: 'mdns', qu: true, packet: { type: 'query', id: 0, flags: 0, questions: [srvQ] } },
    // §6.7: from an ephemeral port, unicast to the target.
    { at: 1000, label: 'legacy', socket: 'ephemeral', to: targetAddress, packet: { type: 'query', id: randomInt(1, 0x10000), flags: 0, questions: [srvQ] } },
    ...Array.from({ length: QM_COUNT }, (_, i): Step => ({
      at: 2200 + i * QM_SPACING_MS,
      label: `qm-${i + 1}`,
      socket: 'mdns',
      packet: { type: 'query', id: 0, flags: 0, questions: [srvQ] },
    })),
    { at: KAS_LOW_AT, label: 'kas-low', socket: 'mdns', packet: kas(PTR_TTL_LOW) },
    { at: KAS_FULL_AT, label: 'kas-full', socket: 'mdns', packet: kas(PTR_TTL_FULL) },
    { at: KAS_NONE_AT, label: 'kas-none', socket: 'mdns', packet: kas(undefined) },
  ];
}

interface TesterLine {
  kind: string;
  label?: string;
  sock?: TesterSocket;
  t?: number;
  from?: string;
  port?: number;
  hex?: string;
  error?: string;
}

function decode(hex: string): { msg: DecodedPacket | undefined; decodeError: string | undefined } {
  try {
    return { msg: dnsPacket.decode(Buffer.from(hex, 'hex')), decodeError: undefined };
  } catch (e) {
    return { msg: undefined, decodeError: e instanceof Error ? e.message : String(e) };
  }
}

/** Run the tester and then dig in `host` (h1) against `targetAddress`. Every wait is bounded. */
export async function runActive(host: Host, targetAddress: string, instance: string): Promise<ActiveObservations> {
  const serviceType = instance.slice(instance.indexOf('.') + 1);
  const testerAddress = host.interfaces[0]?.ipv4;
  if (testerAddress === undefined) throw new Error(`host ${host.name} has no IPv4 address`);
  const cfg = { source: testerAddress, ifname: host.interfaces[0]?.ifname ?? 'eth0', durationMs: DURATION_MS, steps: plan(targetAddress, instance, serviceType) };
  const r = await host.run(process.execPath, [TESTER_SCRIPT, JSON.stringify(cfg)], { timeoutMs: DURATION_MS + 10_000 });
  const sent: TesterSend[] = [];
  const received: TesterDatagram[] = [];
  const errors: string[] = [];
  let end = DURATION_MS;
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const l = JSON.parse(line) as TesterLine;
    if (l.kind === 'sent' && l.label !== undefined && l.t !== undefined && l.hex !== undefined) {
      const { msg } = decode(l.hex);
      if (msg) sent.push({ label: l.label, t: l.t, msg });
    } else if (l.kind === 'recv' && l.sock !== undefined && l.t !== undefined && l.hex !== undefined) {
      received.push({ sock: l.sock, t: l.t, from: l.from ?? '', port: l.port ?? 0, ...decode(l.hex) });
    } else if (l.kind === 'error') {
      errors.push(`${l.label ?? l.sock ?? ''}: ${l.error ?? ''}`);
    } else if (l.kind === 'done' && l.t !== undefined) {
      end = l.t;
    }
  }
  if (r.code !== 0) errors.push(`tester exit ${String(r.code)} ${r.signal ?? ''}: ${r.stderr.trim().slice(0, 300)}`);
  // dig wants a presentation-format name: escape the space of the instance label.
  const digName = instance.replace(/ /g, '\\032');
  const digArgs = ['+time=2', '+tries=1', '-p', '5353', `@${targetAddress}`, digName, 'SRV'];
  let dig: DigResult | undefined;
  try {
    const d = await host.run('dig', digArgs, { timeoutMs: 10_000 });
    const output = `${d.stdout}${d.stderr}`;
    dig = { command: `dig ${digArgs.join(' ')}`, status: /status: (\w+)/.exec(output)?.[1], formerr: /FORMERR/.test(output), output };
  } catch (e) {
    errors.push(`dig: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { targetAddress, testerAddress, serviceType, sent, received, end, errors, dig };
}

// ---------------------------------------------------------------- judging

function recordsOf(m: DecodedPacket): Answer[] {
  return [...(m.answers ?? []), ...(m.authorities ?? []), ...(m.additionals ?? [])];
}

/** Datagrams from the target in [sent.t, next send or end). */
function window(a: ActiveObservations, label: string, maxMs = Infinity): { send: TesterSend; list: TesterDatagram[] } | undefined {
  const sorted = [...a.sent].sort((x, y) => x.t - y.t);
  const i = sorted.findIndex((s) => s.label === label);
  const send = sorted[i];
  if (!send) return undefined;
  const until = Math.min(sorted[i + 1]?.t ?? a.end, send.t + maxMs);
  const list = a.received.filter((d) => d.from === a.targetAddress && d.t >= send.t && d.t < until);
  return { send, list };
}

function answers(d: TesterDatagram, type: string, name: string): Answer[] {
  const want = normName(name);
  return (d.msg?.answers ?? []).filter((r) => r.type === type && normName(r.name) === want);
}

const r1 = (n: number): string => (Math.round(n * 10) / 10).toFixed(1);

function needActive(c: ConformanceCase, ctx: CaseContext): ActiveObservations | CaseResult {
  if (!ctx.active) return { name: c.name, status: 'ERROR', figure: '-', detail: 'active phase did not run' };
  return ctx.active;
}

function errNote(a: ActiveObservations): string {
  return a.errors.length > 0 ? ` [tester: ${a.errors.join('; ')}]` : '';
}

/** §6.7 legacy unicast: reply to the source port, same id, question echoed, TTL ≤ 10, no cache-flush; plus dig. */
export const legacyUnicast: ConformanceCase = {
  name: 'legacy-unicast',
  rfc: 'RFC 6762 §6.7',
  judge(ctx) {
    const a = needActive(this, ctx);
    if ('status' in a) return a;
    const w = window(a, 'legacy');
    if (!w) return { name: this.name, status: 'ERROR', figure: '-', detail: `legacy query not sent${errNote(a)}` };
    let status: Status = 'PASS';
    const notes: string[] = [];
    const figures: string[] = [];
    const replies = w.list.filter((d) => d.sock === 'ephemeral' && d.msg?.flag_qr === true);
    const mcast = w.list.filter((d) => d.sock !== 'ephemeral' && answers(d, 'SRV', ctx.instance).length > 0);
    const reply = replies[0];
    if (!reply?.msg) {
      status = 'FAIL';
      figures.push('no reply');
      notes.push(`no response to the ephemeral source port${mcast.length ? ` (${mcast.length} multicast/5353 response(s) with the SRV instead)` : ''}`);
    } else {
      const m = reply.msg;
      figures.push(`${r1(reply.t - w.send.t)}ms`);
      if (m.id !== w.send.msg.id) {
        status = 'FAIL';
        notes.push(`id ${String(m.id)} ≠ query id ${String(w.send.msg.id)}`);
      }
      const q = w.send.msg.questions?.[0];
      const echoed = (m.questions ?? []).some((x) => q !== undefined && normName(x.name) === normName(q.name) && x.type === q.type);
      if (!echoed) {
        status = 'FAIL';
        notes.push(`question not echoed (questions: ${(m.questions ?? []).map((x) => `${x.type} ${x.name}`).join(', ') || 'none'})`);
      }
      if (answers(reply, 'SRV', ctx.instance).length === 0) {
        status = 'FAIL';
        notes.push('no SRV answer for the instance');
      }
      const recs = recordsOf(m).filter((r) => r.type !== 'OPT');
      const ttls = recs.map((r) => ('ttl' in r ? (r.ttl ?? 0) : 0));
      const maxTtl = ttls.length ? Math.max(...ttls) : 0;
      figures.push(`maxTTL=${maxTtl}`);
      const longTtl = recs.filter((r) => 'ttl' in r && (r.ttl ?? 0) > 10);
      if (longTtl.length > 0) {
        status = 'FAIL';
        notes.push(`TTL > 10: ${longTtl.map((r) => `${r.type} ${r.name} ${'ttl' in r ? String(r.ttl) : ''}`).join('; ')}`);
      }
      const flushed = recs.filter((r) => 'flush' in r && r.flush === true);
      if (flushed.length > 0) {
        status = 'FAIL';
        notes.push(`cache-flush bit set: ${flushed.map((r) => `${r.type} ${r.name}`).join('; ')}`);
      }
      if (reply.port !== 5353) notes.push(`reply source port ${reply.port}`);
      if (replies.length > 1) notes.push(`${replies.length} replies`);
      if (mcast.length > 0) notes.push(`also ${mcast.length} multicast/5353 response(s) with the SRV`);
      if (status === 'PASS') notes.push(`reply to the source port, id ${String(m.id)} echoed, question echoed, ${recs.length} record(s) all TTL ≤ 10, no cache-flush`);
    }
    const dig = a.dig;
    if (!dig) {
      status = 'FAIL';
      figures.push('dig:ERR');
      notes.push('dig did not run');
    } else {
      figures.push(`dig:${dig.formerr ? 'FORMERR' : (dig.status ?? 'no-reply')}`);
      if (dig.formerr || dig.status !== 'NOERROR') {
        status = 'FAIL';
        const why = dig.formerr ? 'output contains FORMERR' : dig.status === undefined ? 'no status (no reply)' : `status ${dig.status}`;
        const firstLines = dig.output.split('\n').filter((l) => /status:|FORMERR|timed out|malformed|WARNING|;; [A-Z]/i.test(l)).slice(0, 3).join(' / ');
        notes.push(`dig: ${why} (${firstLines.trim()})`);
      } else {
        notes.push('dig: NOERROR');
      }
    }
    return { name: this.name, status, figure: figures.join(' '), detail: `${notes.join('; ')}${errNote(a)}` };
  },
};

/** §6: unique answers (SRV) sent without delay: median of the QM reply delays. */
export const UNIQUE_WARN_MS = 10;
export const UNIQUE_FAIL_MS = 750;
export const uniqueReplyTiming: ConformanceCase = {
  name: 'unique-reply-timing',
  rfc: 'RFC 6762 §6',
  judge(ctx) {
    const a = needActive(this, ctx);
    if ('status' in a) return a;
    const delays: (number | undefined)[] = [];
    const notes: string[] = [];
    for (let i = 1; i <= QM_COUNT; i++) {
      const w = window(a, `qm-${i}`);
      if (!w) {
        delays.push(undefined);
        continue;
      }
      const hit = w.list.find((d) => d.msg?.flag_qr === true && answers(d, 'SRV', ctx.instance).length > 0);
      delays.push(hit ? hit.t - w.send.t : undefined);
      if (hit && hit.sock !== 'multicast') notes.push(`qm-${i}: reply on ${hit.sock} socket`);
    }
    const got = delays.filter((d): d is number => d !== undefined).sort((x, y) => x - y);
    const list = delays.map((d) => (d === undefined ? '-' : r1(d))).join(',');
    if (got.length === 0) return { name: this.name, status: 'FAIL', figure: 'no reply', detail: `no SRV response to ${QM_COUNT} QM queries${errNote(a)}` };
    // Median over all queries, a missing reply counting as infinitely late.
    const all = delays.map((d) => d ?? Infinity).sort((x, y) => x - y);
    const median = all[Math.floor(all.length / 2)] ?? Infinity;
    let status: Status = median > UNIQUE_FAIL_MS ? 'FAIL' : median > UNIQUE_WARN_MS ? 'WARN' : 'PASS';
    if (got.length < QM_COUNT) {
      status = status === 'PASS' ? 'WARN' : status;
      notes.push(`${QM_COUNT - got.length}/${QM_COUNT} queries unanswered`);
    }
    notes.unshift(`delays [${list}] ms (query sent → SRV response arrival at the tester); WARN > ${UNIQUE_WARN_MS} ms, FAIL > ${UNIQUE_FAIL_MS} ms`);
    return { name: this.name, status, figure: `median ${Number.isFinite(median) ? r1(median) : '∞'}ms`, detail: `${notes.join('; ')}${errNote(a)}` };
  },
};

/** §7.1: no PTR answer when the query lists it with ≥ half its TTL; answered when the listed TTL is low. */
export const knownAnswerSuppression: ConformanceCase = {
  name: 'known-answer-suppression',
  rfc: 'RFC 6762 §7.1',
  judge(ctx) {
    const a = needActive(this, ctx);
    if ('status' in a) return a;
    const ptrReply = (label: string): { sent: boolean; t: number | undefined } => {
      const w = window(a, label, KAS_WINDOW_MS);
      if (!w) return { sent: false, t: undefined };
      const hit = w.list.find((d) => d.msg?.flag_qr === true && answers(d, 'PTR', a.serviceType).length > 0);
      return { sent: true, t: hit ? hit.t - w.send.t : undefined };
    };
    const full = ptrReply('kas-full');
    const low = ptrReply('kas-low');
    const control = ptrReply('kas-none');
    if (!full.sent || !low.sent) return { name: this.name, status: 'ERROR', figure: '-', detail: `queries not sent${errNote(a)}` };
    const fig = (x: { t: number | undefined }): string => (x.t === undefined ? 'none' : `${r1(x.t)}ms`);
    const figure = `ttl${PTR_TTL_FULL}:${fig(full)} ttl${PTR_TTL_LOW}:${fig(low)}`;
    const notes: string[] = [];
    let status: Status = 'PASS';
    if (full.t !== undefined) {
      status = 'FAIL';
      notes.push(`PTR answered after ${r1(full.t)} ms although the query listed it with TTL ${PTR_TTL_FULL} (≥ half)`);
    } else notes.push(`suppressed with known answer TTL ${PTR_TTL_FULL} (no PTR within ${KAS_WINDOW_MS} ms)`);
    if (low.t === undefined) {
      status = 'FAIL';
      notes.push(`PTR not answered within ${KAS_WINDOW_MS} ms although the known answer had TTL ${PTR_TTL_LOW} (< half)`);
    } else notes.push(`answered after ${r1(low.t)} ms with known answer TTL ${PTR_TTL_LOW}`);
    // Control query (not judged): same PTR question without known answers, sent last.
    notes.push(control.t === undefined ? 'control PTR query without known answers: not answered either' : `control PTR query without known answers: answered after ${r1(control.t)} ms`);
    return { name: this.name, status, figure, detail: `${notes.join('; ')}${errNote(a)}` };
  },
};

/** §5.4: a QU query right after the announcements: unicast reply (PASS) or multicast (WARN, quarter-TTL rule). */
export const quUnicast: ConformanceCase = {
  name: 'qu-unicast',
  rfc: 'RFC 6762 §5.4',
  judge(ctx) {
    const a = needActive(this, ctx);
    if ('status' in a) return a;
    const w = window(a, 'qu');
    if (!w) return { name: this.name, status: 'ERROR', figure: '-', detail: `QU query not sent${errNote(a)}` };
    const hits = w.list.filter((d) => d.msg?.flag_qr === true && answers(d, 'SRV', ctx.instance).length > 0);
    const uni = hits.find((d) => d.sock === 'unicast');
    const multi = hits.find((d) => d.sock === 'multicast');
    if (uni) {
      return {
        name: this.name,
        status: 'PASS',
        figure: `unicast ${r1(uni.t - w.send.t)}ms`,
        detail: `SRV reply by unicast to ${a.testerAddress}:5353${multi ? ` (and by multicast after ${r1(multi.t - w.send.t)} ms)` : ''}${errNote(a)}`,
      };
    }
    if (multi) {
      return {
        name: this.name,
        status: 'WARN',
        figure: `multicast ${r1(multi.t - w.send.t)}ms`,
        detail: `SRV reply by multicast only (allowed: the record was multicast within 1/4 of its TTL, the announcements)${errNote(a)}`,
      };
    }
    return { name: this.name, status: 'FAIL', figure: 'no reply', detail: `no SRV response to the QU query${errNote(a)}` };
  },
};

export const ACTIVE_CASES: readonly ConformanceCase[] = [legacyUnicast, uniqueReplyTiming, knownAnswerSuppression, quUnicast];
