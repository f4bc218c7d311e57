/**
 * The tester's script for the `basic` scenario: QU queries right after the
 * announcements, an idle window (chattiness), then the same block of queries
 * over IPv4 and over IPv6 — legacy unicast, unique reply timing, known-answer
 * suppression in one and in two packets (TC), duplicate answer suppression,
 * several questions in one query, additional records, NSEC, letter case.
 *
 * Queries about one record are > 1 s apart (RFC 6762 §6: a record is
 * multicast at most once a second per interface), so every reply the cases
 * expect is allowed.
 */
import { randomInt } from 'node:crypto';
import type { Answer, Packet, Question } from 'dns-packet';
import type { Names } from './scenario.js';
import type { Family, Step } from './tester.js';

/** Full PTR TTL (RFC 6762 §10: 75 minutes) and one below half of it. */
export const PTR_TTL_FULL = 4500;
export const PTR_TTL_LOW = 100;
export const QM_COUNT = 5;
/** How long after a query the cases look for its answer (unless the next query comes first). */
export const REPLY_WINDOW_MS = 1000;
/** The idle window: no queries, the target should send nothing (chattiness). */
export const IDLE_FROM_MS = 1500;
export const IDLE_TO_MS = 31_500;
/** Block starts: IPv4 ≥ 30 s after the last multicast of the SRV (a quarter of its 120 s TTL, §5.4). */
export const BLOCK_START: Readonly<Record<Family, number>> = { 4: 33_000, 6: 59_500 };
export const BLOCK_MS = 26_000;
export const BASIC_DURATION_MS = BLOCK_START[6] + BLOCK_MS + 1500;

/** The name with its letters' case swapped: `cONFORMANCE tEST._BOASTER-CONF…` (RFC 6762 §16). */
export function swapCase(name: string): string {
  return [...name].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}

export function query(questions: Question[], answers: Answer[] = [], flags = 0): Packet {
  return { type: 'query', id: 0, flags, questions, answers };
}

/** A question; `type` may be ANY (255), which dns-packet encodes but does not type. */
export function question(name: string, type: Question['type'] | 'ANY'): Question {
  return { name, type: type as Question['type'], class: 'IN' };
}

/** A response as another responder sends it (QR, AA). */
export function response(answers: Answer[]): Packet {
  return { type: 'response', id: 0, flags: 0x0400, answers };
}

const TC = 0x0200;

/** `label/4` or `label/6`: which family a step or an observation belongs to. */
export function tag(label: string, family: Family): string {
  return `${label}/${family}`;
}

/** Offsets (ms) of the block's queries from its start. */
export const AT = {
  quLate: 0,
  // The unique-timing queries first, > 1 s after the QU reply; the legacy
  // query after them, since some responders multicast its answer too.
  qm: (k: number): number => 1300 + (k - 1) * 1300,
  legacy: 7600,
  kasLow: 8800,
  kasFull: 10_300,
  kasNone: 11_800,
  kasTcFull: 13_300,
  kasTcLow: 14_800,
  // ≥ 1.5 s after the TC answer (sent 400–500 ms after kas-tc-low), so the
  // §6.2 once-a-second limit cannot be what keeps dup-full unanswered.
  dupFull: 16_900,
  dupLow: 18_400,
  multi: 19_900,
  additional: 21_400,
  nsec: 22_900,
  letterCase: 24_400,
} as const;

function block(family: Family, n: Names): Step[] {
  const base = BLOCK_START[family];
  const step = (at: number, label: string, packet: Packet, extra: Partial<Step> = {}): Step => ({
    at: base + at,
    label: tag(label, family),
    family,
    packet,
    ...extra,
  });
  const srvQ = question(n.instance, 'SRV');
  const ptrQ = question(n.serviceType, 'PTR');
  const ours = (ttl: number): Answer => ({ type: 'PTR', name: n.serviceType, class: 'IN', ttl, data: n.instance });
  const stranger: Answer = {
    type: 'PTR',
    name: n.serviceType,
    class: 'IN',
    ttl: PTR_TTL_FULL,
    data: `Someone Else.${n.serviceType}`,
  };
  const unicastTo = family === 4 ? n.targetV4 : `${n.targetV6 ?? ''}%${n.ifname}`;
  const steps: Step[] = [
    // §6.7: from an ephemeral port, straight to the target.
    step(AT.legacy, 'legacy', { ...query([srvQ]), id: randomInt(1, 0x10000) }, { socket: 'ephemeral', to: unicastTo }),
    ...Array.from({ length: QM_COUNT }, (_, i) => step(AT.qm(i + 1), `qm-${i + 1}`, query([srvQ]))),
    // §7.1: the low-TTL known answer first, so state left by a suppressed query cannot explain a missing answer.
    step(AT.kasLow, 'kas-low', query([ptrQ], [ours(PTR_TTL_LOW)])),
    step(AT.kasFull, 'kas-full', query([ptrQ], [ours(PTR_TTL_FULL)])),
    step(AT.kasNone, 'kas-none', query([ptrQ])),
    // §7.2: the question with TC and a stranger's answer, our answer in the packet after.
    step(AT.kasTcFull, 'kas-tc-full', query([ptrQ], [stranger], TC)),
    step(AT.kasTcFull + 20, 'kas-tc-full-2', query([], [ours(PTR_TTL_FULL)])),
    step(AT.kasTcLow, 'kas-tc-low', query([ptrQ], [stranger], TC)),
    step(AT.kasTcLow + 20, 'kas-tc-low-2', query([], [ours(PTR_TTL_LOW)])),
    // §7.4: another host answers first, right behind the query (well within the 20 ms a shared answer waits at least).
    step(AT.dupFull, 'dup-full', query([ptrQ])),
    step(AT.dupFull + 1, 'dup-full-answer', response([ours(PTR_TTL_FULL)])),
    step(AT.dupLow, 'dup-low', query([ptrQ])),
    step(AT.dupLow + 1, 'dup-low-answer', response([ours(PTR_TTL_LOW)])),
    // §6, §6.4: three questions, one response where possible.
    step(
      AT.multi,
      'multi',
      query([srvQ, question(n.instance, 'TXT'), question(n.hostName, family === 4 ? 'A' : 'AAAA')]),
    ),
    // RFC 6763 §12: PTR → SRV, TXT, addresses in additional.
    step(AT.additional, 'additional', query([ptrQ])),
    // §6.1: a type the name does not have → NSEC.
    step(AT.nsec, 'nsec', query([question(n.instance, 'A')])),
    // §16: case-insensitive matching.
    step(AT.letterCase, 'case', query([question(swapCase(n.instance), 'SRV')])),
  ];
  // §5.4: a QU query > 1/4 TTL after the last multicast of the SRV (IPv4 only:
  // replies to IPv4 queries may be multicast on IPv6 too, as mDNSResponder does).
  if (family === 4) steps.push(step(AT.quLate, 'qu-late', query([srvQ]), { qu: true }));
  return steps;
}

/** The whole script (tester times in ms). */
export function basicPlan(n: Names): Step[] {
  const srvQ = question(n.instance, 'SRV');
  const early: Step[] = [{ at: 0, label: tag('qu-early', 4), family: 4, qu: true, packet: query([srvQ]) }];
  if (n.targetV6 !== undefined)
    early.push({ at: 600, label: tag('qu-early', 6), family: 6, qu: true, packet: query([srvQ]) });
  return [...early, ...block(4, n), ...(n.targetV6 !== undefined ? block(6, n) : [])];
}
