/**
 * When each of our records was last multicast on each interface: for the
 * one-second limit (RFC 6762 §6.2) and the quarter-TTL rule for QU
 * questions (§5.4). Records are identified by {@link recordKey}, as in every
 * other map of records; the place is an interface and address family (an
 * answer goes out on the family its query came in on, so each family's
 * caches are served on their own). Entries older than the longest TTL are
 * forgotten, so records that changed long ago do not pile up.
 */
import { MULTICAST_RATE_LIMIT_MS, OTHER_TTL } from '../constants.js';
import type { OwnedRecord } from '../records/service-records.js';
import { recordKey } from '../wire/canonical.js';
import type { Clock } from './clock.js';

/** The place of the one-second rule: an interface and an address family. */
export function linkKey(interfaceName: string, family: 4 | 6): string {
  return `${interfaceName}|${family}`;
}

/** Last multicast time per record and place. */
export class MulticastLog {
  private readonly last = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  private key(link: string, owned: OwnedRecord): string {
    return `${link}|${recordKey(owned.record)}`;
  }

  /** These records went out by multicast at the place now. */
  note(link: string, records: readonly OwnedRecord[]): void {
    const now = this.clock.now();
    for (const r of records) {
      const key = this.key(link, r);
      this.last.delete(key); // re-insert at the end: Map order is age order
      this.last.set(key, now);
    }
    for (const [key, at] of this.last) {
      if (now - at < OTHER_TTL * 1000) break;
      this.last.delete(key);
    }
  }

  /** RFC 6762 §6.2: multicast at the place within the last second. */
  recent(link: string, owned: OwnedRecord): boolean {
    return this.allowedAt(link, owned) > this.clock.now();
  }

  /** RFC 6762 §6.2: the earliest time the record may be multicast at the place again. */
  allowedAt(link: string, owned: OwnedRecord): number {
    const at = this.last.get(this.key(link, owned));
    return at === undefined ? -Infinity : at + MULTICAST_RATE_LIMIT_MS;
  }

  /** RFC 6762 §5.4: multicast at the place within a quarter of its TTL. */
  withinQuarterTtl(link: string, owned: OwnedRecord): boolean {
    const at = this.last.get(this.key(link, owned));
    return at !== undefined && this.clock.now() - at < (owned.record.ttl * 1000) / 4;
  }
}
