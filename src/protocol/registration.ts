/**
 * A registration: one set of unique names the responder probes, announces
 * and defends together — the host (its name and reverse names) or one
 * service (its instance name) — and how it is renamed on conflict.
 *
 * Its records are prepared once per change (name, TXT, port, host name,
 * interface addresses), with the keys answering and conflict checks look
 * them up by, never per packet.
 */
import { HOST_NAME_TTL } from '../constants.js';
import type { OwnedRecord, ServiceNames, ServiceSpec } from '../records/service-records.js';
import { hostRecords, serviceNames, serviceRecords } from '../records/service-records.js';
import type { NetworkInterface } from '../transport/interfaces.js';
import { recordKey } from '../wire/canonical.js';
import { nameKey } from '../wire/name.js';
import type { TimerHandle } from './clock.js';
import { labelRoomBefore, nextHostName, nextServiceName } from './conflict-names.js';

/** Where a registration is in its life (RFC 6762 §8). */
export type RegistrationState = 'probing' | 'announcing' | 'announced' | 'stopped';

/** Registrations announcing together (RFC 6762 §8.3), on one timer. */
export interface AnnounceBatch {
  members: Set<Registration>;
  timer: TimerHandle | undefined;
  /** A round of it reached the network (at least one packet sent). */
  reached: boolean;
}

/**
 * Everything the engine keeps about a registration, in one place: its
 * state and its history of conflicts and announcements. Only the engine
 * writes it.
 */
export class Life {
  state: RegistrationState = 'probing';
  /** Records went out under the current name, so a rename or stop owes goodbyes (RFC 6762 §10.1). */
  announced = false;
  /** Times of recent conflicts (RFC 6762 §8.1 rate limit). */
  conflicts: number[] = [];
  /** Probing slowed down after a storm of conflicts (RFC 6762 §8.1), until a quiet window. */
  rateLimited = false;
  /** Last re-announcement caused by someone else's stale copy (rate-limited, RFC 6762 §6.2). */
  refreshedAt = -Infinity;
  /** The announcement it is part of, while one runs. */
  batch: AnnounceBatch | undefined;
}

/** A registration's records on one interface, with their lookup keys. */
export interface PreparedRecords {
  readonly records: readonly OwnedRecord[];
  /** Each record by {@link recordKey}. */
  readonly byKey: ReadonlyMap<string, OwnedRecord>;
  /** Name keys of the unique records, with the types held at each. */
  readonly uniqueTypes: ReadonlyMap<string, ReadonlySet<string>>;
}

/** What every registration offers the engine. */
export interface Registration {
  readonly kind: 'host' | 'service';
  /** What the engine keeps about it. */
  readonly life: Life;
  /** Where it is in its life: `life.state`. */
  readonly state: RegistrationState;
  /** Current name: the host name or the service instance name (plain text). */
  readonly name: string;
  /** {@link nameKey} of the unique name it probes and defends (host name or instance name). */
  readonly nameKey: string;
  /** The records it owns on one interface. */
  records(nic: NetworkInterface): readonly OwnedRecord[];
  /** The same, with their keys. */
  prepared(nic: NetworkInterface): PreparedRecords;
  /** Full names it probes (lower-cased keys). */
  uniqueNameKeys(nic: NetworkInterface): ReadonlySet<string>;
  /** Take the next name after a conflict; returns the new name. */
  rename(): string;
}

/** Index `records` by their keys. */
export function prepareRecords(records: readonly OwnedRecord[]): PreparedRecords {
  const byKey = new Map<string, OwnedRecord>();
  const uniqueTypes = new Map<string, Set<string>>();
  for (const owned of records) {
    byKey.set(recordKey(owned.record), owned);
    if (!owned.unique) continue;
    const key = nameKey(owned.record.name);
    const types = uniqueTypes.get(key) ?? new Set<string>();
    types.add(owned.record.type);
    uniqueTypes.set(key, types);
  }
  return { records, byKey, uniqueTypes };
}

/** A one-entry memo: recomputes only when the key changes. */
class Memo<T> {
  private key: string | undefined;
  private value: T | undefined;

  get(key: string, compute: () => T): T {
    if (this.key !== key || this.value === undefined) {
      this.value = compute();
      this.key = key;
    }
    return this.value;
  }
}

/** The host: `<label>.local` with its addresses per interface. */
export class HostRegistration implements Registration {
  readonly kind = 'host';
  readonly life = new Life();
  private readonly memo = new Map<string, Memo<PreparedRecords>>();
  private readonly keyMemo = new Memo<string>();

  constructor(
    public name: string,
    private readonly domain = 'local',
    /** TTL of the address and reverse records (RFC 6762 §10: 120 s). */
    private readonly ttl = HOST_NAME_TTL,
  ) {}

  get state(): RegistrationState {
    return this.life.state;
  }

  /** Full host name, e.g. `myhost.local`. */
  get fullName(): string {
    return `${this.name}.${this.domain}`;
  }

  get nameKey(): string {
    return this.keyMemo.get(this.fullName, () => nameKey(this.fullName));
  }

  prepared(nic: NetworkInterface): PreparedRecords {
    let memo = this.memo.get(nic.name);
    if (!memo) {
      memo = new Memo();
      this.memo.set(nic.name, memo);
    }
    const key = `${this.fullName}|${nic.addresses.map((a) => a.address).join(',')}`;
    return memo.get(key, () => prepareRecords(hostRecords(this.fullName, nic.addresses, this.ttl)));
  }

  records(nic: NetworkInterface): readonly OwnedRecord[] {
    return this.prepared(nic).records;
  }

  uniqueNameKeys(nic: NetworkInterface): ReadonlySet<string> {
    return new Set(this.prepared(nic).uniqueTypes.keys());
  }

  rename(): string {
    this.name = nextHostName(this.name, labelRoomBefore(this.domain));
    return this.name;
  }
}

/** One DNS-SD service on the host. */
export class ServiceRegistration implements Registration {
  readonly kind = 'service';
  readonly life = new Life();
  names: ServiceNames;
  private current: ServiceSpec;
  /** Bumped whenever the spec or the name changes. */
  private version = 0;
  private readonly memo = new Memo<PreparedRecords>();
  private readonly keyMemo = new Memo<string>();

  constructor(
    spec: ServiceSpec,
    private readonly host: HostRegistration,
    public name: string = spec.name,
  ) {
    this.current = spec;
    this.names = serviceNames(spec, name);
    serviceRecords(spec, this.names, host.fullName); // validate now
  }

  get state(): RegistrationState {
    return this.life.state;
  }

  /** What defines the service; setting it re-prepares the records. */
  get spec(): ServiceSpec {
    return this.current;
  }

  set spec(spec: ServiceSpec) {
    this.current = spec;
    this.version++;
  }

  get nameKey(): string {
    return this.keyMemo.get(this.names.instance, () => nameKey(this.names.instance));
  }

  prepared(): PreparedRecords {
    return this.memo.get(`${this.version}|${this.host.fullName}`, () =>
      prepareRecords(serviceRecords(this.current, this.names, this.host.fullName)),
    );
  }

  records(): readonly OwnedRecord[] {
    return this.prepared().records;
  }

  uniqueNameKeys(): ReadonlySet<string> {
    return new Set(this.prepared().uniqueTypes.keys());
  }

  rename(): string {
    this.setName(nextServiceName(this.name, labelRoomBefore(this.names.type)));
    return this.name;
  }

  /** Take instance name `name` (its names computed unless given). */
  setName(name: string, names: ServiceNames = serviceNames(this.spec, name)): void {
    this.name = name;
    this.names = names;
    this.version++;
  }
}
