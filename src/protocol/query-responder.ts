/**
 * Answering queries (RFC 6762 §5.4, §5.5, §6, §6.7, §7): which records,
 * by unicast or multicast, now or after the shared-record delay, minus what
 * the querier already knows. Multicast answers go out on the address family
 * the query came in on; a record multicast there within the last second is
 * held back until its second has passed (§6.2: held back, not dropped). The
 * engine owns the records and the name contests; this answers for whatever
 * it has announced.
 */
import {
  FLAG_AUTHORITATIVE,
  FLAG_RESPONSE,
  FLAG_TRUNCATED,
  MAX_PENDING_UNICAST_REPLIES,
  MAX_QUESTIONS_PER_QUERY,
  MAX_RECORDS_PER_SECTION,
  MDNS_PORT,
  RESPONSE_DELAY_MAX_MS,
  RESPONSE_DELAY_MIN_MS,
  TRUNCATED_QUERY_DELAY_MAX_MS,
  TRUNCATED_QUERY_DELAY_MIN_MS,
} from '../constants.js';
import type { OwnedRecord } from '../records/service-records.js';
import type { NetworkInterface } from '../transport/interfaces.js';
import type { ReceivedPacket } from '../transport/transport.js';
import { recordKey } from '../wire/canonical.js';
import type { Packet, ResourceRecord } from '../wire/model.js';
import type { RecordLookup } from './answers.js';
import { answerQuery, KnownAnswers } from './answers.js';
import type { Clock, Random, TimerHandle } from './clock.js';
import { legacyReply } from './legacy-unicast.js';
import type { MulticastLog } from './multicast-log.js';
import { linkKey } from './multicast-log.js';
import type { PacketSender } from './packet-sender.js';
import { ResponseQueue } from './response-queue.js';

const RESPONSE = FLAG_RESPONSE | FLAG_AUTHORITATIVE;

/** What answering needs from the engine. */
export interface QueryResponderDeps {
  readonly clock: Clock;
  readonly random: Random;
  readonly sender: PacketSender;
  /** When each record was last multicast, per interface and family (§6.2, §5.4). */
  readonly multicasts: MulticastLog;
  /** Lookup of the records announced on one interface, by owner name key. */
  lookup(nic: NetworkInterface): RecordLookup;
  /** Whether a record is announced on the interface now. */
  isAnnounced(nic: NetworkInterface, owned: OwnedRecord): boolean;
  /** A record as it goes on the wire (cache-flush bit on unique records). */
  wire(owned: OwnedRecord, ttl?: number): ResourceRecord;
  /** The interfaces in use now. */
  interfaces(): readonly NetworkInterface[];
  /** Where to say how each query was answered (a person debugging mDNS wants it); off when absent. */
  debug?: (message: string) => void;
}

/** Multicasts held back by the one-second rule at one place (interface and family), with their additional records. */
interface Held {
  records: Map<string, OwnedRecord>;
  additionals: Map<string, OwnedRecord>;
  timer: TimerHandle;
}

export class QueryResponder {
  /** Delayed multicast answers by interface and family (§6.3). */
  readonly queue: ResponseQueue;
  /** Delayed unicast replies not sent yet. */
  private readonly unicastTimers = new Set<TimerHandle>();
  /** Their contents, by interface and querier, for known answers that follow a TC query. */
  private readonly unicastReplies = new Map<string, { answers: OwnedRecord[] }>();
  /** Multicasts held back by the one-second rule (§6.2), per interface and family, until their second has passed. */
  private readonly held = new Map<string, Held>();

  constructor(private readonly deps: QueryResponderDeps) {
    this.queue = new ResponseQueue(deps.clock, (link, answers, additionals) => {
      const place = this.place(link);
      if (place) this.multicast(place.nic, place.family, answers, additionals);
    });
  }

  /** The interface and family a link key names, if the interface is still in use. */
  private place(link: string): { nic: NetworkInterface; family: 4 | 6 } | undefined {
    const at = link.lastIndexOf('|');
    const nic = this.deps.interfaces().find((n) => n.name === link.slice(0, at));
    return nic ? { nic, family: link.slice(at + 1) === '6' ? 6 : 4 } : undefined;
  }

  /** Answer a query received on `nic` (a probe's tiebreak is the engine's business, before this). */
  answer(nic: NetworkInterface, packet: Packet, received: ReceivedPacket): void {
    const requester = `${received.source.address}|${received.source.port}`;
    const link = linkKey(nic.name, received.family);
    // What this source sent counts toward what it may receive (reply-budget.ts).
    this.deps.sender.replyBudget.received(received.source.address, received.data.length);
    // The work one packet may cause is bounded.
    const knownAnswers = packet.answers.slice(0, MAX_RECORDS_PER_SECTION);
    if (packet.questions.length === 0) {
      // RFC 6762 §7.2: the known answers that follow a TC query.
      this.queue.knownBy(link, requester, knownAnswers);
      const reply = this.unicastReplies.get(`${nic.name}|${requester}`);
      if (reply) {
        const known = new KnownAnswers(knownAnswers);
        reply.answers = reply.answers.filter((r) => !known.has(r.record));
      }
      return;
    }
    const questions = packet.questions.slice(0, MAX_QUESTIONS_PER_QUERY);
    const legacy = received.source.port !== MDNS_PORT;
    const { answers, additionals } = answerQuery(questions, this.deps.lookup(nic), legacy ? [] : knownAnswers);
    const debug = this.deps.debug;
    const about = debug
      ? `query from ${requester} on ${nic.name} (${questions.map((q) => `${q.name} ${q.type}${q.unicastResponse ? ' QU' : ''}`).join(', ')}; ${knownAnswers.length} known answers)`
      : '';
    if (answers.length === 0 && additionals.length === 0) return void debug?.(`${about}: nothing of ours answers it`);
    if (legacy) {
      debug?.(`${about}: legacy unicast reply with ${answers.length} answers (RFC 6762 §6.7)`);
      const reply = legacyReply(packet, answers, additionals);
      void this.deps.sender.send(nic, reply.packet, {
        address: received.source.address,
        port: received.source.port,
        budget: reply.budget,
        legacy: true,
      });
      return;
    }
    const probe = packet.authorities.length > 0;
    const quarterFresh = (r: OwnedRecord): boolean => this.deps.multicasts.withinQuarterTtl(link, r);
    // RFC 6762 §5.5: a query sent straight to our address is answered by unicast;
    // §5.4: so are QU questions, unless a record was not multicast within a quarter of its TTL.
    const unicast =
      received.destination === 'unicast' || (questions.every((q) => q.unicastResponse) && answers.every(quarterFresh));
    if (answers.length === 0 && !additionals.some((r) => r.record.type === 'NSEC'))
      return void debug?.(`${about}: every answer is a known answer (RFC 6762 §7.1)`);
    const truncatedQuery = (packet.flags & FLAG_TRUNCATED) !== 0;
    // RFC 6762 §6: unique answers at once, shared ones after 20–120 ms; §7.2: 400–500 ms after a TC query.
    const delay = truncatedQuery
      ? TRUNCATED_QUERY_DELAY_MIN_MS +
        this.deps.random() * (TRUNCATED_QUERY_DELAY_MAX_MS - TRUNCATED_QUERY_DELAY_MIN_MS)
      : answers.every((r) => r.unique) || probe
        ? 0
        : RESPONSE_DELAY_MIN_MS + this.deps.random() * (RESPONSE_DELAY_MAX_MS - RESPONSE_DELAY_MIN_MS);
    debug?.(
      `${about}: ${answers.length} answers, ${unicast ? 'unicast' : 'multicast'}${delay > 0 ? ` in ${Math.round(delay)} ms${truncatedQuery ? ' (after a TC query, §7.2)' : ' (shared, §6)'}` : ' at once'}`,
    );
    // A delayed unicast reply waits with a timer: at most MAX_PENDING_UNICAST_REPLIES at once,
    // past which the answer joins the multicast response (RFC 6762 §5.4 allows it, §6.2 limits it).
    if (unicast && (delay === 0 || this.unicastTimers.size < MAX_PENDING_UNICAST_REPLIES)) {
      this.unicastReply(nic, received, requester, answers, additionals, delay);
    } else if (delay === 0) {
      // RFC 6762 §6.2: defending a probe is the one case the one-second rule allows.
      this.multicast(nic, received.family, answers, additionals, probe);
    } else {
      this.queue.add(link, answers, additionals, requester, delay, truncatedQuery);
    }
  }

  private unicastReply(
    nic: NetworkInterface,
    received: ReceivedPacket,
    requester: string,
    chosen: readonly OwnedRecord[],
    additionals: readonly OwnedRecord[],
    delay: number,
  ): void {
    // Owned records until it goes: what is still ours, and what the querier says it knows, is decided on them.
    const reply = { answers: [...chosen] };
    const send = (): void => {
      const body = {
        flags: RESPONSE,
        answers: reply.answers.map((r) => this.deps.wire(r)),
        additionals: additionals.map((r) => this.deps.wire(r)),
      };
      void this.deps.sender
        .send(nic, body, { address: received.source.address, port: received.source.port })
        .then((sent) => {
          // RFC 6762 §5.4 lets a QU answer go by multicast instead; one over this
          // source's unicast budget does (multicast is aimed at nobody, and §6.2 limits it).
          if (!sent) this.multicast(nic, received.family, reply.answers, []);
        });
    };
    if (delay === 0) {
      send();
      return;
    }
    const key = `${nic.name}|${requester}`;
    const timer = this.deps.clock.setTimeout(() => {
      this.unicastTimers.delete(timer);
      this.unicastReplies.delete(key);
      // Only what is still ours when the delay ends.
      reply.answers = reply.answers.filter((c) => this.deps.isAnnounced(nic, c));
      if (reply.answers.length > 0) send();
    }, delay);
    this.unicastTimers.add(timer);
    // RFC 6762 §7.2: the querier's known-answer packets that follow still apply.
    this.unicastReplies.set(key, reply);
  }

  /**
   * Multicast answers (and additionals) on one family of `nic`, noting when
   * each record went out — in whatever section (§6.2 counts them all).
   * Answers multicast there within the last second are held back until their
   * second has passed, unless `defence` (answering a probe, §6.2's exception).
   */
  multicast(
    nic: NetworkInterface,
    family: 4 | 6,
    answers: readonly OwnedRecord[],
    additionals: readonly OwnedRecord[],
    defence = false,
  ): void {
    const link = linkKey(nic.name, family);
    const recent = (r: OwnedRecord): boolean => !defence && this.deps.multicasts.recent(link, r);
    const now: OwnedRecord[] = [];
    const later: OwnedRecord[] = [];
    for (const r of answers) (recent(r) ? later : now).push(r);
    const inAnswers = new Set(answers);
    const extra = additionals.filter((r) => !inAnswers.has(r));
    // Held answers keep their additional records: a browser such as bonjour-service
    // builds a service only from a PTR that comes with its SRV, TXT and addresses.
    if (later.length > 0) this.holdBack(nic, family, later, extra);
    // §6.2 counts every section: an additional record sent within the second is left out (additionals are optional).
    const extraNow = extra.filter((r) => !recent(r));
    // An NSEC alone (a negative answer, §6.1) is worth sending; other additionals ride with answers only.
    if (now.length === 0 && (now.length < answers.length || !extraNow.some((r) => r.record.type === 'NSEC'))) return;
    this.deps.multicasts.note(link, [...now, ...extraNow]);
    void this.deps.sender.send(
      nic,
      {
        flags: RESPONSE,
        answers: now.map((r) => this.deps.wire(r)),
        additionals: extraNow.map((r) => this.deps.wire(r)),
      },
      undefined,
      family,
    );
  }

  /**
   * Multicast `records` on `nic` (both families unless `family`) now, except
   * those multicast there within the last second: they go once their second
   * has passed (RFC 6762 §6.2 — held back, not dropped), if still ours then.
   */
  multicastWhenAllowed(nic: NetworkInterface, records: readonly OwnedRecord[], family?: 4 | 6): void {
    for (const f of [4, 6] as const) {
      if (family !== undefined && f !== family) continue;
      if (!nic.addresses.some((a) => a.family === f)) continue;
      this.multicast(nic, f, records, []);
    }
  }

  private holdBack(
    nic: NetworkInterface,
    family: 4 | 6,
    records: readonly OwnedRecord[],
    additionals: readonly OwnedRecord[],
  ): void {
    const link = linkKey(nic.name, family);
    let held = this.held.get(link);
    if (!held) {
      const dueAt = Math.min(...records.map((r) => this.deps.multicasts.allowedAt(link, r)));
      const entry: Held = {
        records: new Map(),
        additionals: new Map(),
        timer: this.deps.clock.setTimeout(
          () => this.releaseHeld(link, entry),
          Math.max(0, dueAt - this.deps.clock.now()),
        ),
      };
      held = entry;
      this.held.set(link, held);
    }
    for (const r of records) held.records.set(recordKey(r.record), r);
    for (const r of additionals) held.additionals.set(recordKey(r.record), r);
  }

  private releaseHeld(link: string, held: Held): void {
    this.held.delete(link);
    const place = this.place(link);
    if (!place) return;
    const still = [...held.records.values()].filter((r) => this.deps.isAnnounced(place.nic, r));
    const extra = [...held.additionals.values()].filter(
      (r) => r.record.type === 'NSEC' || this.deps.isAnnounced(place.nic, r),
    );
    if (still.length > 0) this.multicast(place.nic, place.family, still, extra);
  }

  /** Cancel every delayed answer. */
  dispose(): void {
    for (const held of this.held.values()) held.timer.cancel();
    this.held.clear();
    for (const timer of this.unicastTimers) timer.cancel();
    this.unicastTimers.clear();
    this.unicastReplies.clear();
    this.queue.clear();
  }
}
