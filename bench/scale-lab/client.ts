/**
 * Running one phase of the measuring client (querier.cjs) in a lab host:
 * spawned, ready once it printed READY (its sockets bound), and its result
 * line awaited within the phase's own bound plus 15 s; and the legacy
 * unicast phases the lab benchmarks all take.
 */
import { fileURLToPath } from 'node:url';
import type { Host } from '../../test/lab/host.js';
import { lastJson } from '../../test/lab/result-line.js';
import { sleep } from '../../test/lab/wait.js';
import { within } from '../../test/lab/within.js';

const CLIENT = fileURLToPath(new URL('./querier.cjs', import.meta.url));

/** A phase's configuration: querier.cjs's header lists the phases and their options. */
export type PhaseConfig = Record<string, unknown> & { phase: string; maxMs: number };

/** Start a phase on `host`; resolves once it is bound, with a function that waits (bounded) for its result. */
export async function startPhase<T>(host: Host, cfg: PhaseConfig): Promise<() => Promise<T>> {
  const proc = host.spawn(process.execPath, [CLIENT, JSON.stringify(cfg)], {
    label: `client-${cfg.phase}@${host.name}`,
  });
  await proc.waitForOutput(/^READY$/m, 10_000);
  return async () => {
    if (!(await within(proc.exited, cfg.maxMs + 15_000))) await proc.stop();
    return lastJson<T>(proc, `client ${cfg.phase}`);
  };
}

/** Run a phase on `host` to its end. */
export async function runPhase<T>(host: Host, cfg: PhaseConfig): Promise<T> {
  return (await startPhase<T>(host, cfg))();
}

/** Sequential queries: latencies of the answered ones (legacy-seq, qm). */
export interface SeqResult {
  sent: number;
  timeouts: number;
  answered: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  warmup?: number;
  warmupTimeouts?: number;
  /** legacy-seq with `giveUpAfter`: stopped, nothing having answered. */
  gaveUp?: boolean;
}

/** Queries kept outstanding for a while (legacy-rate). */
export interface RateResult {
  ids: string;
  seconds: number;
  sent: number;
  answered: number;
  perSecond: number;
  timeouts: number;
  unmatched: number;
  p50Ms: number | null;
}

/** How {@link legacyPhases} runs. */
export interface LegacyOptions {
  /** Timed sequential queries. */
  readonly seqQueries: number;
  /** Sequential queries before them, not counted (a responder in service has its code compiled). */
  readonly warmup: number;
  /** Queries kept outstanding, and for how long. */
  readonly outstanding: number;
  readonly rateMs: number;
  /** Stop the sequential queries once this many in a row went unanswered before any answer (0: never). */
  readonly giveUpAfter?: number;
}

/** The pause between the phases: a rate limit's one-second bucket is full again after it. */
const PAUSE_MS = 1_500;

/**
 * Legacy unicast SRV queries from `host` (querier.cjs's legacy-seq and
 * legacy-rate): the sequential ones, then `outstanding` in flight with
 * unique ids and with random ids, a pause after each.
 */
export async function legacyPhases(
  host: Host,
  common: Record<string, unknown>,
  opts: LegacyOptions,
): Promise<{ legacySeq: SeqResult; rateUnique: RateResult; rateRandom: RateResult }> {
  const legacySeq = await runPhase<SeqResult>(host, {
    ...common,
    phase: 'legacy-seq',
    count: opts.seqQueries,
    warmup: opts.warmup,
    pauseMs: PAUSE_MS,
    giveUpAfter: opts.giveUpAfter ?? 0,
    timeoutMs: 1_000,
    maxMs: 120_000,
  });
  await sleep(PAUSE_MS);
  const rate = (ids: string): Promise<RateResult> =>
    runPhase<RateResult>(host, {
      ...common,
      phase: 'legacy-rate',
      ids,
      outstanding: opts.outstanding,
      durationMs: opts.rateMs,
      timeoutMs: 1_000,
      maxMs: opts.rateMs + 10_000,
    });
  const rateUnique = await rate('unique');
  await sleep(PAUSE_MS);
  const rateRandom = await rate('random');
  await sleep(PAUSE_MS);
  return { legacySeq, rateUnique, rateRandom };
}
