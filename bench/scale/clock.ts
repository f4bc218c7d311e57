/**
 * A manual clock for the scale benchmark: the Clock interface of
 * src/protocol/clock.ts, with time that moves only when told. Due timers
 * run in time order (ties in the order they were set) from a binary heap,
 * so N timers cost O(N log N), never O(N²); cancelled timers are dropped
 * lazily when they reach the top. Between batches of timers due at the
 * same instant it yields to the event loop (setImmediate), so the promise
 * continuations the engine's async sends leave behind run before time
 * moves on, as they would on a real clock.
 */
import type { Clock, TimerHandle } from '../../src/protocol/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  live: boolean;
}

/** Let pending promise continuations (and anything queued with setImmediate) run. */
export function yieldToLoop(times = 1): Promise<void> {
  let chain = Promise.resolve();
  for (let i = 0; i < times; i++) chain = chain.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return chain;
}

function earlier(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A binary min-heap of timers by (at, seq). */
class TimerHeap {
  private readonly items: Timer[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Timer | undefined {
    return this.items[0];
  }

  push(timer: Timer): void {
    const items = this.items;
    items.push(timer);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as Timer;
      if (!earlier(timer, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = timer;
  }

  pop(): Timer | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    const n = items.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && earlier(items[right] as Timer, items[left] as Timer) ? right : left;
      const c = items[child] as Timer;
      if (!earlier(c, last)) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** Fake time, advanced by the benchmark. */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly heap = new TimerHeap();
  private liveCount = 0;
  /** Timer callbacks run so far. */
  fired = 0;

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timer: Timer = { at: this.time + delay, seq: this.seq++, fn, live: true };
    this.heap.push(timer);
    this.liveCount++;
    return {
      cancel: () => {
        if (!timer.live) return;
        timer.live = false;
        this.liveCount--;
      },
    };
  }

  /** Timers set and neither fired nor cancelled. */
  get pending(): number {
    return this.liveCount;
  }

  /** Time of the next live timer, or undefined. */
  nextAt(): number | undefined {
    for (let top = this.heap.peek(); top; top = this.heap.peek()) {
      if (top.live) return top.at;
      this.heap.pop();
    }
    return undefined;
  }

  /** Run every timer due at the next due instant (not after `limit`); false when none is due by then. */
  private async runBatch(limit: number): Promise<boolean> {
    const at = this.nextAt();
    if (at === undefined || at > limit) return false;
    this.time = Math.max(this.time, at);
    // Timers set by these callbacks for the same instant run in this batch too, after them.
    for (let top = this.heap.peek(); top && top.at <= at; top = this.heap.peek()) {
      this.heap.pop();
      if (!top.live) continue;
      top.live = false;
      this.liveCount--;
      this.fired++;
      top.fn();
    }
    await yieldToLoop(2);
    return true;
  }

  /** Advance by `ms`, running due timers in order and yielding between instants. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    while (await this.runBatch(target));
    this.time = Math.max(this.time, target);
    await yieldToLoop(2);
  }

  /**
   * Run timers in order until `done()` holds, time passes `limit` (an
   * absolute time), or nothing is left to run. Returns whether `done()` holds.
   */
  async runUntil(done: () => boolean, limit: number): Promise<boolean> {
    await yieldToLoop(3);
    while (!done()) {
      if (!(await this.runBatch(limit))) {
        await yieldToLoop(3);
        return done();
      }
    }
    return true;
  }
}
