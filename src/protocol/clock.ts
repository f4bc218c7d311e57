/**
 * Time for the protocol engine, injectable so unit tests drive it with a
 * fake clock and assert exact send times.
 */

/** A timer handle returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  /** Cancel the timer; harmless if it already fired. */
  cancel(): void;
}

/** Time and timers. */
export interface Clock {
  /** Milliseconds since the epoch (or any fixed origin). */
  now(): number;
  /** Run `fn` after `ms`; the handle cancels it. Timers never keep the process alive. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

/** The real clock, on Node's timers (unref'd: the engine never holds the process open by itself). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** Random numbers for jittered delays, injectable for tests. */
export type Random = () => number;
