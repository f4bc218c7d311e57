/**
 * Avahi's CVE history as boaster's unit tests (issue 15): one describe per
 * CVE class, the hostile input handed to the whole in-process stack through
 * the transport seam — `FakeTransport`, or the real `UdpTransport` over
 * fake sockets where the source address is the point (fake-sockets.ts) —
 * and on through the intake to the responder and the querier, on the fake
 * clock. Each asserts what a survivor must show: dropped and counted, no
 * reply to the spoofed, port-0 or off-link source, the next valid query
 * answered exactly, no error, no state grown, every lookup settled.
 * The lab side, with real sockets and raw packets, is cve.lab.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Mdns } from '../../src/api/mdns.js';
import { MdnsCore } from '../../src/core/core.js';
import { BoasterError } from '../../src/errors.js';
import { FakeTransport, fakeInterface } from '../../src/transport/fake-transport.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { ResourceRecord } from '../../src/wire/model.js';
import { nameKey } from '../../src/wire/name.js';
import { a, INSTANCE, PEER, q, query, response, sentPackets, SPEC, srv, useFakeClock } from '../protocol/helpers.js';
import { FakeLink } from './cve/fake-link.js';
import { arrive, resetFakeSockets, sends } from './cve/fake-sockets.js';
import {
  control,
  controlAnswered,
  expectControlReply,
  expectIntact,
  fake,
  LEGACY_PORT,
  realTransport,
  stack,
} from './cve/unit-stack.js';
import {
  badKnownAnswerQuery,
  countOverrunQuery,
  EMPTY,
  ednsPtrQuery,
  LONGEST_TTL,
  loopingRdataResponse,
  overrunResponse,
  pointerCycleQuery,
  selfPointerQuery,
  selfReferences,
} from './cve/hostile-packets.js';

vi.mock('../../src/transport/sockets.js', () => import('./cve/fake-sockets.js'));

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

describe('CVE-2006-6870: compression pointer loops', () => {
  it('a question pointing at itself, two names pointing at each other and looping PTR/SRV RDATA are dropped and counted; the sound record beside them is cached; nothing is sent; the next query is answered', async () => {
    const transport = fake();
    const s = await stack(transport);
    const mark = transport.sent.length;
    for (const port of [5353, LEGACY_PORT]) {
      transport.deliver({ data: selfPointerQuery(), source: { address: PEER.address, port } });
      transport.deliver({ data: pointerCycleQuery(), source: { address: PEER.address, port } });
    }
    transport.deliver({ data: loopingRdataResponse('_http._tcp.local', INSTANCE, 'peer.local', PEER.address) });
    await vi.advanceTimersByTimeAsync(1000);
    // Four queries dropped whole (a question's name is framing), two records dropped alone.
    expect(s.core.stats.malformed).toEqual({ POINTER_LOOP: 6 });
    expect(s.core.cache.atName('eth0', nameKey('peer.local')).map((e) => e.record.data)).toEqual([PEER.address]);
    expect(transport.sent.slice(mark)).toEqual([]);
    await controlAnswered(transport, mark);
    expectIntact(s);
  });
});

describe('CVE-2008-5081: source port 0', () => {
  it('queries and responses from port 0 over FakeTransport are counted bad-port and never reach the stack', async () => {
    const transport = fake();
    const s = await stack(transport);
    const mark = transport.sent.length;
    const qu = encodePacket(query([q(INSTANCE, 'SRV', true)]));
    const theirs = encodePacket(response([srv(INSTANCE, 9, 'intruder.local')]));
    for (const data of [control(1), qu, theirs]) {
      transport.deliver({ data, source: { address: PEER.address, port: 0 } });
      transport.deliver({ data, family: 6, source: { address: 'fe80::99', port: 0 } });
    }
    await vi.advanceTimersByTimeAsync(6000);
    expect(s.core.stats.transport.dropped['bad-port']).toBe(6);
    expect(transport.sent.slice(mark)).toEqual([]);
    await controlAnswered(transport, mark);
    expectIntact(s);
  });

  it('on the real transport (fake sockets): port 0 to the IPv4 group, to our address and to the IPv6 group is dropped before attribution', async () => {
    resetFakeSockets();
    const transport = realTransport();
    const s = await stack(transport);
    const mark = sends.length;
    for (const to of ['224.0.0.251', '192.0.2.10']) arrive(to, control(2), PEER.address, 0);
    arrive('ff02::fb%eth0', control(3), 'fe80::99%eth0', 0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(transport.stats.dropped['bad-port']).toBe(3);
    expect(sends.slice(mark)).toEqual([]);
    arrive('224.0.0.251', control(4), PEER.address, LEGACY_PORT);
    await vi.advanceTimersByTimeAsync(50);
    expect(sends.slice(mark).map((x) => `${x.address}:${x.port}`)).toEqual([`${PEER.address}:${LEGACY_PORT}`]);
    expectControlReply(sends[mark]?.data, 4);
    expectIntact(s);
  });
});

describe('CVE-2009-0758: legacy-unicast reflection', () => {
  it('a legacy query spoofed from a multicast or broadcast source, and a response from a legacy port, are dropped; a legacy query claiming our own address gets one reply, and a reply is never a query', async () => {
    const transport = fake();
    const s = await stack(transport);
    const mark = transport.sent.length;
    transport.deliver({ data: control(1), source: { address: '224.0.0.251', port: 5353 } });
    transport.deliver({ data: control(2), source: { address: '224.0.0.251', port: LEGACY_PORT } });
    transport.deliver({ data: control(3), source: { address: '192.0.2.255', port: LEGACY_PORT } });
    transport.deliver({ data: control(4), family: 6, source: { address: 'ff02::fb', port: LEGACY_PORT } });
    // RFC 6762 §6: a response not from port 5353 is no mDNS response: no conflict, nothing cached.
    const theirs = encodePacket(response([srv(INSTANCE, 9, 'intruder.local'), a('reflected.local', PEER.address)]));
    transport.deliver({ data: theirs, source: { address: PEER.address, port: LEGACY_PORT } });
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.core.stats.transport.dropped['bad-source']).toBe(4);
    expect(s.core.stats.dropped['response-port']).toBe(1);
    expect(s.core.cache.atName('eth0', nameKey('reflected.local'))).toEqual([]);
    expect(transport.sent.slice(mark)).toEqual([]);
    // Our own address as the source of a legacy query: one legacy reply (a response, to that port), no more.
    transport.deliver({ data: control(5), source: { address: '192.0.2.10', port: LEGACY_PORT } });
    await vi.advanceTimersByTimeAsync(1000);
    const replies = sentPackets(transport, mark);
    expect(replies.map((r) => [r.target.address, r.target.port, r.packet.id, r.packet.flags & 0x8000])).toEqual([
      ['192.0.2.10', LEGACY_PORT, 5, 0x8000],
    ]);
    await controlAnswered(transport, transport.sent.length);
    expectIntact(s);
  });

  it('two responders on one link, each sent queries spoofed from the other (QU, legacy id, unicast): each answers once and the answers end there — no storm', async () => {
    const ta = fake();
    const tb = new FakeTransport([fakeInterface('eth0', '192.0.2.20', 'fe80::20')], () => Date.now());
    const link = new FakeLink([
      { transport: ta, v4: '192.0.2.10', v6: 'fe80::10' },
      { transport: tb, v4: '192.0.2.20', v6: 'fe80::20' },
    ]);
    const alpha = new Mdns({ core: new MdnsCore({ transport: ta, random: () => 0.5 }), hostName: 'alpha' });
    const beta = new Mdns({ core: new MdnsCore({ transport: tb, random: () => 0.5 }), hostName: 'beta' });
    const errors: BoasterError[] = [];
    for (const m of [alpha, beta]) m.on('error', (e) => errors.push(e));
    const published = Promise.all([alpha.publish({ ...SPEC, name: 'Alpha' }), beta.publish({ ...SPEC, name: 'Beta' })]);
    const run = async (ms: number): Promise<void> => {
      for (let t = 0; t < ms; t += 10) {
        link.pump();
        await vi.advanceTimersByTimeAsync(10);
      }
      link.pump();
    };
    await run(6000);
    const [sa, sb] = await published;
    const before = link.forwarded;
    const asked = (name: string, qu = false, id = 0): Uint8Array =>
      encodePacket({ id, flags: 0, questions: [q(`${name}._http._tcp.local`, 'SRV', qu)] });
    // Into each: a QU query, a query with a legacy id from port 5353, and a query sent to its
    // own address (§5.5: answered by unicast), every one claiming to come from the other.
    for (const [into, other, name] of [
      [ta, '192.0.2.20', 'Alpha'],
      [tb, '192.0.2.10', 'Beta'],
    ] as const) {
      into.deliver({ data: asked(name, true), source: { address: other, port: 5353 } });
      into.deliver({ data: asked(name, false, 0x77), source: { address: other, port: 5353 } });
      into.deliver({ data: asked(name), source: { address: other, port: 5353 }, destination: 'unicast' });
    }
    await run(10_000);
    // Six spoofed queries: at most one reply each (a unicast, or a multicast the other side hears),
    // and no reply to a reply.
    const exchanged = link.forwarded - before;
    expect(exchanged).toBeGreaterThan(0);
    expect(exchanged).toBeLessThanOrEqual(6);
    expect(errors).toEqual([]);
    expect([sa.name, sb.name]).toEqual(['Alpha', 'Beta']);
    await Promise.all([alpha.close(), beta.close()]);
  });
});

describe('CVE-2010-2244: a bad packet before a good one', () => {
  it('after a framing error, a count overrun, a bad known answer and odd but legal records, each next valid query is answered; a consumer that throws on a record is reported and the next packet still handled', async () => {
    const transport = fake();
    const s = await stack(transport);
    const odd = encodePacket(
      response([
        { name: 'odd.local', type: 'TXT', class: 1, ttl: 120, data: [] },
        { name: 'odd.local', type: 'PTR', class: 1, ttl: 120, data: '' },
        { name: 'odd.local', type: 'A', class: 254, ttl: 120, data: '0.0.0.0' },
        { name: 'odd.local', type: 'AAAA', class: 1, ttl: 1, data: '::' },
      ]),
    );
    const bad: [string, Uint8Array, number][] = [
      ['RDLENGTH overrun', overrunResponse('peer.local'), 5353],
      ['count overrun', countOverrunQuery(), LEGACY_PORT],
      ['odd records', odd, 5353],
    ];
    let id = 0x100;
    for (const [what, data, port] of bad) {
      const mark = transport.sent.length;
      transport.deliver({ data, source: { address: PEER.address, port } });
      expect(transport.sent.slice(mark), what).toEqual([]);
      await controlAnswered(transport, mark, id++);
    }
    // The bad known answer is dropped alone: the question beside it is answered.
    const mark = transport.sent.length;
    transport.deliver({
      data: badKnownAnswerQuery(0x200, INSTANCE),
      source: { address: PEER.address, port: LEGACY_PORT },
    });
    await vi.advanceTimersByTimeAsync(50);
    expectControlReply(transport.sent[mark]?.data, 0x200);
    expect(s.core.stats.malformed).toEqual({ RDLENGTH_OVERRUN: 1, COUNT_OVERRUN: 1, BAD_RDATA: 1 });
    expectIntact(s);
    // A consumer's assertion on a record: an INTERNAL error, and the packet after it is handled.
    s.core.intake.on('response', ({ packet }) => {
      if (packet.answers.some((r) => r.name === 'assert.local')) throw new Error('assertion failed on a record');
    });
    transport.deliver({ data: encodePacket(response([a('assert.local', PEER.address)])) });
    expect(s.errors.map((e) => e.split(':')[0])).toEqual(['INTERNAL']);
    s.errors.length = 0;
    await controlAnswered(transport, transport.sent.length, 0x300);
    expectIntact(s);
  });
});

describe('CVE-2011-1002: empty UDP packets', () => {
  it('a zero-length datagram, to the group, to our address, from 5353 or a legacy port, over IPv4 or IPv6, is counted EMPTY_PACKET; nothing is sent, no timer is left; a bare header is no query', async () => {
    const transport = fake();
    const s = await stack(transport);
    const mark = transport.sent.length;
    const timers = vi.getTimerCount();
    for (const port of [5353, LEGACY_PORT])
      for (const destination of ['multicast', 'unicast'] as const) {
        transport.deliver({ data: EMPTY, destination, source: { address: PEER.address, port } });
        transport.deliver({ data: EMPTY, destination, family: 6, source: { address: 'fe80::99', port } });
      }
    transport.deliver({ data: new Uint8Array(12), source: { address: PEER.address, port: LEGACY_PORT } });
    expect(vi.getTimerCount()).toBe(timers);
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.core.stats.malformed).toEqual({ EMPTY_PACKET: 8 });
    expect(transport.sent.slice(mark)).toEqual([]);
    await controlAnswered(transport, mark);
    expectIntact(s);
  });
});

describe('CVE-2017-6519: off-link queries and amplification', () => {
  it('on the real transport (fake sockets): legacy, QU, EDNS0 and unicast queries and conflicting responses from an off-link IPv4 source and an IPv6 global one get nothing at all; the service keeps its name; an on-link query is answered', async () => {
    resetFakeSockets();
    const transport = realTransport();
    const s = await stack(transport);
    const mark = sends.length;
    const edns = ednsPtrQuery(9, '_http._tcp.local');
    const qu = encodePacket(query([q(INSTANCE, 'SRV', true), q('_http._tcp.local', 'PTR', true)]));
    const theirs = encodePacket(response([srv(INSTANCE, 9, 'intruder.local')]));
    const offLink: [string, string][] = [
      ['224.0.0.251', '198.51.100.7'],
      ['192.0.2.10', '198.51.100.7'],
      ['ff02::fb%eth0', '2001:db8:7::7'],
      ['fe80::10%eth0', '2001:db8:7::7'],
    ];
    for (let round = 0; round < 2; round++)
      for (const [to, from] of offLink) {
        arrive(to, control(0x10 + round), from, LEGACY_PORT);
        arrive(to, edns, from, LEGACY_PORT);
        arrive(to, qu, from, 5353);
        arrive(to, theirs, from, 5353);
        await vi.advanceTimersByTimeAsync(300);
      }
    // Long enough for answers (20–120 ms, 400–500 ms after TC) and a re-probe after a conflict (§9).
    await vi.advanceTimersByTimeAsync(3000);
    expect(transport.stats.dropped['off-link']).toBe(32);
    expect(sends.slice(mark).map((x) => `${x.address}:${x.port}`)).toEqual([]);
    arrive('224.0.0.251', control(0x20), PEER.address, LEGACY_PORT);
    await vi.advanceTimersByTimeAsync(50);
    expect(sends.slice(mark).map((x) => `${x.address}:${x.port}`)).toEqual([`${PEER.address}:${LEGACY_PORT}`]);
    expectControlReply(sends[mark]?.data, 0x20);
    expectIntact(s);
  });
});

/** A record as `name TYPE data`. */
const recordText = (r: ResourceRecord): string => `${r.name} ${r.type} ${String(r.data)}`;

describe('CVE-2026-24401: self-referencing records', () => {
  /** Every question (`name TYPE`) of the IPv4 queries sent from `mark` on. */
  const asked = (transport: FakeTransport, mark: number): string[] =>
    sentPackets(transport, mark)
      .filter((x) => (x.packet.flags & 0x8000) === 0 && x.target.family === 4)
      .flatMap((x) => x.packet.questions.map((question) => `${question.name} ${question.type}`));

  it('CNAME loops (a→a, a→b→a), a PTR naming itself and an SRV targeting its own name: lookups settle (TIMEOUT, or what is valid), query() returns the records as they are, the cache does not grow on repeats, and nothing is asked once they settle', async () => {
    const transport = fake();
    const s = await stack(transport);
    const loops = encodePacket(response(selfReferences('_loop._tcp')));
    const deliverLoops = (): void => transport.deliver({ data: loops, source: { ...PEER } });
    const found: string[] = [];
    const up: string[] = [];
    const browser = s.mdns.browse('_loop._tcp');
    browser.on('found', (f) => found.push(f.fqdn));
    browser.on('up', (x) => up.push(x.fqdn));
    deliverLoops();
    transport.deliver({ data: encodePacket(response([a('good.local', PEER.address)])), source: { ...PEER } });
    await vi.advanceTimersByTimeAsync(10);
    const records = s.core.cache.stats.records;
    const outcome = (p: Promise<unknown>): Promise<string> =>
      p.then(
        (value) =>
          JSON.stringify(
            Array.isArray(value)
              ? value.map((v: unknown) =>
                  typeof v === 'object' && v !== null && 'type' in v ? recordText(v as ResourceRecord) : v,
                )
              : value,
          ),
        (error: unknown) => (error instanceof BoasterError ? error.code : String(error)),
      );
    const start = Date.now();
    const lookups = Promise.all([
      outcome(s.mdns.resolveHost('loop.local', { timeout: 3000 })),
      outcome(s.mdns.resolveHost('ping.local', { timeout: 3000 })),
      outcome(s.mdns.resolve('Self._loop._tcp.local', { timeout: 3000 })),
      outcome(s.mdns.resolveHost('good.local', { timeout: 3000 })),
      outcome(s.mdns.query({ name: 'loop.local', type: 'CNAME', wait: 1000 })),
      outcome(s.mdns.query({ name: 'ping.local', type: 'A', wait: 1000 })),
    ]);
    // The peer keeps repeating them while the lookups run.
    for (let i = 0; i < 50; i++) {
      deliverLoops();
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(3000);
    const settledAt = Date.now();
    expect(await lookups).toEqual([
      'TIMEOUT',
      'TIMEOUT',
      'TIMEOUT',
      JSON.stringify([PEER.address]),
      JSON.stringify(['loop.local CNAME loop.local']),
      '[]',
    ]);
    expect(settledAt - start).toBeLessThanOrEqual(4000);
    expect(s.core.cache.stats.records).toBe(records);
    // The PTR naming itself is no instance (RFC 6763 §4.1): only Self is found; it has no address, so never up.
    expect(found).toEqual(['Self._loop._tcp.local']);
    expect(up).toEqual([]);
    // Once settled, nobody asks for the loops' names again; the browser's own questions back off
    // (§5.2: 1, 2, 4, 8... s apart, so four at most in a minute that starts 4 s after the first).
    const mark = transport.sent.length;
    await vi.advanceTimersByTimeAsync(60_000);
    const later = asked(transport, mark);
    expect(later.filter((x) => /^(loop|ping|pong|good)\.local /.test(x))).toEqual([]);
    expect(later.filter((x) => x === '_loop._tcp.local PTR').length).toBeLessThanOrEqual(4);
    expect(later.filter((x) => x === 'Self._loop._tcp.local A').length).toBeLessThanOrEqual(4);
    browser.stop();
    expect(s.errors).toEqual([]);
  });

  it("an SRV whose target keeps changing: resolve() asks for the current target's addresses only, and settles with them", async () => {
    const transport = fake();
    const s = await stack(transport);
    const fqdn = 'Flip._loop._tcp.local';
    const resolving = s.mdns.resolve(fqdn, { timeout: 30_000 });
    const srvTo = (target: string): ResourceRecord[] => [
      srv(fqdn, 8080, target),
      { name: fqdn, type: 'TXT', class: 1, ttl: 4500, cacheFlush: true, data: [] },
    ];
    for (let i = 0; i < 10; i++) {
      transport.deliver({ data: encodePacket(response(srvTo(`t${i}.local`))), source: { ...PEER } });
      await vi.advanceTimersByTimeAsync(200);
    }
    const mark = transport.sent.length;
    await vi.advanceTimersByTimeAsync(5000);
    const addressQuestions = asked(transport, mark).filter((x) => / (A|AAAA)$/.test(x) && x.startsWith('t'));
    expect(new Set(addressQuestions)).toEqual(new Set(['t9.local A', 't9.local AAAA']));
    transport.deliver({ data: encodePacket(response([a('t9.local', PEER.address)])), source: { ...PEER } });
    await vi.advanceTimersByTimeAsync(10);
    expect((await resolving).addresses.map((x) => x.address)).toEqual([PEER.address]);
    expect(s.errors).toEqual([]);
  });
  it('the browser follows PTRs naming instances of its type only (RFC 6763 §4.1): a subtype PTR to one is followed, PTRs to a host or into another type are not', async () => {
    const transport = fake();
    const s = await stack(transport);
    const found = { all: [] as string[], sub: [] as string[] };
    s.mdns.browse('_loop._tcp').on('found', (f) => found.all.push(f.fqdn));
    s.mdns.browse('_loop._tcp', { subtype: '_printer' }).on('found', (f) => found.sub.push(f.fqdn));
    const ptrs: ResourceRecord[] = [
      { name: '_printer._sub._loop._tcp.local', type: 'PTR', class: 1, ttl: 4500, data: 'Sub._loop._tcp.local' },
      { name: '_loop._tcp.local', type: 'PTR', class: 1, ttl: 4500, data: 'Other._other._tcp.local' },
      { name: '_loop._tcp.local', type: 'PTR', class: 1, ttl: 4500, data: 'host.local' },
      { name: '_loop._tcp.local', type: 'PTR', class: 1, ttl: 4500, data: 'Dotted\\.name._loop._tcp.local' },
    ];
    transport.deliver({ data: encodePacket(response(ptrs)), source: { ...PEER } });
    await vi.advanceTimersByTimeAsync(10);
    expect(found).toEqual({ all: ['Dotted\\.name._loop._tcp.local'], sub: ['Sub._loop._tcp.local'] });
    expect(s.errors).toEqual([]);
  });
});

describe('found beside the CVE classes: a TTL past the timer range', () => {
  it('one cached record with the longest legal TTL (2^31 - 1 s, RFC 2181 §8) arms no timer past 2^31 - 1 ms, which Node fires after 1 ms, again and again', async () => {
    // A core with nothing else to do: the record's expiry is its only deadline.
    const transport = fake();
    const core = new MdnsCore({ transport, random: () => 0.5 });
    await core.start();
    void core.cache;
    const arming = vi.spyOn(globalThis, 'setTimeout');
    transport.deliver({ data: encodePacket(response([a('forever.local', PEER.address, LONGEST_TTL)])) });
    await vi.advanceTimersByTimeAsync(1000);
    const delays = arming.mock.calls.map((call) => Number(call[1]));
    arming.mockRestore();
    expect(delays.filter((ms) => ms > 0x7fffffff)).toEqual([]);
    expect(delays.length).toBeLessThanOrEqual(2);
    expect(core.cache.atName('eth0', nameKey('forever.local'))).toHaveLength(1);
    await core.close();
  });
});
