/**
 * Bounded polling. Every wait in the lab goes through {@link waitUntil}, so
 * no loop can spin forever: it is limited both in time and in attempts.
 */

/** Options for {@link waitUntil}. */
export interface WaitOptions {
  /** Give up after this long (ms). */
  readonly timeoutMs: number;
  /** Pause between attempts (ms); default 100. */
  readonly intervalMs?: number;
  /** Give up after this many attempts; default derived from timeout/interval (+2). */
  readonly maxAttempts?: number;
  /** What is being waited for, for the error message. */
  readonly what: string;
}

/** Resolve after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Call `probe` until it returns a value other than `undefined`/`false`, and
 * return that value. Exceptions thrown by `probe` count as "not yet" (the last
 * one is reported). Throws when the time or attempt budget is exhausted.
 */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitOptions,
): Promise<T> {
  const interval = opts.intervalMs ?? 100;
  const maxAttempts = opts.maxAttempts ?? Math.ceil(opts.timeoutMs / Math.max(interval, 1)) + 2;
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() + interval > deadline) break;
    await sleep(interval);
  }
  const suffix = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${suffix}`);
}
