/**
 * Address plan and the lab's hard network rule.
 *
 * The lab may only use TEST-NET-1 (192.0.2.0/24, RFC 5737) for IPv4 and
 * link-local fe80::/10 or the documentation prefix 2001:db8::/32 (RFC 3849,
 * for off-link sources) for IPv6; every address handed to `ip` passes through
 * {@link assertLabIPv4Cidr} / {@link assertLabIPv6Cidr}.
 *
 * Plan: a lab with one link uses 192.0.2.0/24; a lab with 2..4 links splits
 * it into /26s, link k = 192.0.2.(64k)/26. Host i's address on link k is
 * 192.0.2.(64k + 10 + i) (so host 0 on link 0 is always 192.0.2.10, host 1
 * is 192.0.2.11, whatever the link count).
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Maximum number of links (bridges) in one lab: four /26 inside 192.0.2.0/24. */
export const MAX_LINKS = 4;

/** Offset of host 0's address inside each link subnet. */
export const HOST_ADDRESS_OFFSET = 10;

/** IPv4 subnet of one lab link. */
export interface LinkSubnet {
  /** Network address, e.g. `192.0.2.64`. */
  readonly network: string;
  /** Prefix length (24 or 26). */
  readonly prefixLen: number;
  /** `network/prefixLen`. */
  readonly cidr: string;
}

function ipv4ToInt(addr: string): number {
  const parts = addr.split('.').map(Number);
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

const TEST_NET_1 = ipv4ToInt('192.0.2.0');

/** Whether `addr` (no prefix) is inside 192.0.2.0/24. */
export function isTestNet1(addr: string): boolean {
  if (!isIPv4(addr)) return false;
  const n = ipv4ToInt(addr);
  return n >= TEST_NET_1 && n < TEST_NET_1 + 256;
}

/** Whether `addr` (no prefix, no scope) is an IPv6 link-local address (fe80::/10). */
export function isIPv6LinkLocal(addr: string): boolean {
  return isIPv6(addr) && /^fe[89ab][0-9a-f]:/i.test(addr);
}

/** Whether `addr` (no prefix) is inside the IPv6 documentation prefix 2001:db8::/32 (RFC 3849). */
export function isIPv6Documentation(addr: string): boolean {
  return isIPv6(addr) && /^2001:0{0,2}db8:/i.test(addr);
}

function splitCidr(cidr: string): { addr: string; prefixLen: number } {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m || m[1] === undefined || m[2] === undefined) {
    throw new Error(`expected ADDRESS/PREFIX, got ${JSON.stringify(cidr)}`);
  }
  return { addr: m[1], prefixLen: Number(m[2]) };
}

/** Throw unless `cidr` is `a.b.c.d/p` with the address in TEST-NET-1 and 24 <= p <= 32. */
export function assertLabIPv4Cidr(cidr: string): { addr: string; prefixLen: number } {
  const r = splitCidr(cidr);
  if (!isTestNet1(r.addr) || r.prefixLen < 24 || r.prefixLen > 32) {
    throw new Error(`lab IPv4 addresses must be inside 192.0.2.0/24 (TEST-NET-1), got ${cidr}`);
  }
  return r;
}

/** Throw unless `cidr` is an IPv6 link-local (or 2001:db8::/32 documentation) address with prefix 64..128. */
export function assertLabIPv6Cidr(cidr: string): { addr: string; prefixLen: number } {
  const r = splitCidr(cidr);
  if (!(isIPv6LinkLocal(r.addr) || isIPv6Documentation(r.addr)) || r.prefixLen < 64 || r.prefixLen > 128) {
    throw new Error(`lab IPv6 addresses must be link-local (fe80::/10) or documentation (2001:db8::/32), got ${cidr}`);
  }
  return r;
}

/** Subnet of link `index` in a lab with `linkCount` links. */
export function linkSubnet(index: number, linkCount: number): LinkSubnet {
  if (!Number.isInteger(linkCount) || linkCount < 1 || linkCount > MAX_LINKS) {
    throw new Error(`a lab has 1..${MAX_LINKS} links, got ${linkCount}`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= linkCount) {
    throw new Error(`link index ${index} out of range 0..${linkCount - 1}`);
  }
  const prefixLen = linkCount === 1 ? 24 : 26;
  const network = intToIpv4(TEST_NET_1 + index * 64 * (linkCount === 1 ? 0 : 1));
  return { network, prefixLen, cidr: `${network}/${prefixLen}` };
}

/** Default IPv4 address (with prefix) of host `hostIndex` on `subnet`. */
export function hostAddressOnLink(subnet: LinkSubnet, hostIndex: number): string {
  const size = 2 ** (32 - subnet.prefixLen);
  const offset = HOST_ADDRESS_OFFSET + hostIndex;
  if (!Number.isInteger(hostIndex) || hostIndex < 0 || offset >= size - 1) {
    throw new Error(`host index ${hostIndex} does not fit in ${subnet.cidr}`);
  }
  return `${intToIpv4(ipv4ToInt(subnet.network) + offset)}/${subnet.prefixLen}`;
}
