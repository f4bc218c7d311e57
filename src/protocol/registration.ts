/**
 * A registration: one set of unique names the responder probes, announces
 * and defends together — the host (its name and reverse names) or one
 * service (its instance name) — and how it is renamed on conflict.
 */
import { HOST_NAME_TTL } from '../constants.js';
import type { OwnedRecord, ServiceNames, ServiceSpec } from '../records/service-records.js';
import { hostRecords, serviceNames, serviceRecords } from '../records/service-records.js';
import type { NetworkInterface } from '../transport/interfaces.js';
import { nameKey } from '../wire/name.js';

/** Where a registration is in its life (RFC 6762 §8). */
export type RegistrationState = 'probing' | 'announcing' | 'announced' | 'stopped';

/** What every registration offers the engine. */
export interface Registration {
  readonly kind: 'host' | 'service';
  state: RegistrationState;
  /** Current name: the host name or the service instance name (plain text). */
  readonly name: string;
  /** The records it owns on one interface. */
  records(nic: NetworkInterface): OwnedRecord[];
  /** Full names it probes (lower-cased keys). */
  uniqueNameKeys(nic: NetworkInterface): Set<string>;
  /** Take the next name after a conflict; returns the new name. */
  rename(): string;
}

/** RFC 6762 §9 / RFC 6763 §4: "Name (2)", "Name (3)", … */
export function nextServiceName(name: string): string {
  const m = /^(.*) \((\d+)\)$/.exec(name);
  return m ? `${m[1]} (${Number(m[2]) + 1})` : `${name} (2)`;
}

/** "host-2", "host-3", … for host names. */
export function nextHostName(name: string): string {
  const m = /^(.*)-(\d+)$/.exec(name);
  return m ? `${m[1]}-${Number(m[2]) + 1}` : `${name}-2`;
}

function keysOf(records: readonly OwnedRecord[]): Set<string> {
  return new Set(records.filter((r) => r.unique).map((r) => nameKey(r.record.name)));
}

/** The host: `<label>.local` with its addresses per interface. */
export class HostRegistration implements Registration {
  readonly kind = 'host';
  state: RegistrationState = 'probing';

  constructor(
    public name: string,
    private readonly domain = 'local',
    /** TTL of the address and reverse records (RFC 6762 §10: 120 s). */
    private readonly ttl = HOST_NAME_TTL,
  ) {}

  /** Full host name, e.g. `myhost.local`. */
  get fullName(): string {
    return `${this.name}.${this.domain}`;
  }

  records(nic: NetworkInterface): OwnedRecord[] {
    return hostRecords(this.fullName, nic.addresses, this.ttl);
  }

  uniqueNameKeys(nic: NetworkInterface): Set<string> {
    return keysOf(this.records(nic));
  }

  rename(): string {
    this.name = nextHostName(this.name);
    return this.name;
  }
}

/** One DNS-SD service on the host. */
export class ServiceRegistration implements Registration {
  readonly kind = 'service';
  state: RegistrationState = 'probing';
  names: ServiceNames;

  constructor(
    public spec: ServiceSpec,
    private readonly host: HostRegistration,
    public name: string = spec.name,
  ) {
    this.names = serviceNames(spec, name);
    serviceRecords(spec, this.names, host.fullName); // validate now
  }

  records(): OwnedRecord[] {
    return serviceRecords(this.spec, this.names, this.host.fullName);
  }

  uniqueNameKeys(): Set<string> {
    return keysOf(this.records());
  }

  rename(): string {
    this.setName(nextServiceName(this.name));
    return this.name;
  }

  /** Take instance name `name` (its names computed unless given). */
  setName(name: string, names: ServiceNames = serviceNames(this.spec, name)): void {
    this.name = name;
    this.names = names;
  }
}
