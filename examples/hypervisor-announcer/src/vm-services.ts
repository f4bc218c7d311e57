/**
 * One DNS-SD service per VM this host runs (`_hypervisor-vm._tcp`, port 0:
 * the VM is not a network service of this host, the record only tells who
 * hosts it): its UUID, name, state and host in TXT. `sync()` publishes the
 * VMs new to the inventory, withdraws (with goodbyes) those gone, and
 * updates the TXT of those whose state or name changed; one sync at a time,
 * a newer inventory waiting for the running one.
 */
import type { Mdns, Service, ServiceSpec } from 'boaster';
import type { Log } from './log.js';
import type { Vm } from './vm-inventory.js';

export const VM_SERVICE_TYPE = '_hypervisor-vm._tcp';

/** The service of one VM hosted by `host`: what is published (and what --dry-run prints). */
export function vmSpec(vm: Vm, host: string): ServiceSpec {
  return { name: `${vm.name} @ ${host}`, type: VM_SERVICE_TYPE, port: 0, txt: vmTxt(vm, host) };
}

function vmTxt(vm: Vm, host: string): Record<string, string> {
  return { txtvers: '1', uuid: vm.uuid, name: vm.name, state: vm.state, host };
}

interface Published {
  vm: Vm;
  service: Service;
}

export class VmServices {
  private readonly published = new Map<string, Published>();
  private running: Promise<void> = Promise.resolve();
  private next: readonly Vm[] | undefined;

  constructor(
    private readonly mdns: Mdns,
    private readonly host: string,
    private readonly log: Log,
  ) {}

  get size(): number {
    return this.published.size;
  }

  /** Make the published VMs those of `vms`. */
  sync(vms: readonly Vm[]): Promise<void> {
    const idle = this.next === undefined;
    this.next = vms;
    if (idle) this.running = this.running.then(() => this.drain());
    return this.running;
  }

  private async drain(): Promise<void> {
    while (this.next !== undefined) {
      const vms = this.next;
      this.next = undefined;
      const wanted = new Map(vms.map((v) => [v.uuid, v]));
      const waits: Promise<unknown>[] = [];
      for (const [uuid, p] of this.published) {
        if (wanted.has(uuid)) continue;
        this.published.delete(uuid);
        waits.push(p.service.stop());
        this.log('vm-removed', { uuid, name: p.vm.name });
      }
      for (const vm of wanted.values()) {
        const p = this.published.get(vm.uuid);
        if (!p) {
          const service = this.mdns.responder.register(vmSpec(vm, this.host));
          this.published.set(vm.uuid, { vm, service });
          waits.push(
            service.announced.catch((e: unknown) => this.log('vm-failed', { uuid: vm.uuid, message: String(e) })),
          );
          this.log('vm-added', { uuid: vm.uuid, name: vm.name, state: vm.state });
        } else if (p.vm.state !== vm.state || p.vm.name !== vm.name) {
          if (p.service.state !== 'stopped') p.service.updateTxt(vmTxt(vm, this.host));
          this.log('vm-changed', { uuid: vm.uuid, name: vm.name, state: vm.state });
          p.vm = vm;
        }
      }
      await Promise.all(waits);
    }
  }
}
