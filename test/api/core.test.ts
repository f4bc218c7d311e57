/**
 * One mDNS core per process: a Responder built on a shared core uses its
 * transport, intake and timers, leaves it open on close(), and another
 * consumer attached to the same intake sees the same packets decoded once.
 * A full cache says so (CACHE_FULL), once per interval.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Responder } from '../../src/api/responder.js';
import type { Incoming } from '../../src/core/intake.js';
import { MdnsCore } from '../../src/core/core.js';
import { encodePacket } from '../../src/wire/encode.js';
import { fakeTransport, FIRST_ANNOUNCE, INSTANCE, PEER, q, SPEC, useFakeClock } from '../protocol/helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

describe('MdnsCore', () => {
  it('a Responder on a shared core answers through it; a second consumer sees every query; close() leaves the core open', async () => {
    const transport = fakeTransport();
    const core = new MdnsCore({ transport, random: () => 0.5 });
    const seen: Incoming[] = [];
    core.intake.on('query', (incoming) => seen.push(incoming));
    const responder = new Responder({ core, hostName: 'testhost' });
    const published = responder.publish(SPEC);
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE);
    await published;
    await vi.advanceTimersByTimeAsync(5000);
    const mark = transport.sent.length;
    transport.deliver({
      data: encodePacket({ id: 0, flags: 0, questions: [q(INSTANCE, 'SRV')] }),
      interface: 'eth0',
      source: { ...PEER },
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(transport.sent.length).toBeGreaterThan(mark);
    expect(seen.map((i) => i.packet.questions[0]?.name)).toEqual([INSTANCE]);
    await responder.close();
    // The core is still running: it can send, and it is closed by its owner.
    await expect(transport.send(Uint8Array.of(0), { interface: 'eth0', family: 4 })).resolves.toBeUndefined();
    await core.close();
    await expect(transport.send(Uint8Array.of(0), { interface: 'eth0', family: 4 })).rejects.toMatchObject({
      code: 'CLOSED',
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a Responder given a core and its own transport is refused with BAD_OPTION', () => {
    const transport = fakeTransport();
    expect(() => new Responder({ core: new MdnsCore({ transport }), transport })).toThrow(
      expect.objectContaining({ code: 'BAD_OPTION' }),
    );
  });

  it('start() is shared: the transport starts once however many consumers ask', async () => {
    const transport = fakeTransport();
    const start = vi.spyOn(transport, 'start');
    const core = new MdnsCore({ transport });
    await Promise.all([core.start(), core.start()]);
    expect(start).toHaveBeenCalledTimes(1);
    await core.close();
    await expect(core.start()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('a full cache reports CACHE_FULL with the count evicted, at most once per 10 s', async () => {
    const transport = fakeTransport();
    const core = new MdnsCore({ transport, random: () => 0.5, cache: { maxRecords: 3 } });
    const errors: { code: string; message: string }[] = [];
    core.onError((e) => errors.push({ code: e.code, message: e.message }));
    void core.cache;
    const announce = (first: number, count: number): void =>
      transport.deliver({
        data: encodePacket({
          id: 0,
          flags: 0x8400,
          answers: Array.from({ length: count }, (_, i) => ({
            name: `h${first + i}.local`,
            type: 'A' as const,
            class: 1,
            ttl: 120,
            data: PEER.address,
          })),
        }),
        interface: 'eth0',
        source: { ...PEER },
      });
    announce(0, 3);
    await vi.advanceTimersByTimeAsync(10);
    expect(errors).toEqual([]);
    announce(3, 2);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(errors.map((e) => e.code)).toEqual(['CACHE_FULL']);
    expect(errors[0]?.message).toMatch(/full \(3 records\): 1 evicted.*maxRecords/);
    announce(5, 1);
    await vi.advanceTimersByTimeAsync(1_100);
    announce(6, 1);
    await vi.advanceTimersByTimeAsync(10);
    expect(errors.map((e) => e.code)).toEqual(['CACHE_FULL', 'CACHE_FULL']);
    expect(errors[1]?.message).toMatch(/: 4 evicted/);
    expect(core.cache.stats).toEqual({ records: 3, evicted: 4 });
    await core.close();
  });

  it('a responder lists its services and counts; a service tells its port, TXT, subtypes, host and state', async () => {
    const transport = fakeTransport();
    const responder = new Responder({ transport, hostName: 'testhost', random: () => 0.5 });
    const published = responder.publish({ ...SPEC, subtypes: ['_printer'], txt: { path: '/', flag: true } });
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE);
    const service = await published;
    expect(responder.services).toEqual([service]);
    expect({
      port: service.port,
      txt: service.txt,
      subtypes: service.subtypes,
      host: service.host,
      state: service.state,
    }).toEqual({
      port: 8080,
      txt: { path: '/', flag: true },
      subtypes: ['_printer'],
      host: 'testhost.local',
      state: 'announced',
    });
    service.updatePort(9090);
    expect(service.port).toBe(9090);
    transport.deliver({ data: Uint8Array.of(1, 2, 3), interface: 'eth0', source: { ...PEER } });
    const stats = responder.stats;
    expect(stats.transport.sent).toBeGreaterThan(0);
    expect(stats.malformed).toEqual({ TRUNCATED: 1 });
    expect(stats.conflicts).toBe(0);
    await service.stop();
    expect(responder.services).toEqual([]);
    await responder.close();
  });

  it('logger.debug hears each probe and how each query was answered; without it nothing is built', async () => {
    const transport = fakeTransport();
    const lines: string[] = [];
    const responder = new Responder({
      transport,
      hostName: 'testhost',
      random: () => 0.5,
      logger: { debug: (m) => lines.push(m) },
    });
    const published = responder.publish(SPEC);
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE);
    await published;
    await vi.advanceTimersByTimeAsync(5000);
    transport.deliver({
      data: encodePacket({ id: 0, flags: 0, questions: [q(INSTANCE, 'SRV')] }),
      interface: 'eth0',
      source: { ...PEER },
    });
    transport.deliver({
      data: encodePacket({ id: 0, flags: 0, questions: [q('nobody.local', 'A')] }),
      interface: 'eth0',
      source: { ...PEER },
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(lines).toContain('probing host "testhost" (RFC 6762 §8.1)');
    expect(lines).toContain('probing service "Svc" (RFC 6762 §8.1)');
    expect(lines).toContain(
      `query from ${PEER.address}|${PEER.port} on eth0 (${INSTANCE} SRV; 0 known answers): 1 answers, multicast at once`,
    );
    expect(lines).toContain(
      `query from ${PEER.address}|${PEER.port} on eth0 (nobody.local A; 0 known answers): nothing of ours answers it`,
    );
    await responder.close();
  });
});
