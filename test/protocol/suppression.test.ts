/**
 * Aggregated answers and the suppression of answers the network already
 * has (RFC 6762 §6.3, §7.2, §7.4), asserted packet by packet on a fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FLAG_TRUNCATED } from '../../src/constants.js';
import type { ResourceRecord } from '../../src/wire/model.js';
import {
  a,
  aaaa,
  advanceTo,
  deliver,
  ENUM,
  HOST,
  INSTANCE,
  ptr,
  q,
  query,
  response,
  sentPackets,
  SPEC_TXT,
  srv,
  txt,
  TYPE,
  useFakeClock,
  V4,
  V6,
  announcedResponder,
  reply,
} from './helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const browseAdditionals = (): ResourceRecord[] => [
  srv(INSTANCE, 8080, HOST),
  txt(INSTANCE, SPEC_TXT),
  a(HOST, V4),
  aaaa(HOST, V6),
];

describe('aggregation (RFC 6762 §6.3) and the multicast rate limit (§6.2)', () => {
  it('RFC 6762 §6.3: answers to different questions due within 500 ms go out together in one response', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')]));
    await advanceTo(5030);
    deliver(transport, query([q(ENUM, 'PTR')]));
    await advanceTo(6000);
    expect(sentPackets(transport, mark).map((s) => [s.at, s.packet])).toEqual([
      [5070, reply([ptr(TYPE, INSTANCE, 4500), ptr(ENUM, TYPE, 4500)], browseAdditionals())],
    ]);
    await responder.close();
  });
});

describe('multi-packet known-answer suppression (RFC 6762 §7.2)', () => {
  it('RFC 6762 §7.2: a query with TC set is answered after 400–500 ms (random 0.5 → 450 ms)', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, { ...query([q(TYPE, 'PTR')]), flags: FLAG_TRUNCATED });
    await advanceTo(5449);
    expect(sentPackets(transport, mark)).toEqual([]);
    await advanceTo(6000);
    expect(sentPackets(transport, mark).map((s) => [s.at, s.packet])).toEqual([
      [5450, reply([ptr(TYPE, INSTANCE, 4500)], browseAdditionals())],
    ]);
    await responder.close();
  });

  it('RFC 6762 §7.2: our answer listed in the known answers of the packet after a TC query is not sent', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, { ...query([q(TYPE, 'PTR')]), flags: FLAG_TRUNCATED });
    await advanceTo(5010);
    deliver(transport, { id: 0, flags: 0, answers: [ptr(TYPE, INSTANCE, 4500)] });
    await advanceTo(6000);
    expect(sentPackets(transport, mark)).toEqual([]);
    await responder.close();
  });

  it('RFC 6762 §7.2: known answers with less than half our TTL in the follow-up packet do not suppress', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, { ...query([q(TYPE, 'PTR')]), flags: FLAG_TRUNCATED });
    await advanceTo(5010);
    deliver(transport, { id: 0, flags: 0, answers: [ptr(TYPE, INSTANCE, 2000)] });
    await advanceTo(6000);
    expect(sentPackets(transport, mark).map((s) => s.at)).toEqual([5450]);
    await responder.close();
  });
});

describe('duplicate answer suppression (RFC 6762 §7.4)', () => {
  it('RFC 6762 §7.4: another responder multicasting our pending answer with our full TTL means we do not send it', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')]));
    await advanceTo(5030);
    deliver(transport, response([ptr(TYPE, INSTANCE, 4500)]), { source: { address: '192.0.2.98', port: 5353 } });
    await advanceTo(6000);
    expect(sentPackets(transport, mark)).toEqual([]);
    await responder.close();
  });
});
