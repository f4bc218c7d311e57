/**
 * The responder's protocol engine (RFC 6762 §6–§10): probes, announces,
 * defends and answers, for the host and its services, on every interface
 * of a {@link Transport}. Driven by an injectable clock and randomness; it
 * never touches a socket.
 */
import { EventEmitter } from 'eventemitter3';
import {
  MAX_RECORDS_PER_SECTION,
  MULTICAST_RATE_LIMIT_MS,
  PROBE_RATE_LIMIT_CONFLICTS,
  PROBE_RATE_LIMIT_DELAY_MS,
  PROBE_RATE_WINDOW_MS,
  PROBE_TIEBREAK_DEFER_MS,
} from '../constants.js';
import type { BoasterError } from '../errors.js';
import type { OwnedRecord } from '../records/service-records.js';
import type { InterfaceAddress, NetworkInterface } from '../transport/interfaces.js';
import type { Transport } from '../transport/transport.js';
import { compareProbeSets, ownerKey, recordKey } from '../wire/canonical.js';
import type { Packet, ResourceRecord } from '../wire/model.js';
import { nameKey } from '../wire/name.js';
import { linkKey, MulticastLog } from './multicast-log.js';
import type { PacketSender } from './packet-sender.js';
import { ProbeScheduler } from './probe-scheduler.js';
import { QueryResponder } from './query-responder.js';
import type { Random } from './clock.js';
import type { Scheduler } from './scheduler.js';
import type { Incoming } from '../core/intake.js';
import type { MdnsCore } from '../core/core.js';
import { AnnouncedStore } from './announced-store.js';
import type { Life, Registration, RegistrationState } from './registration.js';
import { Announcer } from './announcer.js';
import { NameIndex } from './name-index.js';
import { forWire, RecordMulticaster } from './record-multicaster.js';
import type { SeenRecord } from './response-check.js';
import { classifyResponse } from './response-check.js';
import type { ChangedTypes } from './update-announcer.js';
import { UpdateAnnouncer } from './update-announcer.js';

/** Options of {@link MdnsEngine}. */
export interface EngineOptions {
  /** Rename on conflict (default true); when false a conflict stops the registration with a `conflict` event. */
  autoRename?: boolean;
  /** Where to say how each query was answered; off when absent. */
  debug?: (message: string) => void;
}

/** Events of the engine. */
export interface EngineEvents {
  probing: (registration: Registration) => void;
  announced: (registration: Registration) => void;
  renamed: (registration: Registration, oldName: string, newName: string) => void;
  /** A conflict the engine did not resolve by renaming (autoRename off). */
  conflict: (registration: Registration, name: string) => void;
  /** Every announcement of it went out on no interface: it was never announced (it is withdrawn). */
  unsent: (registration: Registration) => void;
  /**
   * RFC 6762 §8.1: `conflicts` conflicts within 10 s; from now on each probe
   * attempt waits `delayMs` first. Once when the limit begins, not per probe.
   */
  rateLimited: (registration: Registration, conflicts: number, delayMs: number) => void;
  error: (error: BoasterError) => void;
}

/** Announced once, even if probing again after a §9 conflict: it owes goodbyes (RFC 6762 §10.1). */
function owesGoodbyes(registration: Registration): boolean {
  return registration.life.announced || registration.state === 'announced' || registration.state === 'announcing';
}

/** The protocol engine. */
export class MdnsEngine extends EventEmitter<EngineEvents> {
  /** The registrations it probes, announces and defends; each keeps its state in `life`. */
  private readonly registrations = new Set<Registration>();
  /** Every timer of the engine, on one deadline queue (one armed timer at most). */
  private readonly clock: Scheduler;
  private readonly random: Random;
  /** When each record was last multicast, per interface (RFC 6762 §6.2, §5.4). */
  private readonly multicasts: MulticastLog;
  /** When probes go out, for groups of registrations (RFC 6762 §8.1). */
  private readonly prober: ProbeScheduler;
  /** Answers to queries (RFC 6762 §5, §6, §7). */
  private readonly queries: QueryResponder;
  private readonly sender: PacketSender;
  private readonly transport: Transport;
  /** Announcements of changed records (RFC 6762 §8.4). */
  private readonly updates: UpdateAnnouncer;
  /** Announcements after probing (RFC 6762 §8.3). */
  private readonly announcer: Announcer;
  /** Probes, announcements and goodbyes on the wire. */
  private readonly multicaster: RecordMulticaster;
  /** Records of every registration past probing, per interface, indexed. */
  private readonly store = new AnnouncedStore();
  /** Registrations by the key of their unique name, so a packet finds the ones it concerns without a walk over all. */
  private readonly names = new NameIndex();

  constructor(
    /** The sockets, intake, timers and sender this engine runs on (shared with other consumers). */
    private readonly core: MdnsCore,
    private readonly options: EngineOptions = {},
  ) {
    super();
    this.transport = core.transport;
    this.clock = core.scheduler;
    this.random = core.random;
    this.sender = core.sender;
    this.multicasts = new MulticastLog(this.clock, (name, owned) => this.store.has(name, owned));
    this.multicaster = new RecordMulticaster(this.transport, this.sender, this.multicasts, this.store);
    this.prober = new ProbeScheduler(this.clock, this.random, {
      probe: (members) => this.background(this.multicaster.probe(members), 'sending a probe'),
      // One after the other, so each member's announcement goes out whole, host first.
      done: (members) =>
        this.background(
          (async () => {
            await this.announce(members.filter((member) => member.state === 'probing'));
          })(),
          'announcing',
        ),
    });
    this.queries = new QueryResponder({
      clock: this.clock,
      random: this.random,
      sender: this.sender,
      multicasts: this.multicasts,
      lookup: (nic) => (key) => this.store.atName(nic.name, key),
      isAnnounced: (nic, owned) => this.store.has(nic.name, owned),
      wire: forWire,
      interfaces: () => this.transport.interfaces,
      ...(options.debug ? { debug: options.debug } : {}),
    });
    this.updates = new UpdateAnnouncer(this.clock, (registration, types) => this.sendUpdate(registration, types));
    this.announcer = new Announcer(this.clock, {
      send: (members) => this.multicaster.announce(members),
      announced: (members) => {
        for (const member of members) {
          // Withdrawn or sent back to probing while the first announcement went out.
          if (!this.lifeOf(member) || member.state !== 'announcing') continue;
          member.life.announced = true;
          this.setState(member, 'announced');
          this.emit('announced', member);
        }
      },
      failed: (members) => {
        for (const member of members) {
          if (!this.lifeOf(member) || member.state !== 'announcing') continue;
          // Announced before (this was a re-announcement after a change): it stays announced — it is still answered
          // for, and the next change or query sends it again. Never announced: the caller is told.
          if (member.life.announced) this.setState(member, 'announced');
          else this.emit('unsent', member);
        }
      },
      background: (work) => this.background(work, 'announcing'),
    });
    core.intake.on('query', (incoming) => this.onQuery(incoming));
    core.intake.on('response', (incoming) => this.onResponse(incoming));
    this.transport.on('interfaceUp', () => this.guard(() => this.reprobeAll(), 'following an interface change'));
    this.transport.on('addressAdded', () => this.guard(() => this.reprobeAll(), 'following an address change'));
    this.transport.on('addressRemoved', (nic, address) =>
      this.guard(() => this.addressGone(nic, address), 'following an address change'),
    );
  }

  /** Packets (or records) the intake dropped because they did not decode, by error code. */
  get malformed(): ReadonlyMap<string, number> {
    return this.core.intake.malformed;
  }

  /** A bug of ours met in a timer or a handler: reported, never thrown out of it. */
  private internalError(error: unknown, doing: string): void {
    this.core.internalError(error, doing);
  }

  /** Run `fn`, reporting what it throws. */
  private guard(fn: () => void, doing: string): void {
    try {
      fn();
    } catch (error) {
      this.internalError(error, doing);
    }
  }

  /** Let `work` run on, reporting a rejection instead of leaving it unhandled. */
  private background(work: Promise<unknown>, doing: string): void {
    work.catch((error: unknown) => this.internalError(error, doing));
  }

  /** Start probing for a registration (RFC 6762 §8.1). */
  add(registration: Registration): void {
    this.settleLocally(registration);
    this.registrations.add(registration);
    this.names.add(registration);
    this.probe(registration);
  }

  /** Our own packets never reach us, so a name another of our registrations holds is settled here: rename. */
  private settleLocally(registration: Registration): void {
    this.names.renaming(registration, () => {
      for (let i = 0; i < 1000 && this.names.takenFrom(registration); i++) {
        const old = registration.name;
        this.emit('renamed', registration, old, registration.rename());
      }
    });
  }

  /**
   * Announce changed records again (RFC 6762 §8.4), e.g. after a TXT update:
   * only records of `types` (default all), coalesced with changes still
   * waiting, at most once a second (see UpdateAnnouncer).
   */
  reannounce(registration: Registration, types: ChangedTypes = 'all'): void {
    if (registration.state !== 'announced' && registration.state !== 'announcing') return;
    // Its records changed: answers use the new ones from now on.
    this.setState(registration, registration.state);
    this.updates.change(registration, types);
  }

  /** Multicast the current records of `types` of a registration on every interface (§8.4, §6.2). */
  private sendUpdate(registration: Registration, types: ChangedTypes): void {
    if (registration.state !== 'announced' && registration.state !== 'announcing') return;
    for (const nic of this.transport.interfaces) {
      const records = registration.records(nic).filter((r) => types === 'all' || types.has(r.record.type));
      if (records.length > 0) this.queries.multicastWhenAllowed(nic, records);
    }
  }

  /**
   * A name change asked for by the owner (not a conflict): goodbye for the
   * records of the old name, then probe and announce the new one (RFC 6762
   * §8.4: a new name is a new record set, probed like any other; §10.1).
   * `apply` renames the registration; it runs between the two.
   */
  async changeName(registration: Registration, apply: () => void): Promise<void> {
    const life = this.lifeOf(registration);
    if (!life) return;
    this.cancel(registration);
    this.prober.leave(registration);
    const wasPublic = owesGoodbyes(registration);
    const before = this.transport.interfaces.map((nic) => ({ nic, records: registration.records(nic) }));
    // It answers for nothing until the new name is probed.
    this.setState(registration, 'probing');
    this.names.renaming(registration, apply);
    this.settleLocally(registration);
    life.announced = false;
    life.conflicts = [];
    life.rateLimited = false;
    const sends: Promise<void>[] = [];
    if (wasPublic) {
      for (const { nic, records } of before) {
        const fresh = registration.records(nic);
        const kept = new Set(fresh.map((f) => recordKey(f.record)));
        sends.push(
          this.multicaster.goodbye(
            nic,
            records.filter((r) => !kept.has(recordKey(r.record))),
          ),
        );
      }
    }
    this.probe(registration);
    // Answers queued under the old name must not go out any more.
    this.dropUnannouncedAnswers();
    await Promise.all(sends);
  }

  /** Withdraw a registration: goodbye (TTL 0) for all its records on every interface (RFC 6762 §10.1). */
  remove(registration: Registration): Promise<void> {
    return this.removeAll([registration]);
  }

  /**
   * Withdraw these registrations together: goodbyes (TTL 0) for their
   * records on every interface, packed, each distinct record once (RFC 6762
   * §10.1: a goodbye is an announcement with TTL 0).
   */
  async removeAll(registrations: readonly Registration[]): Promise<void> {
    const owing: Registration[] = [];
    for (const registration of registrations) {
      const life = this.lifeOf(registration);
      if (!life) continue;
      this.cancel(registration);
      this.prober.leave(registration);
      if (owesGoodbyes(registration)) owing.push(registration);
      this.registrations.delete(registration);
      this.names.remove(registration);
      this.setState(registration, 'stopped');
    }
    // Answers queued before the withdrawal must not advertise it again.
    this.dropUnannouncedAnswers();
    for (const nic of this.transport.interfaces) {
      const records = new Map<string, OwnedRecord>();
      for (const registration of owing) for (const r of registration.records(nic)) records.set(recordKey(r.record), r);
      await this.multicaster.goodbye(nic, [...records.values()]);
    }
  }

  /** Drop queued answers for records no announced registration holds any more. */
  private dropUnannouncedAnswers(): void {
    const nics = this.transport.interfaces;
    this.queries.queue.retain((owned) => nics.some((nic) => this.store.has(nic.name, owned)));
  }

  /** Cancel a registration's timers, its announcements and any update it has waiting. */
  private cancel(registration: Registration): void {
    this.updates.cancel(registration);
    this.announcer.leave(registration);
  }

  /** RFC 6762 §8.1: probe (see ProbeScheduler), then announce. */
  private probe(registration: Registration, delay?: number): void {
    this.cancel(registration);
    this.setState(registration, 'probing');
    this.emit('probing', registration);
    this.prober.start(registration, delay);
  }

  private reprobeAll(): void {
    for (const registration of this.registrations) this.probe(registration);
  }

  /** RFC 6762 §8.3: announce these registrations together (see Announcer). Resolves when the first announcement is sent. */
  private announce(members: readonly Registration[]): Promise<void> {
    const live = members.filter((member) => this.lifeOf(member));
    for (const member of live) {
      this.cancel(member);
      this.setState(member, 'announcing');
    }
    return this.announcer.start(live);
  }

  /** A response from another host, decoded and filtered by the intake. */
  private onResponse({ nic, packet, received }: Incoming): void {
    // Our own responses, looped back for this process's cache: nothing to defend against.
    if (received.local === true) return;
    // RFC 6762 §7.4: another responder just gave an answer we were about to give.
    this.queries.queue.sentByOthers(
      linkKey(nic.name, received.family),
      packet.answers.slice(0, MAX_RECORDS_PER_SECTION),
    );
    this.checkResponse(nic, received.family, packet);
  }

  /** A query, decoded and filtered by the intake. */
  private onQuery({ nic, packet, received }: Incoming): void {
    // Our own probes, looped back for this process's cache: never a tiebreak with ourselves.
    if (received.local === true && packet.authorities.length > 0) return;
    // RFC 6762 §8.2: a simultaneous probe for a name we are probing is settled by tiebreak.
    if (packet.questions.length > 0 && packet.authorities.length > 0) this.tiebreak(nic, packet);
    this.queries.answer(nic, packet, received);
  }

  /** RFC 6762 §8.1, §9, §6.6: conflicts and stale copies of our records in others' responses (see response-check.ts). */
  private checkResponse(nic: NetworkInterface, family: 4 | 6, packet: Packet): void {
    // Keys computed once per record; the work is bounded per section.
    const seen: SeenRecord[] = [
      ...packet.answers.slice(0, MAX_RECORDS_PER_SECTION),
      ...packet.additionals.slice(0, MAX_RECORDS_PER_SECTION),
    ].map((record) => ({
      record,
      nameKey: nameKey(record.name),
      key: recordKey(record),
    }));
    // Only registrations that own a name of the response or announce one of its records.
    const concerned = new Set<Registration>();
    for (const { nameKey: owner, key } of seen) {
      for (const r of this.names.at(owner)) concerned.add(r);
      for (const r of this.store.holders(nic.name, owner, key)) concerned.add(r);
    }
    for (const registration of concerned) {
      if (!this.registrations.has(registration)) continue; // withdrawn by an earlier verdict
      const prepared = registration.prepared(nic);
      const verdict = classifyResponse(seen, {
        probing: registration.state === 'probing',
        announced: registration.state === 'announced',
        byKey: prepared.byKey,
        uniqueTypes: prepared.uniqueTypes,
      });
      if (verdict.conflict) {
        this.conflict(registration);
        continue;
      }
      // An answer carrying the record about to go anyway refreshes it (§6.2: once a second).
      const stale = verdict.stale.filter((r) => !this.queries.queue.has(linkKey(nic.name, family), r.record));
      const life = this.lifeOf(registration);
      const now = this.clock.now();
      // RFC 6762 §6.6: multicast our record again so caches keep it; a burst of
      // stale copies earns one multicast a second, and a record multicast in
      // the last second waits for its second to pass (§6.2).
      if (stale.length > 0 && life && now - life.refreshedAt >= MULTICAST_RATE_LIMIT_MS) {
        life.refreshedAt = now;
        // On the family it was seen on: those caches hold the stale copy.
        this.queries.multicastWhenAllowed(nic, stale, family);
      }
    }
  }

  private conflict(registration: Registration): void {
    const life = this.lifeOf(registration);
    if (!life) return;
    if (registration.state !== 'probing') {
      // RFC 6762 §9: probe again; a defended name then renames.
      this.probe(registration);
      return;
    }
    if (this.options.autoRename === false) {
      this.cancel(registration);
      this.prober.leave(registration);
      this.setState(registration, 'stopped');
      this.registrations.delete(registration);
      this.names.remove(registration);
      this.emit('conflict', registration, registration.name);
      return;
    }
    const now = this.clock.now();
    life.conflicts = [...life.conflicts.filter((t) => now - t < PROBE_RATE_WINDOW_MS), now];
    // RFC 6762 §8.1: after 15 conflicts in 10 s, wait 5 s before each further
    // attempt. It lasts until 10 s pass without a conflict: with attempts 5 s
    // apart the window never holds 15 again, and a storm of denials must not
    // earn a fresh burst of fast probes.
    const wasLimited = life.rateLimited;
    if (life.conflicts.length >= PROBE_RATE_LIMIT_CONFLICTS) life.rateLimited = true;
    else if (life.conflicts.length === 1) life.rateLimited = false;
    const old = registration.name;
    const before = this.transport.interfaces.map((nic) => ({ nic, records: registration.records(nic) }));
    const renamed = this.names.renaming(registration, () => registration.rename());
    if (life.announced) {
      // Withdraw what was announced under the old name (RFC 6762 §10.1).
      for (const { nic, records } of before) {
        const fresh = registration.records(nic);
        // Unique records only: a shared record such as the type's PTR to the old
        // name is now the winner's too, and a goodbye would remove theirs.
        const kept = new Set(fresh.map((f) => recordKey(f.record)));
        this.background(
          this.multicaster.goodbye(
            nic,
            records.filter((r) => r.unique && !kept.has(recordKey(r.record))),
            false,
          ),
          'sending goodbyes',
        );
      }
      life.announced = false;
    }
    this.emit('renamed', registration, old, renamed);
    if (life.rateLimited && !wasLimited)
      this.emit('rateLimited', registration, life.conflicts.length, PROBE_RATE_LIMIT_DELAY_MS);
    this.probe(registration, life.rateLimited ? PROBE_RATE_LIMIT_DELAY_MS : undefined);
  }

  /** A registration's life while the engine holds it. */
  private lifeOf(registration: Registration): Life | undefined {
    return this.registrations.has(registration) ? registration.life : undefined;
  }

  /**
   * The one place a registration's state changes: the announced records
   * follow it (a registration past probing answers; RFC 6762 §8.3).
   */
  private setState(registration: Registration, state: RegistrationState): void {
    registration.life.state = state;
    this.store.set(
      registration,
      state === 'announcing' || state === 'announced' ? this.transport.interfaces : undefined,
    );
  }

  private tiebreak(nic: NetworkInterface, packet: Packet): void {
    const proposed = new Map<string, ResourceRecord[]>();
    for (const r of packet.authorities.slice(0, MAX_RECORDS_PER_SECTION)) {
      const key = nameKey(r.name);
      proposed.set(key, [...(proposed.get(key) ?? []), r]);
    }
    const asked = new Set(packet.questions.slice(0, MAX_RECORDS_PER_SECTION).map((q) => nameKey(q.name)));
    for (const key of asked) {
      const theirs = proposed.get(key) ?? [];
      for (const registration of [...this.names.at(key)]) {
        if (registration.state !== 'probing') continue;
        const ours = registration
          .records(nic)
          .filter((r) => r.unique && ownerKey(r.record) === key)
          .map((r) => r.record);
        if (ours.length === 0 || theirs.length === 0) continue;
        // The lexicographically later set wins; the loser waits a second and probes again.
        if (compareProbeSets(ours, theirs) < 0) this.probe(registration, PROBE_TIEBREAK_DEFER_MS);
      }
    }
  }

  /** RFC 6762 §10.1: goodbye for an address that left an interface, then announce what is left. */
  private addressGone(nic: NetworkInterface, address: InterfaceAddress): void {
    for (const registration of this.registrations) {
      const { life } = registration;
      // Nothing to withdraw from a name that was never announced.
      if (registration.kind !== 'host' || !life.announced) continue;
      // What it answers with follows the interface's addresses now; then the
      // goodbye for the address record and its reverse-mapping PTR.
      this.setState(registration, registration.state);
      this.background(
        this.multicaster.goodbye(nic, registration.records({ ...nic, addresses: [address] })),
        'sending goodbyes',
      );
      if (registration.state === 'announced')
        this.background(this.announce([registration]), 'announcing after an address change');
    }
  }

  /** Cancel every timer; after this the engine sends nothing more. */
  dispose(): void {
    for (const registration of this.registrations) this.announcer.leave(registration);
    this.store.clear();
    this.updates.clear();
    this.prober.clear();
    this.queries.dispose();
  }
}
