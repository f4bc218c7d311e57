/**
 * Interface names that usually are not a LAN: loopback, containers, VMs,
 * VPNs and overlays. The transport leaves them out unless named explicitly;
 * the identity helper takes no MAC addresses from them.
 */

/** Interface-name prefixes {@link isVirtualInterfaceName} treats as virtual. */
export const VIRTUAL_INTERFACE_PREFIXES: readonly string[] = [
  'docker',
  'veth',
  'br-',
  'virbr',
  'vnet',
  'tap',
  'tun',
  'vboxnet',
  'vmnet',
  'cni',
  'flannel',
  'cali',
  'weave',
  'vxlan',
  'kube-',
  'podman',
  'lxcbr',
  'lxdbr',
  'wg',
  'zt',
  'tailscale',
  'dummy',
  'ifb',
  'utun',
];

/**
 * Whether an interface name looks virtual (loopback, container, VM, VPN or
 * overlay), by {@link VIRTUAL_INTERFACE_PREFIXES}; `lo` and `lo0`-style
 * loopback names count too. Bridges like `br0` and bonds are kept: on hosts
 * they carry the physical NIC.
 */
export function isVirtualInterfaceName(name: string): boolean {
  const n = name.toLowerCase();
  return /^lo\d*$/.test(n) || VIRTUAL_INTERFACE_PREFIXES.some((p) => n.startsWith(p));
}
