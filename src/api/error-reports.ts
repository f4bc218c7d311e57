/**
 * Problems reported to the application without flooding it: a stranger on
 * the link can cause the same failure thousands of times a second, and one
 * log line (or `error` event) each would bury everything else. The first
 * error of a kind goes out at once; further ones of that kind within
 * {@link ERROR_REPORT_INTERVAL_MS} are counted, and one summary carrying
 * the count goes out when the interval ends.
 */
import { ERROR_REPORT_INTERVAL_MS } from '../constants.js';
import type { BoasterError } from '../errors.js';
import type { Clock, TimerHandle } from '../protocol/clock.js';

/** A kind of error: its code and the interface concerned, if any. */
function kindOf(error: BoasterError): string {
  const nic = (error as { interfaceName?: unknown }).interfaceName;
  return `${error.code}|${typeof nic === 'string' ? nic : ''}`;
}

/** Suppressed errors of one kind. */
interface Quiet {
  count: number;
  last: BoasterError;
  timer: TimerHandle;
}

/** Rate-limits error reports per kind. */
export class ErrorReports {
  private readonly quiet = new Map<string, Quiet>();

  constructor(
    private readonly clock: Clock,
    private readonly report: (error: BoasterError) => void,
  ) {}

  /** Report `error` now, or count it if its kind was reported within the interval. */
  add(error: BoasterError): void {
    const kind = kindOf(error);
    const quiet = this.quiet.get(kind);
    if (quiet) {
      quiet.count++;
      quiet.last = error;
      return;
    }
    const entry: Quiet = {
      count: 0,
      last: error,
      timer: this.clock.setTimeout(() => this.summarise(kind), ERROR_REPORT_INTERVAL_MS),
    };
    this.quiet.set(kind, entry);
    this.report(error);
  }

  private summarise(kind: string): void {
    const entry = this.quiet.get(kind);
    this.quiet.delete(kind);
    if (!entry || entry.count === 0) return;
    const seconds = ERROR_REPORT_INTERVAL_MS / 1000;
    const { last } = entry;
    // A copy of the last one, of its class (a TransportError stays one), with the count in its message.
    const summary = Object.assign(Object.create(Object.getPrototypeOf(last) as object) as BoasterError, last);
    Object.defineProperty(summary, 'message', {
      value: `${last.message} (${entry.count} more like this in the last ${seconds} s)`,
      writable: true,
      configurable: true,
    });
    Object.defineProperty(summary, 'stack', { value: last.stack, writable: true, configurable: true });
    // The summary opens a new interval, so a lasting problem is reported once per interval.
    this.quiet.set(kind, {
      count: 0,
      last,
      timer: this.clock.setTimeout(() => this.summarise(kind), ERROR_REPORT_INTERVAL_MS),
    });
    this.report(summary);
  }

  /** Cancel pending summaries. */
  clear(): void {
    for (const entry of this.quiet.values()) entry.timer.cancel();
    this.quiet.clear();
  }
}

/** What {@link followErrors} reports to: an emitter of `error` events, and an optional logger. */
export interface ErrorTarget {
  listenerCount(event: 'error'): number;
  emit(event: 'error', error: BoasterError): boolean;
}

/**
 * Report the core's and the transport's problems to `target`, rate-limited
 * per kind. Each goes to the logger's `warn` (when there is one) and as an
 * `error` event; with no `error` listener and no logger it becomes a process
 * warning (`process.emitWarning`, code `BOASTER_<code>`), so it is never
 * lost. Returns the function that stops it.
 */
export function followErrors(
  core: {
    scheduler: Clock;
    onError(listener: (error: BoasterError) => void): () => void;
    transport: {
      on(event: 'error', l: (e: BoasterError) => void): unknown;
      off(event: 'error', l: (e: BoasterError) => void): unknown;
    };
  },
  target: ErrorTarget,
  logger: { warn?(message: string): void } | undefined,
): () => void {
  const reports = new ErrorReports(core.scheduler, (e) => {
    logger?.warn?.(e.message);
    if (target.listenerCount('error') > 0) target.emit('error', e);
    else if (!logger?.warn) process.emitWarning(e.message, { code: `BOASTER_${e.code}` });
  });
  const add = (e: BoasterError): void => reports.add(e);
  const stopCore = core.onError(add);
  core.transport.on('error', add);
  return () => {
    stopCore();
    core.transport.off('error', add);
    reports.clear();
  };
}
