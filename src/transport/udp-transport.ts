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
 * host keeps receiving multicast (unicast to an address boaster serves comes
 * to boaster: see README). Multicast TTL / hop limit 255 (RFC 6762 §11) and
 * loopback on, so other processes on this host hear us. Received packets pass
 * the source check (source-check.ts), then attribution; our own looping back
 * are recognised by digest, in bounded memory. The two families of an
 * interface open, fail and follow address changes independently.
 */
import type dgram from 'node:dgram';
import net from 'node:net';
import { EventEmitter } from 'eventemitter3';
import {
  ATTRIBUTION_MEMORY_ENTRIES,
  DUPLICATE_PACKET_WINDOW_MS,
  INTERFACE_POLL_INTERVAL_MS,
  MDNS_IPV4_GROUP,
  MDNS_IPV6_GROUP,
  MDNS_PORT,
  OWN_PACKET_MEMORY_ENTRIES,
  OWN_PACKET_MEMORY_MS,
} from '../constants.js';
import { TransportError } from '../errors.js';
import type { ArrivalSocket, Attribution } from './attribution.js';
import { attributeSource, splitScope } from './attribution.js';
import { diffInterfaces, emitInterfaceChanges } from './interface-diff.js';
import type { InterfaceSelection, InterfaceSource, NetworkInterface } from './interfaces.js';
import { readInterfaces, selectInterfaces } from './interfaces.js';
import { PacketMemory, packetDigest } from './packet-memory.js';
import { checkSource, type SourceVerdict } from './source-check.js';
import { socketError, toTransportError } from './socket-errors.js';
import { closeSocket, joinGroup, leaveGroup, openMdnsSocket } from './sockets.js';
import type { ReceivedPacket, SendTarget, Transport, TransportEvents, TransportStats } from './transport.js';
import { emptyStats } from './transport.js';

/**
 * Send errnos that mean the sending socket's interface or address changed
 * (Linux: ENETUNREACH for a downed interface or a source address that is
 * gone, ENETDOWN, ENODEV, EADDRNOTAVAIL).
 */
const STALE_SOCKET_ERRNOS: ReadonlySet<string> = new Set(['ENETUNREACH', 'ENETDOWN', 'ENODEV', 'EADDRNOTAVAIL']);

/** Options of {@link UdpTransport}. */
export interface UdpTransportOptions extends InterfaceSelection {
  /** How often to look for interface changes, in ms; 0 turns polling off (call `refresh()`). Default 5000. */
  pollIntervalMs?: number;
  /** Where interface facts come from (tests). */
  source?: InterfaceSource;
}

/** The IPv4 sockets of one interface. */
interface Half4 {
  address: string;
  socket: dgram.Socket;
}

/** The IPv6 sockets of one interface. */
interface Half6 {
  address: string;
  socket: dgram.Socket;
  group: dgram.Socket;
}

/** One selected interface and its sockets. */
interface Link {
  nic: NetworkInterface;
  v4?: Half4 | undefined;
  v6?: Half6 | undefined;
  /** Last error reported per family, so a retry that fails alike stays quiet. */
  lastError: Map<4 | 6, string>;
}

/** Where a received packet belongs (attribution.ts), or why it is dropped (source-check.ts too). */
type SourceAttribution = Attribution | { drop: SourceVerdict };

/** The dgram-based {@link Transport}. */
export class UdpTransport extends EventEmitter<TransportEvents> implements Transport {
  private readonly links = new Map<string, Link>();
  private group4: dgram.Socket | undefined;
  private readonly own = new PacketMemory(OWN_PACKET_MEMORY_MS, OWN_PACKET_MEMORY_ENTRIES);
  private readonly recent = new PacketMemory(DUPLICATE_PACKET_WINDOW_MS, OWN_PACKET_MEMORY_ENTRIES);
  private readonly counters: TransportStats = emptyStats();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  /** A refresh asked for by a failed send is queued (see send()). */
  private refreshAfterSendFailure = false;
  /** Messages of lasting conditions already reported, so each is reported once. */
  private readonly reported = new Set<string>();
  /** Attribution by source and socket, valid until the interfaces are read again (see attribute()). */
  private readonly attributions = new Map<string, SourceAttribution>();
  private state: 'new' | 'running' | 'closed' = 'new';

  constructor(private readonly options: UdpTransportOptions = {}) {
    super();
    selectInterfaces([], options); // validate the selection now: a bad CIDR is the caller's error
  }

  /** Interfaces with at least one family open, listing the addresses of the open families. */
  get interfaces(): readonly NetworkInterface[] {
    const views: NetworkInterface[] = [];
    for (const { nic, v4, v6 } of this.links.values()) {
      const addresses = nic.addresses.filter((a) => (a.family === 4 ? v4 : v6) !== undefined);
      if (addresses.length > 0) views.push({ ...nic, addresses });
    }
    return views;
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
    if (this.state !== 'new')
      throw new TransportError('BAD_STATE', 'start() may be called once; create a new transport to start again');
    this.state = 'running';
    if (this.options.ipv4 !== false) {
      const group = await openMdnsSocket('udp4', MDNS_IPV4_GROUP, undefined, this.receiver({ family: 4 }, true), (e) =>
        this.notify('error', socketError(e, 'receiving on 224.0.0.251')),
      );
      if (this.state !== 'running') {
        await closeSocket(group);
        throw new TransportError('CLOSED', 'close() was called while the transport was starting');
      }
      this.group4 = group;
    }
    await this.refresh();
    if (this.state !== 'running')
      throw new TransportError('CLOSED', 'close() was called while the transport was starting');
    const interval = this.options.pollIntervalMs ?? INTERFACE_POLL_INTERVAL_MS;
    if (interval > 0) {
      this.timer = setInterval(() => void this.refresh(), interval);
      this.timer.unref();
    }
  }

  /** Re-read interfaces now and follow the changes. Never rejects. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing
      .then(() => this.sync())
      .catch((error: unknown) => this.notify('error', toTransportError(error, 'following interface changes')));
    return this.refreshing;
  }

  private async sync(): Promise<void> {
    if (this.state !== 'running') return;
    let wanted: NetworkInterface[];
    try {
      wanted = selectInterfaces(await readInterfaces(this.options.source), this.options);
    } catch (error) {
      this.notify('error', toTransportError(error, 'reading interfaces'));
      return;
    }
    const before = this.interfaces;
    this.attributions.clear();
    try {
      await this.applyInterfaces(wanted);
    } finally {
      // Packets attributed while sockets changed may have seen either state.
      this.attributions.clear();
    }
    if (this.state !== 'running') return;
    const changes = diffInterfaces(before, this.interfaces);
    try {
      emitInterfaceChanges(this, changes);
    } catch (error) {
      this.notify('error', toTransportError(error, 'an interface event listener threw'));
    }
  }

  private async applyInterfaces(wanted: NetworkInterface[]): Promise<void> {
    for (const link of [...this.links.values()]) {
      if (!wanted.some((n) => n.name === link.nic.name)) await this.closeLink(link);
    }
    for (const nic of wanted) {
      if (this.state !== 'running') return;
      const link = this.links.get(nic.name) ?? { nic, lastError: new Map() };
      link.nic = nic;
      this.links.set(nic.name, link);
      await this.syncV4(link);
      await this.syncV6(link);
    }
    for (const name of this.options.interfaces ?? []) {
      if (!wanted.some((n) => n.name === name)) {
        this.reportOnce(
          new TransportError(
            'NO_INTERFACE',
            `Interface "${name}" named in the options is absent, down or has no usable address; boaster uses it once it appears`,
            {
              interfaceName: name,
            },
          ),
        );
      }
    }
  }

  /** Open, keep or move the IPv4 half to the interface's first IPv4 address. */
  private async syncV4(link: Link): Promise<void> {
    const { nic } = link;
    const desired = this.group4 ? nic.addresses.find((a) => a.family === 4)?.address : undefined;
    if (link.v4?.address === desired) return;
    if (link.v4) await this.closeV4(link);
    if (desired === undefined || !this.group4) return;
    try {
      const socket = await openMdnsSocket(
        'udp4',
        desired,
        nic.name,
        this.receiver({ family: 4, interface: nic.name }, false),
        (e) => this.notify('error', socketError(e, `socket ${desired}`, nic.name)),
      );
      if (this.state !== 'running') {
        await closeSocket(socket);
        return;
      }
      socket.setMulticastInterface(desired);
      link.v4 = { address: desired, socket };
      const twin = [...this.links.values()].find((other) => other !== link && other.v4?.address === desired);
      if (twin) {
        // Node joins IPv4 groups by address (ip_mreq), which names one interface only.
        this.reportOnce(
          new TransportError(
            'ADDRESS_NOT_AVAILABLE',
            `${desired} is on both ${twin.nic.name} and ${nic.name}: IPv4 multicast arrives through ${twin.nic.name} only; give each interface its own address`,
            {
              interfaceName: nic.name,
            },
          ),
        );
      }
      joinGroup(this.group4, MDNS_IPV4_GROUP, desired);
      link.lastError.delete(4);
    } catch (error) {
      this.reportLinkError(link, 4, toTransportError(error, `opening IPv4 on ${nic.name}`, nic.name));
    }
  }

  /** Open, keep or move the IPv6 half to the interface's link-local (else first) IPv6 address. */
  private async syncV6(link: Link): Promise<void> {
    const { nic } = link;
    const chosen =
      nic.addresses.find((a) => a.family === 6 && a.linkLocal) ?? nic.addresses.find((a) => a.family === 6);
    if (link.v6?.address === chosen?.address) return;
    if (link.v6) await this.closeV6(link);
    if (!chosen) return;
    // libuv resolves zones with if_nametoindex() on Unix, so the zone is the name.
    const zone = nic.name;
    let group: dgram.Socket | undefined;
    try {
      group = await openMdnsSocket(
        'udp6',
        `${MDNS_IPV6_GROUP}%${zone}`,
        nic.name,
        this.receiver({ family: 6, interface: nic.name, exact: true }, true),
        (e) => this.notify('error', socketError(e, `socket ff02::fb on ${nic.name}`, nic.name)),
      );
      joinGroup(group, MDNS_IPV6_GROUP, `::%${zone}`);
      const bindTo = chosen.linkLocal ? `${chosen.address}%${zone}` : chosen.address;
      // Only a scoped (link-local) bind ties the socket to the interface.
      const socket = await openMdnsSocket(
        'udp6',
        bindTo,
        nic.name,
        this.receiver({ family: 6, interface: nic.name, exact: chosen.linkLocal }, false),
        (e) => this.notify('error', socketError(e, `socket ${bindTo}`, nic.name)),
      );
      if (this.state !== 'running') {
        await Promise.all([closeSocket(socket), closeSocket(group)]);
        return;
      }
      socket.setMulticastInterface(`::%${zone}`);
      link.v6 = { address: chosen.address, socket, group };
      link.lastError.delete(6);
    } catch (error) {
      if (group && !link.v6) await closeSocket(group);
      this.reportLinkError(link, 6, toTransportError(error, `opening IPv6 on ${nic.name}`, nic.name));
    }
  }

  private async closeV4(link: Link): Promise<void> {
    const half = link.v4;
    if (!half) return;
    link.v4 = undefined;
    if (this.group4) leaveGroup(this.group4, MDNS_IPV4_GROUP, half.address);
    await closeSocket(half.socket);
  }

  private async closeV6(link: Link): Promise<void> {
    const half = link.v6;
    if (!half) return;
    link.v6 = undefined;
    await Promise.all([closeSocket(half.socket), closeSocket(half.group)]);
  }

  private async closeLink(link: Link): Promise<void> {
    this.links.delete(link.nic.name);
    this.attributions.clear();
    await Promise.all([this.closeV4(link), this.closeV6(link)]);
  }

  /** Report a family's failure once; it is retried on every refresh. */
  private reportLinkError(link: Link, family: 4 | 6, error: TransportError): void {
    if (link.lastError.get(family) === error.message) return;
    link.lastError.set(family, error.message);
    this.notify('error', error);
  }

  private reportOnce(error: TransportError): void {
    if (this.reported.has(error.message)) return;
    this.reported.add(error.message);
    this.notify('error', error);
  }

  /** Emit an event; a listener's exception becomes an `error` event, never a crash in a socket handler. */
  private notify<E extends keyof TransportEvents>(event: E, ...args: Parameters<TransportEvents[E]>): void {
    try {
      (this.emit as (event: E, ...args: Parameters<TransportEvents[E]>) => boolean)(event, ...args);
    } catch (error) {
      if (event === 'error') return; // the error listener itself failed: nowhere left to report
      this.notify('error', toTransportError(error, `a "${event}" listener threw`));
    }
  }

  private receiver(arrival: ArrivalSocket, group: boolean): (data: Buffer, rinfo: dgram.RemoteInfo) => void {
    return (data, rinfo) => this.receive(data, rinfo, arrival, group);
  }

  private isOwnAddress(address: string, family: 4 | 6): boolean {
    for (const { v4, v6 } of this.links.values()) {
      if ((family === 4 ? v4 : v6)?.address === address) return true;
    }
    return false;
  }

  private receive(data: Buffer, rinfo: dgram.RemoteInfo, arrival: ArrivalSocket, group: boolean): void {
    try {
      this.counters.received++;
      // First port 0, broadcast, multicast, unspecified or stray loopback sources (source-check.ts), then on-link.
      const attribution = this.attribute(rinfo, arrival, group);
      if ('drop' in attribution) {
        this.counters.dropped[attribution.drop]++;
        return;
      }
      if (attribution.ambiguousWith.length > 0) this.counters.ambiguous++;
      const name = attribution.interface;
      const address = splitScope(rinfo.address).address;
      const digest = packetDigest(data);
      // Ours whichever interface it came back on: a link shared by two of our interfaces returns it on both.
      if (
        rinfo.port === MDNS_PORT &&
        this.isOwnAddress(address, arrival.family) &&
        this.own.has(`${arrival.family}|${digest}`)
      ) {
        this.counters.dropped.own++;
        return;
      }
      // Copies of one multicast packet reach the group socket once per interface on the
      // link; only then (the source fits several interfaces) is a repeat a copy. A peer
      // may send the same query twice, and a unicast packet arrives once.
      if (
        group &&
        attribution.ambiguousWith.length > 0 &&
        this.recent.check(`${name}|${rinfo.address}|${rinfo.port}|${digest}`)
      ) {
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
      this.notify('packet', packet);
    } catch (error) {
      // Network input never throws out of a socket handler.
      this.notify('error', toTransportError(error, 'handling a received packet'));
    }
  }

  /**
   * Where a packet from this source on this socket belongs, or why it is
   * dropped: source-check.ts, then attribution.ts. Remembered per source and
   * socket until the interfaces are next read (a link has few peers; the
   * memory is bounded whatever sources a flood forges).
   */
  private attribute(rinfo: dgram.RemoteInfo, arrival: ArrivalSocket, group: boolean): SourceAttribution {
    const key = `${arrival.family}|${arrival.interface ?? ''}|${arrival.exact === true ? 1 : 0}|${group ? 1 : 0}|${rinfo.port === 0 ? 0 : 1}|${rinfo.address}`;
    const known = this.attributions.get(key);
    if (known) return known;
    const bound = arrival.exact === true ? this.links.get(arrival.interface ?? '')?.nic : undefined;
    const refused = checkSource(rinfo.address, rinfo.port, bound ? [bound] : this.attributionTargets());
    const attribution: SourceAttribution = refused
      ? { drop: refused }
      : attributeSource(rinfo.address, { ...arrival, group }, this.attributionTargets());
    if (this.attributions.size >= ATTRIBUTION_MEMORY_ENTRIES) this.attributions.clear();
    this.attributions.set(key, attribution);
    return attribution;
  }

  /** What attribution chooses among: each interface with its index for numeric zones. */
  private attributionTargets(): NetworkInterface[] {
    return [...this.links.values()].map((l) => l.nic);
  }

  /** Send one packet out of one interface. */
  async send(data: Uint8Array, target: SendTarget): Promise<void> {
    if (this.state !== 'running')
      throw new TransportError('CLOSED', 'The transport is not running; call start() first');
    const link = this.links.get(target.interface);
    const half = target.family === 4 ? link?.v4 : target.family === 6 ? link?.v6 : undefined;
    if (!link || !half) {
      throw new TransportError(
        'NO_INTERFACE',
        `No IPv${target.family} socket on interface "${target.interface}"; it is gone, unselected or has no usable IPv${target.family} address`,
        {
          interfaceName: target.interface,
        },
      );
    }
    const port = target.port ?? MDNS_PORT;
    const given = target.address === undefined ? undefined : splitScope(target.address).address;
    if (
      (given !== undefined && net.isIP(given) !== target.family) ||
      !Number.isInteger(port) ||
      port < 1 ||
      port > 0xffff
    ) {
      throw new TransportError(
        'BAD_OPTION',
        `Send target ${String(target.address)} port ${String(port)} is not an IPv${target.family} address and port; pass a literal address and a port from 1 to 65535`,
        {
          interfaceName: target.interface,
        },
      );
    }
    const zone = link.nic.name;
    const multicast = given === undefined || given === MDNS_IPV4_GROUP || given.toLowerCase() === MDNS_IPV6_GROUP;
    let address: string;
    if (multicast) {
      address = target.family === 4 ? MDNS_IPV4_GROUP : `${MDNS_IPV6_GROUP}%${zone}`;
      // Remember it first: the looped-back copy can arrive before the send callback.
      this.own.remember(`${target.family}|${packetDigest(data)}`);
    } else {
      address = target.family === 6 && /^fe[89ab]/i.test(given) ? `${given}%${zone}` : given;
    }
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error): void => {
        this.counters.sendErrors++;
        if (STALE_SOCKET_ERRNOS.has((error as NodeJS.ErrnoException).code ?? '')) this.followSendFailure();
        reject(socketError(error, `sending to ${address}:${port}`, target.interface));
      };
      try {
        half.socket.send(data, port, address, (error) => {
          if (error) return fail(error);
          this.counters.sent++;
          resolve();
        });
      } catch (error) {
        fail(error as Error);
      }
    });
  }

  /**
   * A send failed the way one does on an interface that went down or lost
   * the socket's address since the interfaces were last read: read them now
   * rather than at the next poll, so the change is followed (and announced,
   * RFC 6762 §8.3, §10.1) at once. One such refresh waits at a time.
   */
  private followSendFailure(): void {
    if (this.refreshAfterSendFailure || this.state !== 'running') return;
    this.refreshAfterSendFailure = true;
    void this.refresh().finally(() => {
      this.refreshAfterSendFailure = false;
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
