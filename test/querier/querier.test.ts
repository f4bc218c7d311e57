/**
 * The continuous querier (RFC 6762 §5.2, §7) on the fake clock and a fake
 * transport: exact query times, known-answer lists and their TC split,
 * duplicate question suppression, refresh points, POOF from others'
 * queries, no traffic without interest, and the local host as a peer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Responder } from '../../src/api/responder.js';
import { MdnsCore } from '../../src/core/core.js';
import { Querier } from '../../src/querier/querier.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { Question, ResourceRecord } from '../../src/wire/model.js';
import { fakeTransport, PEER, q, sentPackets, T0, useFakeClock, type Sent } from '../protocol/helpers.js';
import { fakeInterface } from '../../src/transport/fake-transport.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const TYPE = '_http._tcp.local';

function ptr(instance: string, ttl = 4500): ResourceRecord {
  return { name: TYPE, type: 'PTR', class: 1, ttl, data: `${instance}.${TYPE}` };
}

async function setup(options: { random?: number } = {}) {
  const transport = fakeTransport();
  const core = new MdnsCore({ transport, random: () => options.random ?? 0.5 });
  await core.start();
  const querier = new Querier(core);
  const respond = (records: ResourceRecord[], from: { address: string; port: number } = PEER): void =>
    transport.deliver({
      data: encodePacket({ id: 0, flags: 0x8400, answers: records }),
      interface: 'eth0',
      source: { ...from },
    });
  const ask = (
    questions: Question[],
    known: ResourceRecord[] = [],
    from: { address: string; port: number } = PEER,
  ): void =>
    transport.deliver({
      data: encodePacket({ id: 0, flags: 0, questions, answers: known }),
      interface: 'eth0',
      source: { ...from },
    });
  const queries = (from = 0): Sent[] => sentPackets(transport, from).filter((s) => (s.packet.flags & 0x8000) === 0);
  return { transport, core, querier, respond, ask, queries };
}

describe('Querier: the query schedule (§5.2)', () => {
  it('asks 20–120 ms after the interest starts, then 1 s later, doubling', async () => {
    const { querier, queries } = await setup();
    querier.want({ name: TYPE, type: 'PTR' });
    await vi.advanceTimersByTimeAsync(64_000);
    // random 0.5: 20 + 50 = 70 ms; then +1, +2, +4, +8, +16, +32 s.
    expect(
      queries()
        .filter((s) => s.target.family === 4)
        .map((s) => s.at),
    ).toEqual([70, 1_070, 3_070, 7_070, 15_070, 31_070, 63_070]);
    expect(queries()[0]?.packet.questions).toEqual([q(TYPE, 'PTR')]);
  });

  it('the first query is 20 ms and 120 ms after at the extremes of random', async () => {
    for (const [random, at] of [
      [0, 20],
      [0.999_999, 120],
    ] as const) {
      const { querier, queries, core } = await setup({ random });
      querier.want({ name: TYPE, type: 'PTR' });
      await vi.advanceTimersByTimeAsync(200);
      expect(Math.round(queries()[0]?.at ?? -1) - (Date.now() - T0 - 200)).toBe(at);
      querier.close();
      await core.close();
    }
  });

  it('caps the interval at sixty minutes', async () => {
    const { querier, queries } = await setup();
    querier.want({ name: TYPE, type: 'PTR' });
    await vi.advanceTimersByTimeAsync(5 * 3_600_000);
    const times = queries()
      .filter((s) => s.target.family === 4)
      .map((s) => s.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(Math.max(...gaps)).toBe(3_600_000);
    expect(gaps.slice(-2)).toEqual([3_600_000, 3_600_000]);
  });

  it('interests started together share their queries; the first may be QU (§5.4)', async () => {
    const { querier, queries } = await setup();
    querier.want({ name: `a.${TYPE}`, type: 'SRV', unicastFirst: true });
    querier.want({ name: `a.${TYPE}`, type: 'TXT', unicastFirst: true });
    await vi.advanceTimersByTimeAsync(1_100);
    const v4 = queries().filter((s) => s.target.family === 4);
    expect(v4.map((s) => s.at)).toEqual([70, 1_070]);
    expect(v4[0]?.packet.questions).toEqual([q(`a.${TYPE}`, 'SRV', true), q(`a.${TYPE}`, 'TXT', true)]);
    expect(v4[1]?.packet.questions).toEqual([q(`a.${TYPE}`, 'SRV'), q(`a.${TYPE}`, 'TXT')]);
  });

  it('sends nothing without interest, and stops when the last holder releases', async () => {
    const { querier, queries } = await setup();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(queries()).toEqual([]);
    const release1 = querier.want({ name: TYPE, type: 'PTR' });
    const release2 = querier.want({ name: TYPE, type: 'PTR' });
    await vi.advanceTimersByTimeAsync(1_100);
    release1();
    release1();
    await vi.advanceTimersByTimeAsync(2_000);
    const before = queries().length;
    expect(before).toBe(6); // 70, 1,070 and 3,070 ms, on IPv4 and IPv6
    release2();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(queries()).toHaveLength(before);
    expect(querier.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('Querier: questions with one answer', () => {
  it('parks a question once the cache holds its answer, and asks again when the answer goes', async () => {
    const { querier, respond, queries } = await setup();
    querier.want({ name: `a.${TYPE}`, type: 'SRV' });
    await vi.advanceTimersByTimeAsync(100);
    const srv = (ttl: number): ResourceRecord => ({
      name: `a.${TYPE}`,
      type: 'SRV',
      class: 1,
      ttl,
      cacheFlush: true,
      data: { priority: 0, weight: 0, port: 80, target: 'a.local' },
    });
    respond([srv(120)]);
    await vi.advanceTimersByTimeAsync(30_000);
    const v4 = (): number[] =>
      queries()
        .filter((s) => s.target.family === 4)
        .map((s) => s.at);
    expect(v4()).toEqual([70]);
    respond([srv(0)]);
    // Gone one second after the goodbye (§10.1), then asked 20–120 ms later (70 with random 0.5).
    await vi.advanceTimersByTimeAsync(1_100);
    expect(v4()).toEqual([70, 30_100 + 1_000 + 70]);
  });
});

describe('Querier: negative answers (§6.1)', () => {
  it('stops asking for a type an NSEC says the name lacks, while the NSEC lasts', async () => {
    const { querier, respond, queries } = await setup();
    querier.want({ name: 'peer.local', type: 'A' });
    querier.want({ name: 'peer.local', type: 'AAAA' });
    await vi.advanceTimersByTimeAsync(100);
    respond([
      { name: 'peer.local', type: 'A', class: 1, ttl: 120, cacheFlush: true, data: PEER.address },
      {
        name: 'peer.local',
        type: 'NSEC',
        class: 1,
        ttl: 120,
        cacheFlush: true,
        data: { nextDomain: 'peer.local', types: ['A'] },
      },
    ]);
    await vi.advanceTimersByTimeAsync(3_000);
    const v4 = queries().filter((s) => s.target.family === 4);
    // A is answered and AAAA denied: both questions rest (see 'parks a question').
    expect(v4.map((s) => s.packet.questions.map((x) => x.type))).toEqual([['A', 'AAAA']]);
  });
});

describe('Querier: topology (§10.3, §10.4)', () => {
  it("flushes an interface's records from the cache when it goes down or loses an address", async () => {
    const { core, respond, transport } = await setup();
    respond([ptr('a')]);
    expect(core.cache.stats.records).toBe(1);
    const nic = transport.interfaces[0];
    if (!nic) throw new Error('no interface');
    transport.setInterfaces([{ ...nic, addresses: nic.addresses.filter((a) => a.family === 4) }]);
    expect(core.cache.stats.records).toBe(0);
    respond([ptr('b')]);
    transport.setInterfaces([]);
    expect(core.cache.stats.records).toBe(0);
  });
});

describe('Querier: an interface coming back (§5.2, §5.4, §10.3)', () => {
  it('starts every question again when an interface comes up or gains an address', async () => {
    const { querier, queries, transport } = await setup();
    querier.want({ name: TYPE, type: 'PTR' });
    // 70, 1 070, 3 070, 7 070, 15 070, 31 070: the next would go at 63 070.
    await vi.advanceTimersByTimeAsync(40_000);
    const nic = transport.interfaces[0];
    if (!nic) throw new Error('no interface');
    transport.setInterfaces([]);
    transport.setInterfaces([nic]);
    await vi.advanceTimersByTimeAsync(5_000);
    const v4 = (): number[] =>
      queries()
        .filter((s) => s.target.family === 4)
        .map((s) => s.at);
    // Back at 40 000: asked at 40 070, 41 070, 43 070 — not at 63 070.
    expect(v4().filter((at) => at >= 40_000)).toEqual([40_070, 41_070, 43_070]);
    transport.setInterfaces([{ ...nic, addresses: nic.addresses.filter((a) => a.family === 6) }]);
    await vi.advanceTimersByTimeAsync(10_000);
    transport.setInterfaces([nic]);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(v4().filter((at) => at >= 55_000)).toEqual([55_070, 56_070]);
  });
});

describe('Querier: interfaces', () => {
  it('asks on the interfaces its holders name, on all once one holder wants every interface', async () => {
    const transport = fakeTransport([
      fakeInterface('eth0', '192.0.2.10', 'fe80::10'),
      fakeInterface('eth1', '198.51.100.10', 'fe80::1:10'),
    ]);
    const core = new MdnsCore({ transport, random: () => 0.5 });
    await core.start();
    const querier = new Querier(core);
    querier.want({ name: TYPE, type: 'PTR', interfaces: ['eth1'] });
    await vi.advanceTimersByTimeAsync(100);
    const on = (from: number): string[] => [...new Set(transport.sent.slice(from).map((p) => p.target.interface))];
    expect(on(0)).toEqual(['eth1']);
    const mark = transport.sent.length;
    querier.want({ name: TYPE, type: 'PTR' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(on(mark).sort()).toEqual(['eth0', 'eth1']);
    querier.close();
    await core.close();
  });
});

describe('Querier: known answers (§7.1, §7.2)', () => {
  it('lists cached answers with more than half their TTL left, at their remaining TTL', async () => {
    const { querier, respond, queries } = await setup();
    respond([ptr('a', 100), ptr('b', 4500)]);
    querier.want({ name: TYPE, type: 'PTR' });
    await vi.advanceTimersByTimeAsync(100);
    expect(queries()[0]?.packet.answers.map((r) => [r.data, r.ttl])).toEqual([
      [`a.${TYPE}`, 99],
      [`b.${TYPE}`, 4499],
    ]);
    // At 63 s "a" has 37 s of 100 left: no longer listed.
    await vi.advanceTimersByTimeAsync(63_000);
    const last = queries()
      .filter((s) => s.target.family === 4)
      .pop();
    expect(last?.at).toBe(63_070);
    expect(last?.packet.answers.map((r) => r.data)).toEqual([`b.${TYPE}`]);
  });

  it('spreads a long list over packets with TC on all but the last, the question in the first only', async () => {
    const { querier, respond, queries } = await setup();
    const many = Array.from({ length: 300 }, (_, i) => ptr(`instance-with-a-long-name-${i}`));
    for (let i = 0; i < many.length; i += 30) respond(many.slice(i, i + 30));
    querier.want({ name: TYPE, type: 'PTR' });
    await vi.advanceTimersByTimeAsync(100);
    const v4 = queries().filter((s) => s.target.family === 4);
    expect(v4.length).toBeGreaterThan(2);
    expect(v4.every((s) => s.size <= 1472)).toBe(true);
    expect(v4.map((s) => (s.packet.flags & 0x0200) !== 0)).toEqual([...v4.slice(1).map(() => true), false]);
    expect(v4.map((s) => s.packet.questions.length)).toEqual([1, ...v4.slice(1).map(() => 0)]);
    expect(v4.reduce((n, s) => n + s.packet.answers.length, 0)).toBe(300);
  });
});

describe('Querier: duplicate question suppression (§7.3)', () => {
  it('another host asking the same QM question with all our known answers stands for our query', async () => {
    const { querier, respond, ask, queries } = await setup();
    querier.want({ name: TYPE, type: 'PTR' });
    await vi.advanceTimersByTimeAsync(100);
    respond([ptr('a')]);
    // Our second query is due at 1,070 ms; a peer asks at 1,000 ms listing what we would list.
    await vi.advanceTimersByTimeAsync(900);
    ask([q(TYPE, 'PTR')], [ptr('a')]);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(
      queries()
        .filter((s) => s.target.family === 4)
        .map((s) => s.at),
    ).toEqual([70]);
    // Counted as sent at 1,000: the next goes 2 s after it.
    await vi.advanceTimersByTimeAsync(600);
    expect(
      queries()
        .filter((s) => s.target.family === 4)
        .map((s) => s.at),
    ).toEqual([70, 3_000]);
  });

  it('also when its known answers lack some of ours (responders send those again: we lose nothing)', async () => {
    const { querier, respond, ask, queries } = await setup();
    querier.want({ name: TYPE, type: 'PTR' });
    await vi.advanceTimersByTimeAsync(100);
    respond([ptr('a'), ptr('b')]);
    await vi.advanceTimersByTimeAsync(900);
    ask([q(TYPE, 'PTR')], [ptr('a')]);
    await vi.advanceTimersByTimeAsync(100);
    expect(
      queries()
        .filter((s) => s.target.family === 4)
        .map((s) => s.at),
    ).toEqual([70]);
  });

  it('not when its known answers hold one we lack (responders would leave it out), nor for a QU question', async () => {
    const { querier, respond, ask, queries } = await setup();
    querier.want({ name: TYPE, type: 'PTR' });
    await vi.advanceTimersByTimeAsync(100);
    respond([ptr('a')]);
    await vi.advanceTimersByTimeAsync(900);
    ask([q(TYPE, 'PTR')], [ptr('a'), ptr('not-ours')]);
    ask([q(TYPE, 'PTR', true)], [ptr('a')]);
    await vi.advanceTimersByTimeAsync(100);
    expect(
      queries()
        .filter((s) => s.target.family === 4)
        .map((s) => s.at),
    ).toEqual([70, 1_070]);
  });
});

describe('Querier: refresh (§5.2) and POOF (§10.5)', () => {
  it('asks for a wanted record again at 80, 85, 90 and 95 % of its TTL (+1 % with random 0.5), unless it comes again', async () => {
    const { querier, respond, queries } = await setup();
    querier.want({ name: `a.${TYPE}`, type: 'SRV' });
    await vi.advanceTimersByTimeAsync(1_000);
    respond([
      {
        name: `a.${TYPE}`,
        type: 'SRV',
        class: 1,
        ttl: 100,
        cacheFlush: true,
        data: { priority: 0, weight: 0, port: 80, target: 'a.local' },
      },
    ]);
    const arrived = Date.now() - T0;
    await vi.advanceTimersByTimeAsync(100_000);
    const times = queries()
      .filter((s) => s.target.family === 4)
      .map((s) => s.at - arrived);
    // Continuous queries at 70 ms, 1.07, 3.07, 7.07, 15.07, 31.07, 63.07 s from the start; refreshes from the arrival.
    const refreshes = times.filter((t) => t > 70_000);
    expect(refreshes).toEqual([81_000, 86_000, 91_000, 96_000]);
  });

  it('refreshes of records learned together go in one round of packets, each at or after its 80 % point', async () => {
    const { querier, respond, queries } = await setup();
    const names = Array.from({ length: 100 }, (_, i) => `s${i}.${TYPE}`);
    for (const name of names) querier.want({ name, type: 'SRV' });
    await vi.advanceTimersByTimeAsync(1_000);
    const arrivedAt = new Map<string, number>();
    // One answer every 10 ms over a second, as a busy link brings them: 100 refresh points 10 ms apart.
    for (const name of names) {
      respond([
        {
          name,
          type: 'SRV',
          class: 1,
          ttl: 120,
          cacheFlush: true,
          data: { priority: 0, weight: 0, port: 80, target: 'a.local' },
        },
      ]);
      arrivedAt.set(name, Date.now() - T0);
      await vi.advanceTimersByTimeAsync(10);
    }
    const mark = queries().length;
    await vi.advanceTimersByTimeAsync(101_000);
    const refreshes = queries(mark).filter((s) => s.target.family === 4);
    const rounds = new Set(refreshes.map((s) => s.at));
    // Without riding along: 100 packets, one per record. With it: the first due (80 % + 1 % of 120 s after the
    // first arrival) takes every record past its 80 % point, which is all of them.
    expect(rounds.size).toBe(1);
    const asked = refreshes.flatMap((s) => s.packet.questions.map((x) => x.name));
    expect(new Set(asked)).toEqual(new Set(names));
    const at = [...rounds][0] ?? 0;
    for (const name of names) expect(at - (arrivedAt.get(name) ?? 0)).toBeGreaterThanOrEqual(0.8 * 120_000);
  });

  it('a record renewed before its refresh point is not asked for', async () => {
    const { querier, respond, queries } = await setup();
    querier.want({ name: `a.${TYPE}`, type: 'TXT' });
    await vi.advanceTimersByTimeAsync(64_000);
    const mark = queries().length;
    const txt: ResourceRecord = {
      name: `a.${TYPE}`,
      type: 'TXT',
      class: 1,
      ttl: 100,
      cacheFlush: true,
      data: [new TextEncoder().encode('x=1')],
    };
    respond([txt]);
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(70_000);
      respond([txt]);
    }
    // Answered, the question rests, and no refresh ever came due: nothing was asked.
    expect(queries(mark)).toEqual([]);
  });

  it('two peer queries that a cached record should answer, and no answer in 10 s, remove it', async () => {
    const { core, respond, ask } = await setup();
    respond([ptr('gone'), ptr('stays')]);
    const removed: string[] = [];
    core.cache.on('removed', (e, reason) => removed.push(`${String(e.record.data)} ${reason}`));
    ask([q(TYPE, 'PTR')], [ptr('stays')]);
    await vi.advanceTimersByTimeAsync(2_000);
    ask([q(TYPE, 'PTR')], [ptr('stays')]);
    await vi.advanceTimersByTimeAsync(7_999);
    expect(removed).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(removed).toEqual([`gone.${TYPE} poof`]);
  });
});

describe('Querier: the local host is a peer', () => {
  it('sees the services a Responder on the same core announces, and its query is answered by it', async () => {
    const { core, querier, queries, transport } = await setup();
    const responder = new Responder({ core, hostName: 'testhost' });
    await vi.advanceTimersByTimeAsync(10);
    const published = responder.publish({ name: 'Local', type: '_http._tcp', port: 8080 });
    await vi.advanceTimersByTimeAsync(1_000);
    await published;
    expect(core.cache.atName('eth0', TYPE.toLowerCase()).map((e) => e.record.data)).toEqual([`Local.${TYPE}`]);
    await vi.advanceTimersByTimeAsync(10_000);
    // Later, the cache has aged the PTR past half its TTL; the responder still answers the querier.
    // With an empty cache the querier asks, and the responder beside it answers.
    core.cache.flushInterface('eth0');
    const mark = transport.sent.length;
    querier.want({ name: `Local.${TYPE}`, type: 'SRV' });
    await vi.advanceTimersByTimeAsync(200);
    expect(queries(mark).length).toBeGreaterThan(0);
    const srv = core.cache.atName('eth0', `local.${TYPE}`).find((e) => e.record.type === 'SRV');
    expect(srv?.record.data).toMatchObject({ port: 8080, target: 'testhost.local' });
    await responder.close();
  });
});
