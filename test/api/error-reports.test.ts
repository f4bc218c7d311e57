/**
 * Repeated errors are reported once per interval with a count (issue 9.9):
 * a flood of bad packets must not become a flood of log lines.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorReports } from '../../src/api/error-reports.js';
import { ERROR_REPORT_INTERVAL_MS } from '../../src/constants.js';
import type { BoasterError } from '../../src/errors.js';
import { TransportError } from '../../src/errors.js';
import { systemClock } from '../../src/protocol/clock.js';

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('ErrorReports', () => {
  it('reports the first of a kind at once, counts the rest, and sums them up once when the interval ends', () => {
    const out: BoasterError[] = [];
    const reports = new ErrorReports(systemClock, (e) => out.push(e));
    for (let i = 0; i < 1000; i++) reports.add(new TransportError('SOCKET_ERROR', `send ${i} failed`, { interfaceName: 'eth0' }));
    reports.add(new TransportError('SOCKET_ERROR', 'other interface', { interfaceName: 'eth1' }));
    expect(out.map((e) => e.message)).toEqual(['send 0 failed', 'other interface']);
    vi.advanceTimersByTime(ERROR_REPORT_INTERVAL_MS);
    expect(out).toHaveLength(3);
    expect(out[2]).toBeInstanceOf(TransportError);
    expect(out[2]?.message).toBe('send 999 failed (999 more like this in the last 10 s)');
    expect((out[2] as TransportError).interfaceName).toBe('eth0');
    // A quiet interval after the summary: nothing more, and no timer left.
    vi.advanceTimersByTime(ERROR_REPORT_INTERVAL_MS);
    expect(out).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
    // A new one after that is reported at once again.
    reports.add(new TransportError('SOCKET_ERROR', 'again', { interfaceName: 'eth0' }));
    expect(out.at(-1)?.message).toBe('again');
    reports.clear();
    expect(vi.getTimerCount()).toBe(0);
  });
});
