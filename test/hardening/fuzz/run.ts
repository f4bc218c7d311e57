/**
 * The fuzz loop: batches of generated packets delivered through the
 * transport's source checks into the whole stack, the clock advanced
 * between packets so timers run, and after every batch the invariants —
 * no exception escaped (thrown out of a delivery or a timer, uncaught,
 * unhandled rejection, or an INTERNAL error event: a bug met and caught),
 * everything sent within budget, well-formed and only to on-link sources,
 * the cache within its bound, and every published record still answered
 * unchanged (liveness.ts). Used by the CI slice (test/hardening/fuzz.test.ts)
 * and the long run (bench/fuzz.ts).
 */
import {
  DEFAULT_CACHE_MAX_RECORDS,
  FLAG_RESPONSE,
  LEGACY_UNICAST_MAX_PAYLOAD,
  MDNS_PORT,
} from '../../../src/constants.js';
import { decodePacket } from '../../../src/wire/decode.js';
import { fixtureMutation } from './fixture-mutations.js';
import type { FuzzPacket, Generator } from './fuzz-packet.js';
import { hostileShape } from './hostile-shapes.js';
import { checkSent, type SentTally } from './invariants.js';
import { checkLiveness, LEGIT_LEGACY_BUDGETS } from './liveness.js';
import { OUR_NAME_WEIGHTS, ourNamesWith } from './our-names.js';
import { Prng } from './prng.js';
import { randomBytes } from './random-bytes.js';
import { buildStack, CLOCK_START, ourNamesOf, type Stack } from './stack.js';
import { validPacket } from './valid-packets.js';

/** The generators and their share of the stream. */
export const GENERATORS = {
  random: { make: randomBytes, weight: 20 },
  mutated: { make: fixtureMutation, weight: 25 },
  hostile: { make: hostileShape, weight: 15 },
  valid: { make: validPacket, weight: 20 },
  ours: { make: ourNamesWith(OUR_NAME_WEIGHTS), weight: 20 },
} as const satisfies Record<string, { make: Generator; weight: number }>;
export type GeneratorName = keyof typeof GENERATORS;

/** Options of a run. */
export interface FuzzOptions {
  packets: number;
  seed: number;
  /** Packets per batch (invariants checked after each); default 1,000. */
  batchSize?: number;
  /** Check liveness after every `livenessEvery` batches (default 1: every batch). */
  livenessEvery?: number;
  /** The cache's bound (default DEFAULT_CACHE_MAX_RECORDS). */
  cacheMaxRecords?: number;
  /** Told after each batch. */
  onBatch?: (done: number, report: FuzzReport) => void;
}

/** Memory, in MiB. */
export interface MemoryFigures {
  heapMiB: number;
  rssMiB: number;
}

/** What a run found. */
export interface FuzzReport {
  seed: number;
  packets: number;
  batches: number;
  byGenerator: Record<GeneratorName, number>;
  /** Refused by the transport's checks (source-check.ts, attribution.ts), by reason. */
  refused: Record<string, number>;
  delivered: number;
  /** The intake's counts: undecodable packets by error code, and drops by rule. */
  malformed: Record<string, number>;
  intakeDropped: Record<string, number>;
  sent: SentTally;
  escapes: { thrown: number; uncaught: number; unhandled: number; internal: number; messages: string[] };
  violations: { count: number; first: string[] };
  /** The responder side of liveness.ts: checks whose answers lacked or changed a published record. */
  liveness: { checks: number; failures: number; first: string[] };
  /**
   * The querier side: checks in which an instance did not resolve to what
   * was published — before the cache first evicted (a failure), and after
   * (the CACHE_FULL degradation the core reports: lookups can miss what was
   * evicted).
   */
  resolve: { failures: number; failuresBeforeEviction: number; first: string[] };
  renames: { count: number; first: string[] };
  cache: { bound: number; largest: number; evicted: number };
  /** Errors the core reported, by code (CACHE_FULL and the like are expected; INTERNAL is an escape). */
  errors: Record<string, number>;
  simulatedSeconds: number;
  /** Wall time by phase: delivering batches, letting them finish, the liveness checks. */
  phaseMs: { deliver: number; quiet: number; liveness: number };
  wallMs: number;
  packetsPerSecond: number;
  memory: { start: MemoryFigures; end: MemoryFigures; peakRssMiB: number };
}

function memory(): MemoryFigures {
  const m = process.memoryUsage();
  return { heapMiB: Math.round((m.heapUsed / 2 ** 20) * 10) / 10, rssMiB: Math.round((m.rss / 2 ** 20) * 10) / 10 };
}

/** The payload a legacy query lets its reply have (RFC 6762 §6.7: 512, or its EDNS0 size). */
function legacyBudget(data: Uint8Array): number | undefined {
  try {
    const p = decodePacket(data);
    if ((p.flags & FLAG_RESPONSE) !== 0) return undefined;
    const opt = p.additionals.find((r) => r.type === 'OPT');
    return Math.max(LEGACY_UNICAST_MAX_PAYLOAD, opt?.class ?? 0);
  } catch {
    return undefined;
  }
}

function newReport(options: FuzzOptions): FuzzReport {
  return {
    seed: options.seed,
    packets: 0,
    batches: 0,
    byGenerator: { random: 0, mutated: 0, hostile: 0, valid: 0, ours: 0 },
    refused: {},
    delivered: 0,
    malformed: {},
    intakeDropped: {},
    sent: { packets: 0, unicast: 0, legacy: 0, bytes: 0, largest: 0 },
    escapes: { thrown: 0, uncaught: 0, unhandled: 0, internal: 0, messages: [] },
    violations: { count: 0, first: [] },
    liveness: { checks: 0, failures: 0, first: [] },
    resolve: { failures: 0, failuresBeforeEviction: 0, first: [] },
    renames: { count: 0, first: [] },
    cache: { bound: DEFAULT_CACHE_MAX_RECORDS, largest: 0, evicted: 0 },
    errors: {},
    simulatedSeconds: 0,
    phaseMs: { deliver: 0, quiet: 0, liveness: 0 },
    wallMs: 0,
    packetsPerSecond: 0,
    memory: { start: memory(), end: memory(), peakRssMiB: 0 },
  };
}

const note = (list: string[], line: string): void => void (list.length < 20 && list.push(line));

/** Deliver one batch; returns the legacy budgets its queries allow. */
async function deliverBatch(stack: Stack, rng: Prng, size: number, report: FuzzReport): Promise<Map<string, number>> {
  const budgets = new Map<string, number>();
  const ours = ourNamesOf(stack);
  const weights = Object.fromEntries(Object.entries(GENERATORS).map(([k, g]) => [k, g.weight])) as Record<
    GeneratorName,
    number
  >;
  let sinceTick = 0;
  for (let i = 0; i < size;) {
    const name = rng.weighted(weights);
    const packets: FuzzPacket[] = GENERATORS[name].make(rng, ours);
    for (const { data, arrival } of packets) {
      // A TC train cut at the batch's end is a TC query whose known answers never came (RFC 6762 §7.2 allows it).
      if (i >= size) break;
      i++;
      report.packets++;
      report.byGenerator[name]++;
      if (arrival.source.port !== MDNS_PORT) {
        const budget = legacyBudget(data);
        const key = `${arrival.source.address}|${arrival.source.port}`;
        if (budget !== undefined) budgets.set(key, Math.max(budgets.get(key) ?? 0, budget));
      }
      try {
        stack.front.deliver(data, arrival);
      } catch (error) {
        report.escapes.thrown++;
        note(report.escapes.messages, `thrown from a delivery: ${(error as Error).stack ?? String(error)}`);
      }
      // Time passes on the link: 0–2 ms every few packets, so delays and TC waits run mid-batch too.
      if (++sinceTick >= 8) {
        sinceTick = 0;
        await stack.clock.advance(rng.int(3));
      }
    }
  }
  return budgets;
}

/**
 * Let the stack finish what the batch started — delayed answers, TC waits
 * (RFC 6762 §7.2), and the probing again that a claim of one of our names
 * brings (§9): until every service is announced (60 s at most), then 1.5 s
 * more, which a re-probe of the host name (not visible from the API) takes
 * (§8.1: ≤ 250 ms, then three probes 250 ms apart).
 */
async function quiet(stack: Stack): Promise<void> {
  await stack.clock.advance(600);
  for (let waited = 0; waited < 60_000; waited += 500) {
    if (stack.published.every((p) => p.service.state === 'announced')) break;
    await stack.clock.advance(500);
  }
  await stack.clock.advance(1_500);
}

/** Run the fuzz stream; resolves with the figures. Never throws for what the stack does: it is all in the report. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const report = newReport(options);
  const onUncaught = (error: Error): void => {
    report.escapes.uncaught++;
    note(report.escapes.messages, `uncaught: ${error.stack ?? String(error)}`);
  };
  const onUnhandled = (reason: unknown): void => {
    report.escapes.unhandled++;
    note(
      report.escapes.messages,
      `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  const started = performance.now();
  const rng = new Prng(options.seed);
  const stack = await buildStack({
    seed: options.seed,
    ...(options.cacheMaxRecords !== undefined ? { cacheMaxRecords: options.cacheMaxRecords } : {}),
  });
  const batchSize = options.batchSize ?? 1_000;
  const livenessEvery = options.livenessEvery ?? 1;
  try {
    stack.transport.sent.length = 0;
    while (report.packets < options.packets) {
      const size = Math.min(batchSize, options.packets - report.packets);
      let budgets: Map<string, number>;
      try {
        let t = performance.now();
        budgets = await deliverBatch(stack, rng, size, report);
        report.phaseMs.deliver += performance.now() - t;
        t = performance.now();
        await quiet(stack);
        report.phaseMs.quiet += performance.now() - t;
      } catch (error) {
        // A timer that threw out of the clock: nothing may.
        report.escapes.thrown++;
        note(report.escapes.messages, `thrown from a timer: ${(error as Error).stack ?? String(error)}`);
        budgets = new Map();
      }
      report.batches++;
      const lines: string[] = [];
      checkSent(stack.transport.sent, stack.transport.interfaces, budgets, report.sent, lines);
      stack.transport.sent.length = 0;
      const cache = stack.mdns.core.cache;
      report.cache.bound = cache.maxRecords;
      report.cache.largest = Math.max(report.cache.largest, cache.stats.records);
      if (cache.stats.records > cache.maxRecords)
        lines.push(`cache holds ${cache.stats.records} records, bound ${cache.maxRecords}`);
      report.violations.count += lines.length;
      for (const line of lines) note(report.violations.first, `batch ${report.batches}: ${line}`);
      if (report.batches % livenessEvery === 0) {
        report.liveness.checks++;
        const t = performance.now();
        const problems = await checkLiveness(stack);
        report.phaseMs.liveness += performance.now() - t;
        if (problems.answers.length > 0) report.liveness.failures++;
        for (const p of problems.answers) note(report.liveness.first, `batch ${report.batches}: ${p}`);
        const evicting = (stack.mdns.core.stats.cache?.evicted ?? 0) > 0;
        if (problems.resolve.length > 0) {
          report.resolve.failures++;
          if (!evicting) report.resolve.failuresBeforeEviction++;
        }
        for (const p of problems.resolve)
          note(report.resolve.first, `batch ${report.batches}${evicting ? ' (cache evicting)' : ''}: ${p}`);
        const after: string[] = [];
        checkSent(stack.transport.sent, stack.transport.interfaces, LEGIT_LEGACY_BUDGETS, report.sent, after);
        stack.transport.sent.length = 0;
        report.violations.count += after.length;
        for (const line of after) note(report.violations.first, `batch ${report.batches} (liveness): ${line}`);
      }
      report.memory.peakRssMiB = Math.max(report.memory.peakRssMiB, memory().rssMiB);
      collect(stack, report, started);
      options.onBatch?.(report.packets, report);
    }
  } finally {
    await stack.mdns.close();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUnhandled);
  }
  collect(stack, report, started);
  report.memory.end = memory();
  return report;
}

/** Copy the stack's counters into the report. */
function collect(stack: Stack, report: FuzzReport, started: number): void {
  const stats = stack.mdns.core.stats;
  report.refused = { ...stack.front.refused } as Record<string, number>;
  for (const [reason, n] of Object.entries(stats.transport.dropped)) if (n > 0) report.refused[`fake:${reason}`] = n;
  report.delivered = stack.front.delivered;
  report.malformed = stats.malformed;
  report.intakeDropped = stats.dropped;
  report.cache.evicted = stats.cache?.evicted ?? 0;
  report.errors = Object.fromEntries(stack.errors);
  report.escapes.internal = stack.errors.get('INTERNAL') ?? 0;
  for (const m of stack.internal) if (!report.escapes.messages.includes(m)) note(report.escapes.messages, m);
  report.renames = { count: stack.renames.length, first: stack.renames.slice(0, 20) };
  report.simulatedSeconds = Math.round((stack.clock.now() - CLOCK_START) / 1000);
  report.wallMs = Math.round(performance.now() - started);
  report.packetsPerSecond = Math.round(report.packets / (report.wallMs / 1000));
}

/** Escapes of every kind together: 0 in a passing run. */
export function escapes(report: FuzzReport): number {
  const e = report.escapes;
  return e.thrown + e.uncaught + e.unhandled + e.internal;
}
