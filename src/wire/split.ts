/**
 * Payload budgets and splitting a message into packets that fit them
 * (RFC 6762 §17, §7.2).
 */
import {
  DEFAULT_MTU,
  DNS_HEADER_BYTES,
  FLAG_TRUNCATED,
  IPV4_HEADER_BYTES,
  IPV6_HEADER_BYTES,
  MAX_MDNS_PACKET_BYTES,
  UDP_HEADER_BYTES,
} from '../constants.js';
import { WireEncodeError } from '../errors.js';
import type { EncodeOptions, RecordSection } from './encode.js';
import { encodePacket, PacketBuilder } from './encode.js';
import type { PacketInput, ResourceRecord } from './model.js';

/**
 * Largest DNS payload for an interface: its MTU less the IP and UDP headers
 * (1472 for IPv4 and 1452 for IPv6 at MTU 1500), never above 9000 bytes
 * (RFC 6762 §17).
 */
export function payloadBudget(mtu: number = DEFAULT_MTU, family: 4 | 6 = 4): number {
  const budget = Math.min(
    mtu - (family === 4 ? IPV4_HEADER_BYTES : IPV6_HEADER_BYTES) - UDP_HEADER_BYTES,
    MAX_MDNS_PACKET_BYTES,
  );
  if (!Number.isFinite(budget) || budget <= DNS_HEADER_BYTES) {
    throw new WireEncodeError('BAD_BUDGET', `MTU ${mtu} leaves no room for an mDNS packet; check the interface's MTU`);
  }
  return budget;
}

/** Additional records tried after the packet refused this many (smaller ones may still fit before that). */
const MAX_ADDITIONALS_REFUSED = 8;

/** Options for {@link splitPacket}. */
export interface SplitOptions extends EncodeOptions {
  /** Payload budget per packet; see {@link payloadBudget}. */
  budget: number;
  /**
   * Set TC on every packet but the last, as a querier does when its known
   * answers span several packets (RFC 6762 §7.2).
   */
  truncateAllButLast?: boolean;
  /**
   * Drop additional records that do not fit in the packet being filled
   * instead of carrying them into another packet (additional records are
   * optional, RFC 6762 §6); after eight refusals the rest are not tried.
   */
  dropAdditionalsThatDoNotFit?: boolean;
}

/**
 * Split a message into packets within the budget. Questions lead the first
 * packet; records follow in section order, each packet keeping the header
 * id and flags. A record too large for the budget goes alone in a packet of
 * its own, up to 9000 bytes; beyond that encoding throws.
 */
export function splitPacket(message: PacketInput, options: SplitOptions): Buffer[] {
  const packets: PacketBuilder[] = [];
  const open = (): PacketBuilder => {
    const builder = new PacketBuilder(message.id ?? 0, message.flags ?? 0, options);
    packets.push(builder);
    return builder;
  };
  let current = open();
  for (const question of message.questions ?? []) {
    if (!current.addQuestion(question)) {
      current = open();
      current.addQuestion(question);
    }
  }
  const sections: [RecordSection, ResourceRecord[]][] = [
    ['answers', message.answers ?? []],
    ['authorities', message.authorities ?? []],
    ['additionals', message.additionals ?? []],
  ];
  for (const [section, records] of sections) {
    let refused = 0;
    for (const record of records) {
      if (current.addRecord(section, record)) continue;
      if (section === 'additionals' && options.dropAdditionalsThatDoNotFit) {
        // A full packet refuses the rest too; trying thousands of them one by one is wasted work.
        if (++refused >= MAX_ADDITIONALS_REFUSED) break;
        continue;
      }
      current = open();
      current.addRecord(section, record);
    }
  }
  return packets.map((builder, i) => {
    if (options.truncateAllButLast && i < packets.length - 1) {
      builder.setFlags((message.flags ?? 0) | FLAG_TRUNCATED);
    }
    return builder.finish();
  });
}

/**
 * Questions and records that must travel in one packet: a probe's question
 * for a name and the records it proposes for that name, which the §8.2
 * tiebreak compares together (RFC 6762 §8.1, §8.2).
 */
export interface PacketGroup {
  questions: PacketInput['questions'];
  answers?: ResourceRecord[];
  authorities?: ResourceRecord[];
}

/**
 * Pack `groups` into as few packets within the budget as a greedy fill
 * allows, never splitting a group; a group too large for the budget goes
 * alone (up to 9000 bytes). Each packet keeps the header id and flags.
 */
export function packGroups(id: number, flags: number, groups: readonly PacketGroup[], options: SplitOptions): Buffer[] {
  const encode = (members: readonly PacketGroup[]): Buffer => {
    const message: PacketInput = { id, flags, questions: [], answers: [], authorities: [] };
    for (const g of members) {
      message.questions?.push(...(g.questions ?? []));
      message.answers?.push(...(g.answers ?? []));
      message.authorities?.push(...(g.authorities ?? []));
    }
    // Encoded whole (up to 9000 bytes) to learn its size; the budget is applied here.
    return encodePacket(message, options.compression === undefined ? {} : { compression: options.compression });
  };
  const packets: Buffer[] = [];
  let current: PacketGroup[] = [];
  // What a group adds beside the packet's first group is at least what it adds beside all of them
  // (more names to point to, never fewer), so the first group's size plus those additions bounds
  // the packet: most groups are placed on two small encodes, and the whole packet is encoded only
  // when that bound passes the budget.
  let first: PacketGroup | undefined;
  let firstSize = 0;
  let bound = 0;
  let encoded: Buffer | undefined;
  const open = (group: PacketGroup): void => {
    current = [group];
    first = group;
    firstSize = encode([group]).length;
    bound = firstSize;
    encoded = undefined;
  };
  for (const group of groups) {
    if (first === undefined) {
      open(group);
      continue;
    }
    const added = encode([first, group]).length - firstSize;
    if (bound + added <= options.budget) {
      current.push(group);
      bound += added;
      encoded = undefined;
      continue;
    }
    const candidate = encode([...current, group]);
    if (candidate.length <= options.budget) {
      current.push(group);
      bound = candidate.length;
      encoded = candidate;
      continue;
    }
    packets.push(encoded ?? encode(current));
    open(group);
  }
  if (current.length > 0) packets.push(encoded ?? encode(current));
  return packets;
}
