/**
 * The in-process stack the unit side of the CVE tests (cve.test.ts) attacks:
 * a `Mdns` publishing SPEC and browsing `_http._tcp` on the fake clock,
 * over `FakeTransport` or over the real `UdpTransport` on fake sockets
 * (the test file mocks `sockets.ts` with fake-sockets.ts), and the legacy
 * control query whose exact answer shows the stack still works.
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { expect, vi } from 'vitest';
import { Mdns } from '../../../src/api/mdns.js';
import { MdnsCore } from '../../../src/core/core.js';
import { FakeTransport, fakeInterface } from '../../../src/transport/fake-transport.js';
import type { Transport } from '../../../src/transport/transport.js';
import { UdpTransport } from '../../../src/transport/udp-transport.js';
import { decodePacket } from '../../../src/wire/decode.js';
import { encodePacket } from '../../../src/wire/encode.js';
import { advanceTo, FIRST_ANNOUNCE, INSTANCE, PEER, q, SPEC, srv } from '../../protocol/helpers.js';
import { EMPTY } from './hostile-packets.js';

/** After the browser's queries at 5,070, 6,070, 8,070 and 12,070 ms, its next goes at 20,070: quiet until then. */
export const QUIET_FROM = 12_500;
export const LEGACY_PORT = 40_000;

/** A Mdns publishing SPEC and browsing `_http._tcp` on `transport`; errors of every kind collected. */
export async function stack(transport: Transport = new FakeTransport([fakeInterface()], () => Date.now())) {
  const core = new MdnsCore({ transport, random: () => 0.5 });
  const errors: string[] = [];
  core.onError((e) => errors.push(`${e.code}: ${e.message}`));
  transport.on('error', (e) => errors.push(`${e.code}: ${e.message}`));
  const mdns = new Mdns({ core, hostName: 'testhost' });
  mdns.on('error', () => undefined);
  await core.start();
  const published = mdns.publish(SPEC);
  await advanceTo(FIRST_ANNOUNCE);
  const service = await published;
  await advanceTo(5000);
  const browser = mdns.browse('_http._tcp');
  await advanceTo(QUIET_FROM);
  expect(browser.services.map((s) => s.name)).toEqual(['Svc']);
  return { core, mdns, service, browser, errors };
}

export type Stack = Awaited<ReturnType<typeof stack>>;

/** A legacy SRV query for our instance (RFC 6762 §6.7), the control every test ends with. */
export const control = (id: number): Uint8Array => encodePacket({ id, flags: 0, questions: [q(INSTANCE, 'SRV')] });

/** The one SRV of the legacy reply `data` to query `id`: our port and host, TTL at most 10 s (§6.7). */
export function expectControlReply(data: Uint8Array | undefined, id: number): void {
  expect(data, 'the valid query after the hostile packets got no reply').toBeDefined();
  const reply = decodePacket(data ?? EMPTY);
  expect(reply.id).toBe(id);
  expect(reply.answers).toEqual([{ ...srv(INSTANCE, 8080, 'testhost.local', 10), cacheFlush: false }]);
}

/** Send the control over FakeTransport and check its reply is the only thing sent from `mark` on. */
export async function controlAnswered(transport: FakeTransport, mark: number, id = 0x4242): Promise<void> {
  transport.deliver({ data: control(id), source: { address: PEER.address, port: LEGACY_PORT } });
  await vi.advanceTimersByTimeAsync(50);
  const sent = transport.sent.slice(mark);
  expect(sent.map((s) => s.target)).toEqual([
    { interface: 'eth0', family: 4, address: PEER.address, port: LEGACY_PORT },
  ]);
  expectControlReply(sent[0]?.data, id);
}

/** Nothing of ours changed and nothing went wrong. */
export function expectIntact(s: Stack): void {
  expect(s.errors).toEqual([]);
  expect(s.service.name).toBe('Svc');
  expect(s.service.state).toBe('announced');
  expect(s.browser.services.map((x) => `${x.name} ${x.port}`)).toEqual(['Svc 8080']);
}

export const fake = (): FakeTransport => new FakeTransport([fakeInterface()], () => Date.now());

/** `UdpTransport` on the fake sockets, with eth0 = 192.0.2.10/24 and fe80::10/64 and no sysfs. */
export function realTransport(): UdpTransport {
  const mac = '02:00:00:00:00:10';
  const eth0: NetworkInterfaceInfo[] = [
    { address: '192.0.2.10', netmask: '255.255.255.0', family: 'IPv4', mac, internal: false, cidr: '192.0.2.10/24' },
    {
      address: 'fe80::10',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      mac,
      internal: false,
      cidr: 'fe80::10/64',
      scopeid: 2,
    },
  ];
  return new UdpTransport({
    pollIntervalMs: 0,
    source: { sysfsRoot: '/nonexistent/boaster-cve-test', networkInterfaces: () => ({ eth0 }) },
  });
}
