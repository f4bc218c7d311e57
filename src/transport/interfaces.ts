/**
 * Network interfaces as the transport sees them: enumeration from
 * `os.networkInterfaces()` plus Linux sysfs (MTU, flags), and the selection a
 * user controls (names, CIDRs, IPv4/IPv6, loopback, virtual interfaces).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MTU } from '../constants.js';
import { TransportError } from '../errors.js';
import { isVirtualInterfaceName } from './interface-names.js';
import type { Cidr, IpAddress } from './ip.js';
import { inPrefix, ipRange, parseCidr, parseIp, prefixLengthOfMask } from './ip.js';

/** One address of an interface. */
export interface InterfaceAddress {
  family: 4 | 6;
  /** Textual address without zone. */
  address: string;
  prefixLength: number;
  /** IPv4 169.254/16 or IPv6 fe80::/10. */
  linkLocal: boolean;
}

/** An interface and what the transport needs to know about it. */
export interface NetworkInterface {
  name: string;
  /** Kernel interface index, where known (sysfs `ifindex`, or an IPv6 address's scope id). */
  index?: number;
  /** MTU from sysfs, or 1500 where sysfs is not available. */
  mtu: number;
  loopback: boolean;
  /** Administratively up and with carrier (sysfs flags and `operstate`) where known; assumed true elsewhere. */
  up: boolean;
  /** IFF_MULTICAST from sysfs where available; assumed true elsewhere. */
  multicast: boolean;
  /** IFF_POINTOPOINT (tunnels) from sysfs where available. */
  pointToPoint: boolean;
  addresses: InterfaceAddress[];
}

/** Which interfaces and addresses boaster uses. Every field is optional. */
export interface InterfaceSelection {
  /**
   * Use only these interface names. Naming an interface also admits it when
   * it is virtual or loopback.
   */
  interfaces?: readonly string[];
  /** Never use these interface names. */
  excludeInterfaces?: readonly string[];
  /** Use only addresses inside one of these CIDRs (e.g. `192.0.2.0/24`, `fe80::/10`). */
  subnets?: readonly string[];
  /** Use IPv4; default true. */
  ipv4?: boolean;
  /** Use IPv6; default true. */
  ipv6?: boolean;
  /** Use loopback interfaces; default false. */
  loopback?: boolean;
  /**
   * Use interfaces whose names look virtual (docker, veth, virbr, tun, wg,
   * tailscale… see `VIRTUAL_INTERFACE_PREFIXES`) and point-to-point links;
   * default false: mDNS on a host full of containers and VPNs belongs on its
   * LAN interfaces.
   */
  virtual?: boolean;
}

/** Where interface facts come from; injectable for tests. */
export interface InterfaceSource {
  /** Default `os.networkInterfaces`. */
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** Root of sysfs for MTU and flags; default `/sys`. Missing files are fine. */
  sysfsRoot?: string;
}

const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;
const IFF_POINTOPOINT = 0x10;
const IFF_MULTICAST = 0x1000;

async function readSysfs(root: string, name: string, file: string): Promise<string | undefined> {
  // Interface names come from the OS, but never let one walk out of its folder.
  if (name.includes('/') || name === '..' || name === '.') return undefined;
  try {
    return (await readFile(path.join(root, 'class', 'net', name, file), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** Enumerate interfaces with their addresses, MTU and flags. Never throws. */
export async function readInterfaces(source: InterfaceSource = {}): Promise<NetworkInterface[]> {
  let raw: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {};
  try {
    raw = (source.networkInterfaces ?? os.networkInterfaces)();
  } catch {
    // Some sandboxes make os.networkInterfaces() throw: no interfaces, then.
  }
  const root = source.sysfsRoot ?? '/sys';
  const names = Object.keys(raw).sort();
  return Promise.all(
    names.map(async (name): Promise<NetworkInterface> => {
      const infos = raw[name] ?? [];
      const [mtuText, flagsText, operstate, indexText] = await Promise.all(
        ['mtu', 'flags', 'operstate', 'ifindex'].map((file) => readSysfs(root, name, file)),
      );
      const mtu = Number(mtuText);
      const sysIndex = Number(indexText);
      const scopeIndex = infos.find(
        (i) => i.family === 'IPv6' && typeof i.scopeid === 'number' && i.scopeid > 0,
      )?.scopeid;
      const index = Number.isInteger(sysIndex) && sysIndex > 0 ? sysIndex : scopeIndex;
      // No carrier (cable out, peer gone): operstate "down" or "lowerlayerdown".
      const carrier = operstate !== 'down' && operstate !== 'lowerlayerdown';
      const flags = flagsText === undefined ? undefined : Number.parseInt(flagsText, 16);
      const known = flags !== undefined && Number.isFinite(flags);
      const addresses: InterfaceAddress[] = [];
      for (const info of infos) {
        const family = info.family === 'IPv4' || (info.family as unknown) === 4 ? 4 : 6;
        const address = info.address.split('%')[0] as string;
        const prefixLength = prefixOf(info, family);
        addresses.push({ family, address, prefixLength, linkLocal: isLinkLocal(address, family) });
      }
      return {
        name,
        ...(index !== undefined ? { index } : {}),
        mtu: Number.isInteger(mtu) && mtu > 0 ? mtu : DEFAULT_MTU,
        loopback: known ? (flags & IFF_LOOPBACK) !== 0 : infos.some((i) => i.internal),
        up: (known ? (flags & IFF_UP) !== 0 : true) && carrier,
        multicast: known ? (flags & IFF_MULTICAST) !== 0 : true,
        pointToPoint: known ? (flags & IFF_POINTOPOINT) !== 0 : false,
        addresses,
      };
    }),
  );
}

function prefixOf(info: os.NetworkInterfaceInfo, family: 4 | 6): number {
  const cidr = info.cidr?.split('/')[1];
  if (cidr !== undefined) return Number(cidr);
  const mask = parseIp(info.netmask);
  return (mask && prefixLengthOfMask(mask)) ?? (family === 4 ? 32 : 128);
}

/** `address` parsed, ignoring an IPv6 `%zone` (RFC 4007 §11). */
function parseHost(address: string): IpAddress | undefined {
  if (typeof address !== 'string') return undefined;
  const at = address.indexOf('%');
  return parseIp(at < 0 || !address.includes(':') ? address : address.slice(0, at));
}

/** IPv4 169.254/16 (RFC 3927) or IPv6 fe80::/10 (RFC 4291 §2.5.6), of the given family. */
export function isLinkLocal(address: string, family: 4 | 6): boolean {
  const parsed = parseHost(address);
  return parsed !== undefined && parsed.family === family && ipRange(parsed) === 'linkLocal';
}

function parseCidrs(cidrs: readonly string[]): Cidr[] {
  return cidrs.map((cidr) => {
    const parsed = parseCidr(cidr);
    if (!parsed) {
      throw new TransportError(
        'BAD_OPTION',
        `"${cidr}" is not a CIDR; write subnets like "192.0.2.0/24" or "fe80::/10"`,
      );
    }
    return parsed;
  });
}

/**
 * True when `address` lies in `network/prefixLength` (same family only;
 * an IPv6 `%zone` is ignored). False when either does not parse or the
 * prefix length does not fit the family.
 */
export function inSubnet(address: string, network: string, prefixLength: number): boolean {
  const a = parseHost(address);
  const n = parseHost(network);
  return a !== undefined && n !== undefined && inPrefix(a, n, prefixLength);
}

/**
 * The interfaces and addresses to use, per the selection. Interfaces that
 * are down, cannot multicast, or are left with no address are dropped.
 *
 * @throws {TransportError} `BAD_OPTION` for a malformed CIDR.
 */
/**
 * Check an interface selection where it is given (a constructor), so a
 * mistake is an error at that call, not a silent socket set of nothing
 * later: lists must be arrays of strings (a bare string from JavaScript
 * would be read letter by letter), flags booleans, subnets CIDRs, and at
 * least one of IPv4 and IPv6 on.
 *
 * @throws {TransportError} `BAD_OPTION`, saying which option and what to pass.
 */
export function checkSelection(selection: InterfaceSelection): void {
  for (const key of ['interfaces', 'excludeInterfaces', 'subnets'] as const) {
    const list: unknown = selection[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' && x.length > 0)) {
      const got = typeof list === 'string' ? `the string ${JSON.stringify(list)}` : typeof list;
      throw new TransportError(
        'BAD_OPTION',
        `${key} must be an array of non-empty strings, e.g. ${key === 'subnets' ? '["192.0.2.0/24"]' : '["eth0"]'}; got ${got}`,
      );
    }
  }
  for (const key of ['ipv4', 'ipv6', 'loopback', 'virtual'] as const) {
    const flag: unknown = selection[key];
    if (flag !== undefined && typeof flag !== 'boolean')
      throw new TransportError('BAD_OPTION', `${key} must be true or false, got ${typeof flag}`);
  }
  if (selection.ipv4 === false && selection.ipv6 === false)
    throw new TransportError(
      'BAD_OPTION',
      'ipv4 and ipv6 are both false, so nothing could be sent; leave one of them on',
    );
  parseCidrs(selection.subnets ?? []);
}

export function selectInterfaces(
  all: readonly NetworkInterface[],
  selection: InterfaceSelection = {},
): NetworkInterface[] {
  const subnets = parseCidrs(selection.subnets ?? []);
  const named = selection.interfaces !== undefined ? new Set(selection.interfaces) : undefined;
  const excluded = new Set(selection.excludeInterfaces ?? []);
  const out: NetworkInterface[] = [];
  for (const nic of all) {
    if (excluded.has(nic.name)) continue;
    if (named && !named.has(nic.name)) continue;
    const explicit = named?.has(nic.name) ?? false;
    // Linux's lo lacks IFF_MULTICAST yet carries multicast fine once routed.
    if (!nic.up || (!nic.multicast && !nic.loopback)) continue;
    if (nic.loopback && !(selection.loopback ?? false) && !explicit) continue;
    if (
      (nic.pointToPoint || isVirtualInterfaceName(nic.name)) &&
      !nic.loopback &&
      !(selection.virtual ?? false) &&
      !explicit
    )
      continue;
    const addresses = nic.addresses.filter((a) => {
      if (a.family === 4 && selection.ipv4 === false) return false;
      if (a.family === 6 && selection.ipv6 === false) return false;
      if (subnets.length === 0) return true;
      const parsed = parseHost(a.address);
      return parsed !== undefined && subnets.some((net) => inPrefix(parsed, net.address, net.prefixLength));
    });
    if (addresses.length > 0) out.push({ ...nic, addresses });
  }
  return out;
}
