/**
 * The public API: a {@link Responder} for this host, and the {@link Service}
 * handles it publishes.
 */
import os from 'node:os';
import { EventEmitter } from 'eventemitter3';
import { BoasterError } from '../errors.js';
import type { TxtInput } from '../dnssd/txt.js';
import { decodeTxt, txtWarnings, type DecodedTxt } from '../dnssd/txt.js';
import { MdnsEngine } from '../protocol/engine.js';
import type { Registration } from '../protocol/registration.js';
import { HostRegistration, ServiceRegistration } from '../protocol/registration.js';
import type { ServiceSpec } from '../records/service-records.js';
import { checkHostLabel, checkTtl, serviceNames, serviceRecords } from '../records/service-records.js';
import type { CoreStats, MdnsCoreOptions } from '../core/core.js';
import { MdnsCore } from '../core/core.js';
import { followErrors } from './error-reports.js';

/** Where log lines go; every method optional. */
export interface Logger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

/** Options of a {@link Responder}. */
export interface ResponderOptions extends MdnsCoreOptions {
  /**
   * An mDNS core shared with other consumers in this process (one socket
   * set for all); the responder then takes no transport, clock, random or
   * interface options of its own, and `close()` leaves the core open.
   * Default: a core of its own, made from these options.
   */
  core?: MdnsCore;
  /** Host label, without `.local`; default this machine's host name (first label). */
  hostName?: string;
  /** TTL of the host's address and reverse-mapping records; default 120 s (RFC 6762 §10). */
  hostTtl?: number;
  /** Rename on conflict ("Name (2)", "host-2"); default true. When false, a conflict ends the service with a `conflict` event. */
  autoRename?: boolean;
  /** Where to log announcements, renames and transport problems; default: nowhere. */
  logger?: Logger;
  /** @internal False when the owner (an `Mdns`) reports the core's errors itself. */
  reportErrors?: boolean;
}

/** A responder's counters: its core's, and the name conflicts it met. */
export interface ResponderStats extends CoreStats {
  /** Conflicts for its names: each rename, and each service or host name lost with autoRename off. */
  conflicts: number;
}

/** Events of a {@link Service}. */
export interface ServiceEvents {
  /** Probing for the name has started (again). */
  probing: () => void;
  /** Announced under `name`. */
  announced: (name: string) => void;
  /** The name was taken and the service now goes by `newName`. */
  renamed: (oldName: string, newName: string) => void;
  /** The name is taken and autoRename is off: the service has stopped. */
  conflict: (name: string) => void;
  /**
   * Another host took `conflicts` names of this service within 10 s (a
   * misconfigured or hostile peer): from now on each new name is probed
   * `delayMs` (5 s) after the conflict, not at once, so at most one probe
   * attempt per 5 s goes out (RFC 6762 §8.1). Emitted once when the limit
   * begins; renames go on (`renamed`), and the limit ends after 10 s
   * without a conflict.
   */
  rateLimited: (conflicts: number, delayMs: number) => void;
}

/** Events of a {@link Responder}. */
export interface ResponderEvents {
  /** The host name was taken and changed. */
  hostRenamed: (oldName: string, newName: string) => void;
  /** The host name met a storm of conflicts: as a service's `rateLimited` (RFC 6762 §8.1), for the host name. */
  hostRateLimited: (conflicts: number, delayMs: number) => void;
  /**
   * A socket, interface or send problem; the responder goes on. The first
   * of a kind (code and interface) comes at once; repeats within 10 s come
   * as one summary with their count in the message.
   */
  error: (error: BoasterError) => void;
}

/** Turn a machine host name into a DNS label: first label, letters, digits and hyphens. */
export function defaultHostLabel(hostname = os.hostname()): string {
  const label = (hostname.split('.')[0] ?? '')
    .replace(/[^A-Za-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return label || 'boaster';
}

/** Records a TXT update changes (RFC 6762 §8.4: announce what changed). */
const TXT_CHANGED: ReadonlySet<string> = new Set(['TXT']);
/** Records a port or host-name change changes. */
const SRV_CHANGED: ReadonlySet<string> = new Set(['SRV']);

/** A published service. */
export class Service extends EventEmitter<ServiceEvents> {
  /**
   * Settles once the service is first announced (with the service), or with
   * the error that kept it from being announced (`NO_INTERFACE`,
   * `NAME_CONFLICT` without autoRename, `CLOSED`, `STOPPED`, the signal's
   * reason). Left unobserved, a rejection is not an unhandled rejection:
   * the service's state says `stopped` instead.
   */
  readonly announced: Promise<Service>;

  /** @internal Use {@link Responder.register} or {@link Responder.publish}. */
  constructor(
    private readonly responder: Responder,
    /** @internal */ readonly registration: ServiceRegistration,
    announce: (service: Service) => Promise<void>,
  ) {
    super();
    this.announced = announce(this).then(() => this);
    // Every way this rejects ends the service (never added, withdrawn, or lost its name).
    this.announced.catch(() => {
      registration.life.state = 'stopped';
    });
  }

  /** Current instance name (changes on rename). */
  get name(): string {
    return this.registration.name;
  }

  /** Full instance name, e.g. `Printer._ipp._tcp.local`. */
  get fullName(): string {
    return this.registration.names.instance;
  }

  /** Service type, e.g. `_ipp._tcp`. */
  get type(): string {
    return this.registration.spec.type;
  }

  /** `probing`, `announcing`, `announced` or `stopped`. */
  get state(): Registration['state'] {
    return this.registration.state;
  }

  /** The port its SRV record gives. */
  get port(): number {
    return this.registration.spec.port;
  }

  /** Its TXT as key/value pairs (RFC 6763 §6: a key without `=` is `true`). */
  get txt(): DecodedTxt {
    return decodeTxt(this.txtRaw);
  }

  /** Its TXT strings as they go on the wire. */
  get txtRaw(): readonly Uint8Array[] {
    const txt = this.registration.records().find((r) => r.record.type === 'TXT')?.record;
    return txt?.type === 'TXT' ? txt.data : [];
  }

  /** Its subtypes, e.g. `['_printer']` (RFC 6763 §7.1). */
  get subtypes(): readonly string[] {
    return [...(this.registration.spec.subtypes ?? [])];
  }

  /** The host its SRV record points at, e.g. `myhost.local` (follows a host rename). */
  get host(): string {
    const srv = this.registration.records().find((r) => r.record.type === 'SRV')?.record;
    return srv?.type === 'SRV' ? srv.data.target : '';
  }

  /** Replace the TXT record and announce it (RFC 6762 §8.4). */
  updateTxt(txt: TxtInput | Uint8Array[]): void {
    const spec = { ...this.registration.spec, txt };
    serviceRecords(spec, this.registration.names, 'check.local'); // validates the TXT, with a clear error
    this.registration.spec = spec;
    this.responder.engine.reannounce(this.registration, TXT_CHANGED);
  }

  /** Change the port and announce the new SRV record (RFC 6762 §8.4). */
  updatePort(port: number): void {
    const spec = { ...this.registration.spec, port };
    serviceRecords(spec, this.registration.names, 'check.local'); // validates the port, with a clear error
    this.registration.spec = spec;
    this.responder.engine.reannounce(this.registration, SRV_CHANGED);
  }

  /**
   * Change the instance name (e.g. the user renamed the device): goodbyes for
   * the old name, then the new one is probed and announced (RFC 6762 §8.4,
   * §10.1). Resolves with the name it got once announced — with autoRename on,
   * a taken name becomes "Name (2)" and so on; rejects with `NAME_CONFLICT`
   * when the name is taken and autoRename is off, and with `signal`'s reason
   * when it aborts first (the service stays, probing under the new name).
   */
  async rename(name: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    if (this.state === 'stopped')
      throw new BoasterError(
        'BAD_STATE',
        `The service "${this.name}" is stopped; publish it again instead of renaming it`,
      );
    options.signal?.throwIfAborted();
    const names = serviceNames(this.registration.spec, name); // validates the name, with a clear error
    const registration = this.registration;
    const announced = this.responder.whenAnnounced(this, options.signal, false);
    // It may reject (stop(), close(), abort) while the goodbyes are still going out: handled below, not left unhandled.
    announced.catch(() => undefined);
    await this.responder.engine.changeName(registration, () => registration.setName(name, names));
    await announced;
    return this.name;
  }

  /**
   * Send goodbyes and stop answering for this service. Resolves once the
   * goodbyes are sent; a `rename()` still waiting rejects with `STOPPED`.
   */
  stop(): Promise<void> {
    return this.responder.unpublish(this);
  }
}

/** The mDNS responder of this host. One per process is usual; several interoperate. */
export class Responder extends EventEmitter<ResponderEvents> {
  /** @internal */
  readonly engine: MdnsEngine;
  /** The sockets, intake and timers it runs on. */
  private readonly core: MdnsCore;
  /** Whether the core is this responder's own (closed with it) or shared. */
  private readonly ownsCore: boolean;
  private readonly stopErrors: () => void;
  private readonly host: HostRegistration;
  private readonly registered = new Map<Registration, Service>();
  private starting: Promise<void> | undefined;
  private closed = false;
  /** Services stopped by the caller (their announce() must not go on). */
  private readonly withdrawn = new WeakSet<Service>();
  /** Name conflicts met (renames and services lost), for {@link stats}. */
  private conflicts = 0;
  /** Set when the host name was lost with autoRename off: nothing more can be published. */
  private hostConflict: BoasterError | undefined;
  /** Rejecters of publish() and rename() calls still waiting for their announcement, with their service. */
  private readonly waiting = new Map<(error: BoasterError) => void, Service>();

  private readonly logger: Logger | undefined;

  constructor(options: ResponderOptions = {}) {
    super();
    this.logger = options.logger;
    if (options.core && (options.transport || options.clock || options.random || options.interfaces)) {
      throw new BoasterError(
        'BAD_OPTION',
        'A responder on a shared core takes its transport, clock, random and interfaces from the core; pass them to new MdnsCore() instead',
      );
    }
    // Checked before any socket opens: a bad option is an error here, not in a timer later.
    const hostName = checkHostLabel(options.hostName ?? defaultHostLabel());
    const hostTtl = options.hostTtl === undefined ? undefined : checkTtl(options.hostTtl, 'hostTtl');
    this.ownsCore = options.core === undefined;
    this.core = options.core ?? new MdnsCore(options);
    this.host = new HostRegistration(hostName, 'local', hostTtl);
    const debug = options.logger?.debug?.bind(options.logger);
    this.engine = new MdnsEngine(this.core, {
      ...(options.autoRename !== undefined ? { autoRename: options.autoRename } : {}),
      ...(debug ? { debug } : {}),
    });
    // A stranger on the link can cause one failure thousands of times a second: each kind once per
    // interval. Inside an Mdns, the Mdns reports them (once, to its own listeners).
    this.stopErrors = options.reportErrors === false ? () => undefined : followErrors(this.core, this, options.logger);
    this.engine.on('probing', (r) => {
      debug?.(`probing ${r.kind} "${r.name}" (RFC 6762 §8.1)`);
      this.registered.get(r)?.emit('probing');
    });
    this.engine.on('announced', (r) => {
      options.logger?.info?.(`announced ${r.kind} "${r.name}"`);
      this.registered.get(r)?.emit('announced', r.name);
    });
    this.engine.on('renamed', (r, from, to) => {
      this.conflicts++;
      debug?.(`conflict for ${r.kind} "${from}": another host holds the name (RFC 6762 §9); trying "${to}"`);
      options.logger?.info?.(`renamed ${r.kind} "${from}" to "${to}"`);
      if (r === this.host) {
        this.emit('hostRenamed', from, to);
        // SRV targets follow the host name.
        for (const reg of this.registered.keys()) this.engine.reannounce(reg, SRV_CHANGED);
      } else {
        this.registered.get(r)?.emit('renamed', from, to);
      }
    });
    this.engine.on('rateLimited', (r, conflicts, delayMs) => {
      options.logger?.warn?.(
        `${r.kind} "${r.name}": ${conflicts} name conflicts within 10 s; probing each new name after ${delayMs} ms (RFC 6762 §8.1)`,
      );
      if (r === this.host) this.emit('hostRateLimited', conflicts, delayMs);
      else this.registered.get(r)?.emit('rateLimited', conflicts, delayMs);
    });
    // Nothing of it reached the network: say so to whoever waits, and withdraw it (never a silent success).
    this.engine.on('unsent', (r) => {
      const service = this.registered.get(r);
      if (!service) return;
      const error = new BoasterError(
        'SEND_FAILED',
        `"${service.name}" could not be announced: every announcement failed to send on every interface (see the error events); check the network, then publish again`,
      );
      for (const [reject, of] of [...this.waiting]) if (of === service) reject(error);
      void this.unpublish(service);
    });
    this.engine.on('conflict', (r, name) => {
      this.conflicts++;
      debug?.(`conflict for ${r.kind} "${name}" with autoRename off: it stops`);
      if (r !== this.host) {
        const service = this.registered.get(r);
        this.registered.delete(r);
        service?.emit('conflict', name);
        return;
      }
      // The host name is taken and may not change: no service can point at it, now or later.
      this.hostConflict = new BoasterError(
        'NAME_CONFLICT',
        `The host name "${name}.local" is taken on the network; choose another hostName or enable autoRename`,
      );
      for (const [reg, service] of [...this.registered]) {
        this.registered.delete(reg);
        void this.engine.remove(reg);
        service.emit('conflict', `${name}.local`);
      }
    });
  }

  /** Full host name, e.g. `myhost.local`. */
  get hostName(): string {
    return this.host.fullName;
  }

  /** The services published now (probing, announcing or announced), in the order they were registered. */
  get services(): Service[] {
    return [...this.registered.values()];
  }

  /** Counters since the start: packets in and out, drops by reason, conflicts met. */
  get stats(): ResponderStats {
    return { ...this.core.stats, conflicts: this.conflicts };
  }

  private start(): Promise<void> {
    this.starting ??= this.core.start().then(() => {
      // Closed while the core was starting (a shared core stays open): the host is not to be announced.
      if (!this.closed) this.engine.add(this.host);
    });
    return this.starting;
  }

  /**
   * Publish a service: probe its name (renaming on conflict unless
   * `autoRename` is off), then announce it. Resolves with its handle once
   * it is announced; rejects on a conflict without renaming, when there is
   * no interface to send on (`NO_INTERFACE`), or when `signal` aborts first
   * (the service is then withdrawn). To see renames during the first probe,
   * use {@link register}.
   */
  async publish(spec: ServiceSpec, options: { signal?: AbortSignal } = {}): Promise<Service> {
    return this.register(spec, options).announced;
  }

  /**
   * Start publishing a service and return its handle at once, before the
   * first probe: its events (`probing`, `renamed`, `announced`) are there
   * from the start, and `service.announced` settles as {@link publish}
   * would. Bad input throws here, typed.
   */
  register(spec: ServiceSpec, options: { signal?: AbortSignal } = {}): Service {
    if (this.closed) throw new BoasterError('CLOSED', 'The responder is closed; create a new one');
    if (this.hostConflict) throw this.hostConflict;
    options.signal?.throwIfAborted();
    const registration = new ServiceRegistration(spec, this.host);
    // RFC 6763 §6.2, §6.4: oversized records and long keys work but deserve a word.
    const txtRecord = registration.records().find((r) => r.record.type === 'TXT')?.record;
    if (txtRecord?.type === 'TXT')
      for (const warning of txtWarnings(txtRecord.data)) this.logger?.warn?.(`${spec.name}: ${warning}`);
    return new Service(this, registration, (service) => this.announce(service, spec, options.signal));
  }

  /** Start the core if needed, then probe and announce `service`; settles when it is announced. */
  private async announce(service: Service, spec: ServiceSpec, signal: AbortSignal | undefined): Promise<void> {
    // The handle is returned before this runs on: let the caller attach its listeners first.
    await Promise.resolve();
    const options = { signal };
    const stoppedEarly = (): BoasterError =>
      new BoasterError(
        'STOPPED',
        `The service "${spec.name}" was stopped before it was announced; publish it again to announce it`,
      );
    if (this.withdrawn.has(service)) throw stoppedEarly();
    if (this.closed) throw new BoasterError('CLOSED', 'The responder was closed before the service was announced');
    await this.start();
    // stop() may have come while the transport was starting.
    if (this.withdrawn.has(service)) throw stoppedEarly();
    // close() or abort() may have come while the transport was starting.
    if (this.closed) throw new BoasterError('CLOSED', 'The responder was closed before the service was announced');
    if (this.hostConflict) throw this.hostConflict;
    options.signal?.throwIfAborted();
    if (this.core.transport.interfaces.length === 0) {
      throw new BoasterError(
        'NO_INTERFACE',
        `No interface to announce "${spec.name}" on: none matches the selection (interfaces, ipv4/ipv6, subnets) or none is up with an address. Check the interface names (e.g. \`ip -br addr\`) and the options, then publish again`,
      );
    }
    this.registered.set(service.registration, service);
    const announced = this.whenAnnounced(service, options.signal);
    this.engine.add(service.registration);
    await announced;
  }

  /**
   * @internal
   * Resolves on the service's next `announced`; rejects on a conflict without
   * renaming, on close(), or when `signal` aborts (the service is then
   * withdrawn if `withdrawOnAbort`).
   */
  whenAnnounced(service: Service, signal: AbortSignal | undefined, withdrawOnAbort = true): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onClose = (error: BoasterError): void => {
        done();
        reject(error);
      };
      const done = (): void => {
        service.off('announced', onAnnounced);
        service.off('conflict', onConflict);
        signal?.removeEventListener('abort', onAbort);
        this.waiting.delete(onClose);
      };
      this.waiting.set(onClose, service);
      const onAnnounced = (): void => {
        done();
        resolve();
      };
      const onConflict = (name: string): void => {
        done();
        this.registered.delete(service.registration);
        reject(
          new BoasterError(
            'NAME_CONFLICT',
            `The name "${name}" is taken on the network; choose another or enable autoRename`,
          ),
        );
      };
      const onAbort = (): void => {
        done();
        if (withdrawOnAbort) void this.unpublish(service).finally(() => reject(signal?.reason));
        else reject(signal?.reason);
      };
      service.on('announced', onAnnounced);
      service.on('conflict', onConflict);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** @internal Withdraw `service`; whatever of it still waits for an announcement rejects with `STOPPED`. */
  async unpublish(service: Service): Promise<void> {
    // A service stopped before its announcement began (register() then stop()) must not be announced after.
    this.withdrawn.add(service);
    this.registered.delete(service.registration);
    for (const [reject, of] of [...this.waiting]) {
      if (of === service)
        reject(
          new BoasterError(
            'STOPPED',
            `The service "${service.name}" was stopped before it was announced; publish it again to announce it`,
          ),
        );
    }
    await this.engine.remove(service.registration);
  }

  /** Goodbye for every service and the host on every interface, then close the sockets. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const reject of [...this.waiting.keys()])
      reject(new BoasterError('CLOSED', 'The responder was closed before the service was announced'));
    if (this.starting) {
      await this.starting.catch(() => undefined);
      // Every goodbye at once, packed (RFC 6762 §10.1).
      const registrations = [...this.registered.keys(), this.host];
      this.registered.clear();
      await this.engine.removeAll(registrations);
    }
    this.engine.dispose();
    this.stopErrors();
    if (this.ownsCore) await this.core.close();
  }
}
