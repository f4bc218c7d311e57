/**
 * Turns a message into packets that fit an interface (RFC 6762 §17) and
 * hands them to the transport, per address family; a failure is reported,
 * never thrown, so one interface cannot stop the others.
 */
import { FLAG_TRUNCATED } from '../constants.js';
import { BoasterError } from '../errors.js';
import type { NetworkInterface } from '../transport/interfaces.js';
import type { Transport } from '../transport/transport.js';
import type { Packet } from '../wire/model.js';
import { payloadBudget, splitPacket } from '../wire/split.js';
import { ReplyBudget } from './reply-budget.js';

/** The fewest bytes a record can take in a packet: a compression pointer for its name, type, class, TTL and RDLENGTH (RFC 1035 §4.1.3). */
const MIN_RECORD_BYTES = 12;

/** A unicast destination, with the legacy-unicast shaping when `legacy` (RFC 6762 §6.7). */
export interface UnicastTarget {
  address: string;
  port: number;
  /** Payload limit of the querier (never above the interface's: one MTU); default the interface's. */
  budget?: number;
  /** Legacy querier: no compression in SRV/NSEC RDATA, one packet, TC when cut. */
  legacy?: boolean;
}

/** Sends messages through a transport. */
export class PacketSender {
  /** Bytes of unicast replies per destination (the on-link amplification bound). */
  readonly replyBudget: ReplyBudget;

  constructor(
    private readonly transport: Transport,
    private readonly report: (error: BoasterError) => void,
    now: () => number = Date.now,
  ) {
    this.replyBudget = new ReplyBudget(now);
  }

  /**
   * Multicast on every family of `nic` (or only `only`), or unicast to `to`. Resolves false
   * when a unicast reply was refused for want of the destination's byte
   * budget (nothing sent), true otherwise; send failures are reported.
   */
  async send(nic: NetworkInterface, packet: Partial<Packet>, to?: UnicastTarget, only?: 4 | 6): Promise<boolean> {
    return !(await this.sendCounted(nic, packet, to, only)).refused;
  }

  /** As {@link send}, saying how many packets went out and whether a unicast reply was refused. */
  async sendCounted(
    nic: NetworkInterface,
    packet: Partial<Packet>,
    to?: UnicastTarget,
    only?: 4 | 6,
  ): Promise<{ sent: number; refused: boolean }> {
    let refused = false;
    let sent = 0;
    for (const family of [4, 6] as const) {
      if (only !== undefined && family !== only) continue;
      if (!nic.addresses.some((a) => a.family === family)) continue;
      if (to && (to.address.includes(':') ? 6 : 4) !== family) continue;
      try {
        // A record takes at least a compressed owner name and its fixed fields:
        // a reply surely over the source's budget is refused before it is built.
        if (
          to &&
          !to.legacy &&
          MIN_RECORD_BYTES * (packet.answers?.length ?? 0) > this.replyBudget.remaining(to.address)
        ) {
          this.replyBudget.refused++;
          refused = true;
          continue;
        }
        // A unicast reply goes to a source nobody verified: never more than one
        // MTU's worth in one packet, whatever EDNS0 size the query claimed.
        const budget = Math.min(to?.budget ?? Infinity, payloadBudget(nic.mtu, family));
        const packets = splitPacket(packet, {
          budget,
          compression: to?.legacy ? 'unicast' : 'mdns',
          dropAdditionalsThatDoNotFit: true,
        });
        const chosen = to?.legacy && packets.length > 1 ? [truncated(packets[0] as Buffer)] : packets;
        if (
          to &&
          !this.replyBudget.take(
            to.address,
            chosen.reduce((sum, p) => sum + p.length, 0),
          )
        ) {
          refused = true;
          continue;
        }
        for (const data of chosen) {
          if (to) await this.transport.send(data, { interface: nic.name, family, address: to.address, port: to.port });
          else await this.multicastOne(nic, family, data);
          sent++;
        }
      } catch (error) {
        this.report(
          error instanceof BoasterError
            ? error
            : new BoasterError('SEND_FAILED', `Sending on ${nic.name} failed: ${String(error)}`),
        );
      }
    }
    return { sent, refused };
  }

  /**
   * Told of every packet multicast, once it is sent: the core loops them back
   * to this process's cache (a browser beside a responder sees its services).
   */
  onMulticast: ((nic: NetworkInterface, family: 4 | 6, data: Uint8Array) => void) | undefined;

  private async multicastOne(nic: NetworkInterface, family: 4 | 6, data: Uint8Array): Promise<void> {
    await this.transport.send(data, { interface: nic.name, family });
    this.onMulticast?.(nic, family, data);
  }

  /** Multicast on every family of `nic` the packets `build` makes for that family's budget. */
  async sendPacked(nic: NetworkInterface, build: PacketBuild): Promise<void> {
    for (const family of [4, 6] as const) {
      if (!nic.addresses.some((a) => a.family === family)) continue;
      try {
        for (const data of build(payloadBudget(nic.mtu, family))) await this.multicastOne(nic, family, data);
      } catch (error) {
        this.report(
          error instanceof BoasterError
            ? error
            : new BoasterError('SEND_FAILED', `Sending on ${nic.name} failed: ${String(error)}`),
        );
      }
    }
  }
}

/** Packets already built for one family's budget (see {@link PacketSender.sendPacked}). */
export type PacketBuild = (budget: number) => Buffer[];

/** A legacy reply that does not fit: the first packet's worth, with TC set (RFC 6762 §6.7, RFC 1035 §4.1.1). */
function truncated(first: Buffer): Buffer {
  const out = Buffer.from(first);
  out.writeUInt16BE(out.readUInt16BE(2) | FLAG_TRUNCATED, 2);
  return out;
}
