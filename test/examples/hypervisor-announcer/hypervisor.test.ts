/**
 * The announcer's hypervisor detector on fixture trees: a Proxmox VE host,
 * an ESXi host, a Xen dom0 and a domU, a KVM host, guests of KVM, VMware,
 * Hyper-V and VirtualBox by their DMI strings, a bare-metal machine whose
 * DMI entries cannot be read, and the boot time.
 */
import { describe, expect, it } from 'vitest';
import type { HostView } from '../../../examples/hypervisor-announcer/src/host-view.js';
import { fakeHost } from './fake-host.js';
import { detectHypervisor } from '../../../examples/hypervisor-announcer/src/hypervisor.js';

/** Files, directory listings and command outputs; anything else is missing (as unreadable). */
const host = (
  files: Record<string, string>,
  commands: Record<string, string> = {},
  dirs: Record<string, string[]> = {},
): HostView => fakeHost({ files, commands, dirs });

const dmi = (vendor: string, product: string): Record<string, string> => ({
  '/sys/class/dmi/id/sys_vendor': `${vendor}\n`,
  '/sys/class/dmi/id/product_name': `${product}\n`,
});

describe('detectHypervisor', () => {
  it('Proxmox VE: pveversion gives the manager version; /etc/pve alone says Proxmox without one', async () => {
    const pve = 'pve-manager/8.2.4/faa83925c9641325 (running kernel: 6.8.8-2-pve)\n';
    expect(await detectHypervisor(host(dmi('Supermicro', 'SYS-1029P'), { pveversion: pve }))).toMatchObject({
      hypervisor: 'proxmox',
      hypervisorVersion: '8.2.4',
      guestOf: undefined,
    });
    expect(await detectHypervisor(host({}, {}, { '/etc/pve': ['nodes'] }))).toMatchObject({
      hypervisor: 'proxmox',
      hypervisorVersion: undefined,
    });
  });

  it('ESXi: vmware -v', async () => {
    expect(await detectHypervisor(host({}, { 'vmware -v': 'VMware ESXi 8.0.2 build-22380479\n' }))).toMatchObject({
      hypervisor: 'esxi',
      hypervisorVersion: '8.0.2',
    });
  });

  it('Xen: a dom0 runs it (version from /sys/hypervisor); a domU is its guest', async () => {
    const xen = {
      '/sys/hypervisor/type': 'xen\n',
      '/sys/hypervisor/version/major': '4\n',
      '/sys/hypervisor/version/minor': '17\n',
      '/sys/hypervisor/version/extra': '.3\n',
    };
    expect(await detectHypervisor(host({ ...xen, '/proc/xen/capabilities': 'control_d\n' }))).toMatchObject({
      hypervisor: 'xen',
      hypervisorVersion: '4.17.3',
      guestOf: undefined,
    });
    expect(await detectHypervisor(host({ ...xen, '/proc/xen/capabilities': '\n' }))).toMatchObject({
      hypervisor: undefined,
      guestOf: 'xen',
    });
  });

  it('KVM host: /dev/kvm, the kernel release as version', async () => {
    expect(
      await detectHypervisor(
        host({ '/proc/sys/kernel/osrelease': '6.1.0-27-amd64\n' }, {}, { '/dev': ['null', 'kvm', 'tty'] }),
      ),
    ).toMatchObject({ hypervisor: 'kvm', hypervisorVersion: '6.1.0-27-amd64' });
  });

  it('guests by their DMI strings; a Surface or an Oracle server is no guest; the CPU flag alone says "other"', async () => {
    const cases: [Record<string, string>, string | undefined][] = [
      [dmi('QEMU', 'Standard PC (Q35 + ICH9, 2009)'), 'kvm'],
      [dmi('VMware, Inc.', 'VMware7,1'), 'vmware'],
      [dmi('Microsoft Corporation', 'Virtual Machine'), 'hyperv'],
      [dmi('innotek GmbH', 'VirtualBox'), 'virtualbox'],
      [dmi('Microsoft Corporation', 'Surface Laptop 5'), undefined],
      [dmi('Oracle Corporation', 'ORACLE SERVER X9-2'), undefined],
      [{ '/proc/cpuinfo': 'processor\t: 0\nflags\t\t: fpu vme de pse hypervisor lahf_lm\n' }, 'other'],
    ];
    for (const [files, expected] of cases)
      expect((await detectHypervisor(host(files))).guestOf, JSON.stringify(files)).toBe(expected);
  });

  it('bare metal with unreadable DMI and no markers: every field absent, and the boot time from /proc/stat', async () => {
    expect(await detectHypervisor(host({ '/proc/stat': 'cpu  1 2 3\nbtime 1796140800\nprocesses 1\n' }))).toEqual({
      hypervisor: undefined,
      hypervisorVersion: undefined,
      guestOf: undefined,
      bootedAt: 1796140800 * 1000,
    });
  });
});
