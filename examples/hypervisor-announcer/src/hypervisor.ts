/**
 * What runs this host, from markers any reader may check: the hypervisor it
 * runs, if any (Proxmox VE, VMware ESXi, a Xen dom0, KVM), with its version,
 * and the hypervisor it runs under when it is itself a guest (KVM/QEMU,
 * VMware, Xen, Hyper-V, from DMI, the CPU's hypervisor flag and
 * /sys/hypervisor), plus the boot time. Every marker is optional: an
 * unreadable file or a missing command leaves its field out, never throws.
 */
import type { HostView } from './host-view.js';

export type HypervisorKind = 'proxmox' | 'esxi' | 'xen' | 'kvm';
export type GuestOf = 'kvm' | 'vmware' | 'xen' | 'hyperv' | 'virtualbox' | 'other';

/** What the markers say. */
export interface HypervisorFacts {
  /** The hypervisor this host runs, when it runs one. */
  readonly hypervisor: HypervisorKind | undefined;
  readonly hypervisorVersion: string | undefined;
  /** The hypervisor this host is a guest of, when it is one. */
  readonly guestOf: GuestOf | undefined;
  /** When it booted (epoch ms), from /proc/stat. */
  readonly bootedAt: number | undefined;
}

/**
 * DMI strings (vendor, product, BIOS vendor) of a guest, by hypervisor, as
 * each writes them; narrow on purpose: Microsoft and Oracle make real
 * machines too, so their names alone say nothing.
 */
const GUEST_MARKERS: readonly [RegExp, GuestOf][] = [
  [/\b(QEMU|KVM|Bochs)\b/i, 'kvm'],
  [/\bVMware\b/i, 'vmware'],
  [/\bXen\b|HVM domU/i, 'xen'],
  [/Microsoft Corporation Virtual Machine/i, 'hyperv'],
  [/innotek|VirtualBox/i, 'virtualbox'],
];

const trimmed = (text: string | undefined): string | undefined => {
  const t = text?.trim();
  return t ? t : undefined;
};

async function hostedHypervisor(
  view: HostView,
): Promise<{ kind: HypervisorKind; version: string | undefined } | undefined> {
  // Proxmox VE: its tool names the manager version (pve-manager/8.2.4/…).
  const pve = await view.run('pveversion', []);
  if (pve !== undefined) return { kind: 'proxmox', version: /pve-manager\/([0-9][0-9.]*)/.exec(pve)?.[1] };
  if ((await view.list('/etc/pve')).length > 0) return { kind: 'proxmox', version: undefined };
  // ESXi: `vmware -v` prints "VMware ESXi 8.0.2 build-22380479".
  const esxi = await view.run('vmware', ['-v']);
  const esxiVersion = esxi === undefined ? undefined : /VMware ESXi\s+([0-9][0-9.]*)/.exec(esxi)?.[1];
  if (esxiVersion !== undefined) return { kind: 'esxi', version: esxiVersion };
  // A Xen dom0 holds the control domain capability.
  if (
    trimmed(await view.read('/sys/hypervisor/type')) === 'xen' &&
    (await view.read('/proc/xen/capabilities'))?.includes('control_d')
  ) {
    const major = trimmed(await view.read('/sys/hypervisor/version/major'));
    const minor = trimmed(await view.read('/sys/hypervisor/version/minor'));
    const extra = trimmed(await view.read('/sys/hypervisor/version/extra')) ?? '';
    return {
      kind: 'xen',
      version: major !== undefined && minor !== undefined ? `${major}.${minor}${extra}` : undefined,
    };
  }
  // KVM: the kernel offers /dev/kvm; its version is the kernel's.
  if ((await view.list('/dev')).includes('kvm'))
    return { kind: 'kvm', version: trimmed(await view.read('/proc/sys/kernel/osrelease')) };
  return undefined;
}

async function guestOf(view: HostView): Promise<GuestOf | undefined> {
  const dmi = (
    await Promise.all(['sys_vendor', 'product_name', 'bios_vendor'].map((f) => view.read(`/sys/class/dmi/id/${f}`)))
  )
    .map((t) => t?.trim() ?? '')
    .join(' ');
  for (const [marker, kind] of GUEST_MARKERS) if (marker.test(dmi)) return kind;
  const type = trimmed(await view.read('/sys/hypervisor/type'));
  if (type === 'xen' && !(await view.read('/proc/xen/capabilities'))?.includes('control_d')) return 'xen';
  // The CPU says it runs under a hypervisor, without saying which.
  if (/^flags\s*:.*\bhypervisor\b/m.test((await view.read('/proc/cpuinfo')) ?? '')) return 'other';
  return undefined;
}

/** Read the markers; never throws. */
export async function detectHypervisor(view: HostView): Promise<HypervisorFacts> {
  const hosted = await hostedHypervisor(view);
  const btime = /^btime\s+(\d+)$/m.exec((await view.read('/proc/stat')) ?? '')?.[1];
  return {
    hypervisor: hosted?.kind,
    hypervisorVersion: hosted?.version,
    guestOf: await guestOf(view),
    bootedAt: btime === undefined ? undefined : Number(btime) * 1000,
  };
}
