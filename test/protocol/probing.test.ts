/**
 * Probing, conflicts while probing, the simultaneous-probe tiebreak and the
 * conflict rate limit (RFC 6762 §8.1, §8.2, §9), asserted packet by packet
 * on a fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Packet, ResourceRecord } from '../../src/wire/model.js';
import {
  a,
  aaaa,
  about,
  advanceTo,
  deliver,
  engineHarness,
  FIRST_ANNOUNCE,
  HOST,
  hostRecords,
  INSTANCE,
  probes,
  q,
  response,
  responderHarness,
  responses,
  sentPackets,
  SPEC,
  SPEC_TXT,
  srv,
  times,
  txt,
  useFakeClock,
  V4,
  V6,
  probePart,
} from './helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

/** The probe for the host `host` on the default interface. */
function hostProbe(host = HOST): Packet {
  return {
    id: 0,
    flags: 0,
    // Reverse names are shared records: not probed.
    questions: [q(host, 'ANY', true)],
    answers: [],
    authorities: [a(host, V4, 120, false), aaaa(host, V6, 120, false)],
    additionals: [],
  };
}

/** The probe for service instance `instance` of {@link SPEC}. */
function serviceProbe(instance = INSTANCE, target = HOST): Packet {
  return {
    id: 0,
    flags: 0,
    questions: [q(instance, 'ANY', true)],
    answers: [],
    authorities: [srv(instance, 8080, target, 120, false), txt(instance, SPEC_TXT, 4500, false)],
    additionals: [],
  };
}

describe('probing (RFC 6762 §8.1)', () => {
  it('RFC 6762 §8.1: three QU ANY probes 250 ms apart after the random 0–250 ms wait, proposed records in authority, no cache-flush, no answers', async () => {
    const { transport, engine, host, service } = await engineHarness();
    engine.add(host);
    engine.add(service());
    await advanceTo(FIRST_ANNOUNCE - 1);
    const sent = sentPackets(transport);
    // Nothing but probes before the announce step; each on IPv4 and IPv6 of the interface.
    expect(sent.every((s) => s.packet.flags === 0)).toBe(true);
    const expected = (packet: Packet) =>
      [125, 375, 625].flatMap((at) => [4, 6].map((family) => ({ at, target: { interface: 'eth0', family }, packet })));
    const strip = (s: (typeof sent)[number]) => ({ at: s.at, target: s.target, packet: s.packet });
    // The host and a service that starts probing before the first probe went out share one packet (§8.1).
    const together: Packet = {
      ...hostProbe(),
      questions: [...hostProbe().questions, ...serviceProbe().questions],
      authorities: [...hostProbe().authorities, ...serviceProbe().authorities],
    };
    expect(sent.map(strip)).toEqual(expected(together));
  });

  it('RFC 6762 §8.1: a registration that starts after the first probe went out probes on its own schedule', async () => {
    const { transport, engine, host, service } = await engineHarness();
    engine.add(host);
    await advanceTo(200);
    engine.add(service());
    await advanceTo(FIRST_ANNOUNCE - 1);
    const sent = sentPackets(transport);
    const at = (name: string) => [
      ...new Set(sent.filter((s) => s.packet.questions.some((x) => x.name === name)).map((s) => s.at)),
    ];
    expect(at(HOST)).toEqual([125, 375, 625]);
    expect(at(INSTANCE)).toEqual([325, 575, 825]);
    expect(sent.every((s) => s.packet.questions.length === 1)).toBe(true);
  });

  it('RFC 6762 §8.1: the first probe waits random() × 250 ms (random 0.2 → 50 ms)', async () => {
    const { transport, engine, service } = await engineHarness({ random: () => 0.2 });
    engine.add(service());
    await advanceTo(3000);
    const sent = sentPackets(transport);
    expect(times(probes(sent))).toEqual([50, 300, 550]);
    expect(times(responses(sent))[0]).toBe(800);
  });
});

describe('conflicts while probing (RFC 6762 §8.1, §9)', () => {
  it('RFC 6762 §8.1, §9: a response with a different SRV for our instance name renames the service "Svc (2)" and probing restarts under the new name', async () => {
    const { transport, responder } = responderHarness();
    const renamed = vi.fn();
    responder.engine.on('renamed', (registration, from, to) => renamed(registration.kind, from, to));
    const published = responder.publish(SPEC);
    await advanceTo(200);
    deliver(transport, response([srv(INSTANCE, 9999, 'otherhost.local')], [a('otherhost.local', '192.0.2.77')]));
    expect(renamed.mock.calls).toEqual([['service', 'Svc', 'Svc (2)']]);
    await advanceTo(FIRST_ANNOUNCE + 200);
    const service = await published;
    expect(service.name).toBe('Svc (2)');
    expect(service.fullName).toBe('Svc (2)._http._tcp.local');
    // The old name was probed once; the new one from 200 + 125 ms, 250 ms apart.
    expect(probes(about(transport, INSTANCE)).map((s) => s.at)).toEqual([125, 125]);
    const renamedProbes = probes(about(transport, 'Svc (2)._http._tcp.local'));
    expect(renamedProbes.map((s) => [s.at, s.target.family])).toEqual([
      [325, 4],
      [325, 6],
      [575, 4],
      [575, 6],
      [825, 4],
      [825, 6],
    ]);
    for (const s of renamedProbes) expect(s.packet).toEqual(serviceProbe('Svc (2)._http._tcp.local'));
    // Announced under the new name 750 ms after its first probe (+1 ms timer clamp).
    const announced = responses(about(transport, 'Svc (2)._http._tcp.local'));
    expect(times(announced)).toEqual([1075]);
    expect(announced[0]?.packet.answers.find((r) => r.type === 'SRV')).toEqual(
      srv('Svc (2)._http._tcp.local', 8080, HOST),
    );
    await responder.close();
  });

  it('register() hands the service over before its first probe: a rename while probing reaches its renamed listener, and announced settles with it', async () => {
    const { transport, responder } = responderHarness();
    const service = responder.register(SPEC);
    const events: string[] = [];
    service.on('probing', () => events.push('probing'));
    service.on('renamed', (from, to) => events.push(`renamed ${from} → ${to}`));
    service.on('announced', (name) => events.push(`announced ${name}`));
    expect(service.state).toBe('probing');
    await advanceTo(200);
    deliver(transport, response([srv(INSTANCE, 9999, 'otherhost.local')], [a('otherhost.local', '192.0.2.77')]));
    await advanceTo(FIRST_ANNOUNCE + 200);
    await expect(service.announced).resolves.toBe(service);
    expect(events).toEqual(['probing', 'renamed Svc → Svc (2)', 'probing', 'announced Svc (2)']);
    await responder.close();
  });

  it('RFC 6762 §8.1, §9: a response with a different A record for our host name renames the host "testhost-2"; SRV targets follow', async () => {
    const { transport, responder } = responderHarness();
    const hostRenamed = vi.fn();
    responder.on('hostRenamed', hostRenamed);
    const published = responder.publish(SPEC);
    await advanceTo(200);
    deliver(transport, response([a(HOST, '192.0.2.77')]));
    expect(hostRenamed.mock.calls).toEqual([['testhost', 'testhost-2']]);
    expect(responder.hostName).toBe('testhost-2.local');
    await advanceTo(1100);
    await published;
    const renamedHost = about(transport, 'testhost-2.local').filter(
      (s) => s.packet.questions[0]?.name === 'testhost-2.local',
    );
    expect(renamedHost.map((s) => [s.at, s.target.family])).toEqual([
      [325, 4],
      [325, 6],
      [575, 4],
      [575, 6],
      [825, 4],
      [825, 6],
    ]);
    for (const s of renamedHost) expect(s.packet).toEqual(hostProbe('testhost-2.local'));
    const hostAnnouncements = responses(sentPackets(transport)).filter((s) => s.packet.answers[0]?.type === 'A');
    expect(hostAnnouncements.map((s) => [s.at, s.packet.answers])).toEqual([
      [1075, hostRecords('testhost-2.local')],
      [1075, hostRecords('testhost-2.local')],
    ]);
    // The service's later probes and its announcement carry the new target.
    const serviceProbes = probes(about(transport, INSTANCE));
    expect(serviceProbes.map((s) => probePart(s.packet, INSTANCE))).toEqual([
      serviceProbe(),
      serviceProbe(),
      serviceProbe(INSTANCE, 'testhost-2.local'),
      serviceProbe(INSTANCE, 'testhost-2.local'),
      serviceProbe(INSTANCE, 'testhost-2.local'),
      serviceProbe(INSTANCE, 'testhost-2.local'),
    ]);
    const serviceAnnouncement = responses(about(transport, INSTANCE))[0];
    expect(serviceAnnouncement?.at).toBe(FIRST_ANNOUNCE);
    expect(serviceAnnouncement?.packet.answers.find((r) => r.type === 'SRV')).toEqual(
      srv(INSTANCE, 8080, 'testhost-2.local'),
    );
    await responder.close();
  });

  it('RFC 6762 §9 (autoRename: false): a conflict while probing rejects publish() with NAME_CONFLICT and the name is never announced', async () => {
    const { transport, responder } = responderHarness({ autoRename: false });
    const published = responder.publish(SPEC);
    const rejected = expect(published).rejects.toMatchObject({ code: 'NAME_CONFLICT' });
    await advanceTo(200);
    deliver(transport, response([srv(INSTANCE, 9999, 'otherhost.local')]));
    await rejected;
    await advanceTo(5000);
    const service = about(transport, INSTANCE);
    expect(service.map((s) => s.at)).toEqual([125, 125]);
    expect(responses(service)).toEqual([]);
    await responder.close();
  });
});

describe('simultaneous probe tiebreak (RFC 6762 §8.2)', () => {
  /** Their probe for our instance name with an SRV on `port` (ours: 8080) and our TXT. */
  const theirProbe = (port: number): { questions: [ReturnType<typeof q>]; authorities: ResourceRecord[] } => ({
    questions: [q(INSTANCE, 'ANY', true)],
    authorities: [srv(INSTANCE, port, HOST, 120, false), txt(INSTANCE, SPEC_TXT, 4500, false)],
  });

  it('RFC 6762 §8.2: lexicographically later data in their probe wins: we defer, probe again 1 s later under the same name', async () => {
    const { transport, engine, service } = await engineHarness();
    const reg = service();
    const renamed = vi.fn();
    engine.on('renamed', renamed);
    engine.add(reg);
    await advanceTo(130);
    deliver(transport, { id: 0, flags: 0, ...theirProbe(9090) });
    await advanceTo(1879);
    let sent = sentPackets(transport);
    expect(responses(sent)).toEqual([]); // no announcement at 875
    expect(times(probes(sent))).toEqual([125, 1130, 1380, 1630]);
    for (const s of sent) expect(s.packet).toEqual(serviceProbe());
    await advanceTo(4000);
    sent = sentPackets(transport);
    expect(times(responses(sent))).toEqual([1880, 2880, 4880].filter((t) => t <= 4000));
    expect(renamed).not.toHaveBeenCalled();
    expect(reg.name).toBe('Svc');
  });

  it('RFC 6762 §8.2: lexicographically earlier data in their probe loses: we ignore it and announce on schedule', async () => {
    const { transport, engine, service } = await engineHarness();
    engine.add(service());
    await advanceTo(130);
    deliver(transport, { id: 0, flags: 0, ...theirProbe(80) });
    await advanceTo(4000);
    const sent = sentPackets(transport);
    expect(times(probes(sent))).toEqual([125, 375, 625]);
    expect(times(responses(sent))).toEqual([FIRST_ANNOUNCE, 1875, 3875]);
  });

  it('RFC 6762 §8.2: identical data in their probe is not a conflict: no deferral, no rename', async () => {
    const { transport, engine, service } = await engineHarness();
    const reg = service();
    engine.add(reg);
    await advanceTo(130);
    deliver(transport, { id: 0, flags: 0, ...theirProbe(8080) });
    await advanceTo(4000);
    const sent = sentPackets(transport);
    expect(times(probes(sent))).toEqual([125, 375, 625]);
    expect(times(responses(sent))).toEqual([FIRST_ANNOUNCE, 1875, 3875]);
    expect(reg.name).toBe('Svc');
  });
});

describe('conflict rate limit (RFC 6762 §8.1)', () => {
  it('RFC 6762 §8.1: after 15 conflicts within 10 s, each further probe attempt waits 5 s', async () => {
    const { transport, engine, service } = await engineHarness();
    const reg = service();
    engine.add(reg);
    const conflictAt = async (ms: number): Promise<void> => {
      await advanceTo(ms);
      deliver(transport, response([srv(reg.names.instance, 1, 'otherhost.local')]));
    };
    for (let i = 1; i <= 14; i++) await conflictAt(10 * i);
    expect(reg.name).toBe('Svc (15)');
    await advanceTo(300);
    // 14 conflicts: the usual random wait (140 + 125).
    expect(probes(sentPackets(transport)).map((s) => [s.at, s.packet.questions[0]?.name])).toEqual([
      [265, 'Svc (15)._http._tcp.local'],
      [265, 'Svc (15)._http._tcp.local'],
    ]);
    const mark = transport.sent.length;
    await conflictAt(300); // the 15th
    expect(reg.name).toBe('Svc (16)');
    await advanceTo(5299);
    expect(sentPackets(transport, mark)).toEqual([]);
    await advanceTo(5300);
    expect(sentPackets(transport, mark).map((s) => [s.at, s.packet.questions[0]?.name])).toEqual([
      [5300, 'Svc (16)._http._tcp.local'],
      [5300, 'Svc (16)._http._tcp.local'],
    ]);
    // A 16th conflict inside the same 10 s: again 5 s.
    const mark2 = transport.sent.length;
    await conflictAt(5400);
    expect(reg.name).toBe('Svc (17)');
    await advanceTo(10_399);
    expect(sentPackets(transport, mark2)).toEqual([]);
    await advanceTo(10_400);
    expect(times(sentPackets(transport, mark2))).toEqual([10_400]);
    // Only two conflicts lie in the last 10 s now, but the storm goes on: still 5 s, no new burst of fast probes.
    const mark3 = transport.sent.length;
    await conflictAt(10_500);
    expect(reg.name).toBe('Svc (18)');
    await advanceTo(15_499);
    expect(sentPackets(transport, mark3)).toEqual([]);
    await advanceTo(15_500);
    expect(times(sentPackets(transport, mark3))).toEqual([15_500]);
  });

  it('RFC 6762 §8.1: ten quiet seconds end the rate limit; the next conflict probes after the usual 0–250 ms', async () => {
    const { transport, engine, service } = await engineHarness();
    const reg = service();
    engine.add(reg);
    for (let i = 1; i <= 15; i++) {
      await advanceTo(10 * i);
      deliver(transport, response([srv(reg.names.instance, 1, 'otherhost.local')]));
    }
    // Rate-limited: the 16th name probes from 150 + 5000 and is announced; no conflict for > 10 s after that.
    await advanceTo(16_000);
    expect(reg.state).toBe('announced');
    // §9: a conflict after announcing sends it back to probing (at 16 125) …
    deliver(transport, response([srv(reg.names.instance, 1, 'otherhost.local')]));
    await advanceTo(16_150);
    // … and a defended probe renames: the usual 0–250 ms wait again, no 5 s.
    const mark = transport.sent.length;
    deliver(transport, response([srv(reg.names.instance, 1, 'otherhost.local')]));
    expect(reg.name).toBe('Svc (17)');
    await advanceTo(16_400);
    expect(times(probes(sentPackets(transport, mark)))).toEqual([16_275]);
  });
});
