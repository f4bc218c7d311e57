/**
 * {@link Mdns}: both sides of mDNS on one core — publish like a
 * {@link Responder}, and browse, resolve and query like a querier — with one
 * socket set, one intake and one cache for the whole process.
 *
 * ```ts
 * const mdns = new Mdns();
 * await mdns.publish({ name: 'node-7', type: '_boaster._tcp', port: 8443 });
 * const browser = mdns.browse('_boaster._tcp');
 * for await (const event of browser) console.log(event.type, event.service.name);
 * ```
 */
import { EventEmitter } from 'eventemitter3';
import type { CachedRecord } from '../cache/record-cache.js';
import { MdnsCore, type MdnsCoreOptions } from '../core/core.js';
import { BoasterError } from '../errors.js';
import { checkHostLabel, checkTtl } from '../records/service-records.js';
import { followErrors } from './error-reports.js';
import { Querier } from '../querier/querier.js';
import { serviceInstance, srvTarget, zoned, type ServiceInstance } from '../querier/service-view.js';
import type { ServiceSpec } from '../records/service-records.js';
import type { Question, ResourceRecord } from '../wire/model.js';
import { escapeLabel, nameKey } from '../wire/name.js';
import { Browser, type BrowseOptions } from './browser.js';
import { Responder, type ResponderOptions, type Service } from './responder.js';

/** Options of {@link Mdns}: those of the core, and of the responder made when something is first published. */
export type MdnsOptions = Omit<ResponderOptions, 'core'> & { core?: MdnsCore };

/** Options of a lookup that finishes. */
export interface LookupOptions {
  /** Give up after this many ms (default 5000) with a `TIMEOUT` error. */
  timeout?: number;
  /** Abandon the lookup (rejects with an `ABORTED` error). */
  signal?: AbortSignal;
}

/** Options of {@link Mdns.resolveHost}. */
export interface ResolveHostOptions extends LookupOptions {
  /** Only IPv4 (4) or IPv6 (6) addresses; default both. */
  family?: 4 | 6;
}

/** A one-shot question for {@link Mdns.query}. */
export interface QueryOptions {
  name: string;
  type: Question['type'];
  /** Ask for unicast replies (QU, RFC 6762 §5.4). */
  unicastResponse?: boolean;
  /** How long to collect answers, in ms (default 1000). */
  wait?: number;
  signal?: AbortSignal;
}

/** Events of {@link Mdns}. */
export interface MdnsEvents {
  /** A socket, interface or send problem, or a bug met in a handler; boaster goes on. */
  error: (error: BoasterError) => void;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_QUERY_WAIT_MS = 1_000;

/** Publish, browse and resolve on one mDNS core. */
export class Mdns extends EventEmitter<MdnsEvents> {
  /** The core every part shares. */
  readonly core: MdnsCore;
  private readonly ownsCore: boolean;
  private responderInstance: Responder | undefined;
  private querierInstance: Querier | undefined;
  private readonly browsers = new Set<Browser>();
  private readonly typeBrowsers = new Set<TypeBrowser>();
  private closed = false;
  private readonly stopErrors: () => void;

  constructor(private readonly options: MdnsOptions = {}) {
    super();
    const { core, ...rest } = options;
    // The responder is made on first publish; its options are checked now, where they were given.
    if (options.hostName !== undefined) checkHostLabel(options.hostName);
    if (options.hostTtl !== undefined) checkTtl(options.hostTtl, 'hostTtl');
    this.ownsCore = core === undefined;
    this.core = core ?? new MdnsCore(rest satisfies MdnsCoreOptions);
    this.stopErrors = followErrors(this.core, this, options.logger);
  }

  /** The responder side, made on first use. */
  get responder(): Responder {
    this.open();
    if (!this.responderInstance) {
      const {
        core: _core,
        transport: _transport,
        clock: _clock,
        random: _random,
        interfaces: _interfaces,
        ...rest
      } = this.options;
      this.responderInstance = new Responder({ ...rest, core: this.core, reportErrors: false });
    }
    return this.responderInstance;
  }

  /** Publish a service (see {@link Responder.publish}). */
  publish(spec: ServiceSpec): Promise<Service> {
    return this.responder.publish(spec);
  }

  private get querier(): Querier {
    this.open();
    if (!this.querierInstance) {
      this.querierInstance = new Querier(this.core);
      // Through the core's reports: rate-limited, and a process warning when nobody listens.
      this.core
        .start()
        .catch((error: unknown) =>
          this.core.report(
            error instanceof BoasterError
              ? error
              : new BoasterError('SEND_FAILED', `Starting the mDNS sockets failed: ${String(error)}`),
          ),
        );
    }
    return this.querierInstance;
  }

  private open(): void {
    if (this.closed) throw new BoasterError('CLOSED', 'This Mdns was closed; create a new one');
  }

  /**
   * Browse a service type (`_http._tcp`) until the browser is stopped:
   * instances come `up` once resolved (SRV, TXT, an address), then
   * `update` and `down`. Iterate it with `for await`.
   */
  browse(type: string, options: BrowseOptions = {}): Browser {
    // A stopped browser leaves the set: an application that browses briefly and often holds none of them.
    const browser = new Browser(this.core, this.querier, type, options, () => this.browsers.delete(browser));
    this.browsers.add(browser);
    return browser;
  }

  /**
   * Resolve one instance, given as its full name (`My Printer._ipp._tcp.local`,
   * dots in the instance escaped) or as its parts: host, port, addresses, TXT.
   */
  resolve(instance: string | { name: string; type: string }, options: LookupOptions = {}): Promise<ServiceInstance> {
    const fqdn = typeof instance === 'string' ? instance : `${escapeLabel(instance.name)}.${instance.type}.local`;
    nameKey(fqdn);
    const querier = this.querier;
    return this.lookup(options, `resolving "${fqdn}"`, (done) => {
      const releases = [querier.want({ name: fqdn, type: 'SRV' }), querier.want({ name: fqdn, type: 'TXT' })];
      let targetKey: string | undefined;
      let releaseTarget: (() => void)[] = [];
      const check = (): void => {
        const nics = this.core.transport.interfaces.map((n) => n.name);
        const now = srvTarget(this.core.cache, nics, fqdn);
        const key = now === undefined ? undefined : nameKey(now);
        if (now !== undefined && key !== targetKey) {
          targetKey = key;
          // RFC 6763 §12.2: the addresses of the SRV's target, the current one only: a peer that
          // keeps changing its SRV must not leave us asking for every host it ever named.
          for (const r of releaseTarget) r();
          releaseTarget = [querier.want({ name: now, type: 'A' }), querier.want({ name: now, type: 'AAAA' })];
        }
        const view = serviceInstance(this.core.cache, nics, fqdn);
        if (view) done(view);
      };
      return {
        check,
        release: () => {
          for (const r of [...releases, ...releaseTarget]) r();
        },
      };
    });
  }

  /** The addresses of a host (`name.local`), IPv6 link-local ones with their zone. */
  resolveHost(name: string, options: ResolveHostOptions = {}): Promise<string[]> {
    const key = nameKey(name);
    const querier = this.querier;
    const types =
      options.family === 4 ? (['A'] as const) : options.family === 6 ? (['AAAA'] as const) : (['A', 'AAAA'] as const);
    return this.lookup(options, `resolving "${name}"`, (done) => {
      const releases = types.map((type) => querier.want({ name, type }));
      const check = (): void => {
        const found: string[] = [];
        for (const nic of this.core.transport.interfaces) {
          for (const e of this.core.cache.atName(nic.name, key)) {
            if (!(types as readonly string[]).includes(e.record.type)) continue;
            const text = zoned(String(e.record.data), nic.name);
            if (!found.includes(text)) found.push(text);
          }
        }
        if (found.length > 0) done(found.sort((a, b) => Number(a.includes(':')) - Number(b.includes(':'))));
      };
      return { check, release: () => releases.forEach((r) => r()) };
    });
  }

  /** Ask one question and collect the records that answer it for `wait` ms. */
  query(question: QueryOptions): Promise<ResourceRecord[]> {
    const key = nameKey(question.name);
    const wait = question.wait ?? DEFAULT_QUERY_WAIT_MS;
    const release = this.querier.want({
      name: question.name,
      type: question.type,
      unicastFirst: question.unicastResponse === true,
    });
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        release();
        question.signal?.removeEventListener('abort', abort);
        const out: ResourceRecord[] = [];
        for (const nic of this.core.transport.interfaces) {
          for (const e of this.core.cache.answers(nic.name, { name: question.name, type: question.type }, key))
            out.push({ ...e.record, ttl: this.core.cache.remainingTtl(e) });
        }
        resolve(out);
      };
      const timer = this.core.scheduler.setTimeout(finish, wait);
      const abort = (): void => {
        timer.cancel();
        release();
        reject(new BoasterError('ABORTED', `The query for ${question.name} was aborted`));
      };
      if (question.signal?.aborted) return abort();
      question.signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** Service types on the link, by browsing `_services._dns-sd._udp.local` (RFC 6763 §9). */
  browseTypes(options: { signal?: AbortSignal } = {}): TypeBrowser {
    const browser = new TypeBrowser(this.core, this.querier, options.signal, () => this.typeBrowsers.delete(browser));
    this.typeBrowsers.add(browser);
    return browser;
  }

  /** Stop browsing, withdraw what was published (goodbyes), and close the core if it is ours. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const b of this.browsers) b.stop();
    this.browsers.clear();
    for (const b of this.typeBrowsers) b.stop();
    this.typeBrowsers.clear();
    this.querierInstance?.close();
    await this.responderInstance?.close();
    this.stopErrors();
    if (this.ownsCore) await this.core.close();
  }

  /** Run a lookup until `check` calls `done`, the timeout passes or the signal aborts. */
  private lookup<T>(
    options: LookupOptions,
    doing: string,
    start: (done: (value: T) => void) => { check: () => void; release: () => void },
  ): Promise<T> {
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    if (!(timeout > 0))
      return Promise.reject(
        new BoasterError('BAD_OPTION', `timeout must be a positive number of ms, got ${String(timeout)}`),
      );
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const cache = this.core.cache;
      let scheduled = false;
      const onChange = (): void => {
        if (scheduled || settled) return;
        scheduled = true;
        queueMicrotask(() => {
          scheduled = false;
          if (!settled) lookup.check();
        });
      };
      const end = (): void => {
        settled = true;
        timer.cancel();
        cache.off('added', onChange);
        cache.off('renewed', onChange);
        options.signal?.removeEventListener('abort', abort);
        lookup.release();
      };
      const lookup = start((value) => {
        if (settled) return;
        end();
        resolve(value);
      });
      const timer = this.core.scheduler.setTimeout(() => {
        if (settled) return;
        end();
        reject(
          new BoasterError(
            'TIMEOUT',
            `No answer within ${timeout} ms ${doing}; check the name, or pass a longer timeout`,
          ),
        );
      }, timeout);
      const abort = (): void => {
        if (settled) return;
        end();
        reject(new BoasterError('ABORTED', `Aborted while ${doing}`));
      };
      cache.on('added', onChange);
      cache.on('renewed', onChange);
      if (options.signal?.aborted) return abort();
      options.signal?.addEventListener('abort', abort, { once: true });
      lookup.check();
    });
  }
}

/** Events of a {@link TypeBrowser}. */
export interface TypeBrowserEvents {
  /** A service type (`_http._tcp`) someone on the link announces. */
  up: (type: string) => void;
  /** No one announces it any more. */
  down: (type: string) => void;
}

/** The service types on the link (RFC 6763 §9); see {@link Mdns.browseTypes}. */
export class TypeBrowser extends EventEmitter<TypeBrowserEvents> {
  private readonly seen = new Map<string, number>();
  private readonly release: () => void;
  private readonly unlisten: () => void;

  private stopped = false;

  /** @internal */
  constructor(
    core: MdnsCore,
    querier: Querier,
    signal?: AbortSignal,
    private readonly onStop?: () => void,
  ) {
    super();
    const name = '_services._dns-sd._udp.local';
    const key = nameKey(name);
    const typeOf = (e: CachedRecord): string | undefined => {
      if (e.record.type !== 'PTR' || e.nameKey !== key) return undefined;
      return String(e.record.data).replace(/\.local\.?$/i, '');
    };
    const added = (e: CachedRecord): void => {
      const type = typeOf(e);
      if (type === undefined) return;
      const n = this.seen.get(type) ?? 0;
      this.seen.set(type, n + 1);
      if (n === 0) this.emit('up', type);
    };
    const removed = (e: CachedRecord): void => {
      const type = typeOf(e);
      if (type === undefined) return;
      const n = (this.seen.get(type) ?? 1) - 1;
      if (n > 0) return void this.seen.set(type, n);
      this.seen.delete(type);
      this.emit('down', type);
    };
    core.cache.on('added', added);
    core.cache.on('removed', removed);
    this.unlisten = () => {
      core.cache.off('added', added);
      core.cache.off('removed', removed);
    };
    this.release = querier.want({ name, type: 'PTR' });
    for (const nic of core.transport.interfaces) for (const e of core.cache.atName(nic.name, key)) added(e);
    signal?.addEventListener('abort', () => this.stop(), { once: true });
  }

  /** Types seen now. */
  get types(): string[] {
    return [...this.seen.keys()].sort();
  }

  /** Stop asking and listening (also done by {@link Mdns.close}); calling it again does nothing. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop?.();
    this.release();
    this.unlisten();
  }
}
