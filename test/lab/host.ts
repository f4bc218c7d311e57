/**
 * A lab host: a network namespace with one or more veth interfaces, each
 * attached to a lab {@link Link}. Interfaces can be added, removed, taken
 * down/up and re-addressed at runtime.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ip, type RunOptions, type RunResult } from './exec.js';
import { assertLabIPv4Cidr, assertLabIPv6Cidr, hostAddressOnLink } from './addresses.js';
import type { Link } from './link.js';
import type { Netns } from './netns.js';
import { parseIpAddrJson, type InterfaceAddress } from './ip-json.js';
import { assertIfName } from './naming.js';
import type { LabProcess, SpawnOptions } from './process.js';
import { waitUntil } from './wait.js';

/** Snapshot of one host interface. */
export interface HostInterface {
  /** Interface name inside the host namespace (`eth0`, `eth1`, ...). */
  readonly ifname: string;
  /** Link the interface is attached to. */
  readonly link: Link;
  /** Bridge-side veth name (inside `link.netns`). */
  readonly peer: string;
  /** First IPv4 address (no prefix), if any. */
  readonly ipv4: string | undefined;
  /** First IPv6 link-local address (no prefix, no `%scope`), if any. */
  readonly ipv6: string | undefined;
  /** All addresses as last read from the kernel. */
  readonly addresses: readonly InterfaceAddress[];
}

/** Options for {@link Host.addInterface}. */
export interface AddInterfaceOptions {
  /** Interface name; default the first free `ethN`. */
  readonly ifname?: string;
  /** IPv4 `addr/prefix` (inside 192.0.2.0/24), or `null` for none; default from the link's plan. */
  readonly ipv4?: string | null;
  /** Wait until the IPv6 link-local address is usable (DAD done); default true. */
  readonly waitForIPv6?: boolean;
}

/** Upper bound for IPv6 DAD (measured: ~1-2 s after link up with default sysctls). */
export const IPV6_READY_TIMEOUT_MS = 10_000;

interface IfaceState {
  ifname: string;
  link: Link;
  peer: string;
  addresses: InterfaceAddress[];
}

function snapshot(s: IfaceState): HostInterface {
  return {
    ifname: s.ifname,
    link: s.link,
    peer: s.peer,
    ipv4: s.addresses.find((a) => a.family === 'inet')?.address,
    ipv6: s.addresses.find((a) => a.family === 'inet6' && a.scope === 'link')?.address,
    addresses: [...s.addresses],
  };
}

/** A simulated machine. Create through `createLab` / `lab.addHost`. */
export class Host {
  /** Host label (`h0`, `h1`, ... unless named). */
  readonly name: string;
  /** Index in the lab; determines default addresses (192.0.2.(10+index) on link 0). */
  readonly index: number;
  /** The host's namespace. */
  readonly ns: Netns;
  /** Private scratch directory (inside the lab temp dir) for configs, sockets, logs. */
  readonly dir: string;
  private readonly ifaces = new Map<string, IfaceState>();

  /** @internal Use `createLab` / `lab.addHost`. */
  constructor(name: string, index: number, ns: Netns, labDir: string) {
    this.name = name;
    this.index = index;
    this.ns = ns;
    this.dir = join(labDir, name);
    mkdirSync(this.dir, { recursive: true });
  }

  /** Namespace name (for `ip netns exec`). */
  get netns(): string {
    return this.ns.name;
  }

  /** Interfaces in creation order. */
  get interfaces(): readonly HostInterface[] {
    return [...this.ifaces.values()].map(snapshot);
  }

  /** The primary (first remaining) interface; throws if the host has none. */
  get primary(): HostInterface {
    const first = this.ifaces.values().next();
    if (first.done) throw new Error(`host ${this.name} has no interfaces`);
    return snapshot(first.value);
  }

  /** Primary interface name (usually `eth0`). */
  get ifname(): string {
    return this.primary.ifname;
  }

  /** Primary IPv4 address (no prefix); throws if none. */
  get ipv4(): string {
    const a = this.primary.ipv4;
    if (a === undefined) throw new Error(`host ${this.name} has no IPv4 address on ${this.ifname}`);
    return a;
  }

  /** Primary IPv6 link-local address (no prefix, no scope); throws if none. */
  get ipv6(): string {
    const a = this.primary.ipv6;
    if (a === undefined) throw new Error(`host ${this.name} has no IPv6 link-local address on ${this.ifname}`);
    return a;
  }

  /** Snapshot of interface `ifname`; throws if unknown. */
  iface(ifname: string): HostInterface {
    return snapshot(this.state(ifname));
  }

  /** Run a command inside the host (see {@link Netns.run}). */
  run(cmd: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult> {
    return this.ns.run(cmd, args, opts);
  }

  /** Run a command inside the host; throw on failure (see {@link Netns.runChecked}). */
  runChecked(cmd: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult> {
    return this.ns.runChecked(cmd, args, opts);
  }

  /** Spawn a tracked process inside the host; it is killed on lab destroy. */
  spawn(cmd: string, args: readonly string[] = [], opts: SpawnOptions = {}): LabProcess {
    return this.ns.spawn(cmd, args, { ...opts, label: opts.label ?? `${cmd}@${this.name}` });
  }

  /**
   * Attach a new interface to `link` (veth pair created directly inside the
   * two namespaces), address it, bring it up, make sure a multicast route
   * exists, and (by default) wait for IPv6 DAD.
   */
  async addInterface(link: Link, opts: AddInterfaceOptions = {}): Promise<HostInterface> {
    const ifname = opts.ifname ?? this.freeIfName();
    assertIfName(ifname);
    if (this.ifaces.has(ifname)) throw new Error(`host ${this.name} already has ${ifname}`);
    const ipv4 = opts.ipv4 === undefined ? hostAddressOnLink(link.subnet, this.index) : opts.ipv4;
    if (ipv4 !== null) assertLabIPv4Cidr(ipv4);
    const peer = link.portName(this.index, ifname);
    await ip([
      'link',
      'add',
      'name',
      ifname,
      'netns',
      this.netns,
      'type',
      'veth',
      'peer',
      'name',
      peer,
      'netns',
      link.netns,
    ]);
    const st: IfaceState = { ifname, link, peer, addresses: [] };
    this.ifaces.set(ifname, st);
    await link.attachPort(peer);
    if (ipv4 !== null) await ip(['-n', this.netns, 'addr', 'add', ipv4, 'dev', ifname]);
    await ip(['-n', this.netns, 'link', 'set', ifname, 'up']);
    await this.ensureMulticastRoute();
    if (opts.waitForIPv6 ?? true) await this.waitForIPv6(ifname);
    else await this.refresh(ifname);
    return snapshot(st);
  }

  /** Delete interface `ifname` (removes the veth pair; the link loses the port). */
  async removeInterface(ifname: string): Promise<void> {
    this.state(ifname);
    await ip(['-n', this.netns, 'link', 'del', ifname]);
    this.ifaces.delete(ifname);
    await this.ensureMulticastRoute();
  }

  /** Take an interface down or up; on up, re-adds the multicast route and (by default) waits for IPv6 DAD. */
  async setLinkUp(ifname: string, up: boolean, waitForIPv6 = true): Promise<void> {
    this.state(ifname);
    await ip(['-n', this.netns, 'link', 'set', ifname, up ? 'up' : 'down']);
    // The kernel flushes IPv4 routes of a downed device: move the multicast route.
    await this.ensureMulticastRoute();
    if (up) {
      if (waitForIPv6) {
        await this.waitForIPv6(ifname);
        return;
      }
    }
    await this.refresh(ifname);
  }

  /** Add an address (`192.0.2.x/p` or `fe80::.../p`) to `ifname`. */
  async addAddress(ifname: string, cidr: string): Promise<void> {
    this.checkCidr(cidr);
    this.state(ifname);
    await ip(['-n', this.netns, 'addr', 'add', cidr, 'dev', ifname]);
    await this.refresh(ifname);
  }

  /** Remove an address from `ifname`. */
  async removeAddress(ifname: string, cidr: string): Promise<void> {
    this.checkCidr(cidr);
    this.state(ifname);
    await ip(['-n', this.netns, 'addr', 'del', cidr, 'dev', ifname]);
    await this.refresh(ifname);
  }

  /** Replace all IPv4 addresses of `ifname` with `cidr` (e.g. a DHCP renumbering). */
  async replaceIPv4(ifname: string, cidr: string): Promise<void> {
    assertLabIPv4Cidr(cidr);
    this.state(ifname);
    await ip(['-n', this.netns, '-4', 'addr', 'flush', 'dev', ifname]);
    await ip(['-n', this.netns, 'addr', 'add', cidr, 'dev', ifname]);
    await this.ensureMulticastRoute();
    await this.refresh(ifname);
  }

  /** Re-read the addresses of one interface (or all) from the kernel. */
  async refresh(ifname?: string): Promise<void> {
    const names = ifname === undefined ? [...this.ifaces.keys()] : [ifname];
    for (const n of names) {
      const st = this.state(n);
      st.addresses = parseIpAddrJson(await ip(['-j', '-n', this.netns, 'addr', 'show', 'dev', n]));
    }
  }

  /**
   * Wait (bounded by {@link IPV6_READY_TIMEOUT_MS}) until `ifname` has an IPv6
   * link-local address and no address is tentative. Throws on DAD failure.
   */
  async waitForIPv6(ifname: string, timeoutMs = IPV6_READY_TIMEOUT_MS): Promise<HostInterface> {
    const st = this.state(ifname);
    await waitUntil(
      async () => {
        await this.refresh(ifname);
        const failed = st.addresses.find((a) => a.dadFailed);
        if (failed) throw new Error(`IPv6 DAD failed for ${failed.address} on ${this.name}/${ifname}`);
        const ll = st.addresses.some((a) => a.family === 'inet6' && a.scope === 'link');
        return ll && !st.addresses.some((a) => a.tentative);
      },
      { timeoutMs, intervalMs: 100, what: `IPv6 link-local on ${this.name}/${ifname}` },
    );
    return snapshot(st);
  }

  /**
   * Keep `224.0.0.0/4 dev <first up interface>` in the main table. Without it
   * a multicast send from a socket without IP_MULTICAST_IF fails with
   * ENETUNREACH (there is no default route in a lab namespace).
   */
  private async ensureMulticastRoute(): Promise<void> {
    for (const st of this.ifaces.values()) {
      const r = await this.ns.run('ip', ['route', 'replace', '224.0.0.0/4', 'dev', st.ifname], { timeoutMs: 10_000 });
      if (r.code === 0) return; // fails (ENETDOWN) for interfaces that are down: try the next
    }
  }

  private checkCidr(cidr: string): void {
    if (cidr.includes(':')) assertLabIPv6Cidr(cidr);
    else assertLabIPv4Cidr(cidr);
  }

  private freeIfName(): string {
    for (let i = 0; i < 100; i++) if (!this.ifaces.has(`eth${i}`)) return `eth${i}`;
    throw new Error(`host ${this.name}: no free ethN name`);
  }

  private state(ifname: string): IfaceState {
    const st = this.ifaces.get(ifname);
    if (!st) throw new Error(`host ${this.name} has no interface ${ifname}`);
    return st;
  }
}
