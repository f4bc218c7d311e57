/**
 * Goodbyes (RFC 6762 §10.1) on every interface, from Service.stop() and
 * Responder.close(), asserted packet by packet on a fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeInterface } from '../../src/transport/fake-transport.js';
import type { Packet, ResourceRecord } from '../../src/wire/model.js';
import {
  a,
  aaaa,
  advanceTo,
  deliver,
  FLAGS_RESPONSE,
  hostRecords,
  INSTANCE,
  ptr,
  publishAnnounced,
  q,
  query,
  responderHarness,
  sentPackets,
  serviceRecords,
  TYPE,
  useFakeClock,
  ETH1_REV4,
  ETH1_REV6,
  ETH1_V4,
  ETH1_V6,
} from './helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const twoInterfaces = () => [fakeInterface('eth0'), fakeInterface('eth1', ETH1_V4, ETH1_V6)];

const goodbye = (answers: ResourceRecord[]): Packet => ({
  id: 0,
  flags: FLAGS_RESPONSE,
  questions: [],
  answers,
  authorities: [],
  additionals: [],
});
const everywhere = [
  { interface: 'eth0', family: 4 },
  { interface: 'eth0', family: 6 },
  { interface: 'eth1', family: 4 },
  { interface: 'eth1', family: 6 },
];

describe('goodbyes (RFC 6762 §10.1)', () => {
  it('RFC 6762 §10.1: the service is announced on every interface with that interface’s addresses', async () => {
    const { transport, responder } = responderHarness({ interfaces: twoInterfaces() });
    await publishAnnounced(responder);
    const first = sentPackets(transport).filter((s) => s.at === 875 && s.packet.answers[0]?.type === 'A');
    // Host and service announced together, each interface with its own addresses.
    const eth1Host = [
      a('testhost.local', ETH1_V4),
      aaaa('testhost.local', ETH1_V6),
      ptr(ETH1_REV4, 'testhost.local', 120, false),
      ptr(ETH1_REV6, 'testhost.local', 120, false),
    ];
    expect(first.map((s) => [s.target, s.packet.answers])).toEqual([
      [everywhere[0], [...hostRecords(), ...serviceRecords()]],
      [everywhere[1], [...hostRecords(), ...serviceRecords()]],
      [everywhere[2], [...eth1Host, ...serviceRecords()]],
      [everywhere[3], [...eth1Host, ...serviceRecords()]],
    ]);
    await responder.close();
  });

  it('RFC 6762 §10.1: service.stop() resolves once TTL-0 records for all its records are sent on every interface and family; it then stops answering', async () => {
    const { transport, responder } = responderHarness({ interfaces: twoInterfaces() });
    const service = await publishAnnounced(responder);
    await advanceTo(5000);
    const mark = transport.sent.length;
    let sentWhenResolved = -1;
    await service.stop().then(() => {
      sentWhenResolved = transport.sent.length - mark;
    });
    expect(sentWhenResolved).toBe(4);
    expect(sentPackets(transport, mark)).toEqual(
      everywhere.map((target) => ({
        at: 5000,
        target,
        size: expect.any(Number) as number,
        packet: goodbye(serviceRecords(INSTANCE, 0)),
      })),
    );
    expect(service.state).toBe('stopped');
    // No more answers for it, and no further announcements.
    deliver(transport, query([q(TYPE, 'PTR'), q(INSTANCE, 'SRV')]));
    await advanceTo(20_000);
    expect(sentPackets(transport, mark + 4)).toEqual([]);
    await responder.close();
  });

  it('RFC 6762 §10.1: service.stop() in the middle of the announcements cancels the rest and says goodbye', async () => {
    const { transport, responder } = responderHarness();
    const service = await publishAnnounced(responder);
    await advanceTo(1000);
    const mark = transport.sent.length;
    await service.stop();
    await advanceTo(10_000);
    // Only the goodbyes: the service announcements due at 1875 and 3875 are gone; the host's go on.
    const sent = sentPackets(transport, mark);
    expect(sent.filter((s) => s.packet.answers.some((r) => r.name === INSTANCE)).map((s) => [s.at, s.packet])).toEqual([
      [1000, goodbye(serviceRecords(INSTANCE, 0))],
      [1000, goodbye(serviceRecords(INSTANCE, 0))],
    ]);
    expect(sent.filter((s) => s.packet.answers[0]?.type === 'A').map((s) => s.at)).toEqual([1875, 1875, 3875, 3875]);
    await responder.close();
  });

  it('RFC 6762 §10.1: responder.close() sends goodbyes for every service and for the host on every interface', async () => {
    const { transport, responder } = responderHarness({ interfaces: twoInterfaces() });
    await publishAnnounced(responder);
    await advanceTo(5000);
    const mark = transport.sent.length;
    await responder.close();
    const eth1Host = [
      a('testhost.local', ETH1_V4, 0),
      aaaa('testhost.local', ETH1_V6, 0),
      ptr(ETH1_REV4, 'testhost.local', 0, false),
      ptr(ETH1_REV6, 'testhost.local', 0, false),
    ];
    // All goodbyes together, packed: one packet per interface and family.
    expect(sentPackets(transport, mark).map((s) => [s.at, s.target, s.packet])).toEqual([
      [5000, everywhere[0], goodbye([...serviceRecords(INSTANCE, 0), ...hostRecords('testhost.local', 0)])],
      [5000, everywhere[1], goodbye([...serviceRecords(INSTANCE, 0), ...hostRecords('testhost.local', 0)])],
      [5000, everywhere[2], goodbye([...serviceRecords(INSTANCE, 0), ...eth1Host])],
      [5000, everywhere[3], goodbye([...serviceRecords(INSTANCE, 0), ...eth1Host])],
    ]);
    // Closed: nothing more is sent.
    await advanceTo(20_000);
    expect(transport.sent.length).toBe(mark + 4);
  });
});
