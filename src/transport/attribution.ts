/**
 * Which interface a received packet belongs to, without IP_PKTINFO.
 *
 * Node's dgram gives a packet's source address (with `%scope` for IPv6
 * link-local sources) and the socket that received it, never the arrival
 * interface. The transport's sockets are arranged so that these suffice:
 *
 * - IPv6: every socket is bound to one interface (`ff02::fb%eth0`, or the
 *   interface's own address), which Linux enforces, so the socket names the
 *   arrival interface exactly; the source must then be on that link:
 *   link-local, or inside one of that interface's IPv6 prefixes, on the
 *   group socket as on the unicast one (see below).
 * - IPv4: one socket bound to 224.0.0.251 receives the group from every
 *   joined interface (IP_MULTICAST_ALL), and one socket per interface bound
 *   to its address receives unicast. The arrival interface is the one whose
 *   subnet holds the source, longest prefix first.
 *
 * A source that is not link-local and on none of the arrival interface's
 * subnets (IPv4) or prefixes (IPv6) is dropped: the on-link test of
 * RFC 6762 §11, "(I & M) == (P & M)" or link-local. §11 itself deems responses
 * sent to 224.0.0.251 or ff02::fb on-link "regardless of source IP address"
 * (for devices with unrelated addresses on one link); boaster does not take
 * that exemption, for either family. Reaching the link-scope group shows the
 * sender is on the link, not that the address it claims is, and answering
 * such a claim is off-link reflection and amplification (avahi
 * CVE-2017-6519; its IPv6 side is a global source on ff02::fb). The cost: a
 * device whose address is on none of our subnets or prefixes is not heard.
 * Sources no host sends from (port 0, broadcast, multicast, unspecified,
 * stray loopback) are refused before attribution, by source-check.ts.
 *
 * Ambiguity that remains: two IPv4 interfaces with the same subnet (or the
 * same longest prefix). The packet is then given to the interface whose
 * socket received it when that is one of them, otherwise to the first by
 * name, and the result lists the others so the caller can count it.
 * IPv4 link-local (169.254/16) sources on a host with several IPv4
 * interfaces and no 169.254 address are likewise attributed by socket or
 * dropped.
 */
import type { InterfaceAddress } from './interfaces.js';
import { inSubnet, isLinkLocal } from './interfaces.js';
import { formatIp, parseIp, unmapIPv4 } from './ip.js';

/** The interfaces attribution chooses among. */
export interface AttributionInterface {
  name: string;
  /** Kernel index, to match numeric zones (`fe80::1%3`). */
  index?: number;
  addresses: readonly InterfaceAddress[];
}

/** The socket a packet arrived on. */
export interface ArrivalSocket {
  family: 4 | 6;
  /**
   * The interface the socket is bound to, for per-interface sockets.
   * `exact` when the kernel guarantees arrival on it (IPv6 scoped binds).
   */
  interface?: string;
  exact?: boolean;
  /**
   * The socket receives the mDNS group. Informational: it does not waive the
   * on-link test (boaster does not take RFC 6762 §11's exemption for packets
   * to the group: see the module comment).
   */
  group?: boolean;
}

/** Outcome of {@link attributeSource}. */
export type Attribution =
  | { interface: string; ambiguousWith: string[] }
  | { drop: 'off-link' | 'no-interface' | 'family-mismatch' | 'bad-address' };

/** Split `fe80::1%eth0` into address and scope. */
export function splitScope(source: string): { address: string; scope: string | undefined } {
  const at = source.indexOf('%');
  return at < 0 ? { address: source, scope: undefined } : { address: source.slice(0, at), scope: source.slice(at + 1) };
}

/** The packet's source is on `nic`'s link: link-local, or inside one of its subnets of that family. */
function onLinkOf(nic: AttributionInterface, address: string, family: 4 | 6): number {
  let best = -1;
  for (const a of nic.addresses) {
    if (a.family === family && inSubnet(address, a.address, a.prefixLength)) best = Math.max(best, a.prefixLength);
  }
  return best;
}

/**
 * Attribute a packet from `source` (as Node reports it) that arrived on
 * `socket` to one of `interfaces`, or say why it is dropped.
 */
export function attributeSource(
  source: string,
  socket: ArrivalSocket,
  interfaces: readonly AttributionInterface[],
): Attribution {
  let { address, scope } = splitScope(source);
  const parsed = parseIp(address);
  if (!parsed) return { drop: 'bad-address' };
  // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d (RFC 4291 §2.5.5.2).
  const unmapped = unmapIPv4(parsed);
  if (unmapped !== parsed) address = formatIp(unmapped);
  const family = unmapped.family;
  if (family !== socket.family) return { drop: 'family-mismatch' };
  const linkLocal = isLinkLocal(address, family);

  // IPv6: the scope of a link-local source, or an interface-bound socket, names the link.
  const bound = socket.interface !== undefined ? interfaces.find((n) => n.name === socket.interface) : undefined;
  if (family === 6) {
    const scoped =
      linkLocal && scope !== undefined
        ? interfaces.find((n) => n.name === scope || String(n.index) === scope)
        : undefined;
    if (linkLocal && scope !== undefined && !scoped) return { drop: 'no-interface' };
    const nic = scoped ?? (socket.exact ? bound : undefined);
    if (nic) {
      // RFC 6762 §11's on-link test: link-local, or inside a prefix of the arrival interface; on the group socket too.
      if (linkLocal || onLinkOf(nic, address, 6) >= 0) return { interface: nic.name, ambiguousWith: [] };
      return { drop: 'off-link' };
    }
  }

  // Longest-prefix match of the source over every interface's subnets.
  let bestLength = -1;
  let best: AttributionInterface[] = [];
  for (const nic of interfaces) {
    const length = onLinkOf(nic, address, family);
    if (length < 0) continue;
    if (length > bestLength) {
      bestLength = length;
      best = [nic];
    } else if (length === bestLength) {
      best.push(nic);
    }
  }
  if (best.length === 0) {
    if (!linkLocal) return { drop: 'off-link' };
    // A link-local source on no subnet of ours: the socket's interface, or the only candidate.
    const sameFamily = interfaces.filter((n) => n.addresses.some((a) => a.family === family));
    if (bound) return { interface: bound.name, ambiguousWith: [] };
    if (sameFamily.length === 1) return { interface: (sameFamily[0] as AttributionInterface).name, ambiguousWith: [] };
    return { drop: 'no-interface' };
  }
  const chosen = best.find((n) => n.name === bound?.name) ?? (best[0] as AttributionInterface);
  return { interface: chosen.name, ambiguousWith: best.filter((n) => n !== chosen).map((n) => n.name) };
}
