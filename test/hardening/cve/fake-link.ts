/**
 * Two (or more) in-process mDNS stacks on one simulated link: what each
 * sends through its `FakeTransport` is handed to the others as a kernel
 * would — multicast to every member, unicast to the member owning the
 * address on port 5353 — so a reflection between two responders (avahi
 * CVE-2009-0758) shows up as packets going round, counted and bounded.
 */
import { MDNS_PORT } from '../../../src/constants.js';
import type { FakeTransport } from '../../../src/transport/fake-transport.js';

/** One stack on the link and its addresses. */
export interface LinkMember {
  readonly transport: FakeTransport;
  readonly v4: string;
  readonly v6: string;
}

/** Forwards what members sent since the last {@link pump}. */
export class FakeLink {
  private readonly read = new Map<FakeTransport, number>();
  /** Datagrams handed from one member to another. */
  forwarded = 0;
  /** Unicast datagrams to an address or port no member listens on (they go nowhere). */
  nowhere = 0;

  constructor(private readonly members: readonly LinkMember[]) {}

  /** Forward everything sent since the last call; returns how many datagrams were handed over. */
  pump(): number {
    let handed = 0;
    for (const from of this.members) {
      const sent = from.transport.sent;
      const start = this.read.get(from.transport) ?? 0;
      this.read.set(from.transport, sent.length);
      for (const packet of sent.slice(start)) {
        const { family, address, port } = packet.target;
        const source = { address: family === 4 ? from.v4 : from.v6, port: MDNS_PORT };
        const targets =
          address === undefined
            ? this.members.filter((m) => m !== from)
            : this.members.filter((m) => (family === 4 ? m.v4 : m.v6) === address && (port ?? MDNS_PORT) === MDNS_PORT);
        if (targets.length === 0) this.nowhere++;
        for (const to of targets) {
          to.transport.deliver({
            data: packet.data,
            interface: 'eth0',
            family,
            source,
            destination: address === undefined ? 'multicast' : 'unicast',
          });
          handed++;
        }
      }
    }
    this.forwarded += handed;
    return handed;
  }
}
