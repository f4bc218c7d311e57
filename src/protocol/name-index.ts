/**
 * Our registrations by the key of the unique name each probes and defends
 * (RFC 6762 §16 case-folded): a packet finds the registrations it concerns
 * by lookups, never by a walk over all of them, and a name one registration
 * holds is found before another of ours takes it.
 */
import type { Registration } from './registration.js';

const NONE: ReadonlySet<Registration> = new Set();

/** Registrations by name key. */
export class NameIndex {
  private readonly byName = new Map<string, Set<Registration>>();

  add(registration: Registration): void {
    const key = registration.nameKey;
    const set = this.byName.get(key) ?? new Set<Registration>();
    set.add(registration);
    this.byName.set(key, set);
  }

  remove(registration: Registration): void {
    const key = registration.nameKey;
    const set = this.byName.get(key);
    set?.delete(registration);
    if (set?.size === 0) this.byName.delete(key);
  }

  /** The registrations whose unique name has key `key`. */
  at(key: string): ReadonlySet<Registration> {
    return this.byName.get(key) ?? NONE;
  }

  /** Whether another registration holds `registration`'s name. */
  takenFrom(registration: Registration): boolean {
    for (const other of this.at(registration.nameKey)) if (other !== registration) return true;
    return false;
  }

  /** Run `change` (which may rename `registration`) with the index following. */
  renaming<T>(registration: Registration, change: () => T): T {
    const indexed = this.at(registration.nameKey).has(registration);
    if (indexed) this.remove(registration);
    try {
      return change();
    } finally {
      if (indexed) this.add(registration);
    }
  }
}
