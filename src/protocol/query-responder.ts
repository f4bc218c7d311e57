/**
 * Answering queries (RFC 6762 §5.4, §5.5, §6, §6.7, §7): which records,
 * by unicast or multicast, now or after the shared-record delay, minus what
 * the querier already knows. The engine owns the records and the name
 * contests; this answers for whatever it has announced.
 */
import {
  FLAG_AUTHORITATIVE,
  FLAG_RESPONSE,
  FLAG_TRUNCATED,
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
import { answerQuery, knownToQuerier } from './answers.js';
import type { Clock, Random, TimerHandle } from './clock.js';
import { legacyReply } from './legacy-unicast.js';
import type { MulticastLog } from './multicast-log.js';
import type { PacketSender } from './packet-sender.js';
import { ResponseQueue } from './response-queue.js';

const RESPONSE = FLAG_RESPONSE | FLAG_AUTHORITATIVE;

/** What answering needs from the engine. */
export interface QueryResponderDeps {
  readonly clock: Clock;
  readonly random: Random;
  readonly sender: PacketSender;
  /** When each record was last multicast, per interface (§6.2, §5.4). */
  readonly multicasts: MulticastLog;
  /** Lookup of the records announced on one interface, by owner name key. */
  lookup(nic: NetworkInterface): RecordLookup;
  /** Whether a record is announced on the interface now. */
  isAnnounced(nic: NetworkInterface, owned: OwnedRecord): boolean;
  /** A record as it goes on the wire (cache-flush bit on unique records). */
  wire(owned: OwnedRecord, ttl?: number): ResourceRecord;
  /** The interfaces in use now. */
  interfaces(): readonly NetworkInterface[];
}

export class QueryResponder {
  /** Delayed multicast answers by interface (§6.3). */
  readonly queue: ResponseQueue;
  /** Delayed unicast replies not sent yet. */
  private readonly unicastTimers = new Set<TimerHandle>();
  /** Their contents, by interface and querier, for known answers that follow a TC query. */
  private readonly unicastReplies = new Map<string, { answers: ResourceRecord[] }>();
  /** Multicasts held back by the one-second rule (§6.2), per interface, until their second has passed. */
  private readonly held = new Map<string, { records: Map<string, OwnedRecord>; timer: TimerHandle }>();

  constructor(private readonly deps: QueryResponderDeps) {
    this.queue = new ResponseQueue(deps.clock, (name, answers, additionals) => {
      const nic = deps.interfaces().find((n) => n.name === name);
      if (nic) this.multicast(nic, answers, additionals);
    });
  }

  /** Answer a query received on `nic` (a probe's tiebreak is the engine's business, before this). */
  answer(nic: NetworkInterface, packet: Packet, received: ReceivedPacket): void {
    const requester = `${received.source.address}|${received.source.port}`;
    // What this source sent counts toward what it may receive (reply-budget.ts).
    this.deps.sender.replyBudget.received(received.source.address, received.data.length);
    // The work one packet may cause is bounded.
    const knownAnswers = packet.answers.slice(0, MAX_RECORDS_PER_SECTION);
    if (packet.questions.length === 0) {
      // RFC 6762 §7.2: the known answers that follow a TC query.
      this.queue.knownBy(nic.name, requester, knownAnswers);
      const reply = this.unicastReplies.get(`${nic.name}|${requester}`);
      if (reply) reply.answers = reply.answers.filter((r) => !knownToQuerier(r, knownAnswers));
      return;
    }
    const questions = packet.questions.slice(0, MAX_QUESTIONS_PER_QUERY);
    const legacy = received.source.port !== MDNS_PORT;
    const { answers, additionals } = answerQuery(questions, this.deps.lookup(nic), legacy ? [] : knownAnswers);
    if (answers.length === 0 && additionals.length === 0) return;
    if (legacy) {
      const reply = legacyReply(packet, answers, additionals);
      void this.deps.sender.send(nic, reply.packet, { address: received.source.address, port: received.source.port, budget: reply.budget, legacy: true });
      return;
    }
    const probe = packet.authorities.length > 0;
    const quarterFresh = (r: OwnedRecord): boolean => this.deps.multicasts.withinQuarterTtl(nic.name, r);
    // RFC 6762 §5.5: a query sent straight to our address is answered by unicast;
    // §5.4: so are QU questions, unless a record was not multicast within a quarter of its TTL.
    const unicast = received.destination === 'unicast' || (questions.every((q) => q.unicastResponse) && answers.every(quarterFresh));
    // RFC 6762 §6.2: at most once a second per record and interface, except to defend a probe.
    const chosen = unicast ? answers : answers.filter((r) => probe || !this.deps.multicasts.recent(nic.name, r));
    if (chosen.length === 0 && !additionals.some((r) => r.record.type === 'NSEC')) return;
    const truncatedQuery = (packet.flags & FLAG_TRUNCATED) !== 0;
    // RFC 6762 §6: unique answers at once, shared ones after 20–120 ms; §7.2: 400–500 ms after a TC query.
    const delay = truncatedQuery
      ? TRUNCATED_QUERY_DELAY_MIN_MS + this.deps.random() * (TRUNCATED_QUERY_DELAY_MAX_MS - TRUNCATED_QUERY_DELAY_MIN_MS)
      : chosen.every((r) => r.unique) || probe
        ? 0
        : RESPONSE_DELAY_MIN_MS + this.deps.random() * (RESPONSE_DELAY_MAX_MS - RESPONSE_DELAY_MIN_MS);
    if (unicast) {
      const body = { flags: RESPONSE, answers: chosen.map((r) => this.deps.wire(r)), additionals: additionals.map((r) => this.deps.wire(r)) };
      const send = (): void =>
        void this.deps.sender.send(nic, body, { address: received.source.address, port: received.source.port }).then((sent) => {
          if (sent) return;
          // RFC 6762 §5.4 lets a QU answer go by multicast instead; one over this
          // source's unicast budget does (multicast is aimed at nobody, and §6.2 limits it).
          const keys = new Set(body.answers.map((r) => recordKey(r)));
          this.multicastWhenAllowed(nic, chosen.filter((r) => keys.has(recordKey(r.record))));
        });
      if (delay === 0) {
        send();
      } else {
        const key = `${nic.name}|${requester}`;
        const timer = this.deps.clock.setTimeout(() => {
          this.unicastTimers.delete(timer);
          this.unicastReplies.delete(key);
          // Only what is still ours when the delay ends.
          const still = new Set(chosen.filter((c) => this.deps.isAnnounced(nic, c)).map((c) => recordKey(c.record)));
          body.answers = body.answers.filter((r) => still.has(recordKey(r)));
          if (body.answers.length > 0) send();
        }, delay);
        this.unicastTimers.add(timer);
        // RFC 6762 §7.2: the querier's known-answer packets that follow still apply.
        this.unicastReplies.set(key, body);
      }
    } else if (delay === 0) {
      this.multicast(nic, chosen, additionals);
    } else {
      this.queue.add(nic.name, chosen, additionals, requester, delay, truncatedQuery);
    }
  }

  /** Multicast answers (and additionals) on `nic`, noting when each record went out. */
  multicast(nic: NetworkInterface, answers: readonly OwnedRecord[], additionals: readonly OwnedRecord[]): void {
    const body = { flags: RESPONSE, answers: answers.map((r) => this.deps.wire(r)), additionals: additionals.filter((r) => !answers.includes(r)).map((r) => this.deps.wire(r)) };
    this.deps.multicasts.note(nic.name, answers);
    void this.deps.sender.send(nic, body);
  }

  /**
   * Multicast `records` on `nic` now, except those multicast there within
   * the last second: they are held back and go once their second has passed
   * (RFC 6762 §6.2 — held back, not dropped), if still ours then.
   */
  multicastWhenAllowed(nic: NetworkInterface, records: readonly OwnedRecord[]): void {
    const now = records.filter((r) => !this.deps.multicasts.recent(nic.name, r));
    const later = records.filter((r) => !now.includes(r));
    if (now.length > 0) this.multicast(nic, now, []);
    if (later.length === 0) return;
    let held = this.held.get(nic.name);
    if (!held) {
      const dueAt = Math.min(...later.map((r) => this.deps.multicasts.allowedAt(nic.name, r)));
      const entry = {
        records: new Map<string, OwnedRecord>(),
        timer: this.deps.clock.setTimeout(() => this.releaseHeld(nic.name, entry.records), Math.max(0, dueAt - this.deps.clock.now())),
      };
      held = entry;
      this.held.set(nic.name, held);
    }
    for (const r of later) held.records.set(recordKey(r.record), r);
  }

  private releaseHeld(interfaceName: string, records: Map<string, OwnedRecord>): void {
    this.held.delete(interfaceName);
    const nic = this.deps.interfaces().find((n) => n.name === interfaceName);
    if (!nic) return;
    const still = [...records.values()].filter((r) => this.deps.isAnnounced(nic, r));
    if (still.length > 0) this.multicastWhenAllowed(nic, still);
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
