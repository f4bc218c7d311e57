/**
 * The one packet intake (RFC 6762 §6, §18): every packet the transport
 * delivers is decoded once, the protocol's drops are applied once, and what
 * is left goes to whoever listens — the responder today, the querier's cache
 * next — as a query or a response on one interface.
 *
 * Dropped and counted, never thrown: packets that do not decode (by error
 * code; a record with bad RDATA but sound framing is dropped alone), a
 * non-zero OPCODE (§18.3), responses with a non-zero RCODE (§18.11) and
 * responses not from port 5353 (§6). A listener that throws is reported
 * through `onError`; the other listeners still get the packet.
 */
import { EventEmitter } from 'eventemitter3';
import { FLAG_RESPONSE, MDNS_PORT } from '../constants.js';
import { WireDecodeError } from '../errors.js';
import type { NetworkInterface } from '../transport/interfaces.js';
import type { ReceivedPacket, Transport } from '../transport/transport.js';
import { decodePacket } from '../wire/decode.js';
import type { Packet } from '../wire/model.js';

/** RFC 1035 §4.1.1: OPCODE bits of the flags word. */
const OPCODE_MASK = 0x7800;
/** RFC 1035 §4.1.1: RCODE bits of the flags word. */
const RCODE_MASK = 0x000f;

/** A decoded packet and where it came from. */
export interface Incoming {
  nic: NetworkInterface;
  packet: Packet;
  received: ReceivedPacket;
}

/** Events of the intake. */
export interface IntakeEvents {
  /** A query (QR clear): questions, known answers, a probe's proposed records. */
  query: (incoming: Incoming) => void;
  /** A response (QR set) from port 5353 with RCODE 0. */
  response: (incoming: Incoming) => void;
}

/** Why the intake dropped a packet it decoded. */
export type IntakeDrop = 'opcode' | 'rcode' | 'response-port' | 'no-interface';

/** Decodes once, drops once, dispatches. */
export class Intake extends EventEmitter<IntakeEvents> {
  /** Packets (or single records) dropped because they did not decode, by error code. */
  readonly malformed = new Map<string, number>();
  /** Decoded packets dropped by the rules above. */
  readonly dropped: Record<IntakeDrop, number> = { opcode: 0, rcode: 0, 'response-port': 0, 'no-interface': 0 };

  constructor(
    private readonly transport: Transport,
    private readonly onError: (error: unknown) => void,
  ) {
    super();
    transport.on('packet', (received) => this.receive(received));
  }

  private countMalformed(code: string): void {
    this.malformed.set(code, (this.malformed.get(code) ?? 0) + 1);
  }

  /**
   * A packet this process sent, handed back as if received on `nic` from
   * its own address (the transport drops our own multicast when it loops
   * back, so a consumer that must see its neighbours' packets gets them here).
   */
  loopback(nic: NetworkInterface, family: 4 | 6, data: Uint8Array, now: number): void {
    const own = nic.addresses.find((a) => a.family === family);
    if (!own) return;
    this.receive({
      data,
      interface: nic.name,
      family,
      source: { address: own.address, port: MDNS_PORT },
      destination: 'multicast',
      receivedAt: now,
      local: true,
    });
  }

  private receive(received: ReceivedPacket): void {
    let packet: Packet;
    try {
      packet = decodePacket(received.data, { onBadRecord: (e) => this.countMalformed(e.code) });
    } catch (error) {
      this.countMalformed(error instanceof WireDecodeError ? error.code : 'UNKNOWN');
      return;
    }
    const nic = this.transport.interfaces.find((n) => n.name === received.interface);
    if (!nic) return void this.dropped['no-interface']++;
    // RFC 6762 §18.3: only OPCODE 0 (standard query) is mDNS.
    if ((packet.flags & OPCODE_MASK) !== 0) return void this.dropped.opcode++;
    const response = (packet.flags & FLAG_RESPONSE) !== 0;
    if (response) {
      // RFC 6762 §18.11: responses with a non-zero RCODE are ignored; §6: so are responses not from port 5353.
      if ((packet.flags & RCODE_MASK) !== 0) return void this.dropped.rcode++;
      if (received.source.port !== MDNS_PORT) return void this.dropped['response-port']++;
    }
    // A question of ours asked of our own responder is answered by multicast: that is the copy this process hears.
    if (received.local === true && !response)
      packet = {
        ...packet,
        questions: packet.questions.map((q) => (q.unicastResponse ? { ...q, unicastResponse: false } : q)),
      };
    const event = response ? 'response' : 'query';
    const incoming: Incoming = { nic, packet, received };
    for (const listener of this.listeners(event)) {
      try {
        listener(incoming);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
