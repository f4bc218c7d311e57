/**
 * Bad input from the API, at the door (issue 12): every value below gets a
 * typed error at the call that brought it — the constructor, publish(),
 * rename(), updateTxt(), updatePort() — never a crash later in a timer, and
 * no promise rejects unobserved. Among them the classes of avahi's API CVEs:
 * CVE-2021-3502 (host names "a.", ".a", "a..b"), CVE-2023-1981 (an empty
 * alternative name), CVE-2023-38469 (TXT over 65,535 bytes),
 * CVE-2023-38470/38471 (labels with escapes), CVE-2023-38473 (an
 * alternative host name past 63 bytes); CVE-2007-3372 (an empty TXT) and
 * CVE-2023-38472 (empty RDATA) are valid input and must encode as RFC 6763
 * §6.1 says. Fake transport and clock: nothing on any network; the same
 * table runs on the real UDP transport in a lab host in
 * bad-input.lab.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Mdns } from '../../src/api/mdns.js';
import { Responder, type ResponderOptions } from '../../src/api/responder.js';
import { nextHostName } from '../../src/protocol/conflict-names.js';
import { serviceNames, serviceRecords, type ServiceSpec } from '../../src/records/service-records.js';
import { FakeTransport } from '../../src/transport/fake-transport.js';
import { BAD_OPTIONS, BAD_SPECS, SPEC } from './bad-input-table.js';
import { canonicalRdata } from '../../src/wire/canonical.js';
import { encodePacket } from '../../src/wire/encode.js';
import { fakeTransport, FIRST_ANNOUNCE, T0, useFakeClock } from '../protocol/helpers.js';
import { fakeInterface } from '../../src/transport/fake-transport.js';
import type { SendTarget } from '../../src/transport/transport.js';
import { TransportError } from '../../src/errors.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));
beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const asOptions = (o: Record<string, unknown>): ResponderOptions => o as ResponderOptions;

/** A fake transport whose sends fail while `failing` is set (the network unreachable). */
class FlakyTransport extends FakeTransport {
  failing = false;
  override async send(data: Uint8Array, target: SendTarget): Promise<void> {
    if (this.failing) throw new TransportError('NETWORK_UNREACHABLE', 'the network is unreachable');
    return super.send(data, target);
  }
}

describe('bad input gets a typed error at the call that brought it', () => {
  it.each(BAD_OPTIONS)('new Responder / new Mdns: %s', (_what, options, code) => {
    const transport = fakeTransport();
    expect(() => new Responder(asOptions({ transport, ...options }))).toThrow(expect.objectContaining({ code }));
    expect(() => new Mdns(asOptions({ transport, ...options }))).toThrow(expect.objectContaining({ code }));
    expect(transport.sent).toHaveLength(0);
  });

  it.each(BAD_SPECS)('publish(): %s', async (_what, change, code) => {
    const transport = fakeTransport();
    const responder = new Responder({ transport, hostName: 'testhost', random: () => 0.5 });
    await expect(responder.publish({ ...SPEC, ...change } as ServiceSpec)).rejects.toMatchObject({ code });
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE + 2000);
    // Nothing of it went out: no probe, no announcement.
    expect(transport.sent).toHaveLength(0);
    await responder.close();
    expect(unhandled).toEqual([]);
  });

  it('publish() with no interface to send on rejects with NO_INTERFACE, and close() after it rejects nothing', async () => {
    const responder = new Responder({ transport: new FakeTransport([], () => Date.now()), hostName: 'testhost' });
    await expect(responder.publish(SPEC)).rejects.toMatchObject({ code: 'NO_INTERFACE' });
    await responder.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(unhandled).toEqual([]);
  });

  it('rename(), updateTxt() and updatePort() refuse what publish() refuses, and the service goes on', async () => {
    const transport = fakeTransport();
    const responder = new Responder({ transport, hostName: 'testhost', random: () => 0.5 });
    const published = responder.publish(SPEC);
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE);
    const service = await published;
    await expect(service.rename('')).rejects.toMatchObject({ code: 'BAD_NAME' });
    await expect(service.rename('tab\there')).rejects.toMatchObject({ code: 'BAD_NAME' });
    expect(() => service.updateTxt(Array.from({ length: 40 }, () => new Uint8Array(250)))).toThrow(
      expect.objectContaining({ code: 'RECORD_TOO_LARGE' }),
    );
    expect(() => service.updatePort(-1)).toThrow(expect.objectContaining({ code: 'BAD_PORT' }));
    expect(service.state).toBe('announced');
    expect(service.name).toBe('svc');
    await responder.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(unhandled).toEqual([]);
  });

  it('a trailing .local on hostName is the domain, never doubled', () => {
    expect(new Responder({ transport: fakeTransport(), hostName: 'x.local' }).hostName).toBe('x.local');
    expect(new Responder({ transport: fakeTransport(), hostName: 'X.LOCAL.' }).hostName).toBe('X.local');
    expect(new Responder({ transport: fakeTransport(), hostName: 'x' }).hostName).toBe('x.local');
  });

  it('an empty TXT (CVE-2007-3372) and empty RDATA (CVE-2023-38472) go on the wire as a single zero byte (RFC 6763 §6.1)', () => {
    for (const txt of [{}, [], [new Uint8Array(0)], undefined]) {
      const spec = { ...SPEC, ...(txt === undefined ? {} : { txt }) } as ServiceSpec;
      const record = serviceRecords(spec, serviceNames(spec), 'testhost.local').find(
        (r) => r.record.type === 'TXT',
      )?.record;
      if (!record) throw new Error('no TXT record');
      expect([...canonicalRdata(record)]).toEqual([0]);
    }
  });

  it('an alternative host name stays one label of at most 63 bytes (CVE-2023-38473)', () => {
    for (const name of ['x'.repeat(63), `${'€'.repeat(21)}`, 'host-9', 'host-99']) {
      const next = nextHostName(name);
      expect(new TextEncoder().encode(next).length).toBeLessThanOrEqual(63);
      expect(next).not.toBe(name);
      expect(next).not.toContain('.');
    }
  });

  it('publish() rejects with SEND_FAILED when no announcement reaches the network, and resolves on the first that does', async () => {
    const dead = new FlakyTransport([fakeInterface()], () => Date.now());
    dead.failing = true;
    const responder = new Responder({ transport: dead, hostName: 'testhost', random: () => 0.5 });
    responder.on('error', () => undefined);
    const service = responder.register(SPEC);
    const outcome = service.announced.then(
      () => 'announced',
      (e: { code: string }) => `${e.code} ${Date.now() - T0}`,
    );
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE + 3000 + 100);
    expect(await outcome).toBe(`SEND_FAILED ${FIRST_ANNOUNCE + 3000}`);
    expect(service.state).toBe('stopped');
    expect(responder.services).toEqual([]);
    await responder.close();

    const flaky = new FlakyTransport([fakeInterface()], () => Date.now());
    flaky.failing = true;
    const second = new Responder({ transport: flaky, hostName: 'testhost', random: () => 0.5 });
    second.on('error', () => undefined);
    const start = Date.now();
    const later = second.register(SPEC);
    const at = later.announced.then(() => Date.now() - start);
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE + 500);
    expect(later.state).toBe('announcing');
    flaky.failing = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(await at).toBe(FIRST_ANNOUNCE + 1000);
    expect(later.state).toBe('announced');
    await second.close();
    expect(unhandled).toEqual([]);
  });

  it('nothing rejects unobserved when a service is dropped half-way: close() or stop() during probing, a rename cut short, a register() whose announced nobody reads', async () => {
    const transport = fakeTransport();
    const responder = new Responder({ transport, hostName: 'testhost', random: () => 0.5 });
    const ignored = responder.register({ ...SPEC, name: 'ignored' });
    const stopped = responder.register({ ...SPEC, name: 'stopped' });
    const published = responder.publish({ ...SPEC, name: 'awaited' });
    const outcome = published.then(
      () => 'announced',
      (e: { code: string }) => e.code,
    );
    await vi.advanceTimersByTimeAsync(200);
    await stopped.stop();
    expect(stopped.state).toBe('stopped');
    await responder.close();
    expect(await outcome).toBe('CLOSED');
    expect(ignored.state).toBe('stopped');
    const second = new Responder({ transport: fakeTransport(), hostName: 'testhost', random: () => 0.5 });
    const first = second.publish(SPEC);
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE);
    const service = await first;
    const renaming = service.rename('Another').catch((e: { code: string }) => e.code);
    await vi.advanceTimersByTimeAsync(50);
    await second.close();
    expect(await renaming).toBe('CLOSED');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(unhandled).toEqual([]);
  });

  it('stop() right after register() keeps it off the network; close() before the core started announces nothing later', async () => {
    const transport = fakeTransport();
    const responder = new Responder({ transport, hostName: 'testhost', random: () => 0.5 });
    const early = responder.register({ ...SPEC, name: 'early' });
    const outcome = early.announced.then(
      () => 'announced',
      (e: { code: string }) => e.code,
    );
    await early.stop();
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE + 3000);
    expect(await outcome).toBe('STOPPED');
    expect(early.state).toBe('stopped');
    const named = transport.sent.filter((p) => Buffer.from(p.data).includes(Buffer.from('early')));
    expect(named).toEqual([]);
    await responder.close();

    const shared = fakeTransport();
    const mdns = new Mdns({ transport: shared, hostName: 'testhost', random: () => 0.5 });
    const ghost = mdns.responder.register({ ...SPEC, name: 'ghost' });
    void ghost.announced.catch(() => undefined);
    await mdns.close();
    const sentAtClose = shared.sent.length;
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE + 5000);
    expect(shared.sent.length).toBe(sentAtClose);
    expect(unhandled).toEqual([]);
  });

  it('a re-announcement that cannot be sent leaves an announced service announced (not withdrawn)', async () => {
    const transport = new FlakyTransport([fakeInterface()], () => Date.now());
    const responder = new Responder({ transport, hostName: 'testhost', random: () => 0.5 });
    responder.on('error', () => undefined);
    const published = responder.publish(SPEC);
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE);
    const service = await published;
    transport.failing = true;
    transport.emit('interfaceUp', fakeInterface());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(service.state).toBe('announced');
    expect(responder.services).toEqual([service]);
    await responder.close();
  });

  it('an announcement that failed to send does not count as multicast: a query just after it is answered at once (RFC 6762 §6.2)', async () => {
    const transport = new FlakyTransport([fakeInterface()], () => Date.now());
    const responder = new Responder({ transport, hostName: 'testhost', random: () => 0.5 });
    responder.on('error', () => undefined);
    const service = responder.register(SPEC);
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE - 1);
    transport.failing = true;
    await vi.advanceTimersByTimeAsync(1);
    transport.failing = false;
    const mark = transport.sent.length;
    transport.deliver({
      data: encodePacket({ id: 0, flags: 0, questions: [{ name: service.fullName, type: 'SRV' }] }),
      interface: 'eth0',
      source: { address: '192.0.2.99', port: 5353 },
    });
    await vi.advanceTimersByTimeAsync(20);
    expect(transport.sent.length, 'the SRV was held back as if it had just been multicast').toBeGreaterThan(mark);
    await responder.close();
  });
});
