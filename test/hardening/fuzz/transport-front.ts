/**
 * The receive path of UdpTransport in front of FakeTransport, so fuzz input
 * goes transport → intake → responder and querier as it would off a socket.
 *
 * FakeTransport.deliver applies the source check (source-check.ts: port 0,
 * broadcast, multicast, unspecified, stray loopback) but not attribution:
 * it hands any packet to the interface it names, off-link sources included.
 * UdpTransport.receive runs checkSource and then attributeSource
 * (attribution.ts, the on-link test of RFC 6762 §11), with the arrival
 * socket it has: for IPv4 the group socket (every interface) or the
 * interface's unicast socket, for IPv6 a socket bound to the interface
 * (exact). This does the same, with the same functions, before delivering.
 */
import { attributeSource, type ArrivalSocket } from '../../../src/transport/attribution.js';
import type { FakeTransport } from '../../../src/transport/fake-transport.js';
import { checkSource } from '../../../src/transport/source-check.js';
import type { DropReason } from '../../../src/transport/transport.js';
import type { Arrival } from './sources.js';

/** Delivers through the real source checks; counts what they refuse. */
export class TransportFront {
  /** Packets the checks refused, by reason (what UdpTransport counts in stats.dropped). */
  readonly refused: Partial<Record<DropReason, number>> = {};
  delivered = 0;

  constructor(
    private readonly transport: FakeTransport,
    private readonly interfaceName = 'eth0',
  ) {}

  /** Hand `data` to the stack as if it arrived on the interface from `arrival`; false when refused. */
  deliver(data: Uint8Array, arrival: Arrival): boolean {
    const nics = this.transport.interfaces;
    const group = arrival.destination === 'multicast';
    const socket: ArrivalSocket =
      arrival.family === 6
        ? { family: 6, interface: this.interfaceName, exact: true, group }
        : group
          ? { family: 4, group: true }
          : { family: 4, interface: this.interfaceName };
    const bound = socket.exact === true ? nics.filter((n) => n.name === socket.interface) : nics;
    const verdict = checkSource(arrival.source.address, arrival.source.port, bound);
    const attribution = verdict ? { drop: verdict } : attributeSource(arrival.source.address, socket, nics);
    if ('drop' in attribution) {
      this.refused[attribution.drop] = (this.refused[attribution.drop] ?? 0) + 1;
      return false;
    }
    this.delivered++;
    // As UdpTransport does: the source without its zone, on the attributed interface.
    const at = arrival.source.address.indexOf('%');
    const address = at < 0 ? arrival.source.address : arrival.source.address.slice(0, at);
    this.transport.deliver({
      data,
      interface: attribution.interface,
      family: arrival.family,
      source: { address, port: arrival.source.port },
      destination: arrival.destination,
    });
    return true;
  }
}
