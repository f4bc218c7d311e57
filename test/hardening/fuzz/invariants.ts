/**
 * The invariants checked on everything the stack sent during a batch:
 *
 * - within the size budget: the interface's payload budget (RFC 6762 §17:
 *   one MTU less IP and UDP headers, never over 9000 bytes), and a legacy
 *   reply within what its querier accepts (§6.7: 512 bytes, or its EDNS0
 *   size);
 * - a well-formed DNS message (it decodes);
 * - unicast only to on-link sources (RFC 6762 §11: the interface's IPv4
 *   subnet or IPv6 prefix, or IPv6 link-local) and to a real port (1–65535);
 *
 * and on the stack's state: the cache within its bound.
 */
import { LEGACY_UNICAST_MAX_PAYLOAD, MAX_MDNS_PACKET_BYTES, MDNS_PORT } from '../../../src/constants.js';
import type { SentPacket } from '../../../src/transport/fake-transport.js';
import { inSubnet, isLinkLocal, type NetworkInterface } from '../../../src/transport/interfaces.js';
import { decodePacket } from '../../../src/wire/decode.js';
import { payloadBudget } from '../../../src/wire/split.js';

/** Counts of what was checked and what broke. */
export interface SentTally {
  packets: number;
  unicast: number;
  legacy: number;
  bytes: number;
  largest: number;
}

/** Whether `address` is on `nic`'s link: in one of its subnets or prefixes, or IPv6 link-local. */
export function onLink(nic: NetworkInterface, address: string, family: 4 | 6): boolean {
  if (family === 6 && isLinkLocal(address, 6)) return true;
  return nic.addresses.some((a) => a.family === family && inSubnet(address, a.address, a.prefixLength));
}

/**
 * Check every packet sent; push a line per violation to `violations`.
 * `legacyBudgets` holds, per `address|port` of a legacy querier, the payload
 * it may receive (the largest its queries allowed).
 */
export function checkSent(
  sent: readonly SentPacket[],
  nics: readonly NetworkInterface[],
  legacyBudgets: ReadonlyMap<string, number>,
  tally: SentTally,
  violations: string[],
): void {
  for (const { data, target } of sent) {
    tally.packets++;
    tally.bytes += data.length;
    tally.largest = Math.max(tally.largest, data.length);
    const nic = nics.find((n) => n.name === target.interface);
    if (!nic) {
      violations.push(`sent on unknown interface ${target.interface}`);
      continue;
    }
    const budget = payloadBudget(nic.mtu, target.family);
    if (data.length > budget || data.length > MAX_MDNS_PACKET_BYTES)
      violations.push(`${data.length}-byte packet over the ${budget}-byte budget of ${nic.name} IPv${target.family}`);
    try {
      decodePacket(data);
    } catch (error) {
      violations.push(`sent a packet that does not decode: ${(error as Error).message}`);
    }
    if (target.address === undefined) continue;
    tally.unicast++;
    const port = target.port ?? MDNS_PORT;
    if (!onLink(nic, target.address, target.family)) violations.push(`unicast to off-link ${target.address}`);
    if (!(port >= 1 && port <= 0xffff)) violations.push(`unicast to port ${port}`);
    if (port !== MDNS_PORT) {
      tally.legacy++;
      const allowed = Math.min(legacyBudgets.get(`${target.address}|${port}`) ?? LEGACY_UNICAST_MAX_PAYLOAD, budget);
      if (data.length > allowed)
        violations.push(`${data.length}-byte legacy reply to ${target.address}:${port}, which accepts ${allowed}`);
    }
  }
}
