/**
 * The records we answer with: those of every registration past probing
 * (RFC 6762 §8.3), per interface, indexed by owner name key and by record
 * key. Kept up to date as registrations are announced, change or leave, so
 * a query costs lookups for the names it asks, never a walk over every
 * registration (issue 10: no work per packet that grows with the records
 * held).
 */
import type { OwnedRecord } from '../records/service-records.js';
import { ownerKey, recordKey } from '../wire/canonical.js';
import type { NetworkInterface } from '../transport/interfaces.js';
import type { Registration } from './registration.js';

/** The records at one owner name, each with the registrations holding it. */
class NameRecords {
  readonly entries = new Map<string, { owned: OwnedRecord; holders: Set<Registration> }>();
  /** The records as a list, made when first asked after a change (answering reads it per question). */
  private list: readonly OwnedRecord[] | undefined;

  get records(): readonly OwnedRecord[] {
    this.list ??= Object.freeze([...this.entries.values()].map((e) => e.owned));
    return this.list;
  }

  changed(): void {
    this.list = undefined;
  }
}

/** One interface's records. */
class InterfaceRecords {
  /** Records by owner name key. */
  readonly byOwner = new Map<string, NameRecords>();
  /** What each registration contributed, by record key. */
  readonly of = new Map<Registration, Map<string, OwnedRecord>>();

  add(registration: Registration, records: readonly OwnedRecord[]): void {
    const mine = new Map<string, OwnedRecord>();
    for (const owned of records) {
      const key = recordKey(owned.record);
      mine.set(key, owned);
      const owner = ownerKey(owned.record);
      let atName = this.byOwner.get(owner);
      if (!atName) {
        atName = new NameRecords();
        this.byOwner.set(owner, atName);
      }
      const entry = atName.entries.get(key);
      if (entry) {
        entry.holders.add(registration);
      } else {
        atName.entries.set(key, { owned, holders: new Set([registration]) });
        atName.changed();
      }
    }
    this.of.set(registration, mine);
  }

  remove(registration: Registration): void {
    const mine = this.of.get(registration);
    if (!mine) return;
    this.of.delete(registration);
    for (const [key, owned] of mine) {
      const owner = ownerKey(owned.record);
      const atName = this.byOwner.get(owner);
      const entry = atName?.entries.get(key);
      if (!atName || !entry) continue;
      entry.holders.delete(registration);
      if (entry.holders.size > 0) continue;
      atName.entries.delete(key);
      atName.changed();
      if (atName.entries.size === 0) this.byOwner.delete(owner);
    }
  }
}

const NONE: ReadonlySet<Registration> = new Set();
const NO_RECORDS: readonly OwnedRecord[] = Object.freeze([]);

/** Announced records per interface. */
export class AnnouncedStore {
  private readonly interfaces = new Map<string, InterfaceRecords>();

  private on(name: string): InterfaceRecords {
    let records = this.interfaces.get(name);
    if (!records) {
      records = new InterfaceRecords();
      this.interfaces.set(name, records);
    }
    return records;
  }

  /** Put `registration`'s current records on each of `nics` (replacing what it had), or take them all away. */
  set(registration: Registration, nics: readonly NetworkInterface[] | undefined): void {
    for (const records of this.interfaces.values()) records.remove(registration);
    for (const nic of nics ?? []) this.on(nic.name).add(registration, registration.records(nic));
  }

  /**
   * Records owned by the name with key `key` on the interface: a list kept
   * until they change (the same array while they do not; read-only).
   */
  atName(interfaceName: string, key: string): readonly OwnedRecord[] {
    return this.interfaces.get(interfaceName)?.byOwner.get(key)?.records ?? NO_RECORDS;
  }

  /** Whether a record with `key` is announced on the interface (by any registration). */
  has(interfaceName: string, owned: OwnedRecord): boolean {
    return (
      this.interfaces.get(interfaceName)?.byOwner.get(ownerKey(owned.record))?.entries.has(recordKey(owned.record)) ??
      false
    );
  }

  /** The registrations announcing the record with `key` owned by the name with key `owner` on the interface. */
  holders(interfaceName: string, owner: string, key: string): ReadonlySet<Registration> {
    return this.interfaces.get(interfaceName)?.byOwner.get(owner)?.entries.get(key)?.holders ?? NONE;
  }

  /** Every record announced on the interface (for the rare paths that need them all). */
  all(interfaceName: string): OwnedRecord[] {
    const out: OwnedRecord[] = [];
    for (const atName of this.interfaces.get(interfaceName)?.byOwner.values() ?? []) out.push(...atName.records);
    return out;
  }

  /** Forget everything. */
  clear(): void {
    this.interfaces.clear();
  }
}
