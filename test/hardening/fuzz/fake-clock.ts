/**
 * A manual clock for the whole in-process stack: the core's deadline queue
 * and the fake transport read it, and the harness advances it between
 * packets and batches, so delayed answers (RFC 6762 §6), TC waits (§7.2),
 * probes, announcements and cache expiry (§10) all run, deterministically
 * and without waiting in real time. Between timers it lets promises settle
 * (the sender is async), as the event loop would.
 */
import type { Clock, TimerHandle } from '../../../src/protocol/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Let every pending promise callback run (a macrotask turn). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A {@link Clock} that moves only when told. */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Timers not cancelled nor run yet (the core's scheduler keeps at most a few). */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Move time forward by `ms`, running each timer due on the way at its own time, promises settled after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: Timer | undefined;
      for (const t of this.timers)
        if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (!next) break;
      this.time = Math.max(this.time, next.at);
      next.cancelled = true;
      next.fn();
      await settle();
    }
    this.time = end;
    await settle();
  }
}
