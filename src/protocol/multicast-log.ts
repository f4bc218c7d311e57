/**
 * When each of our records was last multicast on each interface: for the
 * one-second limit (RFC 6762 §6.2) and the quarter-TTL rule for QU
 * questions (§5.4). Records are identified by {@link recordKey}, as in every
 * other map of records; the place is an interface and address family (an
 * answer goes out on the family its query came in on, so each family's
 * caches are served on their own). An entry can decide something only for a
 * second (§6.2) or a quarter of its record's TTL (§5.4), whichever is longer:
 * once a minute the entries past that are swept out, and so are those of
 * records no longer ours (past their second), so under churn (every TXT
 * change, port change and rename is a new record) the log holds our current
 * records and the last minute's others, not every record multicast.
 */
import { MULTICAST_RATE_LIMIT_MS } from '../constants.js';
import type { OwnedRecord } from '../records/service-records.js';
import { recordKey } from '../wire/canonical.js';
import type { Clock } from './clock.js';

/** The place of the one-second rule: an interface and an address family. */
export function linkKey(interfaceName: string, family: 4 | 6): string {
  return `${interfaceName}|${family}`;
}

/** How often old entries are swept out (they only need to go eventually). */
const SWEEP_INTERVAL_MS = 60_000;

/** Last multicast time per record and place. */
export class MulticastLog {
  /** Per place, by record key (the records' own cached strings): the last multicast time and the record sent. */
  private readonly last = new Map<string, Map<string, { at: number; owned: OwnedRecord }>>();
  private sweptAt: number;

  /** `ours`: whether the record is announced on the interface now (a record withdrawn or replaced decides nothing). */
  constructor(
    private readonly clock: Clock,
    private readonly ours: (interfaceName: string, owned: OwnedRecord) => boolean = () => true,
  ) {
    this.sweptAt = clock.now();
  }

  private at(link: string, owned: OwnedRecord): number | undefined {
    return this.last.get(link)?.get(recordKey(owned.record))?.at;
  }

  /** These records went out by multicast at the place now. */
  note(link: string, records: readonly OwnedRecord[]): void {
    const now = this.clock.now();
    let times = this.last.get(link);
    if (!times) {
      times = new Map();
      this.last.set(link, times);
    }
    for (const r of records) times.set(recordKey(r.record), { at: now, owned: r });
    if (now - this.sweptAt >= SWEEP_INTERVAL_MS) this.sweep(now);
  }

  /** Forget entries past their second and their quarter TTL, or past their second and no longer ours. */
  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [link, times] of this.last) {
      const interfaceName = link.slice(0, link.lastIndexOf('|'));
      for (const [key, e] of times) {
        const age = now - e.at;
        if (age < MULTICAST_RATE_LIMIT_MS) continue;
        if (age >= quarterTtlMs(e.owned) || !this.ours(interfaceName, e.owned)) times.delete(key);
      }
      if (times.size === 0) this.last.delete(link);
    }
  }

  /** Entries held (all places), for tests. */
  get size(): number {
    let n = 0;
    for (const times of this.last.values()) n += times.size;
    return n;
  }

  /** RFC 6762 §6.2: multicast at the place within the last second. */
  recent(link: string, owned: OwnedRecord): boolean {
    return this.allowedAt(link, owned) > this.clock.now();
  }

  /** RFC 6762 §6.2: the earliest time the record may be multicast at the place again. */
  allowedAt(link: string, owned: OwnedRecord): number {
    const at = this.at(link, owned);
    return at === undefined ? -Infinity : at + MULTICAST_RATE_LIMIT_MS;
  }

  /** RFC 6762 §5.4: multicast at the place within a quarter of its TTL. */
  withinQuarterTtl(link: string, owned: OwnedRecord): boolean {
    const at = this.at(link, owned);
    return at !== undefined && this.clock.now() - at < quarterTtlMs(owned);
  }
}

/** RFC 6762 §5.4: a quarter of the record's TTL, in ms. */
function quarterTtlMs(owned: OwnedRecord): number {
  return (owned.record.ttl * 1000) / 4;
}
