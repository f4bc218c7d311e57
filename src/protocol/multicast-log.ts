/**
 * When each of our records was last multicast on each interface: for the
 * one-second limit (RFC 6762 §6.2) and the quarter-TTL rule for QU
 * questions (§5.4). Entries older than the longest TTL are forgotten, so
 * records that changed long ago do not pile up.
 */
import { MULTICAST_RATE_LIMIT_MS, OTHER_TTL } from '../constants.js';
import type { ResourceRecord } from '../wire/model.js';
import { nameKey } from '../wire/name.js';
import type { Clock } from './clock.js';

/** Last multicast time per record and interface. */
export class MulticastLog {
  private readonly last = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  private key(interfaceName: string, record: ResourceRecord): string {
    return `${interfaceName}|${nameKey(record.name)}|${record.type}|${JSON.stringify(record.data)}`;
  }

  /** These records went out by multicast on the interface now. */
  note(interfaceName: string, records: readonly ResourceRecord[]): void {
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
  recent(interfaceName: string, record: ResourceRecord): boolean {
    const at = this.last.get(this.key(interfaceName, record));
    return at !== undefined && this.clock.now() - at < MULTICAST_RATE_LIMIT_MS;
  }

  /** RFC 6762 §5.4: multicast on the interface within a quarter of its TTL. */
  withinQuarterTtl(interfaceName: string, record: ResourceRecord): boolean {
    const at = this.last.get(this.key(interfaceName, record));
    return at !== undefined && this.clock.now() - at < (record.ttl * 1000) / 4;
  }
}
