/**
 * Answering queries (RFC 6762 §6, §6.2, §5.4, §7.1; RFC 6763 §12),
 * asserted packet by packet on a fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Packet, ResourceRecord } from '../../src/wire/model.js';
import {
  a,
  aaaa,
  advanceTo,
  deliver,
  HOST,
  INSTANCE,
  ipv4Interface,
  PEER,
  ptr,
  publishAnnounced,
  q,
  query,
  responderHarness,
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

const multicast = (family: 4 | 6) => ({ interface: 'eth0', family });
const unicastToPeer = { interface: 'eth0', family: 4, address: PEER.address, port: PEER.port };
const size = expect.any(Number) as number;

/** The full answer to a PTR browse for `_http._tcp.local` (RFC 6763 §12.1). */
const browseAnswer = (): Packet =>
  reply([ptr(TYPE, INSTANCE, 4500)], [srv(INSTANCE, 8080, HOST), txt(INSTANCE, SPEC_TXT), a(HOST, V4), aaaa(HOST, V6)]);

describe('answering (RFC 6762 §6, RFC 6763 §12)', () => {
  it('RFC 6762 §6, RFC 6763 §12.1: a QM PTR browse is answered by multicast after 20–120 ms (random 0.5 → 70 ms) with SRV, TXT, A and AAAA as additional records', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')]));
    await advanceTo(5069);
    expect(sentPackets(transport, mark)).toEqual([]);
    await advanceTo(5200);
    // On the family the query came in on only.
    expect(sentPackets(transport, mark)).toEqual([{ at: 5070, target: multicast(4), size, packet: browseAnswer() }]);
    await responder.close();
  });

  it("a query over IPv6 is answered over IPv6 only, and one over IPv4 over IPv4 only: each family's one-second rule on its own", async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(INSTANCE, 'SRV')]), { family: 6, source: { address: 'fe80::99', port: 5353 } });
    await advanceTo(5100);
    deliver(transport, query([q(INSTANCE, 'SRV')]));
    await advanceTo(5200);
    expect(sentPackets(transport, mark).map((s) => [s.at, s.target.family])).toEqual([
      [5000, 6],
      [5100, 4],
    ]);
    await responder.close();
  });

  it('RFC 6762 §6.1: on an IPv4-only interface the browse answer says with an NSEC that the host has no AAAA', async () => {
    const { transport, responder, mark } = await announcedResponder({ interfaces: [ipv4Interface()] });
    deliver(transport, query([q(TYPE, 'PTR')]));
    await advanceTo(5200);
    const nsec: ResourceRecord = {
      name: HOST,
      type: 'NSEC',
      class: 1,
      cacheFlush: true,
      ttl: 120,
      data: { nextDomain: HOST, types: ['A'] },
    };
    expect(sentPackets(transport, mark)).toEqual([
      {
        at: 5070,
        target: multicast(4),
        size,
        packet: reply(
          [ptr(TYPE, INSTANCE, 4500)],
          [srv(INSTANCE, 8080, HOST), txt(INSTANCE, SPEC_TXT), a(HOST, V4), nsec],
        ),
      },
    ]);
    await responder.close();
  });

  it('RFC 6762 §6: a question with only unique answers (SRV) is answered at once (0 ms), with the addresses as additional records', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(INSTANCE, 'SRV')]));
    await vi.advanceTimersByTimeAsync(0);
    const expected = reply([srv(INSTANCE, 8080, HOST)], [a(HOST, V4), aaaa(HOST, V6)]);
    expect(sentPackets(transport, mark)).toEqual([{ at: 5000, target: multicast(4), size, packet: expected }]);
    await responder.close();
  });

  it('RFC 6762 §6: a host address question (A) is answered at once with the AAAA as additional record', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(HOST, 'A')]));
    await vi.advanceTimersByTimeAsync(0);
    expect(sentPackets(transport, mark).map((s) => [s.at, s.packet])).toEqual([
      [5000, reply([a(HOST, V4)], [aaaa(HOST, V6)])],
    ]);
    await responder.close();
  });

  it('RFC 6762 §6: questions about names that are not ours get no response', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q('_ipp._tcp.local', 'PTR'), q('otherhost.local', 'A')]));
    await advanceTo(6000);
    expect(sentPackets(transport, mark)).toEqual([]);
    // A type our unique name lacks is another matter: RFC 6762 §6.1 answers it with an NSEC.
    deliver(transport, query([q(INSTANCE, 'A')]));
    await advanceTo(6100);
    const negative = sentPackets(transport, mark).flatMap((s) => [...s.packet.answers, ...s.packet.additionals]);
    expect(negative).toContainEqual(
      expect.objectContaining({ name: INSTANCE, type: 'NSEC', data: { nextDomain: INSTANCE, types: ['TXT', 'SRV'] } }),
    );
    await responder.close();
  });

  it('RFC 6762 §8.1: nothing is answered while the records are still being probed', async () => {
    const { transport, responder } = responderHarness();
    const published = responder.publish({ name: 'Svc', type: '_http._tcp', port: 8080, txt: { path: '/' } });
    await advanceTo(400);
    const mark = transport.sent.length;
    deliver(transport, query([q(TYPE, 'PTR'), q(INSTANCE, 'SRV'), q(HOST, 'A')]));
    await advanceTo(600);
    expect(sentPackets(transport, mark)).toEqual([]);
    await advanceTo(1000);
    await published;
    await responder.close();
  });
});

describe('known-answer suppression (RFC 6762 §7.1)', () => {
  it('RFC 6762 §7.1: our PTR in the known answers with at least half its TTL (4500, and exactly 2250) suppresses the response', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')], [ptr(TYPE, INSTANCE, 4500, false)]));
    await advanceTo(6500);
    deliver(transport, query([q(TYPE, 'PTR')], [ptr(TYPE, INSTANCE, 2250, false)]));
    await advanceTo(8000);
    expect(sentPackets(transport, mark)).toEqual([]);
    await responder.close();
  });

  it('RFC 6762 §7.1: a known answer with less than half the TTL (2000 of 4500) does not suppress', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')], [ptr(TYPE, INSTANCE, 2000, false)]));
    await advanceTo(5200);
    expect(sentPackets(transport, mark).map((s) => [s.at, s.packet])).toEqual([[5070, browseAnswer()]]);
    await responder.close();
  });

  it('RFC 6762 §7.1: known answers also remove additional records the querier already holds', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(
      transport,
      query([q(TYPE, 'PTR')], [ptr(TYPE, INSTANCE, 1000, false), txt(INSTANCE, SPEC_TXT, 4500, true)]),
    );
    await advanceTo(5200);
    const expected = reply([ptr(TYPE, INSTANCE, 4500)], [srv(INSTANCE, 8080, HOST), a(HOST, V4), aaaa(HOST, V6)]);
    expect(sentPackets(transport, mark).map((s) => s.packet)).toEqual([expected]);
    await responder.close();
  });
});

describe('unicast responses and the multicast rate limit (RFC 6762 §5.4, §6.2)', () => {
  it('RFC 6762 §5.4: a QU question right after the announcement gets a unicast reply to the querier address and port', async () => {
    const { transport, responder } = responderHarness();
    await publishAnnounced(responder);
    await advanceTo(900);
    const mark = transport.sent.length;
    deliver(transport, query([q(TYPE, 'PTR', true)]));
    await advanceTo(1000);
    expect(sentPackets(transport, mark)).toEqual([{ at: 970, target: unicastToPeer, size, packet: browseAnswer() }]);
    await responder.close();
  });

  it('RFC 6762 §5.4: a QU question about a record not multicast within a quarter of its TTL is answered by multicast', async () => {
    const { transport, responder } = responderHarness();
    await publishAnnounced(responder);
    // PTR TTL 4500 s: a quarter is 1125 s after the last announcement at 3.875 s.
    await advanceTo(1_130_000);
    const mark = transport.sent.length;
    deliver(transport, query([q(TYPE, 'PTR', true)]));
    await advanceTo(1_130_200);
    expect(sentPackets(transport, mark).map((s) => [s.at, s.target])).toEqual([[1_130_070, multicast(4)]]);
    await responder.close();
  }, 60_000);

  it('RFC 6762 §6.2: a record is multicast at most once a second per interface; an answer due sooner is held back to the one-second mark, not dropped', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')]));
    await advanceTo(5500);
    deliver(transport, query([q(TYPE, 'PTR')])); // its answer would be due at 5570, 500 ms after our answer at 5070
    await advanceTo(7000);
    const sent = sentPackets(transport, mark);
    expect(sent.map((s) => [s.at, s.target.family])).toEqual([
      [5070, 4],
      [6070, 4],
    ]);
    // With its additional records, as the first answer had them: bonjour-service builds a service only from those.
    expect(sent[1]?.packet).toEqual(browseAnswer());
    await responder.close();
  });

  it('RFC 6762 §6.2: a QM query 125 ms after the last announcement is answered at the one-second mark after it', async () => {
    const { transport, responder } = responderHarness();
    await publishAnnounced(responder);
    await advanceTo(4000);
    const mark = transport.sent.length;
    deliver(transport, query([q(TYPE, 'PTR'), q(INSTANCE, 'SRV')]));
    await advanceTo(4874);
    expect(sentPackets(transport, mark)).toEqual([]);
    await advanceTo(6000);
    const sent = sentPackets(transport, mark);
    // The last announcement went at 3875.
    expect(sent.map((s) => [s.at, s.target.family])).toEqual([[4875, 4]]);
    expect(sent[0]?.packet.answers.map((r) => r.type).sort()).toEqual(['PTR', 'SRV']);
    await responder.close();
  });
});
