/**
 * One DNS-SD service per VM this host runs (`_hypervisor-vm._tcp`, port 0:
 * the VM is not a network service of this host, the record only tells who
 * hosts it): its UUID, name, state and host in TXT. `sync()` publishes the
 * VMs new to the inventory, withdraws (with goodbyes) those gone, updates
 * the TXT of those whose state or name changed, and publishes again one
 * that was withdrawn (its announcement failed); one sync at a time, a newer
 * inventory waiting for the running one. A VM that cannot be published
 * (a name the API refuses) is logged and skipped; the others go on.
 */
import type { Mdns, Service, ServiceSpec } from 'boaster';
import type { Log } from './log.js';
import type { Vm } from './vm-inventory.js';

export const VM_SERVICE_TYPE = '_hypervisor-vm._tcp';
/** RFC 1035 §2.3.4: an instance name is one label of at most 63 bytes. */
const MAX_LABEL_BYTES = 63;
const utf8 = new TextEncoder();

/** `VM @ HOST`, the VM's name cut (at a character) so the label fits. */
function instanceName(vm: Vm, host: string): string {
  const suffix = ` @ ${host}`;
  let name = vm.name;
  while (name.length > 1 && utf8.encode(`${name}${suffix}`).length > MAX_LABEL_BYTES)
    name = [...name].slice(0, -1).join('');
  return `${name}${suffix}`;
}

function vmTxt(vm: Vm, host: string): Record<string, string> {
  return { txtvers: '1', uuid: vm.uuid, name: vm.name, state: vm.state, host };
}

/** The service of one VM hosted by `host`: what is published (and what --dry-run prints). */
export function vmSpec(vm: Vm, host: string): ServiceSpec {
  return { name: instanceName(vm, host), type: VM_SERVICE_TYPE, port: 0, txt: vmTxt(vm, host) };
}

interface Published {
  vm: Vm;
  service: Service;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class VmServices {
  private readonly published = new Map<string, Published>();
  private running: Promise<void> = Promise.resolve();
  private next: readonly Vm[] | undefined;

  /** `host`: the responder's host label now (it changes on a host rename). */
  constructor(
    private readonly mdns: Mdns,
    private readonly host: () => string,
    private readonly log: Log,
  ) {}

  get size(): number {
    return this.published.size;
  }

  /** Make the published VMs those of `vms`; never rejects. */
  sync(vms: readonly Vm[]): Promise<void> {
    const idle = this.next === undefined;
    this.next = vms;
    if (idle)
      this.running = this.running
        .then(() => this.drain())
        .catch((e: unknown) => this.log('vm-sync-failed', { message: message(e) }));
    return this.running;
  }

  /** Publish `vm`, or log why not; the handle, when it was taken. */
  private publish(vm: Vm, waits: Promise<unknown>[]): Service | undefined {
    try {
      const service = this.mdns.responder.register(vmSpec(vm, this.host()));
      waits.push(
        service.announced.catch((e: unknown) => this.log('vm-failed', { uuid: vm.uuid, message: message(e) })),
      );
      return service;
    } catch (e) {
      this.log('vm-failed', { uuid: vm.uuid, name: vm.name, message: message(e) });
      return undefined;
    }
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
        waits.push(p.service.stop().catch((e: unknown) => this.log('vm-failed', { uuid, message: message(e) })));
        this.log('vm-removed', { uuid, name: p.vm.name });
      }
      for (const vm of wanted.values()) {
        const p = this.published.get(vm.uuid);
        if (!p || p.service.state === 'stopped') {
          const service = this.publish(vm, waits);
          if (service) this.published.set(vm.uuid, { vm, service });
          this.log(p ? 'vm-republished' : 'vm-added', { uuid: vm.uuid, name: vm.name, state: vm.state });
        } else if (p.vm.state !== vm.state || p.vm.name !== vm.name) {
          try {
            p.service.updateTxt(vmTxt(vm, this.host()));
            p.vm = vm;
            this.log('vm-changed', { uuid: vm.uuid, name: vm.name, state: vm.state });
          } catch (e) {
            this.log('vm-failed', { uuid: vm.uuid, name: vm.name, message: message(e) });
          }
        }
      }
      await Promise.all(waits);
    }
  }
}
