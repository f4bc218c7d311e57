/**
 * The querier cases' judging on made-up observations (no lab): each case
 * passes what RFC 6762 asks for and fails what it does not, so none of them
 * is a check that cannot fail.
 */
import type { Answer, DecodedPacket } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import type { MdnsPacket } from '../packets.js';
import { duplicateQuestion, duplicateQuestionForeign, knownAnswers, tcKnownAnswers } from './cases-known.js';
import { cacheFlush, goodbye, idleSilence, poof } from './cases-reactions.js';
import { firstQuery, intervalDoubling, refresh } from './cases-timing.js';
import type { QuerierCase } from './common.js';
import {
  FLUSH,
  FOREIGN,
  IDLE_FROM_MS,
  KNOWN,
  POOF,
  PTR_NAME,
  REFRESH,
  SUPPRESS,
  TC_INSTANCES,
  instanceName,
  tcLabel,
  type QuerierRun,
} from './scenarios.js';
import type { ResponderSend } from './responder.js';
import type { Report } from './targets.js';

const T0 = 1_800_000_000_000;
const QUERIER = '192.0.2.10';
const IDLE = '192.0.2.12';

const ptr = (instance: string, ttl: number): Answer => ({
  type: 'PTR',
  name: PTR_NAME,
  class: 'IN',
  ttl,
  data: instance,
});

function packet(at: number, msg: DecodedPacket, src = QUERIER): MdnsPacket {
  return {
    time: 0,
    at: T0 + at,
    family: 4,
    src,
    dst: '224.0.0.251',
    srcPort: 5353,
    dstPort: 5353,
    ttl: 255,
    payload: Buffer.alloc(100),
    msg,
    decodeError: undefined,
  };
}

function query(
  at: number,
  answers: Answer[] = [],
  opts: { tc?: boolean; noQuestion?: boolean; src?: string } = {},
): MdnsPacket {
  const questions = opts.noQuestion ? [] : [{ name: PTR_NAME, type: 'PTR' as const, class: 'IN' as const }];
  return packet(
    at,
    {
      type: 'query',
      id: 0,
      flags: 0,
      flag_qr: false,
      flag_tc: opts.tc === true,
      questions,
      answers,
    } as unknown as DecodedPacket,
    opts.src,
  );
}

const sent = (label: string, at: number, answers: Answer[] = []): ResponderSend => ({
  label,
  at: T0 + at,
  msg: { type: 'response', id: 0, flags: 0, answers } as unknown as DecodedPacket,
});

function run(packets: MdnsPacket[], sends: ResponderSend[] = [], extra: Partial<QuerierRun> = {}): QuerierRun {
  return {
    scenario: 'schedule',
    target: 'boaster',
    querierV4: QUERIER,
    idleAddresses: new Set([IDLE]),
    packets,
    responder: { start: T0, end: T0 + 40_000, queries: [], sent: sends, errors: [] },
    origin: T0,
    originKind: 'ready line',
    idleOrigin: undefined,
    reports: [],
    stoppedAt: T0 + 40_000,
    error: undefined,
    output: '',
    ...extra,
  };
}

const status = (c: QuerierCase, r: QuerierRun): string => c.judge(r).status;
const doubling = [60, 1060, 3060, 7060, 15060];

describe('querier cases on made-up observations', () => {
  it('first-query: 20–120 ms passes, at once fails', () => {
    expect(status(firstQuery, run([query(60)]))).toBe('PASS');
    expect(status(firstQuery, run([query(2)]))).toBe('FAIL');
    expect(status(firstQuery, run([query(400)]))).toBe('FAIL');
  });

  it('interval-doubling: 1, 2, 4, 8 s passes, every second fails', () => {
    expect(status(intervalDoubling, run(doubling.map((t) => query(t))))).toBe('PASS');
    expect(status(intervalDoubling, run([60, 1060, 2060, 3060, 4060].map((t) => query(t))))).toBe('FAIL');
  });

  it('known-answers: listed above half the TTL, not below', () => {
    const k = instanceName(KNOWN.label);
    const announce = [sent('announce-K', 360, [ptr(k, KNOWN.ptrTtl)])];
    const good = [
      query(60),
      query(1060, [ptr(k, 19)]),
      query(3060, [ptr(k, 17)]),
      query(7060, [ptr(k, 13)]),
      query(15060),
    ];
    expect(status(knownAnswers, run(good, announce))).toBe('PASS');
    const stale = [...good.slice(0, 4), query(15060, [ptr(k, 5)])];
    expect(status(knownAnswers, run(stale, announce))).toBe('FAIL');
    const missing = [query(60), query(1060), query(3060, [ptr(k, 17)]), query(7060, [ptr(k, 13)]), query(15060)];
    expect(status(knownAnswers, run(missing, announce))).toBe('FAIL');
  });

  it('tc-known-answers: TC on all but the last, every PTR listed', () => {
    const all = Array.from({ length: TC_INSTANCES }, (_, i) => ptr(instanceName(tcLabel(i + 1)), 4499));
    const announce = [sent('announce-T', 560)];
    const train = (tcs: boolean[], lists: Answer[][]): MdnsPacket[] =>
      lists.map((a, i) => query(1060 + i, a, { tc: tcs[i] === true, noQuestion: i > 0 }));
    const thirds = [all.slice(0, 50), all.slice(50, 100), all.slice(100)];
    expect(status(tcKnownAnswers, run([query(60), ...train([true, true, false], thirds)], announce))).toBe('PASS');
    expect(status(tcKnownAnswers, run([query(60), ...train([true, false, false], thirds)], announce))).toBe('FAIL');
    expect(status(tcKnownAnswers, run([query(60), ...train([true, false], thirds.slice(0, 2))], announce))).toBe(
      'FAIL',
    );
  });

  it('duplicate-question: the next query skipped passes, sent anyway fails', () => {
    const s = ptr(instanceName(SUPPRESS.label), 4490);
    const dup = [sent('dup', 6560, [s])];
    const skipped = [query(60), query(1060), query(3060), query(14_560)];
    expect(status(duplicateQuestion, run(skipped, dup))).toBe('PASS');
    expect(status(duplicateQuestion, run([...skipped.slice(0, 3), query(7060), query(15_060)], dup))).toBe('FAIL');
    expect(status(duplicateQuestion, run(skipped.slice(0, 3), dup))).toBe('FAIL');
  });

  it('duplicate-question-foreign: the query sent passes, skipped fails', () => {
    const dup = [sent('dup', 6560, [ptr(instanceName(SUPPRESS.label), 4490), ptr(instanceName(FOREIGN.label), 4500)])];
    const base = [query(60), query(1060), query(3060)];
    expect(status(duplicateQuestionForeign, run([...base, query(7060), query(15_060)], dup))).toBe('PASS');
    expect(status(duplicateQuestionForeign, run([...base, query(14_560)], dup))).toBe('FAIL');
  });

  it('goodbye: gone within 2 s passes, later fails', () => {
    const bye = [sent('goodbye-K', 17_000)];
    const reports = (d: number): Report[] => [
      { kind: 'up', name: KNOWN.label, at: T0 + 400 },
      { kind: 'down', name: KNOWN.label, at: T0 + 17_000 + d },
    ];
    expect(status(goodbye, run([], bye, { reports: reports(1000) }))).toBe('PASS');
    expect(status(goodbye, run([], bye, { reports: reports(3000) }))).toBe('FAIL');
    expect(status(goodbye, run([], bye, { reports: reports(-10_000).slice(0, 1) }))).toBe('FAIL');
  });

  it('refresh: 80–97 % passes, 75 % or none fails', () => {
    const r = instanceName(REFRESH.label);
    const announce = [sent('announce-R', 15_360, [ptr(r, REFRESH.ptrTtl)])];
    const at = (pct: number): number => 15_360 + REFRESH.ptrTtl * 10 * pct;
    expect(status(refresh, run([query(15_060), query(at(82))], announce))).toBe('PASS');
    expect(status(refresh, run([query(15_060), query(at(75)), query(at(82))], announce))).toBe('FAIL');
    expect(status(refresh, run([query(15_060)], announce))).toBe('FAIL');
    expect(status(refresh, run([query(15_060), query(at(82), [ptr(r, 1)])], announce))).toBe('FAIL');
  });

  it('idle-silence: no query passes, one fails', () => {
    const idle = { idleOrigin: T0, scenario: 'suppression' as const };
    const response = packet(
      IDLE_FROM_MS + 3000,
      { type: 'response', id: 0, flags: 0, flag_qr: true, answers: [] } as unknown as DecodedPacket,
      IDLE,
    );
    expect(status(idleSilence, run([response], [], idle))).toBe('PASS');
    expect(status(idleSilence, run([response, query(IDLE_FROM_MS + 5000, [], { src: IDLE })], [], idle))).toBe('FAIL');
    expect(status(idleSilence, run([], [], { ...idle, stoppedAt: T0 + 5000 }))).toBe('NA');
  });

  it('cache-flush: only the new TXT and address within 2 s passes; both, the old later, or nothing fails', () => {
    const sends = [sent('announce-C', 400), sent('flush-C', 3400)];
    const seen = (at: number, txt: string[], addresses: string[]): Report => ({
      kind: 'seen',
      name: FLUSH.label,
      at: T0 + at,
      txt,
      addresses,
    });
    const before = seen(500, [FLUSH.txtBefore], [FLUSH.before]);
    const flushRun = (reports: Report[], target: QuerierRun['target'] = 'boaster'): QuerierRun =>
      run([], sends, { scenario: 'cache-flush', reports, target });
    expect(
      status(
        cacheFlush,
        flushRun([
          before,
          seen(3401, [FLUSH.txtAfter], [FLUSH.after, FLUSH.before]),
          seen(4401, [FLUSH.txtAfter], [FLUSH.after]),
        ]),
      ),
    ).toBe('PASS');
    expect(status(cacheFlush, flushRun([before, seen(3401, [FLUSH.txtAfter], [FLUSH.after, FLUSH.before])]))).toBe(
      'FAIL',
    );
    expect(
      status(
        cacheFlush,
        flushRun([before, seen(3401, [FLUSH.txtAfter], [FLUSH.after]), seen(5500, [FLUSH.txtAfter], [FLUSH.before])]),
      ),
    ).toBe('FAIL');
    expect(status(cacheFlush, flushRun([before]))).toBe('FAIL');
    expect(status(cacheFlush, flushRun([before], 'avahi'))).toBe('NA');
    expect(status(cacheFlush, flushRun([]))).toBe('NA');
  });

  it('poof: gone after the second unanswered query and within 10 s passes; before it, late or never fails', () => {
    const sends = [sent('ask-1', 2360), sent('ask-2', 3860)];
    const poofRun = (downAt?: number): QuerierRun =>
      run([], sends, {
        scenario: 'poof',
        reports: [
          { kind: 'up', name: POOF.label, at: T0 + 400 },
          ...(downAt === undefined ? [] : [{ kind: 'down' as const, name: POOF.label, at: T0 + downAt }]),
        ],
      });
    expect(status(poof, poofRun(3860 + 8500))).toBe('PASS');
    expect(status(poof, poofRun(3000))).toBe('FAIL');
    expect(status(poof, poofRun(3860 + 12_000))).toBe('FAIL');
    expect(status(poof, poofRun())).toBe('FAIL');
  });
});
