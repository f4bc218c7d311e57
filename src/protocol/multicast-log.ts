/**
 * When each of our records was last multicast on each interface: for the
 * one-second limit (RFC 6762 §6.2) and the quarter-TTL rule for QU
 * questions (§5.4). Records are identified by {@link recordKey}, as in every
 * other map of records. Entries older than the longest TTL are forgotten, so
 * records that changed long ago do not pile up.
 */
import { MULTICAST_RATE_LIMIT_MS, OTHER_TTL } from '../constants.js';
import type { OwnedRecord } from '../records/service-records.js';
import { recordKey } from '../wire/canonical.js';
import type { Clock } from './clock.js';

/** Last multicast time per record and interface. */
export class MulticastLog {
  private readonly last = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  private key(interfaceName: string, owned: OwnedRecord): string {
    return `${interfaceName}|${recordKey(owned.record)}`;
  }

  /** These records went out by multicast on the interface now. */
  note(interfaceName: string, records: readonly OwnedRecord[]): void {
    const now = this.clock.now();
    for (const r of records) {
      const key = this.key(interfaceName, r);
      this.last.delete(key); // re-insert at the end: Map order is age order
      this.last.set(key, now);
    }
    for (const [key, at] of this.last) {
      if (now - at < OTHER_TTL * 1000) break;
      this.last.delete(key);
    }
  }

  /** RFC 6762 §6.2: multicast on the interface within the last second. */
  recent(interfaceName: string, owned: OwnedRecord): boolean {
    return this.allowedAt(interfaceName, owned) > this.clock.now();
  }

  /** RFC 6762 §6.2: the earliest time the record may be multicast on the interface again. */
  allowedAt(interfaceName: string, owned: OwnedRecord): number {
    const at = this.last.get(this.key(interfaceName, owned));
    return at === undefined ? -Infinity : at + MULTICAST_RATE_LIMIT_MS;
  }

  /** RFC 6762 §5.4: multicast on the interface within a quarter of its TTL. */
  withinQuarterTtl(interfaceName: string, owned: OwnedRecord): boolean {
    const at = this.last.get(this.key(interfaceName, owned));
    return at !== undefined && this.clock.now() - at < (owned.record.ttl * 1000) / 4;
  }
}
