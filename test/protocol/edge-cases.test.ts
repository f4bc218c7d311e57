/**
 * Edge cases of RFC 6762 (and of the promised API) that a first version of
 * the engine got wrong, found by review: packets that must be ignored,
 * negative answers, per-querier known answers, suppression thresholds,
 * withdrawal, and publish() settling on close or host conflict.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FLAG_TRUNCATED } from '../../src/constants.js';
import {
  a,
  advanceTo,
  deliver,
  engineHarness,
  ENUM,
  FLAGS_RESPONSE,
  HOST,
  INSTANCE,
  ipv4Interface,
  PEER,
  ptr,
  q,
  query,
  REV6,
  response,
  responderHarness,
  responses,
  sentPackets,
  SPEC,
  srv,
  TYPE,
  useFakeClock,
  announcedResponder,
} from './helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

describe('edge cases: timing', () => {
  it('RFC 6762 §8.3: the first announcement goes exactly 750 ms after the first probe (875 ms), one second before the second', async () => {
    const { transport, engine, service } = await engineHarness();
    engine.add(service());
    await advanceTo(4000);
    expect(responses(sentPackets(transport)).map((s) => s.at)).toEqual([875, 875, 1875, 1875, 3875, 3875]);
  });
});

describe('edge cases: packets that MUST be ignored', () => {
  it('RFC 6762 §6: a response whose source port is not 5353 is silently ignored (no conflict, no rename)', async () => {
    const { transport, engine, service } = await engineHarness();
    const reg = service();
    engine.add(reg);
    await advanceTo(130);
    deliver(transport, response([srv(INSTANCE, 9999, 'otherhost.local')]), {
      source: { address: PEER.address, port: 40000 },
    });
    expect(reg.name).toBe('Svc');
    await advanceTo(4000);
    expect(responses(sentPackets(transport)).map((s) => s.at)).toHaveLength(6);
  });

  it('RFC 6762 §18.3: a query with a non-zero OPCODE is silently ignored', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, { ...query([q(TYPE, 'PTR'), q(INSTANCE, 'SRV')]), flags: 0x0800 }); // OPCODE 1 (IQUERY)
    await advanceTo(6000);
    expect(sentPackets(transport, mark)).toEqual([]);
    await responder.close();
  });

  it('RFC 6762 §18.11: a response with a non-zero RCODE is silently ignored (no conflict, no rename)', async () => {
    const { transport, engine, service } = await engineHarness();
    const reg = service();
    engine.add(reg);
    await advanceTo(130);
    deliver(transport, { ...response([srv(INSTANCE, 9999, 'otherhost.local')]), flags: FLAGS_RESPONSE | 3 }); // RCODE 3 (NXDOMAIN)
    expect(reg.name).toBe('Svc');
  });
});

describe('edge cases: answering', () => {
  it('RFC 6762 §6.1: a question for a type our unique name lacks (AAAA on an IPv4-only host) MUST be answered with an NSEC', async () => {
    const { transport, responder, mark } = await announcedResponder({ interfaces: [ipv4Interface()] });
    deliver(transport, query([q(HOST, 'AAAA')]));
    await advanceTo(5200);
    const sent = sentPackets(transport, mark);
    expect(sent).toHaveLength(1);
    const records = [...(sent[0]?.packet.answers ?? []), ...(sent[0]?.packet.additionals ?? [])];
    expect(records).toContainEqual({
      name: HOST,
      type: 'NSEC',
      class: 1,
      cacheFlush: true,
      ttl: 120,
      data: { nextDomain: HOST, types: ['A'] },
    });
    await responder.close();
  });

  it('RFC 6762 §5.5: a query sent by direct unicast to port 5353 is answered as a QU query: by unicast to the querier', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')]), { destination: 'unicast' });
    await advanceTo(5200);
    expect(sentPackets(transport, mark).map((s) => s.target)).toEqual([
      { interface: 'eth0', family: 4, address: PEER.address, port: PEER.port },
    ]);
    await responder.close();
  });
});

describe('edge cases: aggregation and suppression (RFC 6762 §6.3, §7.2, §7.4)', () => {
  const OTHER = { address: '192.0.2.98', port: 5353 };

  it('RFC 6762 §6.2, §6.3: two queries for the same record within the response delay get one answer carrying each record once', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')]));
    await advanceTo(5010);
    deliver(transport, query([q(TYPE, 'PTR')]), { source: OTHER });
    await advanceTo(7000);
    const sent = sentPackets(transport, mark);
    expect(sent.map((s) => [s.at, s.target.family])).toEqual([[5070, 4]]);
    expect(sent[0]?.packet.answers).toEqual([ptr(TYPE, INSTANCE, 4500)]);
    expect(sent[0]?.packet.additionals.map((r) => r.type)).toEqual(['SRV', 'TXT', 'A', 'AAAA']);
    await responder.close();
  });

  it('RFC 6762 §7.2: answers to a TC query wait 400–500 ms for its known answers even when another response is already pending', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(ENUM, 'PTR')]), { source: OTHER }); // an answer due at 5070
    await advanceTo(5010);
    deliver(transport, { ...query([q(TYPE, 'PTR')]), flags: FLAG_TRUNCATED });
    await advanceTo(5100);
    deliver(transport, { id: 0, flags: 0, answers: [ptr(TYPE, INSTANCE, 4500)] }); // its known answers, 90 ms later
    await advanceTo(6000);
    const sent = sentPackets(transport, mark);
    expect(sent.flatMap((s) => s.packet.answers).filter((r) => r.name === TYPE)).toEqual([]);
    await responder.close();
  });

  it("RFC 6762 §7.2: one querier's known answers do not cancel an answer another querier is waiting for", async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')]), { source: OTHER }); // asks, knows nothing
    await advanceTo(5005);
    deliver(transport, { ...query([q(TYPE, 'PTR')]), flags: FLAG_TRUNCATED });
    await advanceTo(5010);
    deliver(transport, { id: 0, flags: 0, answers: [ptr(TYPE, INSTANCE, 4500)] });
    await advanceTo(6000);
    const sent = sentPackets(transport, mark);
    expect(sent.flatMap((s) => s.packet.answers).filter((r) => r.name === TYPE)).not.toEqual([]);
    await responder.close();
  });

  it('RFC 6762 §7.4: another responder sending our pending answer with a TTL below ours (3000 < 4500) does not suppress it', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')]));
    await advanceTo(5030);
    deliver(transport, response([ptr(TYPE, INSTANCE, 3000)]), { source: OTHER });
    await advanceTo(6000);
    expect(sentPackets(transport, mark).map((s) => [s.at, s.packet.answers])).toEqual([
      [5070, [ptr(TYPE, INSTANCE, 4500)]],
    ]);
    await responder.close();
  });
});

describe('edge cases: refreshing and withdrawing records', () => {
  it('RFC 6762 §6.6: another host sending our shared PTR with TTL 0 makes us announce it again', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, response([ptr(TYPE, INSTANCE, 0)]));
    await advanceTo(6000);
    const refreshed = responses(sentPackets(transport, mark)).filter((s) =>
      s.packet.answers.some((r) => r.type === 'PTR' && r.name === TYPE && r.ttl === 4500),
    );
    expect(refreshed.length).toBeGreaterThan(0);
    await responder.close();
  });

  it('RFC 6762 §6.6, §6.2: a low-TTL copy of our PTR while our answer to a query waits adds no second multicast of it', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')])); // answer due 20–120 ms later
    deliver(transport, response([ptr(TYPE, INSTANCE, 100)]));
    await advanceTo(6000);
    const withPtr = responses(sentPackets(transport, mark)).filter((s) =>
      s.packet.answers.some((r) => r.type === 'PTR' && r.name === TYPE),
    );
    expect(withPtr.map((s) => [s.at, s.target.family])).toEqual([[5070, 4]]);
    await responder.close();
  });

  it('RFC 6762 §10.1: after service.stop() no answer scheduled before the goodbye re-advertises the service', async () => {
    const { transport, responder, service, mark } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR')])); // answer due at 5070
    await advanceTo(5010);
    await service.stop();
    await advanceTo(6000);
    const afterGoodbye = sentPackets(transport, mark).filter((s) => s.at > 5010);
    expect(afterGoodbye).toEqual([]);
    await responder.close();
  });

  it('RFC 6762 §10.1: an address leaving an interface withdraws its reverse-mapping PTR along with its address record', async () => {
    const { transport, responder, mark } = await announcedResponder();
    transport.setInterfaces([ipv4Interface()]);
    await advanceTo(6000);
    const withdrawn = sentPackets(transport, mark)
      .flatMap((s) => s.packet.answers)
      .filter((r) => r.ttl === 0);
    expect(withdrawn.map((r) => [r.name, r.type])).toEqual([
      [HOST, 'AAAA'],
      [REV6, 'PTR'],
    ]);
    await responder.close();
  });

  it('RFC 6762 §9, §10.1: renaming after losing an announced name sends no goodbye for the shared PTR the winner also owns', async () => {
    const { transport, responder, service, mark } = await announcedResponder();
    deliver(transport, response([srv(INSTANCE, 9999, 'otherhost.local')])); // conflict: probe again
    await advanceTo(5200);
    deliver(transport, response([ptr(TYPE, INSTANCE, 4500), srv(INSTANCE, 9999, 'otherhost.local')])); // the winner defends
    expect(service.name).toBe('Svc (2)');
    await advanceTo(8000);
    // `_http._tcp.local PTR Svc._http._tcp.local` is now the winner's record: a goodbye for it empties every browser's cache of it.
    const killed = sentPackets(transport, mark).filter((s) =>
      s.packet.answers.some((r) => r.type === 'PTR' && r.data === INSTANCE && r.ttl === 0),
    );
    expect(killed).toEqual([]);
    await responder.close();
  });
});

describe('edge cases: the public API', () => {
  it('publish() settles (rejects) when the responder is closed before the service is announced', async () => {
    const { responder } = responderHarness();
    let outcome = 'pending';
    responder.publish(SPEC).then(
      () => (outcome = 'resolved'),
      () => (outcome = 'rejected'),
    );
    await advanceTo(200);
    await responder.close();
    await advanceTo(10_000);
    expect(outcome).toBe('rejected');
  });

  it('RFC 6762 §9 (autoRename: false): a host name conflict while probing rejects publish() with NAME_CONFLICT', async () => {
    const { transport, responder } = responderHarness({ autoRename: false });
    let outcome: unknown = 'pending';
    responder.publish(SPEC).then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error),
    );
    await advanceTo(200);
    deliver(transport, response([a(HOST, '192.0.2.77')]));
    await advanceTo(5000);
    expect(outcome).toMatchObject({ code: 'NAME_CONFLICT' });
    // Today: the host silently leaves the engine (its A/AAAA are never announced) while the service announces an SRV pointing at it.
    expect(responses(sentPackets(transport)).filter((s) => s.packet.answers.some((r) => r.type === 'SRV'))).toEqual([]);
    await responder.close();
  });
});
