/**
 * Delayed multicast answers, gathered per interface (RFC 6762 §6.3) and
 * trimmed by what queriers say they know (§7.1, §7.2) and what other
 * responders send first (§7.4) before they go out.
 */
import { MAX_REQUESTERS_PER_ANSWER, MAX_RESPONSE_POSTPONE_MS } from '../constants.js';
import type { OwnedRecord } from '../records/service-records.js';
import { recordKey } from '../wire/canonical.js';
import type { ResourceRecord } from '../wire/model.js';
import { KnownAnswers } from './answers.js';
import type { Clock, TimerHandle } from './clock.js';

/** One answer waiting, and who asked for it (`many`: more than MAX_REQUESTERS_PER_ANSWER did, so it goes whatever one knows). */
interface Waiting {
  owned: OwnedRecord;
  requesters: Set<string>;
  many: boolean;
}

/** The response waiting on one interface, its records by {@link recordKey} (in the order they joined). */
interface Pending {
  /** When the first query of this response came: TC queries postpone it at most MAX_RESPONSE_POSTPONE_MS past it. */
  startedAt: number;
  dueAt: number;
  answers: Map<string, Waiting>;
  additionals: Map<string, OwnedRecord>;
  timer: TimerHandle;
}

/** Delayed answers per interface. */
export class ResponseQueue {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly clock: Clock,
    private readonly flush: (interfaceName: string, answers: OwnedRecord[], additionals: OwnedRecord[]) => void,
  ) {}

  /**
   * Queue answers for `requester` (its address and port) to go out after
   * `delay`. A response already waiting on the interface takes them along;
   * when `waitForKnownAnswers` (a TC query, §7.2) the whole response waits
   * at least `delay`.
   */
  add(
    interfaceName: string,
    answers: readonly OwnedRecord[],
    additionals: readonly OwnedRecord[],
    requester: string,
    delay: number,
    waitForKnownAnswers = false,
  ): void {
    const now = this.clock.now();
    let entry = this.pending.get(interfaceName);
    if (!entry) {
      entry = {
        startedAt: now,
        dueAt: now + delay,
        answers: new Map(),
        additionals: new Map(),
        timer: this.schedule(interfaceName, delay),
      };
      this.pending.set(interfaceName, entry);
    } else if (waitForKnownAnswers) {
      // §7.2: wait for this TC query's known answers too, but never past the bound.
      const dueAt = Math.min(now + delay, entry.startedAt + MAX_RESPONSE_POSTPONE_MS);
      if (dueAt > entry.dueAt) {
        entry.timer.cancel();
        entry.dueAt = dueAt;
        entry.timer = this.schedule(interfaceName, dueAt - now);
      }
    }
    for (const owned of answers) {
      const key = recordKey(owned.record);
      const waiting = entry.answers.get(key);
      if (!waiting) entry.answers.set(key, { owned, requesters: new Set([requester]), many: false });
      else if (waiting.many) continue;
      else if (waiting.requesters.size < MAX_REQUESTERS_PER_ANSWER) waiting.requesters.add(requester);
      else {
        waiting.many = true;
        waiting.requesters.clear();
      }
    }
    for (const owned of additionals) {
      const key = recordKey(owned.record);
      if (!entry.additionals.has(key)) entry.additionals.set(key, owned);
    }
  }

  private schedule(interfaceName: string, delay: number): TimerHandle {
    return this.clock.setTimeout(() => {
      const entry = this.pending.get(interfaceName);
      this.pending.delete(interfaceName);
      if (!entry || entry.answers.size === 0) return;
      const answers = [...entry.answers.values()].map((w) => w.owned);
      const additionals = [...entry.additionals].filter(([key]) => !entry.answers.has(key)).map(([, r]) => r);
      this.flush(interfaceName, answers, additionals);
    }, delay);
  }

  /** Whether an answer with `record` is waiting to go out on the interface. */
  has(interfaceName: string, record: ResourceRecord): boolean {
    return this.pending.get(interfaceName)?.answers.has(recordKey(record)) ?? false;
  }

  /** §7.1/§7.2: `requester` already holds these records; others who asked still get them. */
  knownBy(interfaceName: string, requester: string, knownAnswers: readonly ResourceRecord[]): void {
    if (!this.pending.has(interfaceName)) return;
    const known = new KnownAnswers(knownAnswers);
    this.filter(interfaceName, (w) => {
      if (w.many) return true;
      if (known.has(w.owned.record)) w.requesters.delete(requester);
      return w.requesters.size > 0;
    });
  }

  /** §7.4: another responder sent the same record with at least our TTL. */
  sentByOthers(interfaceName: string, records: readonly ResourceRecord[]): void {
    if (!this.pending.has(interfaceName)) return;
    const seen = new Map<string, number>();
    for (const r of records) seen.set(recordKey(r), Math.max(seen.get(recordKey(r)) ?? -1, r.ttl));
    this.filter(interfaceName, (w) => (seen.get(recordKey(w.owned.record)) ?? -1) < w.owned.record.ttl);
  }

  /** Keep only records `keep` accepts (after a registration is withdrawn). */
  retain(keep: (owned: OwnedRecord) => boolean): void {
    for (const name of [...this.pending.keys()]) {
      const entry = this.pending.get(name);
      if (entry) for (const [key, r] of entry.additionals) if (!keep(r)) entry.additionals.delete(key);
      this.filter(name, (w) => keep(w.owned));
    }
  }

  private filter(interfaceName: string, keep: (w: Waiting) => boolean): void {
    const entry = this.pending.get(interfaceName);
    if (!entry) return;
    for (const [key, w] of entry.answers) if (!keep(w)) entry.answers.delete(key);
    if (entry.answers.size === 0) {
      entry.timer.cancel();
      this.pending.delete(interfaceName);
    }
  }

  /** Drop everything waiting. */
  clear(): void {
    for (const entry of this.pending.values()) entry.timer.cancel();
    this.pending.clear();
  }
}
