/**
 * One deadline queue for every timer of the mDNS core (as mdns-sd keeps a
 * deadline heap and OpenThread drives every entry from one timer): probes,
 * announcements, delayed and held-back answers, update announcements and
 * error summaries all wait here, and at most one timer of the underlying
 * clock is armed — at the earliest deadline. Idle means no timer at all.
 *
 * It is itself a {@link Clock}, so every component takes it where it took a
 * clock. Entries due at the same time run in the order they were added; an
 * entry added while others run waits for the next turn of the underlying
 * clock, as a `setTimeout(fn, 0)` inside a timer callback does. An entry
 * that throws is reported and the others run on: nothing thrown in a timer
 * may end the process.
 */
import type { Clock, TimerHandle } from './clock.js';

/** The longest delay Node's setTimeout keeps (a 32-bit signed millisecond count); longer ones fire after 1 ms. */
const MAX_TIMER_DELAY_MS = 0x7fffffff;

/** One waiting entry. */
interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Earlier deadline first, then insertion order. */
function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** The deadline queue. */
export class Scheduler implements Clock {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private armed: { at: number; handle: TimerHandle } | undefined;
  private live = 0;

  constructor(
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  now(): number {
    return this.clock.now();
  }

  /** Run `fn` after `ms`; the handle cancels it. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const entry: Entry = { at: this.clock.now() + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.push(entry);
    this.live++;
    this.arm();
    return {
      cancel: () => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        this.live--;
        if (this.live === 0) this.clear();
        else if (this.heap.length > 2 * this.live + 64) this.compact();
      },
    };
  }

  /** Entries waiting (cancelled ones excluded). */
  get size(): number {
    return this.live;
  }

  /** Drop every entry and the armed timer. */
  clear(): void {
    for (const entry of this.heap) entry.cancelled = true;
    this.heap.length = 0;
    this.live = 0;
    this.disarm();
  }

  private arm(): void {
    this.dropCancelled();
    const first = this.heap[0];
    if (!first) return this.disarm();
    if (this.armed && this.armed.at <= first.at) return;
    this.disarm();
    const at = first.at;
    // Node fires a timer of more than 2^31 - 1 ms after 1 ms: arm for at most that; run() re-arms when it
    // fires before the entry is due (a record's TTL may be 2^31 - 1 s, RFC 2181 §8).
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, at - this.clock.now()));
    this.armed = { at, handle: this.clock.setTimeout(() => this.run(), delay) };
  }

  private disarm(): void {
    this.armed?.handle.cancel();
    this.armed = undefined;
  }

  /** Run every entry due now that was added before this turn began. */
  private run(): void {
    this.armed = undefined;
    const now = this.clock.now();
    const turn = this.seq;
    for (;;) {
      this.dropCancelled();
      const first = this.heap[0];
      if (!first || first.at > now || first.seq >= turn) break;
      this.pop();
      first.cancelled = true;
      this.live--;
      try {
        first.fn();
      } catch (error) {
        this.onError(error);
      }
    }
    this.arm();
  }

  /** Rebuild the heap without cancelled entries, so cancelling many timers cannot grow it. */
  private compact(): void {
    const live = this.heap.filter((e) => !e.cancelled);
    this.heap.length = 0;
    for (const entry of live) this.push(entry);
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.pop();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Entry, heap[parent] as Entry)) break;
      [heap[i], heap[parent]] = [heap[parent] as Entry, heap[i] as Entry];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (heap.length === 0 || !last) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l] as Entry, heap[m] as Entry)) m = l;
      if (r < heap.length && before(heap[r] as Entry, heap[m] as Entry)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m] as Entry, heap[i] as Entry];
      i = m;
    }
  }
}
