/**
 * The seam between the protocol engine and the network: an interface-aware
 * transport. The engine sends to "interface X, multicast or unicast" and
 * receives packets already attributed to one interface; it never touches a
 * socket. `UdpTransport` is the real one, `FakeTransport` the one unit tests
 * drive.
 */
import type { EventEmitter } from 'eventemitter3';
import type { TransportError } from '../errors.js';
import type { InterfaceAddress, NetworkInterface } from './interfaces.js';

/** A packet received on one interface. */
export interface ReceivedPacket {
  /** The DNS message, undecoded. */
  data: Uint8Array;
  /** Interface it is attributed to. */
  interface: string;
  family: 4 | 6;
  /** Sender address (IPv6 without zone; the interface is the zone) and port. */
  source: { address: string; port: number };
  /** Sent to the mDNS group, or to one of our unicast addresses (RFC 6762 §5.5, §6.7). */
  destination: 'multicast' | 'unicast';
  /** `Date.now()` at arrival. */
  receivedAt: number;
  /** Sent by this process and looped back inside it (never set by a transport; see MdnsCore). */
  local?: boolean;
}

/** Where to send: the group on an interface, or a unicast address through it. */
export interface SendTarget {
  interface: string;
  family: 4 | 6;
  /** Unicast destination; omitted: the mDNS group (224.0.0.251 / ff02::fb). */
  address?: string;
  /** Unicast destination port; default 5353. */
  port?: number;
}

/**
 * Why a received packet was not delivered:
 * - `bad-port`: source port 0, which cannot be answered (source-check.ts);
 * - `bad-source`: a source no host sends from: unspecified, broadcast (also
 *   the subnet broadcast of an arrival interface), multicast, or loopback on
 *   a non-loopback interface (source-check.ts);
 * - `off-link`: the source is on none of the arrival interface's subnets or
 *   prefixes and not link-local (RFC 6762 §11, attribution.ts);
 * - `no-interface`: no selected interface can be the arrival interface;
 * - `family-mismatch`, `bad-address`: a source Node should never report;
 * - `own`: our own multicast looping back;
 * - `duplicate`: the same packet again within 100 ms on the same interface.
 */
export type DropReason =
  'bad-port' | 'bad-source' | 'off-link' | 'no-interface' | 'family-mismatch' | 'bad-address' | 'own' | 'duplicate';

/** Counters, since the transport started. */
export interface TransportStats {
  received: number;
  delivered: number;
  /** Delivered, but the source fitted several interfaces equally (see attribution.ts). */
  ambiguous: number;
  dropped: Record<DropReason, number>;
  sent: number;
  sendErrors: number;
}

/** Events of a transport. */
export interface TransportEvents {
  packet: (packet: ReceivedPacket) => void;
  /** An interface became usable (or first seen at start). */
  interfaceUp: (nic: NetworkInterface) => void;
  /** An interface went away or is no longer selected. */
  interfaceDown: (nic: NetworkInterface) => void;
  addressAdded: (nic: NetworkInterface, address: InterfaceAddress) => void;
  addressRemoved: (nic: NetworkInterface, address: InterfaceAddress) => void;
  /** A socket or interface problem; the transport goes on with the rest. */
  error: (error: TransportError) => void;
}

/** An interface-aware mDNS transport. */
export interface Transport extends EventEmitter<TransportEvents> {
  /** The interfaces in use now. */
  readonly interfaces: readonly NetworkInterface[];
  readonly stats: Readonly<TransportStats>;
  /** Open sockets on the selected interfaces; resolves when ready. */
  start(): Promise<void>;
  /** Send one packet; rejects with a `TransportError` for this interface only. */
  send(data: Uint8Array, target: SendTarget): Promise<void>;
  /** Look for interface and address changes now. */
  refresh(): Promise<void>;
  /** Close every socket; resolves when they are closed. */
  close(): Promise<void>;
}

/** Fresh zeroed counters. */
export function emptyStats(): TransportStats {
  return {
    received: 0,
    delivered: 0,
    ambiguous: 0,
    dropped: {
      'bad-port': 0,
      'bad-source': 0,
      'off-link': 0,
      'no-interface': 0,
      'family-mismatch': 0,
      'bad-address': 0,
      own: 0,
      duplicate: 0,
    },
    sent: 0,
    sendErrors: 0,
  };
}
