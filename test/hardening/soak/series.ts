/**
 * Issue 15, churn soak: the shapes of what the soak child prints, and the
 * least-squares slope per minute that tells a flat series from a growing
 * one. "Flat" here is a statement about the slope over the samples after
 * the warm-up, reported with the growth from the first such sample to the
 * last, never a timed assertion.
 */
import type { TrackerReport } from './promise-tracker.js';
import type { OpCounts } from './churn-plan.js';

/** One `{kind:'sample'}` line of churn-child.ts. */
export interface Sample {
  readonly phase: 'start' | 'churn' | 'end';
  /** Seconds since the churn started. */
  readonly t: number;
  readonly rssKiB: number;
  /** heapUsed after global.gc(). */
  readonly heapKiB: number;
  readonly externalKiB: number;
  readonly fds: number;
  /** process.getActiveResourcesInfo().length: handles and requests keeping the loop alive. */
  readonly handles: number;
  readonly live: number;
  readonly published: number;
  readonly ops: number;
  readonly pending: number;
  readonly view: number;
  readonly cacheRecords: number;
  readonly timers: { readonly churn: number; readonly peer: number };
}

/** The `{kind:'done'}` line of churn-child.ts. */
export interface ChildDone {
  readonly seconds: number;
  readonly durationMs: number;
  readonly drainedBeforeClose: boolean;
  readonly settledAfterClose: boolean;
  readonly ops: OpCounts;
  readonly opsTotal: number;
  readonly liveAtEnd: number;
  readonly viewCheck: {
    readonly expected: number;
    readonly seen: number;
    readonly missing: readonly string[];
    readonly extra: readonly string[];
  };
  /** For each live service the browser did not show at the end: PTRs held, its last steps, what the cache held at its name. */
  readonly diagnosis: readonly {
    readonly name: string;
    /** Its PTR left the peer's cache by POOF (§10.5) and has not come back. */
    readonly poofed: boolean;
    readonly pointers: number;
    readonly steps: readonly string[] | undefined;
    readonly cached: readonly string[];
  }[];
  /** PTRs of the type removed from the peer's cache, by reason. */
  readonly ptrRemovals: Readonly<Record<string, number>>;
  /** Live instances (at the end) whose PTR the peer's cache dropped by POOF and did not get back. */
  readonly poofedAtEnd: readonly string[];
  readonly view: { up: number; down: number; update: number; found: number; lost: number };
  readonly shortBrowsers: { cycles: number; upEvents: number };
  readonly typesSeen: readonly string[];
  readonly queries: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly errorEvents: Readonly<Record<string, number>>;
  readonly faults: { unhandledRejection: number; uncaughtException: number; messages: readonly string[] };
  readonly promises: TrackerReport;
  readonly handles: { beforeClose: number; afterClose: readonly string[] };
  readonly fds: { beforeClose: number; afterClose: number };
}

/** Slope per minute of one measure, and where it went after the warm-up. */
export interface Trend {
  /** Least-squares slope, units per minute. */
  readonly perMinute: number;
  /** The first sample after the warm-up. */
  readonly first: number;
  /** The last churn sample. */
  readonly last: number;
  readonly min: number;
  readonly max: number;
}

export interface SoakSlopes {
  /** Samples the slopes were fitted to (t ≥ warm-up, churn phase). */
  readonly samples: number;
  readonly fromS: number;
  readonly toS: number;
  readonly rssKiB: Trend;
  readonly heapKiB: Trend;
  readonly fds: Trend;
  readonly handles: Trend;
}

/** Least-squares slope of y over x (0 for fewer than two points). */
export function leastSquaresSlope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i] ?? 0;
    sy += ys[i] ?? 0;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - mx;
    num += dx * ((ys[i] ?? 0) - my);
    den += dx * dx;
  }
  return den === 0 ? 0 : num / den;
}

function trend(points: readonly Sample[], measure: (s: Sample) => number): Trend {
  const ys = points.map(measure);
  return {
    perMinute: leastSquaresSlope(
      points.map((p) => p.t / 60),
      ys,
    ),
    first: ys[0] ?? NaN,
    last: ys[ys.length - 1] ?? NaN,
    min: ys.length > 0 ? Math.min(...ys) : NaN,
    max: ys.length > 0 ? Math.max(...ys) : NaN,
  };
}

/** Slopes per minute over the churn samples at or after `warmupS`. */
export function slopes(samples: readonly Sample[], warmupS: number): SoakSlopes {
  const points = samples.filter((s) => s.phase === 'churn' && s.t >= warmupS);
  return {
    samples: points.length,
    fromS: points[0]?.t ?? NaN,
    toS: points[points.length - 1]?.t ?? NaN,
    rssKiB: trend(points, (s) => s.rssKiB),
    heapKiB: trend(points, (s) => s.heapKiB),
    fds: trend(points, (s) => s.fds),
    handles: trend(points, (s) => s.handles),
  };
}
