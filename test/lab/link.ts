/**
 * A lab link: one Ethernet segment, realised as bridge `br0` living in a
 * namespace of its own (so nothing ever touches the root namespace's
 * interfaces). Hosts attach through veth pairs whose bridge-side end is
 * enslaved to `br0`.
 */
import { ip } from './exec.js';
import { linkSubnet, type LinkSubnet } from './addresses.js';
import { Netns } from './netns.js';
import { IFNAME_MAX } from './naming.js';

/** Name of the bridge device inside every link namespace. */
export const BRIDGE_IFNAME = 'br0';

/** One broadcast domain of the lab. */
export class Link {
  /** Index of the link in the lab (0-based). */
  readonly index: number;
  /** The namespace holding the bridge (and the bridge-side veth ends). */
  readonly ns: Netns;
  /** IPv4 subnet used by default for hosts on this link. */
  readonly subnet: LinkSubnet;
  /** Bridge device name inside {@link ns} (capture here to see all traffic on the link). */
  readonly bridge = BRIDGE_IFNAME;
  private portCounter = 0;

  private constructor(index: number, ns: Netns, subnet: LinkSubnet) {
    this.index = index;
    this.ns = ns;
    this.subnet = subnet;
  }

  /** Namespace name of the bridge. */
  get netns(): string {
    return this.ns.name;
  }

  /**
   * Create link `index` of `linkCount` in namespace `nsName`.
   *
   * Verified: multicast snooping is turned off so the bridge floods mDNS
   * to every port regardless of IGMP/MLD state (there is no querier); IPv6 is
   * disabled in the bridge namespace so the bridge itself does not add
   * DAD/MLD/RS noise to captures (bridging is L2 and unaffected). STP is off
   * by default, so ports forward immediately.
   */
  static async create(nsName: string, index: number, linkCount: number): Promise<Link> {
    const ns = await Netns.create(nsName);
    try {
      await ns.runChecked('sysctl', [
        '-q',
        '-w',
        'net.ipv6.conf.all.disable_ipv6=1',
        'net.ipv6.conf.default.disable_ipv6=1',
      ]);
      await ip(['-n', nsName, 'link', 'add', BRIDGE_IFNAME, 'type', 'bridge', 'mcast_snooping', '0']);
      await ip(['-n', nsName, 'link', 'set', BRIDGE_IFNAME, 'up']);
    } catch (e) {
      await ns.destroy();
      throw e;
    }
    return new Link(index, ns, linkSubnet(index, linkCount));
  }

  /** A fresh bridge-side port name, preferring a readable `h<host>-<ifname>`. */
  portName(hostIndex: number, ifname: string): string {
    const readable = `h${hostIndex}-${ifname}`;
    this.portCounter += 1;
    return readable.length <= IFNAME_MAX ? readable : `p${this.portCounter}`;
  }

  /** Enslave an (already created) port in this link's namespace to the bridge and bring it up. */
  async attachPort(port: string): Promise<void> {
    await ip(['-n', this.netns, 'link', 'set', port, 'master', BRIDGE_IFNAME, 'up']);
  }

  /** Tear the link down (idempotent). Deleting the namespace removes all veth pairs attached here. */
  destroy(): Promise<void> {
    return this.ns.destroy();
  }
}
