/**
 * Issue 15, bounded state: what a flood of distinct sources can make the
 * responder hold while answers wait has a bound and an eviction rule
 * (README "Robustness", the bounds table), asserted packet by packet on a
 * fake clock:
 * - delayed unicast replies pending at once (MAX_PENDING_UNICAST_REPLIES):
 *   past it a QU answer joins the multicast response (RFC 6762 §5.4);
 * - queriers remembered per waiting answer (MAX_REQUESTERS_PER_ANSWER):
 *   past it the answer goes whatever one of them knows (§7.1, §7.2);
 * - how long TC queries may postpone a waiting response
 *   (MAX_RESPONSE_POSTPONE_MS, §7.2).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FLAG_TRUNCATED,
  MAX_PENDING_UNICAST_REPLIES,
  MAX_REQUESTERS_PER_ANSWER,
  MAX_RESPONSE_POSTPONE_MS,
  MDNS_PORT,
} from '../../src/constants.js';
import type { FakeTransport } from '../../src/transport/fake-transport.js';
import {
  advanceTo,
  announcedResponder,
  deliver,
  INSTANCE,
  ptr,
  q,
  query,
  sentPackets,
  TYPE,
  useFakeClock,
} from './helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

/** The i-th of many distinct queriers (any address: the fake transport does no source check). */
function source(i: number): { address: string; port: number } {
  return { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: MDNS_PORT };
}

/**
 * `askers` distinct queriers each send a TC query for the type's PTR at 5000 ms, then (10 ms later)
 * a known-answer packet listing our PTR (§7.2); the clock ends at 6000 ms, past any answer's delay.
 */
async function askThenKnow(transport: FakeTransport, askers: number): Promise<void> {
  for (let i = 0; i < askers; i++)
    deliver(transport, { ...query([q(TYPE, 'PTR')]), flags: FLAG_TRUNCATED }, { source: source(i) });
  await advanceTo(5010);
  for (let i = 0; i < askers; i++)
    deliver(transport, { id: 0, flags: 0, answers: [ptr(TYPE, INSTANCE, 4500)] }, { source: source(i) });
  await advanceTo(6000);
}

describe('bounded state under a flood of distinct queriers', () => {
  it('delayed unicast replies: at most MAX_PENDING_UNICAST_REPLIES wait at once; the rest are answered by one multicast (RFC 6762 §5.4)', async () => {
    const { transport, responder, mark } = await announcedResponder();
    const askers = MAX_PENDING_UNICAST_REPLIES + 200;
    // A shared PTR answer to a QU question waits 20–120 ms (§6), so each one is a pending reply.
    for (let i = 0; i < askers; i++) deliver(transport, query([q(TYPE, 'PTR', true)]), { source: source(i) });
    await advanceTo(5600);
    const sent = sentPackets(transport, mark);
    const unicast = sent.filter((s) => s.target.address !== undefined && s.target.port === MDNS_PORT);
    const multicast = sent.filter((s) => s.target.address === undefined);
    expect(unicast).toHaveLength(MAX_PENDING_UNICAST_REPLIES);
    expect(new Set(unicast.map((s) => s.target.address)).size).toBe(MAX_PENDING_UNICAST_REPLIES);
    // The other 200 get the answer by multicast: one packet per family, not 200.
    expect(multicast.length).toBeGreaterThanOrEqual(1);
    expect(multicast.length).toBeLessThanOrEqual(2);
    for (const m of multicast) expect(m.packet.answers).toContainEqual(ptr(TYPE, INSTANCE, 4500));
    await responder.close();
  });

  it('queriers remembered per waiting answer: past MAX_REQUESTERS_PER_ANSWER, their known answers no longer cancel it (§7.2)', async () => {
    const { transport, responder, mark } = await announcedResponder();
    // Every one of them then says it knows the answer: with each remembered, nothing would go.
    await askThenKnow(transport, MAX_REQUESTERS_PER_ANSWER + 10);
    const sent = sentPackets(transport, mark);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent[0]?.packet.answers).toContainEqual(ptr(TYPE, INSTANCE, 4500));
    await responder.close();
  });

  it('below the bound each querier is still remembered: all of them knowing the answer cancels it (§7.2)', async () => {
    const { transport, responder, mark } = await announcedResponder();
    await askThenKnow(transport, MAX_REQUESTERS_PER_ANSWER);
    expect(sentPackets(transport, mark)).toEqual([]);
    await responder.close();
  });

  it('a stream of TC queries postpones a waiting response at most MAX_RESPONSE_POSTPONE_MS past its first query (§7.2)', async () => {
    const { transport, responder, mark } = await announcedResponder();
    // A TC query every 100 ms for 3 s, each asking to wait 400–500 ms more for its known answers.
    for (let t = 5000; t < 8000; t += 100) {
      await advanceTo(t);
      deliver(transport, { ...query([q(TYPE, 'PTR')]), flags: FLAG_TRUNCATED }, { source: source(t) });
    }
    await advanceTo(9000);
    const sent = sentPackets(transport, mark);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent[0]?.at).toBeLessThanOrEqual(5000 + MAX_RESPONSE_POSTPONE_MS);
    expect(sent[0]?.packet.answers).toContainEqual(ptr(TYPE, INSTANCE, 4500));
    await responder.close();
  });
});
