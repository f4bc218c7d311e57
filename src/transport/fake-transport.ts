/**
 * A transport for unit tests of the layers above: it records what is sent
 * and delivers what the test hands it, with no socket. Driven with a fake
 * clock, it lets tests assert exact packets and times.
 */
import { EventEmitter } from 'eventemitter3';
import { TransportError } from '../errors.js';
import { diffInterfaces, emitInterfaceChanges } from './interface-diff.js';
import type { NetworkInterface } from './interfaces.js';
import { checkSource } from './source-check.js';
import type { ReceivedPacket, SendTarget, Transport, TransportEvents, TransportStats } from './transport.js';
import { emptyStats } from './transport.js';

/** One packet the code under test sent. */
export interface SentPacket {
  data: Uint8Array;
  target: SendTarget;
  /** The clock's time at sending. */
  at: number;
}

/** A test interface: `eth0` with 192.0.2.10/24 and fe80::10. */
export function fakeInterface(name = 'eth0', ipv4 = '192.0.2.10', ipv6 = 'fe80::10', mtu = 1500): NetworkInterface {
  return {
    name,
    mtu,
    loopback: false,
    up: true,
    multicast: true,
    pointToPoint: false,
    addresses: [
      { family: 4, address: ipv4, prefixLength: 24, linkLocal: false },
      { family: 6, address: ipv6, prefixLength: 64, linkLocal: true },
    ],
  };
}

/** An in-memory {@link Transport}. */
export class FakeTransport extends EventEmitter<TransportEvents> implements Transport {
  /** Everything sent, in order. */
  readonly sent: SentPacket[] = [];
  private current: NetworkInterface[];
  private readonly counters: TransportStats = emptyStats();
  private running = false;

  constructor(
    interfaces: NetworkInterface[] = [fakeInterface()],
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.current = interfaces;
  }

  get interfaces(): readonly NetworkInterface[] {
    return this.current;
  }

  get stats(): Readonly<TransportStats> {
    return this.counters;
  }

  async start(): Promise<void> {
    this.running = true;
    for (const nic of this.current) this.emit('interfaceUp', nic);
  }

  async send(data: Uint8Array, target: SendTarget): Promise<void> {
    if (!this.running) throw new TransportError('CLOSED', 'The transport is not running; call start() first');
    const nic = this.current.find((n) => n.name === target.interface);
    if (!nic?.addresses.some((a) => a.family === target.family)) {
      this.counters.sendErrors++;
      throw new TransportError('NO_INTERFACE', `No IPv${target.family} on interface "${target.interface}"`, {
        interfaceName: target.interface,
      });
    }
    this.counters.sent++;
    this.sent.push({ data: Uint8Array.from(data), target: { ...target }, at: this.now() });
  }

  /**
   * Hand the code under test a packet, as if it arrived on `interface`.
   * Like `UdpTransport`, a source no host sends from (port 0, broadcast,
   * multicast, unspecified, loopback on a non-loopback interface: see
   * source-check.ts) is counted in `stats.dropped` and not delivered.
   * Attribution is not simulated: the packet is on the interface it names.
   */
  deliver(packet: Pick<ReceivedPacket, 'data'> & Partial<ReceivedPacket>): void {
    const received: ReceivedPacket = {
      interface: this.current[0]?.name ?? 'eth0',
      family: 4,
      source: { address: '192.0.2.99', port: 5353 },
      destination: 'multicast',
      receivedAt: this.now(),
      ...packet,
    };
    this.counters.received++;
    const nic = this.current.find((n) => n.name === received.interface);
    const refused = checkSource(received.source.address, received.source.port, nic ? [nic] : []);
    if (refused) {
      this.counters.dropped[refused]++;
      return;
    }
    this.counters.delivered++;
    this.emit('packet', received);
  }

  /** Replace the interface list, emitting the events a real transport would. */
  setInterfaces(interfaces: NetworkInterface[]): void {
    const changes = diffInterfaces(this.current, interfaces);
    this.current = interfaces;
    emitInterfaceChanges(this, changes);
  }

  async refresh(): Promise<void> {}

  async close(): Promise<void> {
    this.running = false;
  }
}
