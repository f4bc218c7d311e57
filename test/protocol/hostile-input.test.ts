/**
 * What a stranger on the link could do to the responder (issue 9), each
 * pinned down on the fake clock and FakeTransport: a packet that crashed
 * the process, goodbyes taken for conflicts, a spoofed goodbye breaking the
 * one-second rule, an update storm, a rename left pending, floods of
 * questions and amplification through EDNS0.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FLAG_TRUNCATED,
  UNICAST_REPLY_AMPLIFICATION_LIMIT,
  UNICAST_REPLY_BASE_BYTES_PER_SECOND,
} from '../../src/constants.js';
import type { BoasterError } from '../../src/errors.js';
import { encodePacket } from '../../src/wire/encode.js';
import {
  a,
  about,
  advanceTo,
  announcedResponder,
  deliver,
  FIRST_ANNOUNCE,
  INSTANCE,
  PEER,
  probes,
  q,
  query,
  response,
  responderHarness,
  responses,
  sentPackets,
  SPEC,
  srv,
  txt,
  TYPE,
  useFakeClock,
} from './helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const utf8 = new TextEncoder();
const bytes = (s: string): number => utf8.encode(s).length;

describe('a single packet must not kill the process (issue 9.1)', () => {
  it('a conflicting A record for a 62-character host name renames it to a legal 63-byte name; probing goes on', async () => {
    const long = 'h'.repeat(62);
    const { transport, responder: host } = responderHarness({ hostName: long });
    const errors: BoasterError[] = [];
    const renamed: string[] = [];
    host.on('error', (e) => errors.push(e));
    host.on('hostRenamed', (_from, to) => renamed.push(to));
    const published = host.publish(SPEC);
    await advanceTo(200);
    deliver(transport, response([a(`${long}.local`, '192.0.2.77')]));
    await advanceTo(3000);
    const service = await published;
    expect(renamed).toEqual([`${'h'.repeat(61)}-2`]);
    expect(bytes(renamed[0] ?? '')).toBe(63);
    expect(host.hostName).toBe(`${'h'.repeat(61)}-2.local`);
    expect(probes(about(transport, `${'h'.repeat(61)}-2.local`)).length).toBe(6);
    expect(service.state).not.toBe('stopped');
    expect(errors).toEqual([]);
    await host.close();
  });

  it('conflicting SRVs for a 60-byte instance name rename it to a legal name, and the taken name is not announced again', async () => {
    const name = 'n'.repeat(60);
    const instance = `${name}.${TYPE}`;
    const { transport, responder, service } = await announcedResponder({}, { ...SPEC, name });
    const errors: BoasterError[] = [];
    responder.on('error', (e) => errors.push(e));
    const renames: string[] = [];
    service.on('renamed', (_from, to) => renames.push(to));
    const from = transport.sent.length;
    // A conflict once announced sends us back to probing (§9); a second one while we probe renames.
    deliver(transport, response([srv(instance, 9999, 'otherhost.local')]));
    await advanceTo(5200);
    deliver(transport, response([srv(instance, 9999, 'otherhost.local')]));
    await advanceTo(15_000);
    expect(renames[0]).toBe(`${'n'.repeat(59)} (2)`);
    expect(bytes(service.name)).toBeLessThanOrEqual(63);
    expect(service.state).toBe('announced');
    // After the conflict only goodbyes carry the old name.
    const oldRecords = responses(about(transport, instance, from))
      .flatMap((s) => s.packet.answers)
      .filter((r) => r.name === instance);
    expect(oldRecords.length).toBeGreaterThan(0);
    expect(oldRecords.every((r) => r.ttl === 0)).toBe(true);
    expect(errors).toEqual([]);
    await responder.close();
  });
});

describe('a goodbye asserts nothing (issue 9.2, RFC 6762 §9, §10.1)', () => {
  it('two responses with a TTL-0 SRV of other rdata for our instance name do not rename the service', async () => {
    const { transport, responder, service } = await announcedResponder();
    const renamed = vi.fn();
    service.on('renamed', renamed);
    deliver(transport, response([srv(INSTANCE, 9999, 'otherhost.local', 0)]));
    await advanceTo(6000);
    deliver(transport, response([srv(INSTANCE, 9999, 'otherhost.local', 0)]));
    await advanceTo(10_000);
    expect(renamed).not.toHaveBeenCalled();
    expect(service.name).toBe('Svc');
    expect(service.state).toBe('announced');
    await responder.close();
  });

  it('a TTL-0 record by our name while we probe is no conflict either', async () => {
    const { transport, responder } = responderHarness();
    const published = responder.publish(SPEC);
    await advanceTo(200);
    deliver(transport, response([srv(INSTANCE, 9999, 'otherhost.local', 0)]));
    await advanceTo(FIRST_ANNOUNCE);
    expect((await published).name).toBe('Svc');
    await responder.close();
  });
});

describe('the one-second rule holds against a spoofed goodbye (issue 9.4, RFC 6762 §6.2, §6.6)', () => {
  it('our SRV multicast in answer to a query, then a goodbye for it 100 ms later: the SRV goes again at the 1,000 ms mark, not before', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, query([q(INSTANCE, 'SRV')]));
    await advanceTo(5100);
    deliver(transport, response([srv(INSTANCE, 8080, 'testhost.local', 0)]));
    await advanceTo(7000);
    const srvTimes = responses(sentPackets(transport, mark))
      .filter((s) => s.packet.answers.some((r) => r.type === 'SRV' && r.name === INSTANCE && r.ttl > 0))
      .map((s) => [s.at, s.target.family]);
    // The query and the goodbye came over IPv4: answer and refresh go there.
    expect(srvTimes).toEqual([
      [5000, 4],
      [6000, 4],
    ]);
    await responder.close();
  });
});

describe('an update storm is not a packet storm (issue 9.5, RFC 6762 §8.4, §6.2)', () => {
  it('1,000 updateTxt() calls within a second: at once, at the 1 s mark with the latest TXT, then 1 s and 3 s later — TXT only', async () => {
    const { transport, responder, service, mark } = await announcedResponder();
    for (let i = 0; i < 1000; i++) {
      service.updateTxt({ path: `/v${i}` });
      await vi.advanceTimersByTimeAsync(1);
    }
    await advanceTo(12_000);
    const sent = sentPackets(transport, mark);
    expect(sent.map((s) => [s.at, s.target.family])).toEqual(
      [5000, 6000, 7000, 9000].flatMap((at) => [
        [at, 4],
        [at, 6],
      ]),
    );
    for (const s of sent) {
      expect(s.packet.answers.map((r) => r.type)).toEqual(['TXT']);
      expect(s.packet.additionals).toEqual([]);
    }
    const first = [utf8.encode('path=/v0')];
    const latest = [utf8.encode('path=/v999')];
    expect(sent[0]?.packet.answers).toEqual([txt(INSTANCE, first)]);
    for (const s of sent.slice(2)) expect(s.packet.answers).toEqual([txt(INSTANCE, latest)]);
    await responder.close();
  });

  it('updatePort() announces the SRV only', async () => {
    const { transport, responder, service, mark } = await announcedResponder();
    service.updatePort(9090);
    await advanceTo(10_000);
    const sent = sentPackets(transport, mark);
    expect(sent).toHaveLength(6);
    for (const s of sent) expect(s.packet.answers).toEqual([srv(INSTANCE, 9090, 'testhost.local')]);
    await responder.close();
  });
});

describe('stop() settles every operation of the service (issue 9.6)', () => {
  it('rename() then stop(): the rename rejects with STOPPED at once, not at close()', async () => {
    const { responder, service } = await announcedResponder();
    const renaming = service.rename('Kitchen');
    const settled = expect(renaming).rejects.toMatchObject({ code: 'STOPPED' });
    await vi.advanceTimersByTimeAsync(100);
    await service.stop();
    await settled;
    expect(service.state).toBe('stopped');
    await responder.close();
  });
});

describe('the work one packet causes is bounded (issue 9.7)', () => {
  it('a query with 700 questions is answered for the first 64 only', async () => {
    const { transport, responder, mark } = await announcedResponder();
    const bogus = Array.from({ length: 700 }, (_, i) => q(`b${i}.local`, 'A'));
    // Our name at position 500: past the cap, not answered.
    deliver(transport, query([...bogus.slice(0, 500), q(INSTANCE, 'SRV'), ...bogus.slice(500)]));
    await advanceTo(5200);
    expect(sentPackets(transport, mark)).toEqual([]);
    // Our name at position 10: answered.
    deliver(transport, query([...bogus.slice(0, 10), q(INSTANCE, 'SRV')]));
    await advanceTo(5400);
    expect(responses(sentPackets(transport, mark)).map((s) => s.packet.answers.map((r) => r.type))).toEqual([['SRV']]);
    await responder.close();
  });
});

describe('no amplification through EDNS0 (issue 9.8)', () => {
  const services = Array.from({ length: 40 }, (_, i) => ({
    ...SPEC,
    name: `Service number ${i} with a long name`,
    port: 8000 + i,
  }));

  async function fortyServices() {
    const { transport, responder } = responderHarness();
    const published = Promise.all(services.map((spec) => responder.publish(spec)));
    await advanceTo(FIRST_ANNOUNCE + 10);
    await published;
    await advanceTo(5000);
    return { transport, responder, mark: transport.sent.length };
  }

  const legacyPtrQuery = (id: number) =>
    encodePacket({
      id,
      flags: 0,
      questions: [q(TYPE, 'PTR')],
      additionals: [{ name: '', type: 'OPT', class: 9000, ttl: 0, data: new Uint8Array(0) }],
    });

  it('a legacy PTR query claiming a 9000-byte EDNS0 buffer gets one packet within the interface budget (1472): as many PTRs as fit, with TC', async () => {
    const { transport, responder, mark } = await fortyServices();
    transport.deliver({ data: legacyPtrQuery(7), interface: 'eth0', source: { address: PEER.address, port: 40000 } });
    await advanceTo(5200);
    const sent = sentPackets(transport, mark);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.size).toBeLessThanOrEqual(1472);
    expect((sent[0]?.packet.flags ?? 0) & FLAG_TRUNCATED).toBe(FLAG_TRUNCATED);
    expect(sent[0]?.packet.answers.length).toBeGreaterThan(10);
    expect(sent[0]?.packet.answers.length).toBeLessThan(40);
    await responder.close();
  });

  it('replies to one source within a second stay within its byte budget', async () => {
    const { transport, responder, mark } = await fortyServices();
    let received = 0;
    for (let i = 0; i < 100; i++) {
      const data = legacyPtrQuery(i);
      received += data.length;
      transport.deliver({ data, interface: 'eth0', source: { address: PEER.address, port: 40000 } });
    }
    await advanceTo(5500);
    const sent = sentPackets(transport, mark).filter((s) => s.target.address === PEER.address);
    const total = sent.reduce((sum, s) => sum + s.size, 0);
    expect(sent.length).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(
      UNICAST_REPLY_BASE_BYTES_PER_SECOND + UNICAST_REPLY_AMPLIFICATION_LIMIT * received,
    );
    expect(sent.length).toBeLessThan(100);
    // Another querier is not held back by that one.
    transport.deliver({ data: legacyPtrQuery(500), interface: 'eth0', source: { address: '192.0.2.98', port: 40000 } });
    await advanceTo(5600);
    expect(sentPackets(transport, mark).filter((s) => s.target.address === '192.0.2.98')).toHaveLength(1);
    await responder.close();
  });

  it("a QU answer over the source's unicast budget goes by multicast instead (RFC 6762 §5.4), not nowhere", async () => {
    const { transport, responder, mark } = await fortyServices();
    const qu = encodePacket({ id: 0, flags: 0, questions: [q(TYPE, 'PTR', true)] });
    for (let i = 0; i < 3; i++) {
      transport.deliver({ data: qu, interface: 'eth0', source: { ...PEER } });
      await advanceTo(5200 + i * 200);
    }
    const sent = sentPackets(transport, mark);
    const unicast = sent.filter((s) => s.target.address === PEER.address);
    const multicast = sent.filter((s) => s.target.address === undefined);
    expect(unicast.length).toBeGreaterThan(0);
    expect(unicast.reduce((sum, s) => sum + s.size, 0)).toBeLessThanOrEqual(
      UNICAST_REPLY_BASE_BYTES_PER_SECOND + UNICAST_REPLY_AMPLIFICATION_LIMIT * 3 * qu.length,
    );
    // Every one of the 40 PTRs still reached the link.
    const multicastPtrs = new Set(
      multicast
        .flatMap((s) => s.packet.answers)
        .filter((r) => r.type === 'PTR' && r.name === TYPE)
        .map((r) => r.data),
    );
    expect(multicastPtrs.size).toBe(40);
    await responder.close();
  });
});
