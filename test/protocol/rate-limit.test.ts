/**
 * A hostile peer that claims every name the responder probes (RFC 6762
 * §8.1 rate limit, issue 15): with a fake clock and a peer wired into the
 * FakeTransport that answers every IPv4 probe 10 ms later with a
 * conflicting record for each name probed, the responder renames at the
 * usual pace for 15 conflicts, then waits exactly 5 s after each further
 * conflict before probing (so at most one probe attempt per 5 s, well
 * under one a second), tells the user once through `rateLimited` /
 * `hostRateLimited`, keeps picking legal names, and announces the last
 * one once the peer goes quiet.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Packet, ResourceRecord } from '../../src/wire/model.js';
import {
  a,
  aaaa,
  advanceTo,
  deliver,
  probes,
  response,
  responderHarness,
  sentPackets,
  SPEC,
  srv,
  txt,
  useFakeClock,
} from './helpers.js';
import type { FakeTransport } from '../../src/transport/fake-transport.js';
import { decodePacket } from '../../src/wire/decode.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

/** The peer answers this long after each probe. */
const REPLY_MS = 10;
/** With random() at 0.5 a fast re-probe waits 125 ms (RFC 6762 §8.1: 0–250 ms). */
const FAST_WAIT_MS = 125;
/** RFC 6762 §8.1: the wait before each probe once rate-limited. */
const LIMITED_WAIT_MS = 5_000;

/** A record of `theirs`' name and type with other data: what a host claiming the name answers. */
function claim(theirs: ResourceRecord): ResourceRecord | undefined {
  switch (theirs.type) {
    case 'SRV':
      return srv(theirs.name, 9, 'hostile.local');
    case 'TXT':
      return txt(theirs.name, [new TextEncoder().encode('hostile=1')]);
    case 'A':
      return a(theirs.name, '192.0.2.99');
    case 'AAAA':
      return aaaa(theirs.name, 'fe80::99');
    default:
      return undefined;
  }
}

/**
 * Wire a hostile peer into `transport`: every IPv4 probe is answered
 * `REPLY_MS` later with a conflicting record for each record it proposes,
 * until `quietAt` (ms of the fake clock since the start). Returns the probes
 * it answered.
 */
function hostilePeer(transport: FakeTransport, start: number, quietAt: number): { answered: number } {
  const state = { answered: 0 };
  const send = transport.send.bind(transport);
  transport.send = async (data, target) => {
    await send(data, target);
    const packet: Packet = decodePacket(data);
    const isProbe = (packet.flags & 0x8000) === 0 && packet.authorities.length > 0;
    if (!isProbe || target.family !== 4 || Date.now() - start >= quietAt) return;
    const answers = packet.authorities.map(claim).filter((r): r is ResourceRecord => r !== undefined);
    state.answered++;
    setTimeout(() => deliver(transport, response(answers)), REPLY_MS);
  };
  return state;
}

describe('a peer that claims every name (RFC 6762 §8.1 rate limit)', () => {
  it('15 conflicts at the usual pace, then each probe exactly 5 s after the conflict before it; one rateLimited event each for the service and the host; legal names throughout', async () => {
    const start = Date.now();
    const { transport, responder } = responderHarness();
    const peer = hostilePeer(transport, start, Infinity);
    const service = responder.register(SPEC);
    const limited: { at: number; conflicts: number; delayMs: number }[] = [];
    const hostLimited: { at: number; conflicts: number; delayMs: number }[] = [];
    const names: string[] = [];
    const hostNames: string[] = [];
    service.on('rateLimited', (conflicts, delayMs) => limited.push({ at: Date.now() - start, conflicts, delayMs }));
    responder.on('hostRateLimited', (conflicts, delayMs) =>
      hostLimited.push({ at: Date.now() - start, conflicts, delayMs }),
    );
    service.on('renamed', (_from, to) => names.push(to));
    responder.on('hostRenamed', (_from, to) => hostNames.push(to));
    service.announced.catch(() => undefined);
    await advanceTo(60_000);

    // Probe attempts: the times of IPv4 probes (each attempt's first probe is answered, so one probe per attempt).
    const v4Probes = probes(sentPackets(transport)).filter((s) => s.target.family === 4);
    const attempts = [...new Set(v4Probes.map((s) => s.at))];
    // Conflict k arrives at 135·k for the first 15 (probe after 125 ms, answer 10 ms later) …
    const fast = Array.from({ length: 15 }, (_, k) => FAST_WAIT_MS + (FAST_WAIT_MS + REPLY_MS) * k);
    expect(attempts.slice(0, 15)).toEqual(fast);
    // … then each probe waits 5 s from the conflict before it: 2025 + 5000, + 5010, …
    const fifteenth = 15 * (FAST_WAIT_MS + REPLY_MS);
    const slow = Array.from({ length: 11 }, (_, k) => fifteenth + LIMITED_WAIT_MS + (LIMITED_WAIT_MS + REPLY_MS) * k);
    expect(attempts.slice(15)).toEqual(slow);
    for (let i = 15; i < attempts.length; i++)
      expect((attempts[i] ?? 0) - (attempts[i - 1] ?? 0)).toBeGreaterThanOrEqual(LIMITED_WAIT_MS);
    // At most one probe per second over the limited period (here one per 5 s).
    const limitedSpan = 60_000 - fifteenth;
    expect(attempts.length - 15).toBeLessThanOrEqual(Math.ceil(limitedSpan / 1_000));
    // The host and the service probe in one packet at first; once limited, each restarts alone (two packets).
    expect(v4Probes).toHaveLength(15 + 2 * slow.length);
    expect(peer.answered).toBe(v4Probes.length);

    // Told once each, at the 15th conflict, with the count and the wait.
    expect(limited).toEqual([{ at: fifteenth, conflicts: 15, delayMs: LIMITED_WAIT_MS }]);
    expect(hostLimited).toEqual([{ at: fifteenth, conflicts: 15, delayMs: LIMITED_WAIT_MS }]);

    // The renames go on, one per conflict, each a fresh legal name (RFC 1035 §2.3.4: a label ≤ 63 bytes).
    expect(names).toHaveLength(attempts.length);
    expect(names.slice(0, 3)).toEqual(['Svc (2)', 'Svc (3)', 'Svc (4)']);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) {
      expect(n).toMatch(/^Svc \(\d+\)$/);
      expect(Buffer.byteLength(n)).toBeLessThanOrEqual(63);
    }
    expect(hostNames).toHaveLength(attempts.length);
    expect(new Set(hostNames).size).toBe(hostNames.length);
    for (const n of hostNames) expect(n).toMatch(/^testhost-\d+$/);
    expect(service.state).toBe('probing');
    await responder.close();
  });

  it('the peer goes quiet: the name being probed is announced; a storm of conflicts over the announced name later is told once more', async () => {
    const start = Date.now();
    const { transport, responder } = responderHarness();
    const quietAt = 20_000;
    hostilePeer(transport, start, quietAt);
    const service = responder.register(SPEC);
    let told = 0;
    service.on('rateLimited', () => told++);
    const announced = service.announced;
    await advanceTo(30_000);
    // The last claimed probe went at 17 045 (2025, then 5010 apart); the next, unanswered, at 22 055.
    expect(told).toBe(1);
    expect(service.state).toBe('announced');
    await expect(announced).resolves.toBe(service);
    const name = service.name;
    expect(name).toMatch(/^Svc \(\d+\)$/);
    // Ten quiet seconds passed: a new storm starts with fast renames and is told again at its 15th conflict.
    const stormStart = Date.now() - start;
    for (let i = 0; i < 30 && told < 2; i++) {
      deliver(transport, response([srv(service.fullName, 9, 'hostile.local')]));
      await advanceTo(Date.now() - start + 200);
    }
    expect(told).toBe(2);
    expect(Date.now() - start - stormStart).toBeLessThan(10_000);
    await responder.close();
  });
});
