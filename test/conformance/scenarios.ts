/**
 * The scenarios: each is one fresh lab with the target in h0 and a script
 * for the tester in h1 (and for the runner: rename, pull the cable). The
 * cases (cases/*.ts) judge what they observed.
 */
import type { Answer, Packet } from 'dns-packet';
import { sleep } from '../lab/wait.js';
import { BASIC_DURATION_MS, basicPlan, query, question, response } from './basic-plan.js';
import { setCarrier, type Names, type Scenario, type ScenarioContext, type ScenarioName } from './scenario.js';
import type { Reaction, Step } from './tester.js';

/** The tester starts this long after the target is ready (its announcements are over by then). */
const AFTER_READY_MS = 4000;
/** Shared reply timing: queries (over 2–3 shared PTR names in turn), each name asked every 1.2 s. */
export const SHARED_QUERIES = 210;
const SHARED_ROUND_MS = 1200;
/** The name the tester claims in the tiebreak scenarios: our instance name in upper case (RFC 6762 §16). */
export const RENAMED_TO = 'Conformance Renamed';
/** Scenario lengths (ms) after the target starts. */
const TIEBREAK_MS = 12_000;
const DENIAL_MS = 32_000;
/** Hot-plug: the cable is out this long (BCT: ten seconds), then the run goes on this long. */
export const CABLE_OUT_MS = 10_000;
export const AFTER_CABLE_MS = 15_000;

/** A regular expression matching exactly `name` (for tester reactions). */
export function exactly(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const srv = (name: string, port: number, target: string, ttl = 120): Answer => ({
  type: 'SRV',
  name,
  class: 'IN',
  ttl,
  flush: true,
  data: { priority: 0, weight: 0, port, target },
});

async function ready(ctx: ScenarioContext): Promise<void> {
  const target = ctx.startTarget();
  await target.ready;
}

const basic: Scenario = {
  name: 'basic',
  about: 'publish, QU after the announcements, 30 s idle, then the query block over IPv4 and IPv6, dig, stop',
  async run(ctx) {
    await ready(ctx);
    await sleep(AFTER_READY_MS);
    await ctx.tester({
      durationMs: BASIC_DURATION_MS,
      ipv6: ctx.names.targetV6 !== undefined,
      steps: basicPlan(ctx.names),
    });
    await ctx.dig('v4', 4, ctx.names.instance, 'SRV');
    if (ctx.names.targetV6 !== undefined) await ctx.dig('v6', 6, ctx.names.instance, 'SRV');
  },
};

/** Shared names the target answers for: type PTR, enumeration PTR, subtype PTR. */
export function sharedNames(n: Names): string[] {
  return [n.serviceType, '_services._dns-sd._udp.local', ...(n.subtype ? [n.subtype] : [])];
}

const sharedTiming: Scenario = {
  name: 'shared-timing',
  about: `${SHARED_QUERIES} QM PTR queries on the shared names in turn, each name every ${SHARED_ROUND_MS} ms`,
  async run(ctx) {
    await ready(ctx);
    await sleep(AFTER_READY_MS);
    const names = sharedNames(ctx.names);
    const gap = SHARED_ROUND_MS / names.length;
    const steps: Step[] = Array.from({ length: SHARED_QUERIES }, (_, i) => ({
      at: 200 + i * gap,
      label: `shared-${i}`,
      packet: query([question(names[i % names.length] ?? ctx.names.serviceType, 'PTR')]),
    }));
    await ctx.tester({ durationMs: 200 + SHARED_QUERIES * gap + 1000, steps });
  },
};

/** The tester's claim on our instance name in a simultaneous probe: lexicographically later or earlier than the target's. */
function claim(n: Names, later: boolean): Answer[] {
  const name = n.instance.toUpperCase();
  // §8.2: records sorted by class, type, rdata and compared pair by pair; a
  // list that runs out first is earlier. An SRV of priority 65535 is later
  // than any set starting with a TXT (type 16 < 33) or with a lower-priority
  // SRV; a TXT holding one empty string (a single 0 byte) is earlier than any
  // set holding something more.
  return later
    ? [
        {
          type: 'SRV',
          name,
          class: 'IN',
          ttl: 120,
          flush: true,
          data: { priority: 65535, weight: 0, port: 65535, target: 'zz-tester.local' },
        },
      ]
    : [{ type: 'TXT', name, class: 'IN', ttl: 4500, data: [''] }];
}

/** A probe: QU question of type ANY, the proposed records in authority without the cache-flush bit (§8.1, §10.2). */
function probe(name: string, records: Answer[]): Packet {
  return {
    type: 'query',
    id: 0,
    flags: 0,
    questions: [question(name, 'ANY')],
    authorities: records.map((r) => ({ ...r, flush: false }) as Answer),
  };
}

function tiebreak(name: ScenarioName, testerWins: boolean): Scenario {
  return {
    name,
    about: testerWins
      ? "tester probes the name (upper case) with later data at the target's first probe, then probes on, announces and defends"
      : "tester probes the name with earlier data at the target's first probe",
    async run(ctx) {
      const n = ctx.names;
      const records = claim(n, testerWins);
      const upper = n.instance.toUpperCase();
      const onFirstProbe = { qr: false, name: exactly(n.instance), type: 'ANY', authority: true } as const;
      const reactions: Reaction[] = testerWins
        ? [
            {
              label: 'claim',
              match: onFirstProbe,
              max: 1,
              respond: [
                { after: 0, packet: probe(upper, records), qu: true },
                { after: 250, packet: probe(upper, records), qu: true },
                { after: 500, packet: probe(upper, records), qu: true },
                { after: 750, packet: response(records) },
              ],
            },
            // Once announced the tester owns the name and answers probes for it;
            // not the first attempt's (those go unanswered, so a target without
            // the §8.2 tiebreak shows itself by probing on).
            { label: 'defend', match: onFirstProbe, skip: 3, respond: [{ after: 0, packet: response(records) }] },
          ]
        : [
            {
              label: 'claim',
              match: onFirstProbe,
              max: 1,
              respond: [{ after: 0, packet: probe(upper, records), qu: true }],
            },
          ];
      const tester = ctx.tester({ durationMs: TIEBREAK_MS + 2000, reactions });
      await sleep(1500); // the tester is listening
      ctx.startTarget();
      await tester;
    },
  };
}

const probeDenial: Scenario = {
  name: 'probe-denial',
  about: 'tester answers every probe for any "Conformance Test…" instance name, for 30 s',
  async run(ctx) {
    const typeRe = exactly(`.${ctx.names.serviceType}`);
    const deny: Reaction = {
      label: 'deny',
      match: { qr: false, name: `${exactly(ctx.spec.name)}.*${typeRe}`, type: 'ANY', authority: true },
      respond: [{ after: 0, packet: response([srv('$NAME', 1, 'denier.local')]) }],
    };
    const tester = ctx.tester({ durationMs: DENIAL_MS + 2000, reactions: [deny] });
    await sleep(1500);
    ctx.startTarget();
    await tester;
  },
};

/** Late conflict: tester times (ms) of the conflicting SRV and A records. */
export const LATE_SRV_AT = 500;
export const LATE_A_AT = 8500;
/** When, after the A conflict, the tester asks for the lost host name. */
export const LOST_NAME_QUERY_AFTER_MS = 5000;
const LATE_MS = 16_000;
const INTRUDER_V4 = '192.0.2.250';

const lateConflict: Scenario = {
  name: 'late-conflict',
  about: 'after the announcements the tester sends a conflicting SRV, later a conflicting A, and defends both',
  async run(ctx) {
    const n = ctx.names;
    await ready(ctx);
    await sleep(AFTER_READY_MS);
    const theirSrv = srv(n.instance, 9, 'intruder.local');
    const theirA: Answer = { type: 'A', name: n.hostName, class: 'IN', ttl: 120, flush: true, data: INTRUDER_V4 };
    await ctx.tester({
      durationMs: LATE_MS,
      steps: [
        { at: LATE_SRV_AT, label: 'srv-conflict', packet: response([theirSrv]) },
        { at: LATE_A_AT, label: 'a-conflict', packet: response([theirA]) },
        // The lost host name must not be answered for any more.
        { at: LATE_A_AT + LOST_NAME_QUERY_AFTER_MS, label: 'old-host', packet: query([question(n.hostName, 'A')]) },
      ],
      reactions: [
        {
          label: 'defend-srv',
          match: { qr: false, name: exactly(n.instance), type: 'ANY', authority: true },
          from: LATE_SRV_AT,
          until: LATE_A_AT,
          respond: [{ after: 0, packet: response([theirSrv]) }],
        },
        {
          label: 'defend-a',
          match: { qr: false, name: exactly(n.hostName), type: 'ANY', authority: true },
          from: LATE_A_AT,
          respond: [{ after: 0, packet: response([theirA]) }],
        },
      ],
    });
  },
};

const nameChange: Scenario = {
  name: 'name-change',
  about: `the target's service is renamed to "${RENAMED_TO}"; the tester asks the same question as the new name's first probe (QM)`,
  async run(ctx) {
    const n = ctx.names;
    const target = ctx.startTarget();
    await target.ready;
    const newName = `${RENAMED_TO}.${n.serviceType}`;
    // §7.3 applies to QM questions only: an identical QM question must not suppress a probe.
    const tester = ctx.tester({
      durationMs: 12_000,
      reactions: [
        {
          label: 'same-question',
          match: { qr: false, name: exactly(newName), type: 'ANY', authority: true },
          max: 1,
          respond: [{ after: 0, packet: query([question(newName, 'ANY')]) }],
        },
      ],
    });
    await sleep(AFTER_READY_MS);
    ctx.mark('rename');
    await target.rename(RENAMED_TO);
    await tester;
  },
};

const hotPlug: Scenario = {
  name: 'hot-plug',
  about: `the target's cable is pulled for ${CABLE_OUT_MS / 1000} s after the announcements, then plugged in again`,
  async run(ctx) {
    await ready(ctx);
    await sleep(AFTER_READY_MS);
    ctx.mark('down');
    await setCarrier(ctx, false);
    await sleep(CABLE_OUT_MS);
    ctx.mark('up');
    await setCarrier(ctx, true);
    await sleep(AFTER_CABLE_MS);
  },
};

export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  basic,
  'shared-timing': sharedTiming,
  'tiebreak-lose': tiebreak('tiebreak-lose', true),
  'tiebreak-win': tiebreak('tiebreak-win', false),
  'probe-denial': probeDenial,
  'late-conflict': lateConflict,
  'name-change': nameChange,
  'hot-plug': hotPlug,
};
