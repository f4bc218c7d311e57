/**
 * The querier scenarios. Each is a fresh lab: the target browses in h0, the
 * scripted responder (responder.cjs) plays the other host in h1 and reacts
 * to the target's n-th PTR query, dumpcap records the link; in `suppression`
 * h2 runs the target's stack idle. All times are epoch ms.
 *
 * | scenario | responder script (qn = the target's n-th PTR query) |
 * |---|---|
 * | `schedule` | q1 + 300 ms: announce K (PTR TTL 20 s); q5 + 300 ms: announce R (PTR TTL 7 s); q5 + 2 s: goodbye for K; answers queries (§7.1); ends q5 + 8.5 s |
 * | `suppression` | q1 + 300 ms: announce S (PTR TTL 4500 s); 500 ms before q4 is due (q3 + 2·(q3 − q2) − 500): the same QM question with the known answers of q3 (§7.3); ends q3 + 14 s |
 * | `suppression-foreign` | the same, the duplicate listing a PTR the target never heard of as well (F, TTL 4500 s) |
 * | `tc` | q1 + 500 ms: announce 150 instances with long names; ends q3 + 500 ms |
 * | `cache-flush` | q1 + 300 ms: announce C (TXT v=1, its host at FLUSH.before); q1 + 3.3 s: C again with cache-flush records TXT v=2 and the host at FLUSH.after only (§10.2); answers queries; ends q1 + 7.3 s |
 * | `poof` | q1 + 300 ms: announce P (PTR TTL 4500 s), then answer nothing; q1 + 2.3 s and q1 + 3.8 s: a QM query for the type without known answers (§10.5); ends q1 + 17.3 s |
 */
import type { Answer } from 'dns-packet';
import { startCapture, type Capture } from '../../lab/capture.js';
import { createLab, type Lab } from '../../lab/lab.js';
import { sleep } from '../../lab/wait.js';
import { readMdnsPackets, type MdnsPacket } from '../packets.js';
import { startResponder, type ResponderPlan, type ResponderRun } from './responder.js';
import { QUERIERS, type OriginKind, type QuerierName, type Report, type RunningQuerier } from './targets.js';

export type QuerierScenarioName = 'schedule' | 'suppression' | 'suppression-foreign' | 'tc' | 'cache-flush' | 'poof';

/** The service type browsed. */
export const BROWSE_TYPE = '_boaster-qconf._tcp';
export const PTR_NAME = `${BROWSE_TYPE}.local`;
const TESTER_HOST = 'qconf-tester.local';
/** Instances and TTLs (s) of the scenarios. */
export const KNOWN = { label: 'qconf-known', ptrTtl: 20 } as const;
export const REFRESH = { label: 'qconf-refresh', ptrTtl: 7 } as const;
export const SUPPRESS = { label: 'qconf-suppress', ptrTtl: 4500 } as const;
/** An instance only the duplicate question's known answers name (the target never heard of it). */
export const FOREIGN = { label: 'qconf-foreign', ptrTtl: 4500 } as const;
export const TC_INSTANCES = 150;
/** `cache-flush`: C's host moves from `before` to `after` (TEST-NET-1, not a lab host's) and its TXT from v=1 to v=2. */
export const FLUSH = {
  label: 'qconf-flush',
  host: 'qconf-flush-host.local',
  before: '192.0.2.50',
  after: '192.0.2.51',
  txtBefore: 'v=1',
  txtAfter: 'v=2',
} as const;
/** `poof`: P is announced, then never answered for while others ask for it. */
export const POOF = { label: 'qconf-poof', ptrTtl: 4500 } as const;
/** `cache-flush`: the changed set goes this long after the first (more than §10.2's one second). */
export const FLUSH_AFTER_MS = 3300;
/** `poof`: the other host's two unanswered queries (§10.5: two or more), after q1. */
export const POOF_ASK_MS = [2300, 3800] as const;
/** §10.5: flushed when no answer came within ten seconds of the queries. */
export const POOF_WINDOW_MS = 10_000;
/** Rule offsets (ms). */
export const ANNOUNCE_AFTER_MS = 300;
export const GOODBYE_AFTER_Q5_MS = 2000;
export const DUP_BEFORE_NEXT_MS = 500;
/** The idle stack is watched this long, from this long after it is ready (its start-up is over). */
export const IDLE_FROM_MS = 1000;
export const IDLE_MS = 10_000;

const READY_TIMEOUT_MS = 30_000;
const RESPONDER_BOUND_MS = 45_000;

/** `qconf-tc-…-001`: 62 characters, so 150 PTRs need several packets (§7.2). */
export function tcLabel(i: number): string {
  return `qconf-tc-instance-with-a-long-name-for-known-answers-no-${String(i).padStart(3, '0')}`;
}

export const instanceName = (label: string): string => `${label}.${PTR_NAME}`;

/** PTR, SRV, TXT of an instance and the tester's A record (§6: unique records with cache-flush). */
function instanceRecords(
  label: string,
  ptrTtl: number,
  address: string,
  txt = 'q=1',
  host: string = TESTER_HOST,
): Answer[] {
  const fqdn = instanceName(label);
  return [
    { type: 'PTR', name: PTR_NAME, class: 'IN', ttl: ptrTtl, data: fqdn },
    {
      type: 'SRV',
      name: fqdn,
      class: 'IN',
      ttl: 120,
      flush: true,
      data: { priority: 0, weight: 0, port: 4243, target: host },
    },
    { type: 'TXT', name: fqdn, class: 'IN', ttl: 120, flush: true, data: [txt] },
    { type: 'A', name: host, class: 'IN', ttl: 120, flush: true, data: address },
  ];
}

interface ScenarioSpec {
  readonly name: QuerierScenarioName;
  readonly about: string;
  readonly hosts: 2 | 3;
  /** Instance labels the target's reports are watched for. */
  readonly watch: readonly string[];
  plan(testerV4: string): ResponderPlan;
}

export const QUERIER_SCENARIOS: Readonly<Record<QuerierScenarioName, ScenarioSpec>> = {
  schedule: {
    name: 'schedule',
    about: 'announce K (TTL 20) at q1, R (TTL 7) at q5, goodbye K 2 s after q5',
    hosts: 2,
    watch: [KNOWN.label],
    plan: (v4) => ({
      ptrName: PTR_NAME,
      durationMs: RESPONDER_BOUND_MS,
      answer: true,
      sets: {
        K: instanceRecords(KNOWN.label, KNOWN.ptrTtl, v4),
        R: instanceRecords(REFRESH.label, REFRESH.ptrTtl, v4),
      },
      rules: [
        { label: 'announce-K', nth: 1, after: ANNOUNCE_AFTER_MS, action: 'announce', set: 'K' },
        { label: 'announce-R', nth: 5, after: ANNOUNCE_AFTER_MS, action: 'announce', set: 'R' },
        { label: 'goodbye-K', nth: 5, after: GOODBYE_AFTER_Q5_MS, action: 'goodbye', set: 'K' },
        { label: 'end', nth: 5, after: 8500, action: 'end' },
      ],
    }),
  },
  suppression: {
    name: 'suppression',
    about: "announce S at q1; the same QM question with q3's known answers just before q4 is due; the stack idle in h2",
    hosts: 3,
    watch: [SUPPRESS.label],
    plan: (v4) => ({
      ptrName: PTR_NAME,
      durationMs: RESPONDER_BOUND_MS,
      answer: true,
      sets: { S: instanceRecords(SUPPRESS.label, SUPPRESS.ptrTtl, v4) },
      rules: [
        { label: 'announce-S', nth: 1, after: ANNOUNCE_AFTER_MS, action: 'announce', set: 'S' },
        { label: 'dup', nth: 3, beforeNext: DUP_BEFORE_NEXT_MS, action: 'dup' },
        { label: 'end', nth: 3, after: 14_000, action: 'end' },
      ],
    }),
  },
  'suppression-foreign': {
    name: 'suppression-foreign',
    about: 'as suppression, the duplicate also listing a PTR the target does not have',
    hosts: 2,
    watch: [],
    plan: (v4) => ({
      ptrName: PTR_NAME,
      durationMs: RESPONDER_BOUND_MS,
      answer: true,
      sets: { S: instanceRecords(SUPPRESS.label, SUPPRESS.ptrTtl, v4) },
      rules: [
        { label: 'announce-S', nth: 1, after: ANNOUNCE_AFTER_MS, action: 'announce', set: 'S' },
        {
          label: 'dup',
          nth: 3,
          beforeNext: DUP_BEFORE_NEXT_MS,
          action: 'dup',
          extra: [{ type: 'PTR', name: PTR_NAME, class: 'IN', ttl: FOREIGN.ptrTtl, data: instanceName(FOREIGN.label) }],
        },
        { label: 'end', nth: 3, after: 14_000, action: 'end' },
      ],
    }),
  },
  tc: {
    name: 'tc',
    about: `announce ${TC_INSTANCES} instances with long names at q1; watch q2, q3`,
    hosts: 2,
    watch: [],
    plan: (v4) => {
      const records = Array.from({ length: TC_INSTANCES }, (_, i) =>
        instanceRecords(tcLabel(i + 1), 4500, v4).slice(0, 3),
      ).flat();
      records.push({ type: 'A', name: TESTER_HOST, class: 'IN', ttl: 120, flush: true, data: v4 });
      return {
        ptrName: PTR_NAME,
        durationMs: RESPONDER_BOUND_MS,
        answer: false,
        sets: { T: records },
        rules: [
          { label: 'announce-T', nth: 1, after: 500, action: 'announce', set: 'T' },
          { label: 'end', nth: 3, after: 500, action: 'end' },
        ],
      };
    },
  },
  'cache-flush': {
    name: 'cache-flush',
    about: 'announce C at q1; 3 s later C with cache-flush records: a new TXT and its host at another address only',
    hosts: 2,
    watch: [FLUSH.label],
    plan: () => ({
      ptrName: PTR_NAME,
      durationMs: RESPONDER_BOUND_MS,
      answer: true,
      sets: {
        C: instanceRecords(FLUSH.label, 4500, FLUSH.before, FLUSH.txtBefore, FLUSH.host),
        C2: instanceRecords(FLUSH.label, 4500, FLUSH.after, FLUSH.txtAfter, FLUSH.host),
      },
      rules: [
        { label: 'announce-C', nth: 1, after: ANNOUNCE_AFTER_MS, action: 'announce', set: 'C' },
        { label: 'flush-C', nth: 1, after: FLUSH_AFTER_MS, action: 'announce', set: 'C2', replaces: 'C' },
        { label: 'end', nth: 1, after: FLUSH_AFTER_MS + 4000, action: 'end' },
      ],
    }),
  },
  poof: {
    name: 'poof',
    about: 'announce P at q1, answer nothing after; two QM queries for the type listing nothing, 1.5 s apart',
    hosts: 2,
    watch: [POOF.label],
    plan: (v4) => ({
      ptrName: PTR_NAME,
      durationMs: RESPONDER_BOUND_MS,
      answer: false,
      sets: { P: instanceRecords(POOF.label, POOF.ptrTtl, v4) },
      rules: [
        { label: 'announce-P', nth: 1, after: ANNOUNCE_AFTER_MS, action: 'announce', set: 'P' },
        ...POOF_ASK_MS.map((after, i) => ({ label: `ask-${i + 1}`, nth: 1, after, action: 'ask' as const })),
        { label: 'end', nth: 1, after: POOF_ASK_MS[1] + POOF_WINDOW_MS + 3500, action: 'end' },
      ],
    }),
  },
};

/** Everything one querier scenario observed. */
export interface QuerierRun {
  readonly scenario: QuerierScenarioName;
  readonly target: QuerierName;
  /** The browsing target's IPv4 address (its queries are judged over IPv4). */
  readonly querierV4: string;
  /** Addresses of the idle stack's host (suppression only). */
  readonly idleAddresses: ReadonlySet<string>;
  readonly packets: readonly MdnsPacket[];
  readonly responder: ResponderRun | undefined;
  readonly origin: number | undefined;
  readonly originKind: OriginKind;
  readonly idleOrigin: number | undefined;
  readonly reports: readonly Report[];
  /** Epoch ms the targets were told to stop (the capture covers everything before). */
  readonly stoppedAt: number;
  readonly error: string | undefined;
  readonly output: string;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Run one scenario against one target; never throws (failures land in `error`). */
export async function runQuerierScenario(name: QuerierScenarioName, targetName: QuerierName): Promise<QuerierRun> {
  const spec = QUERIER_SCENARIOS[name];
  const target = QUERIERS[targetName];
  let lab: Lab | undefined;
  let capture: Capture | undefined;
  let browsing: RunningQuerier | undefined;
  let idle: RunningQuerier | undefined;
  let responder: ResponderRun | undefined;
  let origin: number | undefined;
  let idleOrigin: number | undefined;
  let error: string | undefined;
  let packets: MdnsPacket[] = [];
  let querierV4 = '';
  let stoppedAt = 0;
  const idleAddresses = new Set<string>();
  try {
    lab = await createLab({ hosts: spec.hosts });
    const [h0, h1, h2] = [lab.host(0), lab.host(1), spec.hosts === 3 ? lab.host(2) : undefined];
    querierV4 = h0.ipv4;
    for (const a of h2?.interfaces.flatMap((i) => i.addresses) ?? []) idleAddresses.add(a.address);
    capture = await startCapture(lab.link(0), { dir: lab.dir });
    try {
      if (h2) {
        idle = target.idle(h2, READY_TIMEOUT_MS);
        idleOrigin = await idle.origin;
      }
      const running = startResponder(h1, h0.ipv4, spec.plan(h1.ipv4));
      await running.listening;
      browsing = target.browse(h0, BROWSE_TYPE, spec.watch, READY_TIMEOUT_MS);
      origin = await browsing.origin;
      responder = await running.done;
      // The idle stack's window must be over.
      const idleEnd = idleOrigin === undefined ? 0 : idleOrigin + IDLE_FROM_MS + IDLE_MS + 500;
      if (Date.now() < idleEnd) await sleep(idleEnd - Date.now());
    } catch (e) {
      error = message(e);
    }
    stoppedAt = Date.now();
    await browsing?.stop().catch((e: unknown) => (error ??= `stop: ${message(e)}`));
    await idle?.stop().catch((e: unknown) => (error ??= `stop idle: ${message(e)}`));
    await sleep(300);
    const file = await capture.stop();
    capture = undefined;
    packets = await readMdnsPackets(file);
  } catch (e) {
    error ??= message(e);
  } finally {
    await capture?.stop().catch(() => undefined);
    await browsing?.stop().catch(() => undefined);
    await idle?.stop().catch(() => undefined);
    await lab?.destroy();
  }
  return {
    scenario: name,
    target: targetName,
    querierV4,
    idleAddresses,
    packets,
    responder,
    origin,
    originKind: browsing?.originKind ?? 'ready line',
    idleOrigin,
    reports: browsing?.reports() ?? [],
    stoppedAt,
    error:
      error ?? (responder && responder.errors.length > 0 ? `responder: ${responder.errors.join('; ')}` : undefined),
    output: browsing?.output().slice(-1500) ?? '',
  };
}
