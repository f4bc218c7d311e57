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
 * §6.1 says. Fake transport and clock: nothing on any network.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Mdns } from '../../src/api/mdns.js';
import { Responder, type ResponderOptions } from '../../src/api/responder.js';
import { nextHostName } from '../../src/protocol/conflict-names.js';
import { serviceNames, serviceRecords, type ServiceSpec } from '../../src/records/service-records.js';
import { FakeTransport } from '../../src/transport/fake-transport.js';
import { canonicalRdata } from '../../src/wire/canonical.js';
import { fakeTransport, FIRST_ANNOUNCE, useFakeClock } from '../protocol/helpers.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));
beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const SPEC: ServiceSpec = { name: 'svc', type: '_http._tcp', port: 80 };
const asOptions = (o: Record<string, unknown>): ResponderOptions => o as ResponderOptions;

/** Constructor options refused, with the code each gets. */
const BAD_OPTIONS: [string, Record<string, unknown>, string][] = [
  ['hostName "a." (CVE-2021-3502)', { hostName: 'a.' }, 'BAD_HOST_NAME'],
  ['hostName ".a" (CVE-2021-3502)', { hostName: '.a' }, 'BAD_HOST_NAME'],
  ['hostName "a..b" (CVE-2021-3502)', { hostName: 'a..b' }, 'BAD_HOST_NAME'],
  ['hostName ""', { hostName: '' }, 'BAD_HOST_NAME'],
  ['hostName ".local"', { hostName: '.local' }, 'BAD_HOST_NAME'],
  ['hostName of 64 bytes', { hostName: 'x'.repeat(64) }, 'BAD_HOST_NAME'],
  ['hostName of 22 three-byte characters (66 bytes)', { hostName: '€'.repeat(22) }, 'BAD_HOST_NAME'],
  ['hostName with an escape (CVE-2023-38470)', { hostName: 'a\\.b' }, 'BAD_HOST_NAME'],
  ['hostName with a control character', { hostName: 'a\u0007b' }, 'BAD_HOST_NAME'],
  ['hostName not a string', { hostName: 42 }, 'BAD_HOST_NAME'],
  ['hostTtl 0 (every address a goodbye)', { hostTtl: 0 }, 'BAD_TTL'],
  ['hostTtl 1e12', { hostTtl: 1e12 }, 'BAD_TTL'],
  ['interfaces as a string from JavaScript', { interfaces: 'eth0' }, 'BAD_OPTION'],
  ['interfaces with an empty name', { interfaces: [''] }, 'BAD_OPTION'],
  ['ipv4 and ipv6 both false', { ipv4: false, ipv6: false }, 'BAD_OPTION'],
  ['ipv6 not a boolean', { ipv6: 'no' }, 'BAD_OPTION'],
  ['subnets not CIDRs', { subnets: ['lan'] }, 'BAD_OPTION'],
];

/** Service specs publish() refuses. */
const BAD_SPECS: [string, Record<string, unknown>, string][] = [
  ['an empty instance name (CVE-2023-1981)', { name: '' }, 'BAD_NAME'],
  ['a control character in the instance name (RFC 6763 §4.1.1)', { name: 'bell\u0007' }, 'BAD_NAME'],
  ['a newline in the instance name', { name: 'two\nlines' }, 'BAD_NAME'],
  ['an instance name of 64 bytes', { name: 'n'.repeat(64) }, 'LABEL_TOO_LONG'],
  ['a type without underscore', { type: 'http._tcp' }, 'BAD_TYPE'],
  ['port 65536', { port: 65_536 }, 'BAD_PORT'],
  ['port "80" from JavaScript', { port: '80' }, 'BAD_PORT'],
  ['port 80.5', { port: 80.5 }, 'BAD_PORT'],
  ['ttl.other -1', { ttl: { other: -1 } }, 'BAD_TTL'],
  ['ttl.host 1e12', { ttl: { host: 1e12 } }, 'BAD_TTL'],
  ['ttl.host 0 (records as goodbyes)', { ttl: { host: 0 } }, 'BAD_TTL'],
  ['domain ""', { domain: '' }, 'BAD_DOMAIN'],
  ['domain "a..b"', { domain: 'a..b' }, 'BAD_DOMAIN'],
  ['a 10 kB TXT', { txt: Array.from({ length: 40 }, () => new Uint8Array(250)) }, 'RECORD_TOO_LARGE'],
  ['a TXT over 65,535 bytes (CVE-2023-38469)', { txt: Array.from({ length: 300 }, () => new Uint8Array(250)) }, 'RECORD_TOO_LARGE'],
  ['a TXT value over 255 bytes', { txt: { k: 'v'.repeat(300) } }, 'STRING_TOO_LONG'],
  ['a subtype that is not one label', { subtypes: ['_a._b'] }, 'BAD_SUBTYPE'],
];

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
    expect(() => service.updateTxt(Array.from({ length: 40 }, () => new Uint8Array(250)))).toThrow(expect.objectContaining({ code: 'RECORD_TOO_LARGE' }));
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
      const record = serviceRecords(spec, serviceNames(spec), 'testhost.local').find((r) => r.record.type === 'TXT')?.record;
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
});
