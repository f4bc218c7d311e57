/**
 * The real transport: Node dgram sockets on port 5353, arranged so every
 * packet can be attributed to one interface without IP_PKTINFO (see
 * attribution.ts):
 *
 * - IPv4: one socket bound to 224.0.0.251:5353, joined on each interface,
 *   receives the group; per interface, a socket bound to its address:5353
 *   receives unicast and sends (multicast interface set to that address).
 * - IPv6: per interface, a socket bound to `ff02::fb%<if>` receives the
 *   group from that interface only, and a socket bound to the interface's
 *   link-local address receives unicast and sends.
 *
 * All sockets set SO_REUSEADDR, so avahi-daemon or another responder on the
 * host keeps working; multicast TTL / hop limit 255 (RFC 6762 §11) and
 * multicast loopback on, so other processes on this host hear us. Our own
 * packets looping back are recognised by digest, in bounded memory.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'eventemitter3';
import {
  DUPLICATE_PACKET_WINDOW_MS,
  INTERFACE_POLL_INTERVAL_MS,
  MDNS_IPV4_GROUP,
  MDNS_IPV6_GROUP,
  MDNS_PORT,
  OWN_PACKET_MEMORY_ENTRIES,
  OWN_PACKET_MEMORY_MS,
} from '../constants.js';
import { TransportError } from '../errors.js';
import type { ArrivalSocket } from './attribution.js';
import { attributeSource, splitScope } from './attribution.js';
import { diffInterfaces, emitInterfaceChanges } from './interface-diff.js';
import type { InterfaceSelection, InterfaceSource, NetworkInterface } from './interfaces.js';
import { readInterfaces, selectInterfaces } from './interfaces.js';
import { PacketMemory, packetDigest } from './packet-memory.js';
import { socketError, toTransportError } from './socket-errors.js';
import type { ReceivedPacket, SendTarget, Transport, TransportEvents, TransportStats } from './transport.js';
import { emptyStats } from './transport.js';

/** Options of {@link UdpTransport}. */
export interface UdpTransportOptions extends InterfaceSelection {
  /** How often to look for interface changes, in ms; 0 turns polling off (call `refresh()`). Default 5000. */
  pollIntervalMs?: number;
  /** Where interface facts come from (tests). */
  source?: InterfaceSource;
}

/** Sockets of one interface. */
interface Link {
  nic: NetworkInterface;
  /** Codes of errors met opening sockets; such a link is retried on every refresh. */
  failures: string[];
  v4?: { address: string; socket: dgram.Socket };
  v6?: { address: string; socket: dgram.Socket; group: dgram.Socket };
}

/** The dgram-based {@link Transport}. */
export class UdpTransport extends EventEmitter<TransportEvents> implements Transport {
  private readonly links = new Map<string, Link>();
  private group4: dgram.Socket | undefined;
  private readonly own = new PacketMemory(OWN_PACKET_MEMORY_MS, OWN_PACKET_MEMORY_ENTRIES);
  private readonly recent = new PacketMemory(DUPLICATE_PACKET_WINDOW_MS, OWN_PACKET_MEMORY_ENTRIES);
  private readonly counters: TransportStats = emptyStats();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  /** Messages of lasting conditions already reported, so each is reported once. */
  private readonly reported = new Set<string>();
  private state: 'new' | 'running' | 'closed' = 'new';

  constructor(private readonly options: UdpTransportOptions = {}) {
    super();
    selectInterfaces([], options); // validate the selection now: a bad CIDR is the caller's error
  }

  get interfaces(): readonly NetworkInterface[] {
    return [...this.links.values()].map((l) => l.nic);
  }

  get stats(): Readonly<TransportStats> {
    return this.counters;
  }

  /**
   * Open the sockets. Rejects with `PORT_IN_USE` when a process holds UDP
   * 5353 without sharing it; interface-level failures are reported as
   * `error` events instead.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new TransportError('CLOSED', 'start() may be called once; create a new transport');
    this.state = 'running';
    if (this.options.ipv4 !== false) {
      this.group4 = await this.openSocket('udp4', MDNS_IPV4_GROUP, undefined, { family: 4 });
    }
    await this.refresh();
    const interval = this.options.pollIntervalMs ?? INTERFACE_POLL_INTERVAL_MS;
    if (interval > 0) {
      this.timer = setInterval(() => void this.refresh(), interval);
      this.timer.unref();
    }
  }

  /** Re-read interfaces now and follow the changes; never rejects. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.sync());
    return this.refreshing;
  }

  private async sync(): Promise<void> {
    if (this.state !== 'running') return;
    let wanted: NetworkInterface[];
    try {
      wanted = selectInterfaces(await readInterfaces(this.options.source), this.options);
    } catch (error) {
      this.emit('error', toTransportError(error, 'reading interfaces'));
      return;
    }
    const changes = diffInterfaces(this.interfaces, wanted);
    // Interfaces whose addresses changed get fresh sockets; an MTU change needs
    // none. Links that failed to open (e.g. an IPv6 address still tentative)
    // are tried again.
    const touched = new Set(changes.filter((c) => c.kind !== 'mtu').map((c) => c.nic.name));
    for (const link of this.links.values()) {
      if (link.failures.length > 0 && wanted.some((n) => n.name === link.nic.name)) touched.add(link.nic.name);
    }
    const previousFailures = new Map([...this.links.values()].map((l) => [l.nic.name, l.failures]));
    for (const change of changes) {
      const link = this.links.get(change.nic.name);
      if (change.kind === 'mtu' && link) link.nic = change.nic;
    }
    for (const name of touched) {
      const link = this.links.get(name);
      if (link) await this.closeLink(link);
      const nic = wanted.find((n) => n.name === name);
      if (nic && this.state === 'running') await this.openLink(nic, previousFailures.get(name) ?? []);
    }
    emitInterfaceChanges(this, changes);
  }

  private async openLink(nic: NetworkInterface, knownFailures: readonly string[]): Promise<void> {
    const link: Link = { nic, failures: [] };
    this.links.set(nic.name, link);
    // Report a failure once, not on every retry.
    const failed = (error: unknown, doing: string): void => {
      const transportError = toTransportError(error, doing, nic.name);
      const key = `${doing}|${transportError.code}`;
      link.failures.push(key);
      if (!knownFailures.includes(key)) this.emit('error', transportError);
    };
    const v4 = nic.addresses.find((a) => a.family === 4);
    if (v4 && this.group4) {
      try {
        const socket = await this.openSocket('udp4', v4.address, nic.name, { family: 4, interface: nic.name });
        socket.setMulticastInterface(v4.address);
        link.v4 = { address: v4.address, socket };
        const twin = [...this.links.values()].find((other) => other !== link && other.v4?.address === v4.address);
        if (twin) {
          // Node joins IPv4 groups by address (ip_mreq), which names one interface only.
          this.reportOnce(
            new TransportError('ADDRESS_NOT_AVAILABLE', `${v4.address} is on both ${twin.nic.name} and ${nic.name}: IPv4 multicast arrives through ${twin.nic.name} only; give each interface its own address`, {
              interfaceName: nic.name,
            }),
          );
        }
        joinGroup(this.group4, MDNS_IPV4_GROUP, v4.address);
      } catch (error) {
        failed(error, `opening IPv4 on ${nic.name}`);
      }
    }
    const v6 = nic.addresses.find((a) => a.family === 6 && a.linkLocal) ?? nic.addresses.find((a) => a.family === 6);
    if (v6) {
      try {
        const scoped = `::%${nic.name}`;
        const group = await this.openSocket('udp6', `${MDNS_IPV6_GROUP}%${nic.name}`, nic.name, { family: 6, interface: nic.name, exact: true });
        try {
          joinGroup(group, MDNS_IPV6_GROUP, scoped);
          const socket = await this.openSocket('udp6', v6.linkLocal ? `${v6.address}%${nic.name}` : v6.address, nic.name, {
            family: 6,
            interface: nic.name,
            exact: true,
          });
          link.v6 = { address: v6.address, socket, group };
          socket.setMulticastInterface(scoped);
        } catch (error) {
          if (!link.v6) await closeSocket(group);
          throw error;
        }
      } catch (error) {
        failed(error, `opening IPv6 on ${nic.name}`);
      }
    }
  }

  private reportOnce(error: TransportError): void {
    if (this.reported.has(error.message)) return;
    this.reported.add(error.message);
    this.emit('error', error);
  }

  private async closeLink(link: Link): Promise<void> {
    this.links.delete(link.nic.name);
    if (link.v4 && this.group4) {
      try {
        this.group4.dropMembership(MDNS_IPV4_GROUP, link.v4.address);
      } catch {
        // The address or interface is gone, and the kernel dropped the membership with it.
      }
    }
    await Promise.all([link.v4?.socket, link.v6?.socket, link.v6?.group].map((s) => (s ? closeSocket(s) : undefined)));
  }

  private openSocket(type: 'udp4' | 'udp6', address: string, nicName: string | undefined, arrival: ArrivalSocket): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type, reuseAddr: true });
      const failed = (error: Error): void => {
        socket.close();
        reject(socketError(error, `binding ${address}:${MDNS_PORT}`, nicName));
      };
      socket.once('error', failed);
      socket.on('message', (data, rinfo) => this.receive(data, rinfo, arrival, address.startsWith('ff02') || address === MDNS_IPV4_GROUP));
      socket.bind(MDNS_PORT, address, () => {
        socket.off('error', failed);
        socket.on('error', (error) => this.emit('error', socketError(error, `socket ${address}`, nicName)));
        try {
          // RFC 6762 §11: TTL / hop limit 255 on every mDNS packet; loopback so local peers hear us.
          socket.setTTL(255);
          socket.setMulticastTTL(255);
          socket.setMulticastLoopback(true);
          resolve(socket);
        } catch (error) {
          socket.close();
          reject(socketError(error as Error, `configuring ${address}`, nicName));
        }
      });
    });
  }

  private receive(data: Buffer, rinfo: dgram.RemoteInfo, arrival: ArrivalSocket, group: boolean): void {
    try {
      this.counters.received++;
      const nics = this.interfaces;
      const attribution = attributeSource(rinfo.address, arrival, nics);
      if ('drop' in attribution) {
        this.counters.dropped[attribution.drop]++;
        return;
      }
      if (attribution.ambiguousWith.length > 0) this.counters.ambiguous++;
      const name = attribution.interface;
      const address = splitScope(rinfo.address).address;
      const digest = packetDigest(data);
      const link = this.links.get(name);
      const ours = link?.v4?.address === address || link?.v6?.address === address;
      if (ours && rinfo.port === MDNS_PORT && this.own.has(`${name}|${arrival.family}|${digest}`)) {
        this.counters.dropped.own++;
        return;
      }
      if (this.recent.check(`${name}|${rinfo.address}|${rinfo.port}|${digest}`)) {
        this.counters.dropped.duplicate++;
        return;
      }
      this.counters.delivered++;
      const packet: ReceivedPacket = {
        data: new Uint8Array(data.buffer, data.byteOffset, data.length),
        interface: name,
        family: arrival.family,
        source: { address, port: rinfo.port },
        destination: group ? 'multicast' : 'unicast',
        receivedAt: Date.now(),
      };
      this.emit('packet', packet);
    } catch (error) {
      // Network input never throws out of a socket handler, nor does a listener's bug.
      this.emit('error', toTransportError(error, 'handling a received packet'));
    }
  }

  /** Send one packet out of one interface. */
  async send(data: Uint8Array, target: SendTarget): Promise<void> {
    if (this.state !== 'running') throw new TransportError('CLOSED', 'The transport is not running; call start() first');
    const link = this.links.get(target.interface);
    const sock = target.family === 4 ? link?.v4 : link?.v6;
    if (!sock) {
      throw new TransportError('NO_INTERFACE', `No IPv${target.family} socket on interface "${target.interface}"; it is gone, unselected or has no IPv${target.family} address`, {
        interfaceName: target.interface,
      });
    }
    let address = target.address;
    if (address === undefined) {
      address = target.family === 4 ? MDNS_IPV4_GROUP : `${MDNS_IPV6_GROUP}%${target.interface}`;
      // Remember it first: the looped-back copy can arrive before the send callback.
      this.own.remember(`${target.interface}|${target.family}|${packetDigest(data)}`);
    } else if (target.family === 6 && !address.includes('%') && /^fe[89ab]/i.test(address)) {
      address = `${address}%${target.interface}`;
    }
    const port = target.port ?? MDNS_PORT;
    await new Promise<void>((resolve, reject) => {
      sock.socket.send(data, port, address, (error) => {
        if (error) {
          this.counters.sendErrors++;
          reject(socketError(error, `sending to ${address}:${port}`, target.interface));
        } else {
          this.counters.sent++;
          resolve();
        }
      });
    });
  }

  /** Close every socket and stop polling. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    await Promise.all([...this.links.values()].map((link) => this.closeLink(link)));
    if (this.group4) await closeSocket(this.group4);
    this.group4 = undefined;
  }
}

/** Join a group; already being a member (the kernel kept it across an address change) is fine. */
function joinGroup(socket: dgram.Socket, group: string, iface: string): void {
  try {
    socket.addMembership(group, iface);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
  }
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}
