/**
 * Cases an audit of the first responder found wrong, each pinned down: two
 * services or two responders sharing records, withdrawal during re-probing,
 * delayed replies after stop, bursts of stale copies, and the API settling.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nsecFor } from '../../src/records/service-records.js';
import {
  a,
  advanceTo,
  announcedResponder,
  deliver,
  ENUM,
  engineHarness,
  HOST,
  INSTANCE,
  ipv4Interface,
  ptr,
  publishAnnounced,
  q,
  query,
  response,
  responderHarness,
  responses,
  sentPackets,
  SPEC,
  srv,
  TYPE,
} from './helpers.js';
import { useFakeClock } from './helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const ttlZero = (transport: Parameters<typeof sentPackets>[0], from: number) =>
  sentPackets(transport, from)
    .flatMap((s) => s.packet.answers)
    .filter((r) => r.ttl === 0);

describe('records shared between services', () => {
  it('RFC 6762 §10.1: stopping one service keeps the enumeration PTR another service of the type still needs', async () => {
    const { transport, responder, service, mark } = await announcedResponder();
    const other = await publishAnnounced(responder, { ...SPEC, name: 'Other', port: 9090 });
    await advanceTo(12_000);
    const from = transport.sent.length;
    await service.stop();
    const gone = ttlZero(transport, from);
    expect(gone.some((r) => r.name === ENUM)).toBe(false);
    expect(gone.some((r) => r.type === 'SRV' && r.name === INSTANCE)).toBe(true);
    expect(other.state).toBe('announced');
    expect(mark).toBeGreaterThan(0);
    await responder.close();
  });

  it('RFC 6762 §6: a record two services share appears once in a reply', async () => {
    const { transport, responder } = await announcedResponder();
    await publishAnnounced(responder, { ...SPEC, name: 'Other', port: 9090 });
    await advanceTo(12_000);
    const from = transport.sent.length;
    deliver(transport, query([q(ENUM, 'PTR')]), { source: { address: '192.0.2.99', port: 40000 } });
    await advanceTo(12_100);
    const [legacy] = sentPackets(transport, from);
    expect(legacy?.packet.answers.filter((r) => r.name === ENUM)).toHaveLength(1);
    await responder.close();
  });

  it('two services of one name in one responder: the second is renamed before probing', async () => {
    const { responder } = responderHarness();
    const first = publishAnnounced(responder);
    const second = publishAnnounced(responder, { ...SPEC, port: 9090 });
    const [one, two] = await Promise.all([first, second]);
    expect([one.name, two.name]).toEqual(['Svc', 'Svc (2)']);
    await responder.close();
  });
});

describe('state and timers around withdrawal', () => {
  it('updateTxt() then stop(): the service stays stopped when the announcement completes', async () => {
    const { responder, service } = await announcedResponder();
    service.updateTxt({ path: '/new' });
    await service.stop();
    await advanceTo(8000);
    expect(service.state).toBe('stopped');
    await responder.close();
  });

  it('RFC 6762 §10.1: stopping during a §9 re-probe still sends goodbyes', async () => {
    const { transport, responder, service } = await announcedResponder();
    deliver(transport, response([srv(INSTANCE, 9999, 'otherhost.local')]));
    expect(service.state).toBe('probing');
    const from = transport.sent.length;
    await service.stop();
    expect(ttlZero(transport, from).some((r) => r.type === 'SRV' && r.name === INSTANCE)).toBe(true);
    await responder.close();
  });

  it('a delayed unicast reply is not sent for a service stopped meanwhile', async () => {
    const { transport, responder, service } = await announcedResponder();
    deliver(transport, query([q(TYPE, 'PTR', true)]), { destination: 'unicast' });
    const from = transport.sent.length;
    await service.stop();
    const afterStop = transport.sent.length;
    await advanceTo(6000);
    expect(
      sentPackets(transport, afterStop).filter((s) => s.packet.answers.some((r) => r.name === TYPE && r.ttl > 0)),
    ).toEqual([]);
    expect(afterStop).toBeGreaterThan(from);
    await responder.close();
  });

  it('losing an address while probing does not cut probing short', async () => {
    const { transport, engine, host } = await engineHarness();
    engine.add(host);
    await advanceTo(130);
    transport.setInterfaces([ipv4Interface()]);
    await advanceTo(600);
    expect(responses(sentPackets(transport))).toEqual([]);
  });

  it('RFC 6762 §6.2: a burst of stale copies of our record earns one re-announcement a second', async () => {
    const { transport, responder, mark } = await announcedResponder();
    for (let i = 0; i < 5; i++) {
      deliver(transport, response([ptr(TYPE, INSTANCE, 0)]));
      await advanceTo(5000 + (i + 1) * 50);
    }
    const refreshed = responses(sentPackets(transport, mark)).filter(
      (s) => s.at < 5300 && s.packet.answers.some((r) => r.name === TYPE && r.ttl === 4500),
    );
    expect(new Set(refreshed.map((s) => s.at)).size).toBe(1);
    await responder.close();
  });
});

describe('conflicts that must not rename', () => {
  it('RFC 6762 §8.1: a peer NSEC for our host name (a second responder on this host) is not a conflict', async () => {
    const { transport, engine, host } = await engineHarness({ interfaces: [ipv4Interface()] });
    engine.add(host);
    await advanceTo(300);
    const nsec = nsecFor(HOST, [{ unique: true, record: a(HOST, '192.0.2.10') }], 120);
    deliver(transport, response([a(HOST, '192.0.2.10')], [nsec]));
    await advanceTo(2000);
    expect(host.name).toBe('testhost');
  });
});

describe('publish() always settles', () => {
  it('close() right after publish() rejects it with CLOSED', async () => {
    const { responder } = responderHarness();
    const published = responder.publish(SPEC);
    const closing = responder.close();
    await expect(published).rejects.toMatchObject({ code: 'CLOSED' });
    await closing;
  });

  it('an abort right after publish() rejects it', async () => {
    const { responder } = responderHarness();
    const controller = new AbortController();
    const published = responder.publish(SPEC, { signal: controller.signal });
    controller.abort(new Error('changed my mind'));
    await expect(published).rejects.toThrow('changed my mind');
    await responder.close();
  });

  it('autoRename off: after the host name is lost, later publishes reject with NAME_CONFLICT', async () => {
    const { transport, responder } = responderHarness({ autoRename: false });
    const first = responder.publish(SPEC).catch((e: unknown) => e);
    await advanceTo(200);
    deliver(transport, response([a(HOST, '192.0.2.77')]));
    await advanceTo(3000);
    expect(await first).toMatchObject({ code: 'NAME_CONFLICT' });
    await expect(responder.publish({ ...SPEC, name: 'Later' })).rejects.toMatchObject({ code: 'NAME_CONFLICT' });
    await responder.close();
  });
});

describe('TTLs the user sets', () => {
  it('RFC 6762 §10: hostTtl sets the TTL of the address and reverse records; a bad one is a typed error', async () => {
    const { FakeTransport } = await import('../../src/transport/fake-transport.js');
    const { Responder } = await import('../../src/api/responder.js');
    const transport = new FakeTransport(undefined, () => Date.now());
    const responder = new Responder({ transport, hostName: 'testhost', hostTtl: 60, random: () => 0.5 });
    await publishAnnounced(responder);
    const hostAnnouncement = responses(sentPackets(transport)).find((s) =>
      s.packet.answers.some((r) => r.type === 'A'),
    );
    const hostRecordTtls = hostAnnouncement?.packet.answers
      .filter((r) => r.name === HOST || r.data === HOST)
      .map((r) => r.ttl);
    expect(hostRecordTtls).toEqual([60, 60, 60, 60]);
    await responder.close();
    expect(() => new Responder({ transport, hostTtl: 0 })).toThrow(expect.objectContaining({ code: 'BAD_TTL' }));
  });
});

describe('a QU query with TC', () => {
  it('RFC 6762 §7.2, §5.4: the known answers that follow apply to the unicast reply too', async () => {
    const { transport, responder, mark } = await announcedResponder();
    deliver(transport, { ...query([q(TYPE, 'PTR', true)]), flags: 0x0200 });
    await advanceTo(5100);
    deliver(transport, { id: 0, flags: 0, answers: [ptr(TYPE, INSTANCE, 4500)] });
    await advanceTo(6000);
    const sent = sentPackets(transport, mark);
    expect(sent.flatMap((s) => s.packet.answers).filter((r) => r.name === TYPE)).toEqual([]);
    await responder.close();
  });
});
