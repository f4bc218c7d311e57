/**
 * Interface and address changes (RFC 6762 §8.3 "Link Change", §10.1),
 * driven through FakeTransport.setInterfaces() on a fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeInterface } from '../../src/transport/fake-transport.js';
import {
  a,
  aaaa,
  advanceTo,
  FLAGS_RESPONSE,
  HOST,
  hostRecords,
  INSTANCE,
  ipv4Interface,
  probes,
  ptr,
  publishAnnounced,
  REV4,
  responderHarness,
  responses,
  sentPackets,
  serviceRecords,
  useFakeClock,
  V6,
  probePart,
  ETH1_REV4,
  ETH1_REV6,
  ETH1_V4,
  ETH1_V6,
} from './helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const eth1Host = [
  a(HOST, ETH1_V4),
  aaaa(HOST, ETH1_V6),
  ptr(ETH1_REV4, HOST, 120, false),
  ptr(ETH1_REV6, HOST, 120, false),
];

describe('interface changes (RFC 6762 §8.3, §10.1)', () => {
  it('RFC 6762 §8.3: a new interface makes the responder probe and announce again, on the new interface with its own addresses', async () => {
    const { transport, responder } = responderHarness();
    await publishAnnounced(responder);
    await advanceTo(5000);
    const mark = transport.sent.length;
    transport.setInterfaces([fakeInterface('eth0'), fakeInterface('eth1', ETH1_V4, ETH1_V6)]);
    await advanceTo(10_000);
    const sent = sentPackets(transport, mark);
    const on = (name: string) => sent.filter((s) => s.target.interface === name);
    // Probes on both interfaces from 5125, 250 ms apart; then announcements from 5875.
    expect([...new Set(probes(on('eth1')).map((s) => s.at))]).toEqual([5125, 5375, 5625]);
    expect([...new Set(probes(on('eth0')).map((s) => s.at))]).toEqual([5125, 5375, 5625]);
    const eth1Probe = probes(on('eth1')).find((s) => s.packet.questions.some((x) => x.name === HOST));
    // Probes propose the unique records only: the address records, not the shared reverse PTRs.
    expect(eth1Probe && probePart(eth1Probe.packet, HOST).authorities).toEqual(
      eth1Host.filter((r) => r.type !== 'PTR').map((r) => ({ ...r, cacheFlush: false })),
    );
    const eth1Announcements = responses(on('eth1'));
    expect([...new Set(eth1Announcements.map((s) => s.at))]).toEqual([5875, 6875, 8875]);
    // Host and service re-probed together, so announced together.
    expect(eth1Announcements.filter((s) => s.at === 5875).map((s) => [s.target.family, s.packet.answers])).toEqual([
      [4, [...eth1Host, ...serviceRecords()]],
      [6, [...eth1Host, ...serviceRecords()]],
    ]);
    expect(
      responses(on('eth0'))
        .filter((s) => s.at === 5875)
        .map((s) => s.packet.answers),
    ).toEqual([
      [...hostRecords(), ...serviceRecords()],
      [...hostRecords(), ...serviceRecords()],
    ]);
    await responder.close();
  });

  it('RFC 6762 §10.1: an address that leaves an interface gets a goodbye for its address record; the remaining host records are announced again', async () => {
    const { transport, responder } = responderHarness();
    await publishAnnounced(responder);
    await advanceTo(5000);
    const mark = transport.sent.length;
    transport.setInterfaces([ipv4Interface()]);
    await advanceTo(10_000);
    const sent = sentPackets(transport, mark);
    // Only IPv4 is left to send on.
    expect(sent.every((s) => s.target.family === 4)).toBe(true);
    // (That the reverse PTR of the address is withdrawn too is checked in engine-bugs.test.ts.)
    expect(sent[0]).toMatchObject({ at: 5000, packet: { flags: FLAGS_RESPONSE } });
    expect(sent[0]?.packet.answers).toContainEqual(aaaa(HOST, V6, 0));
    const remaining = [a(HOST, '192.0.2.10'), ptr(REV4, HOST, 120, false)];
    expect(sent.slice(1).map((s) => [s.at, s.packet.answers])).toEqual([
      [5000, remaining],
      [6000, remaining],
      [8000, remaining],
    ]);
    // The service is untouched.
    expect(sent.some((s) => s.packet.answers.some((r) => r.name === INSTANCE))).toBe(false);
    await responder.close();
  });
});
