/**
 * The mDNS core of a process: one transport (one socket set), one packet
 * intake, one deadline queue for every timer, one sender with its unicast
 * reply budget. A `Responder` is built on it, and other consumers (the
 * querier next) attach to the same core instead of opening sockets of their
 * own: `new Responder({ core })`.
 */
import { BoasterError } from '../errors.js';
import type { Clock, Random } from '../protocol/clock.js';
import { systemClock } from '../protocol/clock.js';
import { PacketSender } from '../protocol/packet-sender.js';
import { Scheduler } from '../protocol/scheduler.js';
import { checkSelection, type InterfaceSelection } from '../transport/interfaces.js';
import type { Transport, TransportStats } from '../transport/transport.js';
import { UdpTransport } from '../transport/udp-transport.js';
import { RecordCache, type RecordCacheOptions, type RecordCacheStats } from '../cache/record-cache.js';
import { ERROR_REPORT_INTERVAL_MS, MAX_RECORDS_PER_SECTION } from '../constants.js';
import { Intake, type IntakeDrop } from './intake.js';

/** Options of an {@link MdnsCore}. */
export interface MdnsCoreOptions extends InterfaceSelection {
  /** Interface poll interval in ms (default 5000). */
  pollIntervalMs?: number;
  /** A transport to use instead of UDP sockets (e.g. `FakeTransport` in tests). */
  transport?: Transport;
  /** Time source (tests); default the system clock. */
  clock?: Clock;
  /** Random source for jittered delays (tests); default `Math.random`. */
  random?: Random;
  /** The cache of others' records (made when a querier first needs it). */
  cache?: RecordCacheOptions;
}

/** Counters of a core since it started. */
export interface CoreStats {
  /** The transport's: packets received, delivered, sent, send errors, drops by reason. */
  transport: Readonly<TransportStats>;
  /** Packets (or records) that did not decode, by error code. */
  malformed: Record<string, number>;
  /** Decoded packets the intake dropped, by rule (RFC 6762 §6, §18). */
  dropped: Record<IntakeDrop, number>;
  /** The cache of others' records, when a querier made it. */
  cache: RecordCacheStats | undefined;
}

/** Sockets, intake, timers and sending, shared by every mDNS consumer of a process. */
export class MdnsCore {
  /** The sockets (or the fake transport of a test). */
  readonly transport: Transport;
  /** Every timer of every consumer, on one deadline queue. */
  readonly scheduler: Scheduler;
  /** Decoded, filtered packets for every consumer. */
  readonly intake: Intake;
  /** Sends messages split to each interface's budget. */
  readonly sender: PacketSender;
  readonly random: Random;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly errorListeners = new Set<(error: BoasterError) => void>();
  private readonly cacheOptions: RecordCacheOptions;
  private recordCache: RecordCache | undefined;

  constructor(options: MdnsCoreOptions = {}) {
    checkSelection(options);
    this.transport = options.transport ?? new UdpTransport(options);
    this.random = options.random ?? Math.random;
    this.scheduler = new Scheduler(options.clock ?? systemClock, (error) =>
      this.internalError(error, 'running a timer'),
    );
    this.intake = new Intake(this.transport, (error) => this.internalError(error, 'handling a received packet'));
    this.sender = new PacketSender(
      this.transport,
      (error) => this.report(error),
      () => this.scheduler.now(),
    );
    this.cacheOptions = options.cache ?? {};
  }

  /**
   * The cache of other hosts' records (RFC 6762 §10), fed by the intake,
   * made on first use: a process that only announces keeps none. From then
   * on every multicast this core sends is looped back to it too, so the
   * process sees its own services as peers see them.
   */
  get cache(): RecordCache {
    if (this.recordCache) return this.recordCache;
    const cache = new RecordCache(this.scheduler, this.cacheOptions);
    this.recordCache = cache;
    this.intake.on('response', ({ nic, packet, received }) => {
      cache.absorb(nic.name, received.source.address, [
        ...packet.answers.slice(0, MAX_RECORDS_PER_SECTION),
        ...packet.additionals.slice(0, MAX_RECORDS_PER_SECTION),
      ]);
    });
    this.transport.on('interfaceDown', (nic) => cache.flushInterface(nic.name));
    // RFC 6762 §10.3/§10.4: what was learnt through an address the interface lost may be stale.
    this.transport.on('addressRemoved', (nic) => cache.flushInterface(nic.name));
    this.sender.onMulticast = (nic, family, data) => this.intake.loopback(nic, family, data, this.scheduler.now());
    this.reportEvictions(cache);
    return cache;
  }

  /**
   * A full cache drops records (those no question wants first, then the
   * soonest to expire) that a browser or a lookup may still want: say so,
   * at most once per ERROR_REPORT_INTERVAL_MS, with how many went, rather
   * than let services vanish without a word.
   */
  private reportEvictions(cache: RecordCache): void {
    let reportedAt = -Infinity;
    let evicted = 0;
    cache.on('removed', (_entry, reason) => {
      if (reason !== 'evicted') return;
      evicted++;
      const now = this.scheduler.now();
      if (now - reportedAt < ERROR_REPORT_INTERVAL_MS) return;
      reportedAt = now;
      this.report(
        new BoasterError(
          'CACHE_FULL',
          `The cache of other hosts' records is full (${cache.maxRecords} records): ${evicted} evicted so far, first those nothing on this host asks for, so browsers and lookups can miss what was evicted once every record is wanted (browsing N instances holds about 3N records). Raise the bound with new Mdns({ cache: { maxRecords } })`,
        ),
      );
    });
  }

  /** Counters since the start (a copy). */
  get stats(): CoreStats {
    return {
      transport: { ...this.transport.stats, dropped: { ...this.transport.stats.dropped } },
      malformed: Object.fromEntries(this.intake.malformed),
      dropped: { ...this.intake.dropped },
      cache: this.recordCache?.stats,
    };
  }

  /** Whether the cache exists (a querier has used it). */
  get hasCache(): boolean {
    return this.recordCache !== undefined;
  }

  /** Be told of problems that are no answer to a call (send failures, bugs met while handling network input). */
  onError(listener: (error: BoasterError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Report a problem to every error listener. */
  report(error: BoasterError): void {
    for (const listener of this.errorListeners) listener(error);
  }

  /** A bug of ours met in a timer or a handler: reported, never thrown out of it. */
  internalError(error: unknown, doing: string): void {
    const message = error instanceof Error ? error.message : String(error);
    this.report(
      new BoasterError(
        'INTERNAL',
        `Internal error while ${doing}: ${message}. boaster goes on; please report this with the packet or call that caused it`,
        { cause: error },
      ),
    );
  }

  /** Open the sockets, once however many consumers ask. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new BoasterError('CLOSED', 'The mDNS core is closed; create a new one'));
    this.starting ??= this.transport.start();
    return this.starting;
  }

  /** Stop every timer and close the sockets. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.scheduler.clear();
      this.recordCache?.clear();
      await this.starting?.catch(() => undefined);
      await this.transport.close();
    })();
    return this.closing;
  }
}
