/**
 * Shared helpers for the protocol-engine unit tests: a FakeTransport on
 * vitest's fake clock, decoding of everything sent with times relative to
 * the start of the test, and builders for the packets peers send.
 */
import { vi } from 'vitest';
import { Responder } from '../../src/api/responder.js';
import type { Random } from '../../src/protocol/clock.js';
import { MdnsCore } from '../../src/core/core.js';
import { MdnsEngine } from '../../src/protocol/engine.js';
import { HostRegistration, ServiceRegistration } from '../../src/protocol/registration.js';
import type { ServiceSpec } from '../../src/records/service-records.js';
import { FakeTransport, fakeInterface } from '../../src/transport/fake-transport.js';
import type { NetworkInterface } from '../../src/transport/interfaces.js';
import type { ReceivedPacket, SendTarget } from '../../src/transport/transport.js';
import { decodePacket } from '../../src/wire/decode.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { Packet, PacketInput, Question, ResourceRecord } from '../../src/wire/model.js';

/** Fake wall-clock origin of every test (any fixed value far from 0). */
export const T0 = 1_700_000_000_000;

export const HOST = 'testhost.local';
export const V4 = '192.0.2.10';
export const V6 = 'fe80::10';
export const REV4 = '10.2.0.192.in-addr.arpa';
export const REV6 = `0.1.0.0.${'0.'.repeat(24)}0.8.e.f.ip6.arpa`;
/** A second interface for multi-interface tests (its records never leave the fake transport). */
export const ETH1_V4 = '198.51.100.10';
export const ETH1_V6 = 'fe80::11';
export const ETH1_REV4 = '10.100.51.198.in-addr.arpa';
export const ETH1_REV6 = `1.1.0.0.${'0.'.repeat(24)}0.8.e.f.ip6.arpa`;
export const TYPE = '_http._tcp.local';
export const INSTANCE = `Svc.${TYPE}`;
export const ENUM = '_services._dns-sd._udp.local';
/** The querier every test packet comes from. */
export const PEER = { address: '192.0.2.99', port: 5353 } as const;

/** The service most tests publish. */
export const SPEC: ServiceSpec = { name: 'Svc', type: '_http._tcp', port: 8080, txt: { path: '/' } };
/** Its TXT data on the wire. */
export const SPEC_TXT = [new TextEncoder().encode('path=/')];

export const FLAGS_RESPONSE = 0x8400;

/** With random() fixed at 0.5: the first probe goes 125 ms after start (RFC 6762 §8.1: 0–250 ms). */
export const FIRST_PROBE = 125;
/**
 * The first announcement: 750 ms after the first probe (875), plus the 1 ms
 * Node adds to the engine's `setTimeout(fn, 0)` (vitest's fake timers do the
 * same for a 0 ms timer set inside a timer callback, but not for one set from
 * a packet handler, so a re-announcement triggered by a packet goes at once).
 * See engine-bugs.test.ts: RFC-exact would be 875.
 */
export const FIRST_ANNOUNCE = 875;
/** Second and third announcements: 1 s and 3 s after the announce step began (875). */
export const ANNOUNCE_TIMES = [FIRST_ANNOUNCE, 1875, 3875] as const;

/** A sent packet, decoded, with its time relative to {@link T0}. */
export interface Sent {
  at: number;
  target: SendTarget;
  size: number;
  packet: Packet;
}

/** Start vitest's fake timers at {@link T0}. Call in beforeEach. */
export function useFakeClock(): void {
  vi.useFakeTimers({ now: T0 });
}

/** An IPv4-only interface. */
export function ipv4Interface(name = 'eth0', ipv4 = V4): NetworkInterface {
  const nic = fakeInterface(name, ipv4);
  return { ...nic, addresses: nic.addresses.filter((a) => a.family === 4) };
}

/** A fake transport whose send times come from the fake clock. */
export function fakeTransport(interfaces: NetworkInterface[] = [fakeInterface()]): FakeTransport {
  return new FakeTransport(interfaces, () => Date.now());
}

/** Every packet sent so far (from index `from`), decoded. */
export function sentPackets(transport: FakeTransport, from = 0): Sent[] {
  return transport.sent
    .slice(from)
    .map((s) => ({ at: s.at - T0, target: s.target, size: s.data.length, packet: decodePacket(s.data) }));
}

/** Names in a packet's question section. */
export function questionNames(packet: Packet): string[] {
  return packet.questions.map((q) => q.name);
}

/** Whether a packet carries a record or question owned by `name` in any section. */
export function mentions(packet: Packet, name: string): boolean {
  const key = name.toLowerCase();
  const names = [...packet.questions, ...packet.answers, ...packet.authorities, ...packet.additionals].map((r) =>
    r.name.toLowerCase(),
  );
  return names.includes(key);
}

/** Sent packets that mention `name`. */
export function about(transport: FakeTransport, name: string, from = 0): Sent[] {
  return sentPackets(transport, from).filter((s) => mentions(s.packet, name));
}

/** Probes (queries with an authority section) among `sent`. */
export function probes(sent: readonly Sent[]): Sent[] {
  return sent.filter((s) => (s.packet.flags & 0x8000) === 0 && s.packet.authorities.length > 0);
}

/** Responses among `sent`. */
export function responses(sent: readonly Sent[]): Sent[] {
  return sent.filter((s) => (s.packet.flags & 0x8000) !== 0);
}

/** Distinct send times, in order. */
export function times(sent: readonly Sent[]): number[] {
  return [...new Set(sent.map((s) => s.at))];
}

/** Hand the engine a packet from {@link PEER} (or `overrides`). */
export function deliver(transport: FakeTransport, packet: PacketInput, overrides: Partial<ReceivedPacket> = {}): void {
  transport.deliver({ data: encodePacket(packet), interface: 'eth0', source: { ...PEER }, ...overrides });
}

/** A multicast query (QM unless `qu`). */
export function query(questions: Question[], answers: ResourceRecord[] = []): PacketInput {
  return { id: 0, flags: 0, questions, answers };
}

/** A question. */
export function q(name: string, type: Question['type'], unicastResponse = false): Question {
  return { name, type, class: 1, unicastResponse };
}

/** A response from another host. */
export function response(answers: ResourceRecord[], additionals: ResourceRecord[] = []): PacketInput {
  return { id: 0, flags: FLAGS_RESPONSE, answers, additionals };
}

// Records as the engine sends them (cache-flush on unique records, RFC 6762 §10.2).
export function ptr(name: string, data: string, ttl: number, cacheFlush = false): ResourceRecord {
  return { name, type: 'PTR', class: 1, cacheFlush, ttl, data };
}
export function srv(name: string, port: number, target: string, ttl = 120, cacheFlush = true): ResourceRecord {
  return { name, type: 'SRV', class: 1, cacheFlush, ttl, data: { priority: 0, weight: 0, port, target } };
}
export function txt(name: string, data: Uint8Array[], ttl = 4500, cacheFlush = true): ResourceRecord {
  return { name, type: 'TXT', class: 1, cacheFlush, ttl, data };
}
export function a(name: string, data: string, ttl = 120, cacheFlush = true): ResourceRecord {
  return { name, type: 'A', class: 1, cacheFlush, ttl, data };
}
export function aaaa(name: string, data: string, ttl = 120, cacheFlush = true): ResourceRecord {
  return { name, type: 'AAAA', class: 1, cacheFlush, ttl, data };
}

/** The host records of `testhost` on the default fake interface. */
export function hostRecords(host = HOST, ttl = 120, cacheFlush = true): ResourceRecord[] {
  // Reverse PTRs are shared (see service-records.ts): never cache-flushed.
  return [
    a(host, V4, ttl, cacheFlush),
    aaaa(host, V6, ttl, cacheFlush),
    ptr(REV4, host, ttl, false),
    ptr(REV6, host, ttl, false),
  ];
}

/** The records of {@link SPEC} as announced. */
export function serviceRecords(instance = INSTANCE, ttl?: number): ResourceRecord[] {
  return [
    ptr(TYPE, instance, ttl ?? 4500),
    ptr(ENUM, TYPE, ttl ?? 4500),
    srv(instance, 8080, HOST, ttl ?? 120),
    txt(instance, SPEC_TXT, ttl ?? 4500),
  ];
}

/** A MdnsEngine on a started fake transport, with a host registration at hand (not added). */
export async function engineHarness(
  options: { interfaces?: NetworkInterface[]; random?: Random; autoRename?: boolean } = {},
) {
  const transport = fakeTransport(options.interfaces);
  await transport.start();
  const engine = new MdnsEngine(
    new MdnsCore({ transport, random: options.random ?? (() => 0.5) }),
    options.autoRename !== undefined ? { autoRename: options.autoRename } : {},
  );
  const host = new HostRegistration('testhost');
  const service = (spec: ServiceSpec = SPEC): ServiceRegistration => new ServiceRegistration(spec, host);
  return { transport, engine, host, service };
}

/** A Responder on a fake transport, host name `testhost` (or `hostName`), random fixed at 0.5. */
export function responderHarness(
  options: { interfaces?: NetworkInterface[]; random?: Random; autoRename?: boolean; hostName?: string } = {},
) {
  const transport = fakeTransport(options.interfaces);
  const responder = new Responder({
    transport,
    hostName: options.hostName ?? 'testhost',
    random: options.random ?? (() => 0.5),
    ...(options.autoRename !== undefined ? { autoRename: options.autoRename } : {}),
  });
  return { transport, responder };
}

/** Publish {@link SPEC} (or `spec`) and run the clock until it is announced (first announcement at {@link FIRST_ANNOUNCE}). */
export async function publishAnnounced(responder: Responder, spec: ServiceSpec = SPEC) {
  const published = responder.publish(spec);
  await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE);
  return published;
}

/** Advance the fake clock to `ms` after {@link T0}. */
export async function advanceTo(ms: number): Promise<void> {
  const delta = T0 + ms - Date.now();
  if (delta < 0) throw new Error(`clock is already at ${Date.now() - T0} ms, past ${ms} ms`);
  await vi.advanceTimersByTimeAsync(delta);
}

/**
 * A responder with `spec` published and its announcements over (the last at
 * 3875 ms), the clock at 5000 ms; `mark` is where later sends start.
 */
export async function announcedResponder(
  options: Parameters<typeof responderHarness>[0] = {},
  spec: ServiceSpec = SPEC,
) {
  const harness = responderHarness(options);
  const service = await publishAnnounced(harness.responder, spec);
  await advanceTo(5000);
  return { ...harness, service, mark: harness.transport.sent.length };
}

/** A response packet as the engine sends it: flags 0x8400, no questions. */
export function reply(answers: ResourceRecord[], additionals: ResourceRecord[]): Packet {
  return { id: 0, flags: FLAGS_RESPONSE, questions: [], answers, authorities: [], additionals };
}

/** The part of a (possibly shared) probe about `name`: its questions and proposed records. */
export function probePart(packet: Packet, name: string): Packet {
  return {
    ...packet,
    questions: packet.questions.filter((x) => x.name === name),
    authorities: packet.authorities.filter((r) => r.name === name),
  };
}
