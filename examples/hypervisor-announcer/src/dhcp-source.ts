/**
 * Which addresses of the announcing interface a DHCP server gave, and how
 * we know: the interface is the one given, else the one holding the
 * default route; its addresses come from the kernel (`ip -j addr`); each
 * is matched, most telling first, against
 * 1. a current lease of the common clients: ISC dhclient (also under
 *    NetworkManager), systemd-networkd, NetworkManager's internal client;
 * 2. a busybox `udhcpc` running for the interface (it keeps no lease file);
 * 3. the kernel's `dynamic` flag (an address set with a lifetime);
 * and, with none of those, the interface's global addresses are used as
 * they are ("static"). The result says which source it used.
 */
import type { HostView } from './host-view.js';
import { defaultRouteInterface, parseIpAddr, type KernelInterface } from './ip-json.js';
import { parseDhclientLeases, parseKeyValueLease, type Lease } from './leases.js';

export type AddressSource = 'dhclient' | 'systemd-networkd' | 'NetworkManager' | 'udhcpc' | 'kernel-dynamic' | 'static';

/** One address to announce, and why it counts as the host's. */
export interface HostAddress {
  readonly address: string;
  readonly family: 4 | 6;
  readonly source: AddressSource;
  /** The lease file it was matched in, when one. */
  readonly leaseFile: string | undefined;
}

/** What the detector found. */
export interface DhcpView {
  /** The interface announced on; undefined when none was found. */
  readonly interface: string | undefined;
  /** How it was chosen. */
  readonly chosenBy: 'option' | 'default-route' | 'first-up' | 'none';
  readonly mac: string | undefined;
  /** Global addresses (IPv4 first), each with its source. */
  readonly addresses: readonly HostAddress[];
  /** One line for the log: which source it used. */
  readonly summary: string;
}

const DHCLIENT_DIRS = ['/var/lib/dhcp', '/var/lib/dhclient', '/var/lib/NetworkManager'];
const NETWORKD_LEASES = '/run/systemd/netif/leases';
const NM_DIR = '/var/lib/NetworkManager';

interface FoundLease extends Lease {
  readonly source: AddressSource;
  readonly file: string;
}

async function dhclientLeases(view: HostView): Promise<FoundLease[]> {
  const out: FoundLease[] = [];
  for (const dir of DHCLIENT_DIRS) {
    for (const name of await view.list(dir)) {
      if (!/^dhclient.*\.leases?$/.test(name)) continue;
      const file = `${dir}/${name}`;
      const text = await view.read(file);
      if (text === undefined) continue;
      const source: AddressSource = dir === NM_DIR ? 'NetworkManager' : 'dhclient';
      // dhclient-<uuid>-eth0.lease names its interface when the lease does not.
      const named = /-([^-]+)\.leases?$/.exec(name)?.[1];
      for (const lease of parseDhclientLeases(text))
        out.push({ ...lease, interface: lease.interface ?? named, source, file });
    }
  }
  return out;
}

async function keyValueLeases(view: HostView, nic: KernelInterface): Promise<FoundLease[]> {
  const out: FoundLease[] = [];
  const networkd = `${NETWORKD_LEASES}/${nic.index}`;
  const text = await view.read(networkd);
  if (text !== undefined) {
    const lease = parseKeyValueLease(text, nic.name, await view.modified(networkd));
    if (lease) out.push({ ...lease, source: 'systemd-networkd', file: networkd });
  }
  for (const name of await view.list(NM_DIR)) {
    if (!name.startsWith('internal-') || !name.endsWith(`-${nic.name}.lease`)) continue;
    const file = `${NM_DIR}/${name}`;
    const body = await view.read(file);
    const lease = body === undefined ? undefined : parseKeyValueLease(body, nic.name, await view.modified(file));
    if (lease) out.push({ ...lease, source: 'NetworkManager', file });
  }
  return out;
}

/** Whether a busybox udhcpc runs for `nic` (`udhcpc -i eth0`, `--interface=eth0`). */
async function udhcpcRuns(view: HostView, nic: string): Promise<boolean> {
  for (const pid of await view.list('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await view.read(`/proc/${pid}/cmdline`);
    if (!cmdline) continue;
    const args = cmdline.split('\0').filter(Boolean);
    if (!args[0] || !/(^|\/)(udhcpc6?|busybox)$/.test(args[0])) continue;
    if (args[0].endsWith('busybox') && !/^udhcpc6?$/.test(args[1] ?? '')) continue;
    for (let i = 0; i < args.length; i++) {
      if ((args[i] === '-i' || args[i] === '--interface') && args[i + 1] === nic) return true;
      if (args[i] === `--interface=${nic}` || args[i] === `-i${nic}`) return true;
    }
  }
  return false;
}

async function chooseInterface(
  view: HostView,
  nics: readonly KernelInterface[],
  wanted: string | undefined,
): Promise<{ nic: KernelInterface | undefined; chosenBy: DhcpView['chosenBy'] }> {
  if (wanted !== undefined) return { nic: nics.find((n) => n.name === wanted), chosenBy: 'option' };
  const routed = defaultRouteInterface((await view.run('ip', ['-j', 'route', 'show', 'default'])) ?? '');
  const byRoute = nics.find((n) => n.name === routed);
  if (byRoute) return { nic: byRoute, chosenBy: 'default-route' };
  const first = nics.find((n) => n.up && n.name !== 'lo' && n.addresses.some((a) => a.scope === 'global'));
  return first ? { nic: first, chosenBy: 'first-up' } : { nic: undefined, chosenBy: 'none' };
}

/** Find the announcing interface and its DHCP-assigned addresses; never throws. */
export async function detectDhcp(view: HostView, options: { interface?: string } = {}): Promise<DhcpView> {
  const nics = parseIpAddr((await view.run('ip', ['-j', 'addr', 'show'])) ?? '');
  const { nic, chosenBy } = await chooseInterface(view, nics, options.interface);
  if (!nic) {
    const why =
      options.interface === undefined
        ? 'no interface with a default route or a global address'
        : `no interface "${options.interface}"`;
    return { interface: undefined, chosenBy, mac: undefined, addresses: [], summary: `addresses: none (${why})` };
  }
  const now = view.now();
  const leases = [...(await dhclientLeases(view)), ...(await keyValueLeases(view, nic))].filter(
    (l) => (l.interface === undefined || l.interface === nic.name) && (l.expiresAt === undefined || l.expiresAt > now),
  );
  const udhcpc = await udhcpcRuns(view, nic.name);
  const addresses: HostAddress[] = [];
  for (const a of nic.addresses) {
    if (a.scope !== 'global') continue;
    // The newest lease naming the address (files list them oldest first).
    const lease = [...leases].reverse().find((l) => l.address === a.address);
    const source: AddressSource = lease
      ? lease.source
      : udhcpc && a.family === 4
        ? 'udhcpc'
        : a.dynamic
          ? 'kernel-dynamic'
          : 'static';
    addresses.push({ address: a.address, family: a.family, source, leaseFile: lease?.file });
  }
  addresses.sort((x, y) => x.family - y.family);
  const dhcp = addresses.filter((a) => a.source !== 'static');
  const used = dhcp.length > 0 ? dhcp : addresses;
  const sources = [...new Set(used.map((a) => (a.leaseFile ? `${a.source} (${a.leaseFile})` : a.source)))];
  const summary =
    used.length === 0
      ? `addresses: none on ${nic.name} (chosen by ${chosenBy})`
      : `addresses on ${nic.name} (chosen by ${chosenBy}): ${used.map((a) => a.address).join(', ')} from ${sources.join(', ')}${dhcp.length === 0 ? ' — no DHCP lease found, using the interface as configured' : ''}`;
  return { interface: nic.name, chosenBy, mac: nic.mac, addresses: used, summary };
}
