/**
 * The responder's rules at scale (issue 10), on the fake clock with 1,000
 * services: probe rounds 250 ms apart whatever N, each name's question and
 * proposed records in one packet; announcement rounds at 0/1/3 s; a PTR
 * answer carrying all 1,000 instances; no packet over the payload budget;
 * no timer left once the announcements are over; every goodbye at close().
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FLAG_TRUNCATED } from '../../src/constants.js';
import type { ServiceSpec } from '../../src/records/service-records.js';
import { encodePacket } from '../../src/wire/encode.js';
import {
  advanceTo,
  FIRST_PROBE,
  probes,
  q,
  responderHarness,
  responses,
  sentPackets,
  useFakeClock,
} from './helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const N = 1000;
const TYPE = '_bench._tcp.local';
const BUDGET = { 4: 1472, 6: 1452 } as const;
const specs: ServiceSpec[] = Array.from({ length: N }, (_, i) => ({
  name: `svc-${i}`,
  type: '_bench._tcp',
  port: 8000 + i,
  txt: { hwid: '0123456789abcdef' },
}));

async function thousand() {
  const harness = responderHarness();
  const published = Promise.all(specs.map((spec) => harness.responder.publish(spec)));
  await advanceTo(1000);
  const services = await published;
  return { ...harness, services };
}

describe(`${N} services on one responder`, () => {
  it("probes go out in three rounds 250 ms apart, each name's question with all its proposed records in one packet, within the budget", async () => {
    const { transport, responder } = await thousand();
    const sent = probes(sentPackets(transport));
    expect([...new Set(sent.map((s) => s.at))]).toEqual([FIRST_PROBE, FIRST_PROBE + 250, FIRST_PROBE + 500]);
    for (const s of sent) {
      expect(s.size).toBeLessThanOrEqual(BUDGET[s.target.family]);
      const asked = new Set(s.packet.questions.map((x) => x.name.toLowerCase()));
      // Every proposed record's name is asked in the same packet, and every asked name proposes its SRV and TXT there.
      for (const r of s.packet.authorities) expect(asked.has(r.name.toLowerCase())).toBe(true);
      for (const name of asked) {
        if (!name.endsWith(TYPE)) continue;
        expect(
          s.packet.authorities
            .filter((r) => r.name.toLowerCase() === name)
            .map((r) => r.type)
            .sort(),
        ).toEqual(['SRV', 'TXT']);
      }
    }
    // Every instance is probed in every round, on each family, in few packets.
    for (const at of [FIRST_PROBE, FIRST_PROBE + 250, FIRST_PROBE + 500]) {
      const round = sent.filter((s) => s.at === at && s.target.family === 4);
      expect(new Set(round.flatMap((s) => s.packet.questions.map((x) => x.name))).size).toBe(N + 1);
      expect(round.length).toBeLessThanOrEqual(70);
    }
    await responder.close();
  });

  it('announcement rounds at 0, 1 and 3 s after probing, packed within the budget; then no timer is left', async () => {
    const { transport, responder } = await thousand();
    await advanceTo(10_000);
    const sent = responses(sentPackets(transport));
    const first = FIRST_PROBE + 750;
    expect([...new Set(sent.map((s) => s.at))]).toEqual([first, first + 1000, first + 3000]);
    for (const at of [first, first + 1000, first + 3000]) {
      const round = sent.filter((s) => s.at === at && s.target.family === 4);
      const srvs = new Set(
        round
          .flatMap((s) => s.packet.answers)
          .filter((r) => r.type === 'SRV')
          .map((r) => r.name),
      );
      expect(srvs.size).toBe(N);
      expect(round.length).toBeLessThanOrEqual(70);
    }
    for (const s of sent) expect(s.size).toBeLessThanOrEqual(BUDGET[s.target.family]);
    expect(vi.getTimerCount()).toBe(0);
    await responder.close();
  });

  it('a PTR query for the type is answered with all 1,000 instances, in at most 16 packets within the budget', async () => {
    const { transport, responder } = await thousand();
    await advanceTo(10_000);
    const mark = transport.sent.length;
    transport.deliver({
      data: encodePacket({ id: 0, flags: 0, questions: [q(TYPE, 'PTR')] }),
      interface: 'eth0',
      source: { address: '192.0.2.99', port: 5353 },
    });
    await advanceTo(10_200);
    const sent = sentPackets(transport, mark);
    const instances = new Set(
      sent
        .flatMap((s) => s.packet.answers)
        .filter((r) => r.type === 'PTR' && r.name === TYPE)
        .map((r) => r.data),
    );
    expect(instances.size).toBe(N);
    expect(sent.length).toBeLessThanOrEqual(16);
    for (const s of sent) {
      expect(s.size).toBeLessThanOrEqual(BUDGET[s.target.family]);
      expect(s.packet.flags & FLAG_TRUNCATED).toBe(0);
    }
    await responder.close();
  });

  it('close() sends a goodbye for every SRV, packed, at once', async () => {
    const { transport, responder } = await thousand();
    await advanceTo(10_000);
    const mark = transport.sent.length;
    await responder.close();
    const sent = sentPackets(transport, mark);
    expect(new Set(sent.map((s) => s.at))).toEqual(new Set([10_000]));
    const gone = new Set(
      sent
        .filter((s) => s.target.family === 4)
        .flatMap((s) => s.packet.answers)
        .filter((r) => r.type === 'SRV' && r.ttl === 0)
        .map((r) => r.name),
    );
    expect(gone.size).toBe(N);
    expect(sent.filter((s) => s.target.family === 4).length).toBeLessThanOrEqual(70);
    for (const s of sent) expect(s.size).toBeLessThanOrEqual(BUDGET[s.target.family]);
  });
});
