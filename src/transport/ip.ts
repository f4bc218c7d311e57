/**
 * IP address arithmetic for the transport: which family an address is, the
 * special ranges a source is judged by, prefixes, subnet matching and IPv4
 * subnet broadcast. Addresses are bytes in network order; text is parsed by
 * the wire layer's strict codecs (`wire/address.ts`), so boaster has one
 * parser per family: IPv4 as four decimal octets, IPv6 in every form of
 * RFC 4291 §2.2, neither with a zone (callers strip `%zone`, RFC 4007 §11).
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../wire/address.js';

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address, network byte order. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

/** A network written as `address/prefixLength` (RFC 4632 §3.1, RFC 4291 §2.3). */
export interface Cidr {
  /** The address as written; host bits are kept (`192.0.2.10/24` stays `.10`). */
  readonly address: IpAddress;
  readonly prefixLength: number;
}

/**
 * The special ranges source checks care about; every other address is
 * `'unicast'`.
 * - `unspecified`: `0.0.0.0/8` (RFC 1122 §3.2.1.3 "this network"), `::/128` (RFC 4291 §2.5.2).
 * - `broadcast`: `255.255.255.255` (RFC 919, RFC 1122 §3.2.1.3); IPv6 has none.
 * - `multicast`: `224.0.0.0/4` (RFC 5771), `ff00::/8` (RFC 4291 §2.7).
 * - `loopback`: `127.0.0.0/8` (RFC 1122 §3.2.1.3), `::1/128` (RFC 4291 §2.5.3).
 * - `linkLocal`: `169.254.0.0/16` (RFC 3927), `fe80::/10` (RFC 4291 §2.5.6).
 *
 * An IPv4-mapped IPv6 address is `'unicast'` here whatever it carries: pass
 * it through {@link unmapIPv4} first to judge the IPv4 address.
 */
export type IpRange = 'unspecified' | 'broadcast' | 'multicast' | 'loopback' | 'linkLocal' | 'unicast';

/** Bits in an address of each family. */
function bitsOf(family: 4 | 6): 32 | 128 {
  return family === 4 ? 32 : 128;
}

/**
 * Parse an IPv4 or IPv6 address (no zone); undefined when `text` is neither.
 * Text with a colon is IPv6, anything else IPv4.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.includes(':')) {
    const bytes = parseIPv6(text);
    return bytes && { family: 6, bytes };
  }
  const bytes = parseIPv4(text);
  return bytes && { family: 4, bytes };
}

/** Canonical text: dotted quad, or RFC 5952 for IPv6. */
export function formatIp(address: IpAddress): string {
  return address.family === 4 ? formatIPv4(address.bytes) : formatIPv6(address.bytes);
}

/** True for an IPv4-mapped IPv6 address, `::ffff:0:0/96` (RFC 4291 §2.5.5.2). */
export function isIPv4Mapped(address: IpAddress): boolean {
  if (address.family !== 6) return false;
  const b = address.bytes;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/**
 * The IPv4 address an IPv4-mapped IPv6 address carries (`::ffff:192.0.2.1`
 * → `192.0.2.1`, RFC 4291 §2.5.5.2); any other address is returned as is.
 * A dual-stack socket reports IPv4 peers this way (RFC 3493 §3.7).
 */
export function unmapIPv4(address: IpAddress): IpAddress {
  return isIPv4Mapped(address) ? { family: 4, bytes: address.bytes.slice(12, 16) } : address;
}

/**
 * True when the first `prefixLength` bits of `address` and `network` agree:
 * `address` lies in `network/prefixLength` (RFC 4632 §3.1, RFC 4291 §2.3).
 * False across families, and for a prefix length that is not an integer from
 * 0 to the family's width. Host bits of `network` are ignored.
 */
export function inPrefix(address: IpAddress, network: IpAddress, prefixLength: number): boolean {
  if (address.family !== network.family) return false;
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > bitsOf(address.family)) return false;
  const whole = prefixLength >> 3;
  for (let i = 0; i < whole; i++) if (address.bytes[i] !== network.bytes[i]) return false;
  const rest = prefixLength & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (((address.bytes[whole] as number) ^ (network.bytes[whole] as number)) & mask) === 0;
}

/** Special ranges as `[name, network, prefix length]`; none overlap within a family. */
const IPV4_RANGES: readonly (readonly [Exclude<IpRange, 'unicast'>, string, number])[] = [
  ['unspecified', '0.0.0.0', 8],
  ['broadcast', '255.255.255.255', 32],
  ['multicast', '224.0.0.0', 4],
  ['linkLocal', '169.254.0.0', 16],
  ['loopback', '127.0.0.0', 8],
];

const IPV6_RANGES: readonly (readonly [Exclude<IpRange, 'unicast'>, string, number])[] = [
  ['unspecified', '::', 128],
  ['linkLocal', 'fe80::', 10],
  ['multicast', 'ff00::', 8],
  ['loopback', '::1', 128],
];

/** The ranges parsed once, per family. */
const RANGES: Readonly<Record<4 | 6, readonly (readonly [Exclude<IpRange, 'unicast'>, IpAddress, number])[]>> = {
  4: IPV4_RANGES.map(([name, text, length]) => [name, parseIp(text) as IpAddress, length] as const),
  6: IPV6_RANGES.map(([name, text, length]) => [name, parseIp(text) as IpAddress, length] as const),
};

/** The special range `address` falls in; see {@link IpRange}. */
export function ipRange(address: IpAddress): IpRange {
  for (const [name, network, length] of RANGES[address.family]) {
    if (inPrefix(address, network, length)) return name;
  }
  return 'unicast';
}

/**
 * The prefix length a subnet mask stands for (`255.255.255.0` → 24,
 * `ffff:ffff:ffff:ffff::` → 64), or undefined when the mask is not a run of
 * ones followed only by zeros (RFC 4632 §3.1 forbids non-contiguous masks).
 */
export function prefixLengthOfMask(mask: IpAddress): number | undefined {
  let length = 0;
  let ended = false;
  for (const byte of mask.bytes) {
    if (ended) {
      if (byte !== 0) return undefined;
      continue;
    }
    if (byte === 0xff) {
      length += 8;
      continue;
    }
    // A partial byte must be ones then zeros: its complement plus one is a power of two.
    const inverted = ~byte & 0xff;
    if ((inverted & (inverted + 1)) !== 0) return undefined;
    length += Math.clz32(inverted) - 24; // the byte's leading ones
    ended = true;
  }
  return length;
}

/**
 * Parse `address/prefixLength` (`192.0.2.0/24`, `fe80::/10`); undefined when
 * the address does not parse or the prefix length is not a decimal from 0 to
 * 32 (IPv4) or 128 (IPv6).
 */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const address = parseIp(match[1] as string);
  const prefixLength = Number(match[2]);
  if (!address || prefixLength > bitsOf(address.family)) return undefined;
  return { address, prefixLength };
}

/**
 * The directed broadcast address of an IPv4 subnet: the network with every
 * host bit set (RFC 919, RFC 922; `192.0.2.10/24` → `192.0.2.255`).
 * Undefined for IPv6 (which has no broadcast, RFC 4291 §2), for /31 and /32
 * (RFC 3021: both addresses of a /31 are hosts; a /32 is one host), and for
 * a prefix length that is not an integer from 0 to 32.
 */
export function ipv4Broadcast(network: IpAddress, prefixLength: number): IpAddress | undefined {
  if (network.family !== 4 || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 30)
    return undefined;
  const bytes = network.bytes.slice(0, 4);
  for (let bit = prefixLength; bit < 32; bit++) {
    bytes[bit >> 3] = (bytes[bit >> 3] as number) | (0x80 >> (bit & 7));
  }
  return { family: 4, bytes };
}
