/**
 * Sources no real mDNS sender can have, judged before attribution: a packet
 * from one is dropped and counted, never delivered, so nothing above the
 * transport tries (and fails, loudly) to answer it.
 *
 * - Source port 0 (`'bad-port'`): RFC 768 makes 0 "no port"; nothing can be
 *   sent back to it, and an mDNS querier or responder always has one
 *   (5353, or the port a legacy resolver waits on, RFC 6762 §6.7).
 * - Source addresses that never name one sending host (`'bad-source'`),
 *   which hosts must silently discard (RFC 1122 §3.2.1.3, RFC 4291 §2.5.2,
 *   §2.5.3, §2.7):
 *   - unspecified: `0.0.0.0/8`, `::`;
 *   - broadcast: `255.255.255.255`, and the subnet broadcast (all host
 *     bits set) of an IPv4 subnet of a candidate arrival interface, e.g.
 *     `192.0.2.255` on `192.0.2.0/24`, or `169.254.255.255` (RFC 3927);
 *     /31 and /32 have no broadcast address (RFC 3021);
 *   - multicast: `224.0.0.0/4`, `ff00::/8`;
 *   - loopback (`127.0.0.0/8`, `::1`) unless a candidate arrival interface
 *     is a loopback interface.
 *
 * IPv4-mapped IPv6 sources are judged as the IPv4 address they carry. An
 * address that does not parse is left to attribution (`'bad-address'`).
 */
import type { InterfaceAddress } from './interfaces.js';
import type { IpAddress } from './ip.js';
import { formatIp, ipRange, ipv4Broadcast, parseIp, unmapIPv4 } from './ip.js';

/** What the check needs to know of an interface the packet may have arrived on. */
export interface SourceCheckInterface {
  loopback: boolean;
  addresses: readonly InterfaceAddress[];
}

/** Why a source is refused; see the module comment. */
export type SourceVerdict = 'bad-port' | 'bad-source';

/** The IPv4 link-local prefix (RFC 3927), whose broadcast is refused even on interfaces without such an address. */
const IPV4_LINK_LOCAL: readonly [string, number] = ['169.254.0.0', 16];

/** `address` parsed, with an IPv4-mapped IPv6 address read as the IPv4 address it carries. */
function parseSource(address: string): IpAddress | undefined {
  const at = address.indexOf('%');
  const parsed = parseIp(at < 0 ? address : address.slice(0, at));
  return parsed && unmapIPv4(parsed);
}

/** A source address as the check needs it: parsed, its range, IPv4 in canonical text. */
interface ParsedSource {
  readonly address: IpAddress;
  readonly range: ReturnType<typeof ipRange>;
  readonly text: string;
}

/** Sources seen lately, parsed once: the check runs on every packet, and a link has few peers. */
const sources = new Map<string, ParsedSource | undefined>();
const SOURCE_CACHE_SIZE = 1024;

function sourceOf(address: string): ParsedSource | undefined {
  if (sources.has(address)) return sources.get(address);
  const parsed = parseSource(address);
  const entry = parsed && {
    address: parsed,
    range: ipRange(parsed),
    text: parsed.family === 4 ? formatIp(parsed) : '',
  };
  // Bounded whatever a flood of forged sources brings.
  if (sources.size >= SOURCE_CACHE_SIZE) sources.clear();
  sources.set(address, entry);
  return entry;
}

/** The all-ones host address of `network/prefixLength` (IPv4, prefix 0..30), as text. */
function subnetBroadcast(network: string, prefixLength: number): string | undefined {
  // RFC 3021: both addresses of a /31 are hosts and a /32 is one host, so neither has a broadcast (ip.ts).
  const parsed = parseIp(network);
  const broadcast = parsed && ipv4Broadcast(parsed, prefixLength);
  return broadcast ? formatIp(broadcast) : undefined;
}

/** Broadcast of each interface address, computed once per address object (an interface read makes new ones). */
const broadcasts = new WeakMap<InterfaceAddress, string | undefined>();
let linkLocalBroadcast: string | undefined;

function broadcastOf(a: InterfaceAddress): string | undefined {
  if (!broadcasts.has(a)) broadcasts.set(a, subnetBroadcast(a.address, a.prefixLength));
  return broadcasts.get(a);
}

/**
 * Judge a packet's source before attribution.
 *
 * @param address the source as Node reports it (an IPv6 `%zone` is ignored)
 * @param port the source UDP port
 * @param candidates the interfaces the packet may have arrived on: the one a
 *   scoped socket is bound to, else every interface of the transport
 * @returns why the packet is dropped, or `undefined` when the source may be a peer
 */
export function checkSource(
  address: string,
  port: number,
  candidates: readonly SourceCheckInterface[],
): SourceVerdict | undefined {
  if (port === 0) return 'bad-port';
  const source = sourceOf(address);
  if (!source) return undefined;
  const { range, text } = source;
  if (range === 'unspecified' || range === 'broadcast' || range === 'multicast') return 'bad-source';
  if (range === 'loopback') return candidates.some((nic) => nic.loopback) ? undefined : 'bad-source';
  if (source.address.family === 4) {
    linkLocalBroadcast ??= subnetBroadcast(...IPV4_LINK_LOCAL);
    if (linkLocalBroadcast === text) return 'bad-source';
    for (const nic of candidates) {
      for (const a of nic.addresses) {
        if (a.family === 4 && broadcastOf(a) === text) return 'bad-source';
      }
    }
  }
  return undefined;
}
