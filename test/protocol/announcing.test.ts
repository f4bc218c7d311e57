/**
 * Announcing, re-announcing and defending (RFC 6762 §8.3, §8.4, §8.1, §9,
 * §6.6), asserted packet by packet on a fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Packet } from '../../src/wire/model.js';
import {
  a,
  aaaa,
  about,
  ANNOUNCE_TIMES,
  advanceTo,
  deliver,
  ENUM,
  FIRST_ANNOUNCE,
  FLAGS_RESPONSE,
  HOST,
  hostRecords,
  INSTANCE,
  PEER,
  probes,
  ptr,
  q,
  response,
  responderHarness,
  responses,
  sentPackets,
  serviceRecords,
  SPEC,
  SPEC_TXT,
  srv,
  times,
  txt,
  TYPE,
  useFakeClock,
  V4,
  V6,
} from './helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const announcement = (answers: Packet['answers']): Packet => ({
  id: 0,
  flags: FLAGS_RESPONSE,
  questions: [],
  answers,
  authorities: [],
  additionals: [],
});

describe('announcing (RFC 6762 §8.3)', () => {
  it('RFC 6762 §8.3, §10: announces host and service 750 ms after the first probe, then 1 s and 3 s later: flags 0x8400, cache-flush on unique records only, TTL 120 host-related, 4500 PTR/TXT', async () => {
    const { transport, responder } = responderHarness();
    const published = responder.publish(SPEC);
    const announced = vi.fn();
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE);
    const service = await published;
    service.on('announced', announced);
    expect(service.state).toBe('announced');
    await advanceTo(60_000);
    const sent = responses(sentPackets(transport));
    // Host and service probed together, so announced together: one packet per family each time, host records first.
    const expected = ANNOUNCE_TIMES.flatMap((at) =>
      [4, 6].map((family) => ({
        at,
        target: { interface: 'eth0', family },
        size: expect.any(Number),
        packet: announcement([...hostRecords(), ...serviceRecords()]),
      })),
    );
    expect(sent).toEqual(expected);
    // Nothing else: 6 probes before (host and service together, one packet per family each time), no announcement after the third.
    expect(sentPackets(transport)).toHaveLength(6 + 6);
    expect(announced).not.toHaveBeenCalled();
    // The records, spelled out: shared PTRs never carry cache-flush.
    expect(serviceRecords()).toEqual([
      { name: TYPE, type: 'PTR', class: 1, cacheFlush: false, ttl: 4500, data: INSTANCE },
      { name: ENUM, type: 'PTR', class: 1, cacheFlush: false, ttl: 4500, data: TYPE },
      {
        name: INSTANCE,
        type: 'SRV',
        class: 1,
        cacheFlush: true,
        ttl: 120,
        data: { priority: 0, weight: 0, port: 8080, target: HOST },
      },
      { name: INSTANCE, type: 'TXT', class: 1, cacheFlush: true, ttl: 4500, data: SPEC_TXT },
    ]);
    await responder.close();
  });

  it('RFC 6763 §7.1: a subtype PTR is announced as a shared record', async () => {
    const { transport, responder } = responderHarness();
    await publishWith(responder, { ...SPEC, subtypes: ['_printer'] });
    const first = responses(about(transport, INSTANCE))[0];
    expect(first?.packet.answers.filter((r) => r.name !== HOST && r.data !== HOST)).toEqual([
      ptr(TYPE, INSTANCE, 4500),
      ptr(ENUM, TYPE, 4500),
      ptr(`_printer._sub.${TYPE}`, INSTANCE, 4500),
      srv(INSTANCE, 8080, HOST),
      txt(INSTANCE, SPEC_TXT),
    ]);
    await responder.close();
  });

  it('RFC 6762 §8.4: updateTxt() announces the new TXT, and only it, at once, then 1 s and 3 s later', async () => {
    const { transport, responder } = responderHarness();
    const service = await publishWith(responder);
    await advanceTo(5000);
    const mark = transport.sent.length;
    service.updateTxt({ path: '/new' });
    await advanceTo(10_000);
    const sent = sentPackets(transport, mark);
    expect(sent.map((s) => [s.at, s.target.family])).toEqual([
      [5000, 4],
      [5000, 6],
      [6000, 4],
      [6000, 6],
      [8000, 4],
      [8000, 6],
    ]);
    const newTxt = [new TextEncoder().encode('path=/new')];
    for (const s of sent) {
      expect(s.packet).toEqual(announcement([txt(INSTANCE, newTxt)]));
    }
    await responder.close();
  });
});

describe('defending and refreshing announced records (RFC 6762 §8.1, §9, §6.6)', () => {
  const theirProbe = (unicastResponse: boolean) => ({
    id: 0,
    flags: 0,
    questions: [q(INSTANCE, 'ANY', unicastResponse)],
    authorities: [srv(INSTANCE, 9999, 'otherhost.local', 120, false)],
  });
  const defence = (): Packet => ({
    id: 0,
    flags: FLAGS_RESPONSE,
    questions: [],
    answers: [srv(INSTANCE, 8080, HOST), txt(INSTANCE, SPEC_TXT)],
    authorities: [],
    additionals: [a(HOST, V4), aaaa(HOST, V6)],
  });

  it('RFC 6762 §8.1, §6.2: a QM probe for our announced name is answered at once by multicast, even 125 ms after we multicast the records', async () => {
    const { transport, responder } = responderHarness();
    await publishWith(responder);
    await advanceTo(4000); // last announcement at 3875
    const mark = transport.sent.length;
    deliver(transport, theirProbe(false));
    await vi.advanceTimersByTimeAsync(0); // the clock stays at 4000
    const sent = sentPackets(transport, mark);
    // On the family the probe came in on.
    expect(sent).toEqual([
      { at: 4000, target: { interface: 'eth0', family: 4 }, size: expect.any(Number), packet: defence() },
    ]);
    await responder.close();
  });

  it('RFC 6762 §5.4, §8.1: a QU probe for our announced name gets the requested unicast response at once', async () => {
    const { transport, responder } = responderHarness();
    await publishWith(responder);
    await advanceTo(4000);
    const mark = transport.sent.length;
    deliver(transport, theirProbe(true));
    await vi.advanceTimersByTimeAsync(0);
    expect(sentPackets(transport, mark)).toEqual([
      {
        at: 4000,
        target: { interface: 'eth0', family: 4, address: PEER.address, port: PEER.port },
        size: expect.any(Number),
        packet: defence(),
      },
    ]);
    await responder.close();
  });

  it('RFC 6762 §9: a conflicting SRV after announcement sends us back to probing under the same name; if it is defended, we rename', async () => {
    const { transport, responder } = responderHarness();
    const service = await publishWith(responder);
    const renamed = vi.fn();
    service.on('renamed', renamed);
    await advanceTo(5000);
    const mark = transport.sent.length;
    deliver(transport, response([srv(INSTANCE, 9999, 'otherhost.local')]));
    expect(service.state).toBe('probing');
    await advanceTo(5200);
    expect(sentPackets(transport, mark).map((s) => [s.at, s.packet.questions[0]?.name])).toEqual([
      [5125, INSTANCE],
      [5125, INSTANCE],
    ]);
    // The other host defends its record: now we rename.
    deliver(transport, response([srv(INSTANCE, 9999, 'otherhost.local')]));
    expect(renamed.mock.calls).toEqual([['Svc', 'Svc (2)']]);
    await advanceTo(7000);
    const renamedProbes = probes(about(transport, 'Svc (2)._http._tcp.local'));
    expect(times(renamedProbes)).toEqual([5325, 5575, 5825]);
    expect(times(responses(about(transport, 'Svc (2)._http._tcp.local')))).toEqual([6075]);
    expect(service.name).toBe('Svc (2)');
    await responder.close();
  });

  it('RFC 6762 §6.6: another host sending our SRV with TTL 0 (a goodbye for our record) makes us multicast that record again, once', async () => {
    const { transport, responder } = responderHarness();
    await publishWith(responder);
    await advanceTo(5000);
    const mark = transport.sent.length;
    deliver(transport, response([srv(INSTANCE, 8080, HOST, 0)]));
    // A burst of stale copies within the second earns nothing more (§6.2).
    deliver(transport, response([srv(INSTANCE, 8080, HOST, 0)]));
    await advanceTo(10_000);
    const sent = sentPackets(transport, mark);
    // On the family the stale copy was seen on: those caches hold it.
    expect(sent.map((s) => [s.at, s.target.family])).toEqual([[5000, 4]]);
    for (const s of sent) expect(s.packet).toEqual(announcement([srv(INSTANCE, 8080, HOST)]));
    await responder.close();
  });

  it('RFC 6762 §6.6: our record from another host with at least half our TTL needs no action', async () => {
    const { transport, responder } = responderHarness();
    await publishWith(responder);
    await advanceTo(5000);
    const mark = transport.sent.length;
    deliver(transport, response([srv(INSTANCE, 8080, HOST, 60), txt(INSTANCE, SPEC_TXT, 4500)]));
    await advanceTo(10_000);
    expect(sentPackets(transport, mark)).toEqual([]);
    await responder.close();
  });
});

async function publishWith(responder: ReturnType<typeof responderHarness>['responder'], spec = SPEC) {
  const published = responder.publish(spec);
  await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE);
  return published;
}
