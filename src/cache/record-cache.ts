/**
 * The cache of other hosts' records (RFC 6762 §10), per interface, indexed
 * by owner name key and record key like the responder's store, so what a
 * response or a query costs is lookups for the names it carries.
 *
 * - A record is kept for its TTL from its arrival; a new copy renews it (§10).
 * - A goodbye (TTL 0) deletes it one second later, not at once (§10.1).
 * - A record with the cache-flush bit flushes the other records of its name,
 *   type and class on that interface received more than one second earlier:
 *   they expire one second later (§10.2). A packet's own records never flush
 *   one another. A TXT or SRV flushes the other TXT or SRV of its name
 *   however recent (RFC 6763 §5, §6.8: one of each per instance).
 * - An interface that goes away takes its records with it (§10.3, §10.4).
 * - Passive observation of failures (§10.5, POOF): after two queries that a
 *   cached record should have answered (it was not among their known
 *   answers), at least a second apart, and no response carrying it within
 *   ten seconds of the first, the record is deleted.
 * - Bounded: at most `maxRecords` (default 10,000). A record arriving when
 *   the cache is full evicts the record nobody wants received longest ago —
 *   "wanted": a question someone on this host asks (a browser, a resolve;
 *   see {@link RecordCache.wantedBy}) — and only when every record is wanted,
 *   the one due to expire soonest. A flood of distinct names can neither
 *   grow memory nor push out what this host's browsers and lookups follow
 *   (evicting by expiry alone let long-TTL junk push out every 120 s SRV).
 *
 * Expiry runs on one timer (the core's deadline queue), armed for the
 * earliest deadline; an empty cache holds none.
 */
import { EventEmitter } from 'eventemitter3';
import {
  CACHE_FLUSH_DELAY_MS,
  CLASS_IN,
  DEFAULT_CACHE_MAX_RECORDS,
  POOF_QUERY_COUNT,
  POOF_QUERY_SPACING_MS,
  POOF_WINDOW_MS,
} from '../constants.js';
import type { Clock, TimerHandle } from '../protocol/clock.js';
import { ownerKey, recordKey } from '../wire/canonical.js';
import type { Question, ResourceRecord } from '../wire/model.js';
import { DeadlineHeap } from './deadline-heap.js';

/** One record of another host, as cached. */
export interface CachedRecord {
  /** The copy last received (its TTL the one it came with; no cache-flush bit). */
  record: ResourceRecord;
  readonly interfaceName: string;
  /** {@link recordKey} of the record. */
  readonly key: string;
  /** {@link ownerKey} of the record. */
  readonly nameKey: string;
  /** The address that sent the copy last received. */
  source: string;
  /** When the copy last received arrived (clock ms). */
  receivedAt: number;
  /** When it leaves the cache unless renewed. */
  expiresAt: number;
  /** §10.5: unanswered queries for it since `since`. */
  poof: { since: number; count: number; last: number } | undefined;
  /** Its known-answer form (see {@link RecordCache.knownAnswer}), made on first use. */
  listed: ResourceRecord | undefined;
}

/** Why a record left the cache. */
export type RemovalReason = 'expired' | 'goodbye' | 'flushed' | 'poof' | 'interface' | 'evicted';

/** Events of a {@link RecordCache}. */
export interface RecordCacheEvents {
  /** A record new to the cache (on that interface). */
  added: (entry: CachedRecord) => void;
  /** A record already cached came again: its TTL was renewed. */
  renewed: (entry: CachedRecord) => void;
  /** A record left the cache. */
  removed: (entry: CachedRecord, reason: RemovalReason) => void;
}

/** Options of a {@link RecordCache}. */
export interface RecordCacheOptions {
  /** At most this many records (all interfaces together); default 10,000. */
  maxRecords?: number;
}

/** How many records were refused or evicted, for stats. */
export interface RecordCacheStats {
  records: number;
  evicted: number;
}

const NONE: readonly CachedRecord[] = Object.freeze([]);

/** The records of one name on one interface, by record key, with their list kept until they change. */
class NameEntries extends Map<string, CachedRecord> {
  private listed: readonly CachedRecord[] | undefined;

  override set(key: string, entry: CachedRecord): this {
    this.listed = undefined;
    return super.set(key, entry);
  }

  override delete(key: string): boolean {
    this.listed = undefined;
    return super.delete(key);
  }

  /** Every entry, as one frozen list (made again only after a change). */
  list(): readonly CachedRecord[] {
    return (this.listed ??= Object.freeze([...this.values()]));
  }
}

/** Records of others, per interface. */
export class RecordCache extends EventEmitter<RecordCacheEvents> {
  readonly maxRecords: number;
  /** interface → owner name key → record key → entry. */
  private readonly byInterface = new Map<string, Map<string, NameEntries>>();
  private readonly deadlines = new DeadlineHeap<CachedRecord>();
  /** Records no question wants, oldest received first: the first to be evicted. */
  private readonly unwanted = new Map<CachedRecord, true>();
  /** Who says which records are wanted (a querier each; see {@link wantedBy}). */
  private readonly wanters = new Set<(nameKey: string, type: string) => boolean>();
  private count = 0;
  private evictions = 0;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;

  constructor(
    private readonly clock: Clock,
    options: RecordCacheOptions = {},
  ) {
    super();
    this.maxRecords = options.maxRecords ?? DEFAULT_CACHE_MAX_RECORDS;
  }

  /**
   * Let `wants` say which records a question on this host wants (name key
   * and record type), so a full cache evicts the others first. Returns the
   * function that withdraws it.
   */
  wantedBy(wants: (nameKey: string, type: string) => boolean): () => void {
    this.wanters.add(wants);
    return () => this.wanters.delete(wants);
  }

  /**
   * A question now wants the records of `nameKey` of `type` (ANY: all of
   * them): those already cached are no longer the first to be evicted.
   */
  protect(nameKey: string, type: string): void {
    if (this.unwanted.size === 0) return;
    for (const names of this.byInterface.values())
      for (const e of names.get(nameKey)?.values() ?? [])
        if (type === 'ANY' || e.record.type === type) this.unwanted.delete(e);
  }

  /** Note an entry just added or renewed: at the back of the eviction order, unless a question wants it. */
  private noteArrival(entry: CachedRecord): void {
    this.unwanted.delete(entry);
    for (const wants of this.wanters) if (wants(entry.nameKey, entry.record.type)) return;
    this.unwanted.set(entry, true);
  }

  /** Records held and evicted so far. */
  get stats(): RecordCacheStats {
    return { records: this.count, evicted: this.evictions };
  }

  /** Take in the records of a response received on `interfaceName` from `source` (§10). */
  absorb(interfaceName: string, source: string, records: readonly ResourceRecord[]): void {
    const now = this.clock.now();
    const names = this.namesOn(interfaceName);
    // §10.2: flush what this packet's cache-flush records replace — not what the packet itself brings.
    const brought = new Set<string>();
    for (const r of records) brought.add(recordKey(r));
    for (const record of records) {
      if (record.type === 'OPT') continue;
      const key = recordKey(record);
      const name = ownerKey(record);
      let atName = names.get(name);
      if (record.cacheFlush && record.ttl > 0 && atName) {
        // §10.2: records of the set received within the last second are kept (they came with this burst),
        // except for a set of one by definition: RFC 6763 §6.8 gives a service instance one TXT and §5 one
        // SRV, so a new one replaces the old however recently that came (a peer's answer queued before
        // its update would otherwise keep the stale TXT cached, and listed as known, for its whole TTL).
        const singleValued = record.type === 'TXT' || record.type === 'SRV';
        for (const other of atName.values()) {
          if (
            brought.has(other.key) ||
            other.record.type !== record.type ||
            (other.record.class ?? CLASS_IN) !== (record.class ?? CLASS_IN)
          )
            continue;
          if (
            (singleValued || now - other.receivedAt > CACHE_FLUSH_DELAY_MS) &&
            other.expiresAt > now + CACHE_FLUSH_DELAY_MS
          )
            this.expireAt(other, now + CACHE_FLUSH_DELAY_MS, 'flushed');
        }
      }
      const known = atName?.get(key);
      if (record.ttl === 0) {
        // §10.1: a goodbye for what we hold; one for a record we never had is nothing to keep.
        if (known) this.expireAt(known, Math.min(known.expiresAt, now + CACHE_FLUSH_DELAY_MS), 'goodbye');
        continue;
      }
      const plain: ResourceRecord = record.cacheFlush ? { ...record, cacheFlush: false } : record;
      if (known) {
        known.record = plain;
        known.listed = undefined;
        known.source = source;
        known.receivedAt = now;
        known.poof = undefined;
        this.expireAt(known, now + record.ttl * 1000, 'expired');
        this.noteArrival(known);
        this.emit('renewed', known);
        continue;
      }
      if (this.count >= this.maxRecords) {
        this.evictOne();
        // The record evicted may have been the last of this name, and taken the name's map with it.
        atName = names.get(name);
      }
      if (!atName) {
        atName = new NameEntries();
        names.set(name, atName);
      }
      const entry: CachedRecord = {
        record: plain,
        interfaceName,
        key,
        nameKey: name,
        source,
        receivedAt: now,
        expiresAt: now + record.ttl * 1000,
        poof: undefined,
        listed: undefined,
      };
      atName.set(key, entry);
      this.count++;
      this.noteArrival(entry);
      this.schedule(entry);
      this.emit('added', entry);
    }
  }

  /** Records cached on the interface owned by the name with key `nameKey`. */
  atName(interfaceName: string, nameKey: string): readonly CachedRecord[] {
    return this.byInterface.get(interfaceName)?.get(nameKey)?.list() ?? NONE;
  }

  /** The cached copy of the record with key `key` (see {@link recordKey}), owned by `nameKey`, on the interface. */
  entry(interfaceName: string, nameKey: string, key: string): CachedRecord | undefined {
    return this.byInterface.get(interfaceName)?.get(nameKey)?.get(key);
  }

  /** Cached records answering `question` on the interface (type ANY: every type). */
  answers(interfaceName: string, question: Question, nameKey: string): CachedRecord[] {
    const klass = question.class ?? CLASS_IN;
    return this.atName(interfaceName, nameKey).filter(
      (e) =>
        (question.type === 'ANY' || e.record.type === question.type) &&
        (klass === 255 || (e.record.class ?? CLASS_IN) === klass),
    );
  }

  /**
   * RFC 6762 §6.1: whether an NSEC cached on the interface says the name has
   * no record of `type` (a negative answer: asking again is pointless until it expires).
   */
  deniedType(interfaceName: string, nameKey: string, type: string): boolean {
    if (type === 'ANY') return false;
    for (const e of this.atName(interfaceName, nameKey))
      if (e.record.type === 'NSEC' && !e.record.data.types.includes(type)) return true;
    return false;
  }

  /** The record's remaining TTL in seconds (whole, as a known answer carries it, §7.1). */
  remainingTtl(entry: CachedRecord): number {
    return Math.max(0, Math.floor((entry.expiresAt - this.clock.now()) / 1000));
  }

  /**
   * The record as a known answer (RFC 6762 §7.1): its TTL the remaining one.
   * One object per cached copy, its TTL updated at each call, so the names
   * the encoder prepares for a record are prepared once, not per query.
   */
  knownAnswer(entry: CachedRecord): ResourceRecord {
    const listed = (entry.listed ??= { ...entry.record });
    listed.ttl = this.remainingTtl(entry);
    return listed;
  }

  /**
   * §10.5: a query asked for these records and did not list them as known.
   * Two such queries without a response carrying the record within ten
   * seconds of the first, and it is deleted.
   */
  unansweredQuery(entries: readonly CachedRecord[]): void {
    const now = this.clock.now();
    for (const entry of entries) {
      if (!entry.poof || now - entry.poof.since > POOF_WINDOW_MS) {
        entry.poof = { since: now, count: 1, last: now };
        continue;
      }
      // One query sent over IPv4 and IPv6, or in a TC train, is one query.
      if (now - entry.poof.last < POOF_QUERY_SPACING_MS) continue;
      entry.poof.count++;
      entry.poof.last = now;
      const at = entry.poof.since + POOF_WINDOW_MS;
      if (entry.poof.count === POOF_QUERY_COUNT && at < entry.expiresAt) this.expireAt(entry, at, 'poof');
    }
  }

  /** §10.3, §10.4: every record of an interface that went away or lost its address. */
  flushInterface(interfaceName: string): void {
    const names = this.byInterface.get(interfaceName);
    if (!names) return;
    for (const atName of names.values()) for (const entry of [...atName.values()]) this.remove(entry, 'interface');
    this.byInterface.delete(interfaceName);
  }

  /** Forget everything, silently (closing). */
  clear(): void {
    this.byInterface.clear();
    this.deadlines.clear();
    this.unwanted.clear();
    this.count = 0;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private namesOn(interfaceName: string): Map<string, NameEntries> {
    let names = this.byInterface.get(interfaceName);
    if (!names) {
      names = new Map();
      this.byInterface.set(interfaceName, names);
    }
    return names;
  }

  /** Why an entry will leave when its deadline comes, if not plain expiry. */
  private readonly pendingReason = new WeakMap<CachedRecord, RemovalReason>();

  /** Set when the entry leaves, and why it will (a renewal resets both). */
  private expireAt(entry: CachedRecord, at: number, reason: RemovalReason): void {
    if (reason === 'expired') this.pendingReason.delete(entry);
    else this.pendingReason.set(entry, reason);
    entry.expiresAt = at;
    this.schedule(entry);
  }

  private schedule(entry: CachedRecord): void {
    this.deadlines.set(entry, entry.expiresAt);
    this.arm();
  }

  private arm(): void {
    const next = this.deadlines.peekAt();
    if (next === undefined) {
      this.timer?.cancel();
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && this.timerAt <= next) return;
    this.timer?.cancel();
    this.timerAt = next;
    this.timer = this.clock.setTimeout(() => this.expire(), Math.max(0, next - this.clock.now()));
  }

  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    for (let top = this.deadlines.peek(); top && top.at <= now; top = this.deadlines.peek()) {
      this.remove(top.item, this.pendingReason.get(top.item) ?? 'expired');
    }
    this.arm();
  }

  private evictOne(): void {
    const oldest = this.unwanted.keys().next();
    const victim = oldest.done ? this.deadlines.peek()?.item : oldest.value;
    if (!victim) return;
    this.evictions++;
    this.remove(victim, 'evicted');
  }

  private remove(entry: CachedRecord, reason: RemovalReason): void {
    // Off the expiry heap and the eviction order whatever happens, held or not: a record not held
    // (any more) left there would be met again by the expiry timer or by eviction.
    this.deadlines.delete(entry);
    this.unwanted.delete(entry);
    const atName = this.byInterface.get(entry.interfaceName)?.get(entry.nameKey);
    if (atName?.get(entry.key) !== entry) return;
    atName.delete(entry.key);
    if (atName.size === 0) this.byInterface.get(entry.interfaceName)?.delete(entry.nameKey);
    this.pendingReason.delete(entry);
    this.count--;
    this.emit('removed', entry, reason);
  }
}
