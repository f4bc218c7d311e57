/**
 * Legacy unicast replies (RFC 6762 §6.7) and malformed input, asserted
 * packet by packet on a fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FLAG_TRUNCATED } from '../../src/constants.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { ResourceRecord } from '../../src/wire/model.js';
import {
  a,
  aaaa,
  advanceTo,
  deliver,
  FLAGS_RESPONSE,
  HOST,
  INSTANCE,
  PEER,
  ptr,
  publishAnnounced,
  q,
  query,
  responderHarness,
  sentPackets,
  SPEC,
  SPEC_TXT,
  srv,
  txt,
  TYPE,
  useFakeClock,
  V4,
  V6,
  announcedResponder,
} from './helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const LEGACY = { address: PEER.address, port: 40000 };

/** A legacy query with id 0x1234 from port 40000. */
function legacyQuery(transport: Parameters<typeof deliver>[0], questions: ReturnType<typeof q>[]): void {
  deliver(transport, { ...query(questions), id: 0x1234 }, { source: { ...LEGACY } });
}

/** A record as a legacy reply carries it: TTL at most 10, no cache-flush. */
const legacy = (r: ResourceRecord): ResourceRecord => ({ ...r, ttl: Math.min(r.ttl, 10), cacheFlush: false });

describe('legacy unicast (RFC 6762 §6.7)', () => {
  it('RFC 6762 §6.7: a query from port 40000 gets a unicast reply to that port with the same id, the question echoed, TTLs ≤ 10 and no cache-flush bits', async () => {
    const { transport, responder, mark } = await announcedResponder();
    legacyQuery(transport, [q(TYPE, 'PTR')]);
    await advanceTo(5200);
    const sent = sentPackets(transport, mark);
    expect(sent).toEqual([
      {
        at: expect.any(Number) as number,
        target: { interface: 'eth0', family: 4, ...LEGACY },
        size: expect.any(Number) as number,
        packet: {
          id: 0x1234,
          flags: FLAGS_RESPONSE,
          questions: [q(TYPE, 'PTR')],
          answers: [ptr(TYPE, INSTANCE, 10)],
          authorities: [],
          additionals: [srv(INSTANCE, 8080, HOST), txt(INSTANCE, SPEC_TXT), a(HOST, V4), aaaa(HOST, V6)].map(legacy),
        },
      },
    ]);
    expect(sent[0]?.at).toBeLessThanOrEqual(5120);
    await responder.close();
  });

  it('RFC 6762 §6.7: legacy queries are answered even right after a multicast of the same records, and known answers do not apply', async () => {
    const { transport, responder } = responderHarness();
    await publishAnnounced(responder);
    await advanceTo(900);
    const mark = transport.sent.length;
    deliver(
      transport,
      { ...query([q(INSTANCE, 'SRV')], [srv(INSTANCE, 8080, HOST, 120)]), id: 7 },
      { source: { ...LEGACY } },
    );
    await advanceTo(1000);
    const sent = sentPackets(transport, mark);
    expect(sent.map((s) => [s.target, s.packet.id, s.packet.answers])).toEqual([
      [{ interface: 'eth0', family: 4, ...LEGACY }, 7, [legacy(srv(INSTANCE, 8080, HOST))]],
    ]);
    await responder.close();
  });

  it('RFC 6762 §6.7, RFC 1035 §4.1.1: answers that do not fit 512 bytes are cut with the TC bit set; the reply is at most 512 bytes', async () => {
    const big = { a: 'x'.repeat(253), b: 'y'.repeat(253), c: 'z'.repeat(100) };
    const { transport, responder, mark } = await announcedResponder({}, { ...SPEC, txt: big });
    legacyQuery(transport, [q(INSTANCE, 'ANY')]);
    await advanceTo(5200);
    const sent = sentPackets(transport, mark);
    expect(sent).toHaveLength(1);
    const [only] = sent;
    expect(only?.size).toBeLessThanOrEqual(512);
    expect(only?.target).toEqual({ interface: 'eth0', family: 4, ...LEGACY });
    expect(only?.packet.flags).toBe(FLAGS_RESPONSE | FLAG_TRUNCATED);
    expect(only?.packet.id).toBe(0x1234);
    expect(only?.packet.questions).toEqual([q(INSTANCE, 'ANY')]);
    expect(only?.packet.answers).toEqual([legacy(srv(INSTANCE, 8080, HOST))]);
    await responder.close();
  });

  it('RFC 6762 §6.7, RFC 2181 §9: an additional record that does not fit is left out without setting TC', async () => {
    const big = { a: 'x'.repeat(253), b: 'y'.repeat(253), c: 'z'.repeat(100) };
    const { transport, responder, mark } = await announcedResponder({}, { ...SPEC, txt: big });
    legacyQuery(transport, [q(TYPE, 'PTR')]);
    await advanceTo(5200);
    const sent = sentPackets(transport, mark);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.size).toBeLessThanOrEqual(512);
    expect(sent[0]?.packet.flags).toBe(FLAGS_RESPONSE);
    expect(sent[0]?.packet.answers).toEqual([ptr(TYPE, INSTANCE, 10)]);
    expect(sent[0]?.packet.additionals).toEqual([srv(INSTANCE, 8080, HOST), a(HOST, V4), aaaa(HOST, V6)].map(legacy));
    await responder.close();
  });
});

describe('malformed packets (RFC 6762 §18, robustness)', () => {
  it('malformed packets are dropped and counted by code, never thrown', async () => {
    const { transport, responder, mark } = await announcedResponder();
    const { engine } = responder;
    const countOverrun = Uint8Array.of(0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0);
    // One question whose name is a compression pointer to itself.
    const loop = Uint8Array.of(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 12, 0, 1);
    const bad = [new Uint8Array(0), Uint8Array.of(1, 2, 3), countOverrun, loop];
    for (const data of bad)
      expect(() => transport.deliver({ data, interface: 'eth0', source: { ...PEER } })).not.toThrow();
    expect(Object.fromEntries(engine.malformed)).toEqual({
      EMPTY_PACKET: 1,
      TRUNCATED: 1,
      COUNT_OVERRUN: 1,
      POINTER_LOOP: 1,
    });
    await advanceTo(6000);
    expect(sentPackets(transport, mark)).toEqual([]);
    await responder.close();
  });

  it('a record with bad RDATA but sound framing is dropped and counted; the rest of the packet is still answered', async () => {
    const { transport, responder, mark } = await announcedResponder();
    const good = encodePacket(query([q(INSTANCE, 'SRV')]));
    // Append a known answer `. A` whose RDATA is 3 bytes (an A record needs 4), and count it.
    const badRecord = Uint8Array.of(0, 0, 1, 0, 1, 0, 0, 0, 120, 0, 3, 1, 2, 3);
    const data = new Uint8Array(good.length + badRecord.length);
    data.set(good);
    data.set(badRecord, good.length);
    data[7] = 1; // ANCOUNT
    transport.deliver({ data, interface: 'eth0', source: { ...PEER } });
    await vi.advanceTimersByTimeAsync(0);
    expect(Object.fromEntries(responder.engine.malformed)).toEqual({ BAD_RDATA: 1 });
    expect(sentPackets(transport, mark).map((s) => [s.at, s.packet.answers])).toEqual([
      [5000, [srv(INSTANCE, 8080, HOST)]],
    ]);
    await responder.close();
  });
});
