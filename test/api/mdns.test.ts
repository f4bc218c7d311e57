/**
 * The querier's public side on the fake clock: browse finds a peer's
 * service (up with host, port, addresses, TXT), follows its TXT change
 * (update) and its goodbye (down, one second later, RFC 6762 §10.1);
 * resolve() and resolveHost() answer from the link, time out and abort;
 * a browser beside a publisher in one Mdns sees the published service.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServiceInstance } from '../../src/querier/service-view.js';
import { Mdns } from '../../src/api/mdns.js';
import { MdnsCore } from '../../src/core/core.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { ResourceRecord } from '../../src/wire/model.js';
import { fakeTransport, PEER, sentPackets, T0, useFakeClock } from '../protocol/helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const TYPE = '_http._tcp.local';
const INSTANCE = `Büro Drucker\\. 2.${TYPE}`;
const enc = new TextEncoder();

function peerRecords(txt: string, ttl = 120): ResourceRecord[] {
  return [
    { name: TYPE, type: 'PTR', class: 1, ttl: ttl === 0 ? 0 : 4500, data: INSTANCE },
    {
      name: INSTANCE,
      type: 'SRV',
      class: 1,
      ttl,
      cacheFlush: true,
      data: { priority: 0, weight: 0, port: 631, target: 'peer.local' },
    },
    { name: INSTANCE, type: 'TXT', class: 1, ttl: ttl === 0 ? 0 : 4500, cacheFlush: true, data: [enc.encode(txt)] },
    { name: 'peer.local', type: 'A', class: 1, ttl, cacheFlush: true, data: PEER.address },
    { name: 'peer.local', type: 'AAAA', class: 1, ttl, cacheFlush: true, data: 'fe80::99' },
  ];
}

async function setup() {
  const transport = fakeTransport();
  const core = new MdnsCore({ transport, random: () => 0.5 });
  const mdns = new Mdns({ core, hostName: 'testhost' });
  const announce = (records: ResourceRecord[]): void =>
    transport.deliver({
      data: encodePacket({ id: 0, flags: 0x8400, answers: records }),
      interface: 'eth0',
      source: { ...PEER },
    });
  return { transport, core, mdns, announce };
}

describe('Mdns.browse', () => {
  it('reports a peer service up, its TXT change as an update, and its goodbye as down one second later', async () => {
    const { mdns, announce } = await setup();
    const browser = mdns.browse('_http._tcp');
    const events: string[] = [];
    let up: ServiceInstance | undefined;
    browser.on('up', (s) => {
      up = s;
      events.push(`up ${Date.now() - T0}`);
    });
    browser.on('update', (s, before) => events.push(`update ${String(before.txt['v'])}→${String(s.txt['v'])}`));
    browser.on('down', (s) => events.push(`down ${s.name} ${Date.now() - T0}`));
    await vi.advanceTimersByTimeAsync(100);
    announce(peerRecords('v=1'));
    await vi.advanceTimersByTimeAsync(10);
    expect(up).toMatchObject({
      name: 'Büro Drucker. 2',
      type: '_http._tcp',
      domain: 'local',
      host: 'peer.local',
      port: 631,
      txt: { v: '1' },
      interfaces: ['eth0'],
      addresses: [
        { address: PEER.address, family: 4, interface: 'eth0' },
        { address: 'fe80::99%eth0', family: 6, interface: 'eth0' },
      ],
    });
    await vi.advanceTimersByTimeAsync(2_000);
    announce([peerRecords('v=2')[2] as ResourceRecord]);
    await vi.advanceTimersByTimeAsync(10);
    await vi.advanceTimersByTimeAsync(5_000);
    announce(peerRecords('v=2', 0));
    await vi.advanceTimersByTimeAsync(999);
    expect(events).toEqual(['up 100', 'update 1→2']);
    await vi.advanceTimersByTimeAsync(1);
    expect(events).toEqual(['up 100', 'update 1→2', 'down Büro Drucker. 2 8120']);
    expect(browser.services).toEqual([]);
    await mdns.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('yields the same events to for await, and ends when stopped', async () => {
    const { mdns, announce } = await setup();
    const controller = new AbortController();
    const browser = mdns.browse('_http._tcp', { signal: controller.signal });
    const seen: string[] = [];
    const loop = (async () => {
      for await (const event of browser) seen.push(`${event.type} ${event.service.port}`);
    })();
    await vi.advanceTimersByTimeAsync(100);
    announce(peerRecords('v=1'));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await loop;
    expect(seen).toEqual(['up 631']);
    await mdns.close();
  });

  it('tells found when a PTR names an instance, before it resolves, and lost when the PTR goes (avahi-browse + and -)', async () => {
    const { mdns, announce } = await setup();
    const browser = mdns.browse('_http._tcp');
    const events: string[] = [];
    browser.on('found', (f) =>
      events.push(`found ${f.name} ${f.type} ${f.domain} ${f.interface} IPv${f.family} ${Date.now() - T0}`),
    );
    browser.on('lost', (f) => events.push(`lost ${f.name} ${Date.now() - T0}`));
    browser.on('up', (s) => events.push(`up ${s.name}`));
    await vi.advanceTimersByTimeAsync(100);
    const [ptrRecord] = peerRecords('v=1');
    announce([ptrRecord as ResourceRecord]);
    await vi.advanceTimersByTimeAsync(10);
    announce([ptrRecord as ResourceRecord]);
    await vi.advanceTimersByTimeAsync(10);
    expect(events).toEqual(['found Büro Drucker. 2 _http._tcp local eth0 IPv4 100']);
    announce([{ ...(ptrRecord as ResourceRecord), ttl: 0 }]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(events).toEqual(['found Büro Drucker. 2 _http._tcp local eth0 IPv4 100', 'lost Büro Drucker. 2 1120']);
    await mdns.close();
  });

  it('asks its first PTR query with the unicast-response bit (RFC 6762 §5.4), the next ones without', async () => {
    const { transport, mdns } = await setup();
    mdns.browse('_http._tcp');
    await vi.advanceTimersByTimeAsync(1_200);
    const ptrQueries = sentPackets(transport)
      .filter((s) => s.target.family === 4 && (s.packet.flags & 0x8000) === 0)
      .flatMap((s) => s.packet.questions.filter((x) => x.type === 'PTR'));
    expect(ptrQueries.map((x) => x.unicastResponse === true)).toEqual([true, false]);
    await mdns.close();
  });

  it('refuses a malformed type with BAD_OPTION', async () => {
    const { mdns } = await setup();
    expect(() => mdns.browse('http')).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    await mdns.close();
  });

  it('a browser beside a publisher sees the published service (the local host is a peer)', async () => {
    const { mdns } = await setup();
    const browser = mdns.browse('_http._tcp');
    const found: ServiceInstance[] = [];
    browser.on('up', (s) => found.push(s));
    const published = mdns.publish({ name: 'Local One', type: '_http._tcp', port: 8080, txt: { id: 'a1' } });
    await vi.advanceTimersByTimeAsync(1_000);
    await published;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ name: 'Local One', host: 'testhost.local', port: 8080, txt: { id: 'a1' } });
    await mdns.close();
  });
});

describe('Mdns.resolve and resolveHost', () => {
  it('resolve() asks for SRV and TXT, then the host, and answers with the instance', async () => {
    const { mdns, announce, transport } = await setup();
    const resolving = mdns.resolve({ name: 'Büro Drucker. 2', type: '_http._tcp' });
    await vi.advanceTimersByTimeAsync(100);
    const asked = transport.sent.length;
    expect(asked).toBeGreaterThan(0);
    announce(peerRecords('v=1').slice(1, 3));
    await vi.advanceTimersByTimeAsync(100);
    announce(peerRecords('v=1').slice(3));
    await expect(resolving).resolves.toMatchObject({ host: 'peer.local', port: 631, txt: { v: '1' } });
    await mdns.close();
  });

  it('resolveHost() gives IPv4 first, IPv6 link-local with its zone; family 4 only IPv4', async () => {
    const { mdns, announce } = await setup();
    const both = mdns.resolveHost('peer.local');
    const four = mdns.resolveHost('peer.local', { family: 4 });
    await vi.advanceTimersByTimeAsync(100);
    announce(peerRecords('v=1').slice(3));
    await expect(both).resolves.toEqual([PEER.address, 'fe80::99%eth0']);
    await expect(four).resolves.toEqual([PEER.address]);
    await mdns.close();
  });

  it('times out with TIMEOUT, aborts with ABORTED, and leaves no query behind', async () => {
    const { mdns, transport } = await setup();
    const timing = mdns.resolveHost('nobody.local', { timeout: 3_000 });
    const expectation = expect(timing).rejects.toMatchObject({ code: 'TIMEOUT' });
    await vi.advanceTimersByTimeAsync(3_000);
    await expectation;
    const controller = new AbortController();
    const aborting = mdns.resolve(`x.${TYPE}`, { signal: controller.signal });
    controller.abort();
    await expect(aborting).rejects.toMatchObject({ code: 'ABORTED' });
    const mark = transport.sent.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.sent.length).toBe(mark);
    await mdns.close();
  });

  it('query() collects the answers to one question', async () => {
    const { mdns, announce } = await setup();
    const asking = mdns.query({ name: 'peer.local', type: 'A', wait: 500 });
    await vi.advanceTimersByTimeAsync(100);
    announce(peerRecords('v=1').slice(3));
    await vi.advanceTimersByTimeAsync(400);
    const records = await asking;
    expect(records.map((r) => [r.type, r.data])).toEqual([['A', PEER.address]]);
    await mdns.close();
  });
});

describe('Mdns.browseTypes (RFC 6763 §9)', () => {
  const enumerated = (type: string, ttl = 4500): ResourceRecord => ({
    name: '_services._dns-sd._udp.local',
    type: 'PTR',
    class: 1,
    ttl,
    data: type,
  });

  it('reports each type up once and down after its goodbye; close() stops it on a shared core', async () => {
    const { core, mdns, announce } = await setup();
    await core.start();
    const types = mdns.browseTypes();
    const events: string[] = [];
    types.on('up', (t) => events.push(`up ${t}`));
    types.on('down', (t) => events.push(`down ${t}`));
    announce([enumerated('_http._tcp.local'), enumerated('_ipp._tcp.local')]);
    announce([enumerated('_http._tcp.local')]);
    expect(types.types).toEqual(['_http._tcp', '_ipp._tcp']);
    announce([enumerated('_ipp._tcp.local', 0)]);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(events).toEqual(['up _http._tcp', 'up _ipp._tcp', 'down _ipp._tcp']);
    await mdns.close();
    // The core is the caller's and lives on: a stopped type browser hears nothing of it.
    announce([enumerated('_ssh._tcp.local')]);
    expect(events).toHaveLength(3);
    expect(core.cache.listenerCount('added')).toBe(0);
    types.stop();
  });
});
