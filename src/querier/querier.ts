/**
 * The continuous querier of RFC 6762 §5.2, on the core's cache and deadline
 * queue. Consumers (browsers, resolvers) say which questions they want
 * answered; the querier asks them, and nothing else:
 *
 * - The first query goes 20–120 ms after the interest starts; interests
 *   started together share it. The next goes one second later, and each
 *   interval doubles up to sixty minutes (§5.2).
 * - Every query carries as known answers the cached records that answer it
 *   with more than half their TTL left (§7.1), over several packets with TC
 *   when they do not fit in one (§7.2).
 * - A QM question another host asks, whose known answers hold nothing we
 *   would not list ourselves, counts as our own query: ours is not sent (§7.3).
 * - A cached record someone wants is asked for again at 80, 85, 90 and 95 %
 *   of its TTL, plus 0–2 % at random, unless a fresh copy came (§5.2). When
 *   one refresh goes, every other whose point (before the random part) has
 *   passed goes in the same packet: the 2 % keeps queriers apart, and one
 *   querier's records learned together are refreshed together, not one
 *   packet each.
 * - Queries, ours and others', that a cached record should answer feed the
 *   cache's passive failure observation (§10.5).
 * - The first query may ask for unicast replies (QU, §5.4).
 *
 * Interests are per question (any interface); the querier keeps one timer,
 * armed for the earliest due query or refresh.
 */
import {
  CLASS_IN,
  FIRST_QUERY_DELAY_MAX_MS,
  FIRST_QUERY_DELAY_MIN_MS,
  FLAG_TRUNCATED,
  KNOWN_ANSWER_MIN_TTL_FRACTION,
  MAX_QUESTIONS_PER_QUERY,
  MAX_RECORDS_PER_SECTION,
  QUERY_INTERVAL_MAX_MS,
  QUERY_INTERVAL_MIN_MS,
  REFRESH_JITTER,
  REFRESH_POINTS,
} from '../constants.js';
import { DeadlineHeap } from '../cache/deadline-heap.js';
import type { CachedRecord, RecordCache } from '../cache/record-cache.js';
import type { Incoming } from '../core/intake.js';
import type { MdnsCore } from '../core/core.js';
import type { TimerHandle } from '../protocol/clock.js';
import type { NetworkInterface } from '../transport/interfaces.js';
import { ownerKey, recordKey } from '../wire/canonical.js';
import type { Question, ResourceRecord } from '../wire/model.js';
import { nameKey } from '../wire/name.js';
import { queryPackets } from './query-packets.js';

/** What a consumer wants answered. */
export interface WantedQuestion {
  name: string;
  type: Question['type'];
  /** Ask the first query with the unicast-response bit (RFC 6762 §5.4). */
  unicastFirst?: boolean;
  /** Ask only on these interfaces; default every interface. */
  interfaces?: readonly string[];
}

interface Interest {
  /** Order of creation: questions of one query go in the order they were wanted. */
  readonly order: number;
  readonly question: Question;
  /** `${nameKey}|${type}`. */
  readonly key: string;
  readonly nameKey: string;
  refs: number;
  /** Holders that want it on every interface, and holders per interface for the others. */
  everywhere: number;
  readonly on: Map<string, number>;
  unicastFirst: boolean;
  /** Answered (see fire()): not queried until the answer goes. */
  parked: boolean;
  /** Queries sent (or counted as sent, §7.3). */
  sent: number;
  intervalMs: number;
}

interface Refresh {
  readonly entry: CachedRecord;
  /** The arrival the points are counted from. */
  readonly receivedAt: number;
  /** Next point of REFRESH_POINTS. */
  step: number;
}

/** How far into its TTL a refresh point is: the RFC's fraction alone (ripe), or plus the random part (due). */
type Point = 'ripe' | 'due';

const ANY = 'ANY';

function interestKey(key: string, type: string): string {
  return `${key}|${type}`;
}

/** Continuous querying for what consumers want. */
export class Querier {
  private readonly interests = new Map<string, Interest>();
  private readonly due = new DeadlineHeap<Interest>();
  /** Refreshes by when they are due (the point plus its random part): the timer's list. */
  private readonly refreshes = new DeadlineHeap<Refresh>();
  /** The same refreshes by the point alone: from then on one may go with another's packet. */
  private readonly ripe = new DeadlineHeap<Refresh>();
  private readonly refreshOf = new Map<CachedRecord, Refresh>();
  /** When interests started in the same instant share their first query. */
  private firstBatchAt: number | undefined;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private readonly cache: RecordCache;
  private closed = false;
  private created = 0;

  /** Withdraws what this querier told the cache it wants (see RecordCache.wantedBy). */
  private readonly unwant: () => void;
  /** Takes this querier's listeners off the core (which may be shared, and outlive it). */
  private readonly unlisten: () => void;

  constructor(private readonly core: MdnsCore) {
    this.cache = core.cache;
    // A full cache evicts what no question of ours wants first (README "Robustness").
    this.unwant = this.cache.wantedBy(
      (key, type) => this.interests.has(interestKey(key, type)) || this.interests.has(interestKey(key, ANY)),
    );
    const onQuery = (incoming: Incoming): void => this.onQuery(incoming);
    const track = (entry: CachedRecord): void => this.track(entry);
    const removed = (entry: CachedRecord): void => {
      this.untrack(entry);
      if (!this.closed) this.unpark(entry);
    };
    core.intake.on('query', onQuery);
    this.cache.on('added', track);
    this.cache.on('renewed', track);
    this.cache.on('removed', removed);
    core.transport.on('interfaceUp', this.restart);
    core.transport.on('addressAdded', this.restart);
    this.unlisten = () => {
      core.intake.off('query', onQuery);
      this.cache.off('added', track);
      this.cache.off('renewed', track);
      this.cache.off('removed', removed);
      core.transport.off('interfaceUp', this.restart);
      core.transport.off('addressAdded', this.restart);
    };
  }

  /** When the questions' schedules last started again (see restart). */
  private restartedAt = -Infinity;

  /**
   * An interface came (back) or gained an address: what the cache held for
   * it was flushed (§10.3) and the link may hold new answers, so every
   * question starts its schedule again — asked 20–120 ms from now, then 1 s
   * later, doubling (§5.2; §5.4 speaks of this batch "on wake from sleep or
   * interface activation"). An interface and its IPv6 address a second
   * later (after duplicate address detection) are one restart: the first
   * two queries stay at least a second apart (§5.2).
   */
  private readonly restart = (): void => {
    const now = this.core.scheduler.now();
    if (this.closed || now - this.restartedAt < QUERY_INTERVAL_MIN_MS) return;
    this.restartedAt = now;
    const at = this.firstQueryAt(now);
    for (const interest of this.interests.values()) {
      interest.parked = false;
      interest.intervalMs = QUERY_INTERVAL_MIN_MS;
      this.due.set(interest, at);
    }
    this.arm();
  };

  /**
   * Ask `question` until the returned function is called (once per call of
   * want: interests in one question are counted).
   */
  want(wanted: WantedQuestion): () => void {
    const key = interestKey(nameKey(wanted.name), wanted.type);
    let interest = this.interests.get(key);
    if (interest) {
      interest.refs++;
    } else {
      interest = {
        order: this.created++,
        question: { name: wanted.name, type: wanted.type, class: CLASS_IN },
        key,
        nameKey: nameKey(wanted.name),
        refs: 1,
        everywhere: 0,
        on: new Map(),
        unicastFirst: wanted.unicastFirst === true,
        parked: false,
        sent: 0,
        intervalMs: QUERY_INTERVAL_MIN_MS,
      };
      this.interests.set(key, interest);
      const now = this.core.scheduler.now();
      if (this.firstBatchAt === undefined || this.firstBatchAt <= now) {
        this.firstBatchAt = this.firstQueryAt(now);
      }
      this.due.set(interest, this.firstBatchAt);
      // Records already cached are refreshed for it from now on, and no longer evicted first.
      this.cache.protect(interest.nameKey, wanted.type);
      for (const nic of this.core.transport.interfaces)
        for (const entry of this.cache.atName(nic.name, interest.nameKey)) this.track(entry);
      this.arm();
    }
    const held = interest;
    const scope = wanted.interfaces === undefined ? undefined : [...new Set(wanted.interfaces)];
    if (scope === undefined) held.everywhere++;
    else for (const nic of scope) held.on.set(nic, (held.on.get(nic) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.refs--;
      if (scope === undefined) held.everywhere--;
      else for (const nic of scope) held.on.set(nic, (held.on.get(nic) ?? 1) - 1);
      if (held.refs > 0 || this.interests.get(held.key) !== held) return;
      this.interests.delete(held.key);
      this.due.delete(held);
      this.arm();
    };
  }

  /** Questions asked now, for tests and stats. */
  get size(): number {
    return this.interests.size;
  }

  /** Stop every query (the cache stays the core's). */
  close(): void {
    this.closed = true;
    this.unlisten();
    this.unwant();
    this.interests.clear();
    this.due.clear();
    this.refreshes.clear();
    this.ripe.clear();
    this.refreshOf.clear();
    this.timer?.cancel();
    this.timer = undefined;
  }

  private wants(entry: CachedRecord): boolean {
    const on = (interest: Interest | undefined): boolean =>
      interest !== undefined && (interest.everywhere > 0 || (interest.on.get(entry.interfaceName) ?? 0) > 0);
    return (
      on(this.interests.get(interestKey(entry.nameKey, entry.record.type))) ||
      on(this.interests.get(interestKey(entry.nameKey, ANY)))
    );
  }

  /** RFC 6762 §5.2: refresh points for a record someone wants, from its last arrival. */
  private track(entry: CachedRecord): void {
    if (this.closed || !this.wants(entry) || entry.record.ttl === 0) return;
    const known = this.refreshOf.get(entry);
    if (known && known.receivedAt === entry.receivedAt) return;
    const refresh: Refresh = { entry, receivedAt: entry.receivedAt, step: 0 };
    this.refreshOf.set(entry, refresh);
    if (known) this.dropRefresh(known);
    this.schedule(refresh);
    this.arm();
  }

  private untrack(entry: CachedRecord): void {
    const known = this.refreshOf.get(entry);
    if (!known) return;
    this.refreshOf.delete(entry);
    this.dropRefresh(known);
    this.arm();
  }

  private schedule(refresh: Refresh): void {
    this.ripe.set(refresh, this.pointAt(refresh, 'ripe'));
    this.refreshes.set(refresh, this.pointAt(refresh, 'due'));
  }

  private dropRefresh(refresh: Refresh): void {
    this.refreshes.delete(refresh);
    this.ripe.delete(refresh);
  }

  private pointAt(refresh: Refresh, point: Point): number {
    const jitter = point === 'due' ? this.core.random() * REFRESH_JITTER : 0;
    const fraction = (REFRESH_POINTS[refresh.step] as number) + jitter;
    return refresh.receivedAt + refresh.entry.record.ttl * 1000 * fraction;
  }

  private arm(): void {
    const next = Math.min(this.due.peekAt() ?? Infinity, this.refreshes.peekAt() ?? Infinity);
    if (next === this.timerAt && this.timer) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = next;
    if (next === Infinity || this.closed) return;
    this.timer = this.core.scheduler.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.fire();
      },
      Math.max(0, next - this.core.scheduler.now()),
    );
  }

  private fire(): void {
    const now = this.core.scheduler.now();
    const nics = this.core.transport.interfaces;
    const asked: Interest[] = [];
    for (let top = this.due.peek(); top && top.at <= now; top = this.due.peek()) {
      const interest = top.item;
      // A question with one answer (SRV, TXT, an address) that the cache holds wherever it is
      // wanted is parked: the refresh points keep that answer fresh, and its loss brings it back.
      if (nics.every((nic) => !this.inScope(interest, nic.name) || this.answered(interest, nic.name))) {
        this.due.delete(interest);
        interest.parked = true;
        continue;
      }
      asked.push(interest);
      this.sent(interest, now);
    }
    // Refreshes: one question per record due, on its interface only.
    const refreshing = new Map<string, Map<string, Question>>();
    const take = (refresh: Refresh): void => {
      this.dropRefresh(refresh);
      refresh.step++;
      if (refresh.step < REFRESH_POINTS.length) this.schedule(refresh);
      else this.refreshOf.delete(refresh.entry);
      const { record } = refresh.entry;
      let questions = refreshing.get(refresh.entry.interfaceName);
      if (!questions) {
        questions = new Map();
        refreshing.set(refresh.entry.interfaceName, questions);
      }
      questions.set(interestKey(refresh.entry.nameKey, record.type), {
        name: record.name,
        type: record.type,
        class: CLASS_IN,
      });
    };
    for (let top = this.refreshes.peek(); top && top.at <= now; top = this.refreshes.peek()) take(top.item);
    // RFC 6762 §5.2: every refresh past its 80 (85, 90, 95) % point rides along, rather than a packet of its own later.
    if (asked.length > 0 || refreshing.size > 0)
      for (let top = this.ripe.peek(); top && top.at <= now; top = this.ripe.peek()) take(top.item);
    asked.sort((a, b) => a.order - b.order);
    for (const nic of this.core.transport.interfaces) {
      const here = asked.filter((i) => this.inScope(i, nic.name) && !this.answered(i, nic.name));
      const questions = new Map<string, Question>(
        here.map((i) => [
          i.key,
          i.sent === 1 && i.unicastFirst ? { ...i.question, unicastResponse: true } : i.question,
        ]),
      );
      for (const [key, q] of refreshing.get(nic.name) ?? []) if (!questions.has(key)) questions.set(key, q);
      if (questions.size > 0) this.ask(nic, [...questions.values()]);
    }
    this.arm();
  }

  /** RFC 6762 §5.2: when a first query goes, 20–120 ms from `now`. */
  private firstQueryAt(now: number): number {
    return now + FIRST_QUERY_DELAY_MIN_MS + this.core.random() * (FIRST_QUERY_DELAY_MAX_MS - FIRST_QUERY_DELAY_MIN_MS);
  }

  private inScope(interest: Interest, interfaceName: string): boolean {
    return interest.everywhere > 0 || (interest.on.get(interfaceName) ?? 0) > 0;
  }

  /** Whether the cache holds the one answer a non-PTR question has (RFC 6763: one SRV and one TXT an instance). */
  private answered(interest: Interest, interfaceName: string): boolean {
    const { type } = interest.question;
    if (type === 'PTR' || type === 'ANY') return false;
    return (
      this.cache.answers(interfaceName, interest.question, interest.nameKey).length > 0 ||
      this.cache.deniedType(interfaceName, interest.nameKey, type)
    );
  }

  /** A parked question lost its answer: ask again, from the start of the schedule (§5.2). */
  private unpark(entry: CachedRecord): void {
    for (const type of [entry.record.type, ANY]) {
      const interest = this.interests.get(interestKey(entry.nameKey, type));
      if (!interest?.parked || this.answered(interest, entry.interfaceName)) continue;
      interest.parked = false;
      interest.intervalMs = QUERY_INTERVAL_MIN_MS;
      this.due.set(interest, this.firstQueryAt(this.core.scheduler.now()));
      this.arm();
    }
  }

  /** Count a query as sent at `now` (ours, or another host's for it, §7.3) and schedule the next. */
  private sent(interest: Interest, now: number): void {
    interest.sent++;
    // RFC 6762 §5.2: one second to the second query, then twice the interval before, up to sixty minutes.
    this.due.set(interest, now + interest.intervalMs);
    interest.intervalMs = Math.min(interest.intervalMs * 2, QUERY_INTERVAL_MAX_MS);
  }

  /** RFC 6762 §7.1: the cached answers worth listing: those with more than half their TTL left. */
  private knownAnswers(nic: NetworkInterface, question: Question): CachedRecord[] {
    const out: CachedRecord[] = [];
    for (const entry of this.cache.answers(nic.name, question, nameKey(question.name)))
      if (this.listable(entry)) out.push(entry);
    return out;
  }

  /** RFC 6762 §7.1: more than half its TTL left. */
  private listable(entry: CachedRecord): boolean {
    return this.cache.remainingTtl(entry) > entry.record.ttl * KNOWN_ANSWER_MIN_TTL_FRACTION;
  }

  private ask(nic: NetworkInterface, wanted: readonly Question[]): void {
    // RFC 6762 §6.1: a type the name's owner says it lacks (NSEC) is not asked for while that answer lasts.
    const questions = wanted.filter((q) => !this.cache.deniedType(nic.name, nameKey(q.name), q.type));
    if (questions.length === 0) return;
    const known = new Map<string, ResourceRecord>();
    for (const q of questions)
      for (const e of this.knownAnswers(nic, q)) if (!known.has(e.key)) known.set(e.key, this.cache.knownAnswer(e));
    const records = [...known.values()];
    this.core.sender
      .sendPacked(nic, (budget) => queryPackets(questions, records, budget))
      .catch((error: unknown) => this.core.internalError(error, 'sending a query'));
  }

  /** Another host's query, or ours looped back. */
  private onQuery({ nic, packet, received }: Incoming): void {
    if (this.closed || packet.questions.length === 0 || packet.authorities.length > 0) return;
    const listed = new Set<string>();
    for (const r of packet.answers.slice(0, MAX_RECORDS_PER_SECTION)) listed.add(recordKey(r));
    const now = this.core.scheduler.now();
    // RFC 6762 §7.2: a TC query's known answers go on in the packets after it, so what this one does
    // not list may be listed there: only a whole known-answer list tells what a query expects (§10.5).
    const truncated = (packet.flags & FLAG_TRUNCATED) !== 0;
    let rearm = false;
    for (const question of packet.questions.slice(0, MAX_QUESTIONS_PER_QUERY)) {
      const key = nameKey(question.name);
      // RFC 6762 §10.5: cached answers this query should bring, since it does not list them.
      // Others' queries only: ours going unanswered is what the refresh points and TTL deal with.
      if (received.local === true) continue;
      // A name with more cached records than one packet can list as known says nothing by a record missing
      // from the list (§7.2 trains), and checking them would make a query's cost grow with the cache.
      const many = this.cache.atName(nic.name, key).length > MAX_RECORDS_PER_SECTION;
      const expected =
        truncated || many ? [] : this.cache.answers(nic.name, question, key).filter((e) => !listed.has(e.key));
      if (expected.length > 0) this.cache.unansweredQuery(expected);
      if (question.unicastResponse === true) continue;
      // RFC 6762 §7.3: the same QM question from another host, whose known answers hold nothing we
      // would not list ourselves (what it lists, responders leave out: we must already have it).
      const interest = this.interests.get(interestKey(key, question.type));
      if (!interest || interest.sent === 0) continue;
      // Each of theirs looked up in the cache: the work is what the packet carries, not what we hold.
      const theirs = packet.answers
        .slice(0, MAX_RECORDS_PER_SECTION)
        .filter((r) => ownerKey(r) === key && (question.type === 'ANY' || r.type === question.type));
      const ours = (r: ResourceRecord): boolean => {
        const entry = this.cache.entry(nic.name, key, recordKey(r));
        return entry !== undefined && this.listable(entry);
      };
      if (theirs.every(ours)) {
        this.sent(interest, now);
        rearm = true;
      }
    }
    if (rearm) this.arm();
  }
}
