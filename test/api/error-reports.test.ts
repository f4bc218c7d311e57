/**
 * Repeated errors are reported once per interval with a count (issue 9.9):
 * a flood of bad packets must not become a flood of log lines.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorReports } from '../../src/api/error-reports.js';
import { Mdns } from '../../src/api/mdns.js';
import { Responder } from '../../src/api/responder.js';
import type { MdnsCore } from '../../src/core/core.js';
import { BoasterError, TransportError } from '../../src/errors.js';
import { fakeTransport } from '../protocol/helpers.js';
import { ERROR_REPORT_INTERVAL_MS } from '../../src/constants.js';
import { systemClock } from '../../src/protocol/clock.js';

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('ErrorReports', () => {
  it('reports the first of a kind at once, counts the rest, and sums them up once when the interval ends', () => {
    const out: BoasterError[] = [];
    const reports = new ErrorReports(systemClock, (e) => out.push(e));
    for (let i = 0; i < 1000; i++)
      reports.add(new TransportError('SOCKET_ERROR', `send ${i} failed`, { interfaceName: 'eth0' }));
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

  it('an error with no listener and no logger becomes a process warning; with a listener or a logger it does not', () => {
    const warnings: { message: string; code: string | undefined }[] = [];
    const onWarning = (w: Error & { code?: string }): void => void warnings.push({ message: w.message, code: w.code });
    process.on('warning', onWarning);
    const emitWarning = vi.spyOn(process, 'emitWarning');
    try {
      const transport = fakeTransport();
      const quiet = new Responder({ transport, hostName: 'quiet' });
      transport.emit('error', new TransportError('SOCKET_ERROR', 'eth0: the socket broke', { interfaceName: 'eth0' }));
      expect(emitWarning).toHaveBeenCalledTimes(1);
      expect(emitWarning.mock.calls[0]).toEqual(['eth0: the socket broke', { code: 'BOASTER_SOCKET_ERROR' }]);
      const heard: string[] = [];
      const listened = new Responder({ transport: fakeTransport(), hostName: 'heard' });
      listened.on('error', (e) => heard.push(e.code));
      (listened as unknown as { core: MdnsCore }).core.transport.emit('error', new TransportError('SOCKET_ERROR', 'x'));
      const logged: string[] = [];
      const withLogger = new Mdns({ transport: fakeTransport(), logger: { warn: (m) => logged.push(m) } });
      withLogger.core.report(new BoasterError('INTERNAL', 'y'));
      expect(heard).toEqual(['SOCKET_ERROR']);
      expect(logged).toEqual(['y']);
      expect(emitWarning).toHaveBeenCalledTimes(1);
      void quiet.close();
      void listened.close();
      void withLogger.close();
    } finally {
      emitWarning.mockRestore();
      process.off('warning', onWarning);
    }
  });
});
