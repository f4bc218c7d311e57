/**
 * Issue 15, churn soak: every promise the soak child gets from boaster goes
 * through a {@link PromiseTracker}, so the end of the run can say that each
 * one settled — resolved, or rejected with a typed `BoasterError` whose code
 * is counted — and name the kinds of any still pending. It holds only the
 * pending set and counters, so a long run does not grow it.
 */
import { BoasterError } from '../../../src/errors.js';

/** Outcome counts of one kind of promise (publish, rename, resolve, …). */
export interface KindCounts {
  created: number;
  resolved: number;
  /** Rejections with a `BoasterError`, by code. */
  rejected: Record<string, number>;
  /** Rejections with anything else, by its name (an `AbortError` of ours included). */
  untyped: Record<string, number>;
}

/** A snapshot for the result line. */
export interface TrackerReport {
  readonly created: number;
  readonly settled: number;
  readonly pending: number;
  /** Pending promises by kind, with the age of the oldest (ms). */
  readonly pendingByKind: Record<string, { count: number; oldestMs: number }>;
  readonly untypedRejections: number;
  readonly byKind: Record<string, KindCounts>;
}

const bump = (table: Record<string, number>, key: string): void => {
  table[key] = (table[key] ?? 0) + 1;
};

/** Counts every tracked promise's outcome; see the file header. */
export class PromiseTracker {
  private readonly kinds = new Map<string, KindCounts>();
  private readonly pending = new Map<number, { kind: string; since: number }>();
  private nextId = 0;
  private created = 0;
  private settled = 0;
  private untypedTotal = 0;

  /** Track `promise` under `kind`; returns it unchanged (its rejection is handled here). */
  track<T>(kind: string, promise: Promise<T>): Promise<T> {
    const id = this.nextId++;
    const counts = this.counts(kind);
    counts.created++;
    this.created++;
    this.pending.set(id, { kind, since: Date.now() });
    promise.then(
      () => {
        this.done(id);
        counts.resolved++;
      },
      (error: unknown) => {
        this.done(id);
        if (error instanceof BoasterError) bump(counts.rejected, error.code);
        else {
          this.untypedTotal++;
          bump(counts.untyped, error instanceof Error ? error.name : typeof error);
        }
      },
    );
    return promise;
  }

  /** Count a synchronous throw of a call (a typed refusal such as `BAD_STATE`). */
  thrown(kind: string, error: unknown): void {
    const counts = this.counts(`${kind} (thrown)`);
    counts.created++;
    if (error instanceof BoasterError) bump(counts.rejected, error.code);
    else {
      this.untypedTotal++;
      bump(counts.untyped, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  }

  /** Promises not settled yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Resolves once nothing is pending or `ms` passed; whether nothing is pending. */
  async drain(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return this.pending.size === 0;
  }

  report(): TrackerReport {
    const now = Date.now();
    const pendingByKind: Record<string, { count: number; oldestMs: number }> = {};
    for (const { kind, since } of this.pending.values()) {
      const entry = (pendingByKind[kind] ??= { count: 0, oldestMs: 0 });
      entry.count++;
      entry.oldestMs = Math.max(entry.oldestMs, now - since);
    }
    return {
      created: this.created,
      settled: this.settled,
      pending: this.pending.size,
      pendingByKind,
      untypedRejections: this.untypedTotal,
      byKind: Object.fromEntries(this.kinds),
    };
  }

  private counts(kind: string): KindCounts {
    let counts = this.kinds.get(kind);
    if (!counts) {
      counts = { created: 0, resolved: 0, rejected: {}, untyped: {} };
      this.kinds.set(kind, counts);
    }
    return counts;
  }

  private done(id: number): void {
    this.pending.delete(id);
    this.settled++;
  }
}
