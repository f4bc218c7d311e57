/**
 * A {@link Browser}: continuous DNS-SD browsing for one service type
 * (RFC 6763 §4), resolving each instance found (§5, §6, §12) and reporting
 * it `up`, `update` and `down` as the cache changes.
 */
import { EventEmitter } from 'eventemitter3';
import type { CachedRecord, RecordCache } from '../cache/record-cache.js';
import type { MdnsCore } from '../core/core.js';
import { BoasterError } from '../errors.js';
import type { Querier } from '../querier/querier.js';
import {
  foundInstance,
  isInstanceOf,
  sameInstance,
  serviceInstance,
  srvTarget,
  type FoundInstance,
  type ServiceInstance,
} from '../querier/service-view.js';
import { nameKey } from '../wire/name.js';

/** Options of {@link Mdns.browse}. */
export interface BrowseOptions {
  /** Browse only instances registered under this subtype (RFC 6763 §7.1), e.g. `_printer`. */
  subtype?: string;
  /** Only these interfaces (by name); default every interface the core uses. */
  interfaces?: readonly string[];
  /** Stops the browser when aborted. */
  signal?: AbortSignal;
}

/** A change the browser reports. */
export type BrowseEvent =
  | { readonly type: 'up'; readonly service: ServiceInstance }
  | { readonly type: 'update'; readonly service: ServiceInstance; readonly previous: ServiceInstance }
  | { readonly type: 'down'; readonly service: ServiceInstance };

/** Events of a {@link Browser}. */
export interface BrowserEvents {
  /**
   * A PTR names an instance on an interface, before it is resolved (as
   * avahi-browse's `+` line): once per interface it is found on. Not part
   * of the async iteration, which reports resolved instances only.
   */
  found: (instance: FoundInstance) => void;
  /** The PTR naming an instance on an interface left (goodbye, expiry, flush): `found`'s end. */
  lost: (instance: FoundInstance) => void;
  /** An instance was found and resolved: SRV, TXT and at least one address. */
  up: (service: ServiceInstance) => void;
  /** A resolved instance changed: TXT, port, host, addresses or interfaces. */
  update: (service: ServiceInstance, previous: ServiceInstance) => void;
  /** An instance left: its PTR was withdrawn (goodbye), expired or flushed on every interface. */
  down: (service: ServiceInstance) => void;
}

/** `_name._proto`, each label starting with `_` (RFC 6763 §7). */
const SERVICE_TYPE = /^_[A-Za-z0-9-]{1,63}\._(tcp|udp)$/;

/** What the browser holds for one instance. */
interface Tracked {
  readonly fqdn: string;
  readonly release: (() => void)[];
  target: string | undefined;
  releaseTarget: (() => void)[];
  view: ServiceInstance | undefined;
}

/** Browses one service type; see {@link Mdns.browse}. */
export class Browser extends EventEmitter<BrowserEvents> implements AsyncIterable<BrowseEvent> {
  /** The PTR name browsed, e.g. `_http._tcp.local`. */
  readonly browsing: string;
  private readonly ptrKey: string;
  /** Key of the service's own name (`_http._tcp.local`), under which its instances are, subtype or not. */
  private readonly serviceKey: string;
  private readonly instances = new Map<string, Tracked>();
  /** The PTR records (one per interface) naming each instance, by instance key. */
  private readonly pointers = new Map<string, Set<CachedRecord>>();
  /** Instance keys by the key of their SRV target. */
  private readonly byTarget = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  private flushing = false;
  private stopped = false;
  private readonly releasePtr: () => void;
  private readonly unlisten: () => void;
  private readonly waiting: ((event: IteratorResult<BrowseEvent>) => void)[] = [];
  private readonly queued: BrowseEvent[] = [];
  private iterating = false;

  /** @internal Use {@link Mdns.browse}. */
  constructor(
    private readonly core: MdnsCore,
    private readonly querier: Querier,
    type: string,
    private readonly options: BrowseOptions = {},
    private readonly onStop?: () => void,
  ) {
    super();
    if (!SERVICE_TYPE.test(type))
      throw new BoasterError(
        'BAD_OPTION',
        `Service type "${type}" is not of the form _name._tcp or _name._udp (RFC 6763 §7); pass e.g. "_http._tcp"`,
      );
    if (options.subtype !== undefined && !/^_[^.]{1,62}$/.test(options.subtype)) {
      throw new BoasterError(
        'BAD_OPTION',
        `Subtype "${options.subtype}" must be one label starting with "_" (RFC 6763 §7.1), e.g. "_printer"`,
      );
    }
    this.browsing = options.subtype ? `${options.subtype}._sub.${type}.local` : `${type}.local`;
    this.ptrKey = nameKey(this.browsing);
    this.serviceKey = nameKey(`${type}.local`);
    const cache = core.cache;
    const onAdded = (entry: CachedRecord): void => this.changed(entry, 1);
    const onRenewed = (entry: CachedRecord): void => this.changed(entry, 0);
    const onRemoved = (entry: CachedRecord): void => this.changed(entry, -1);
    cache.on('added', onAdded);
    cache.on('renewed', onRenewed);
    cache.on('removed', onRemoved);
    this.unlisten = () => {
      cache.off('added', onAdded);
      cache.off('renewed', onRenewed);
      cache.off('removed', onRemoved);
    };
    // RFC 6762 §5.4: the first query asks for unicast replies (QU): responders that multicast the
    // records recently answer this querier alone, at once, instead of the whole link.
    this.releasePtr = querier.want({ name: this.browsing, type: 'PTR', unicastFirst: true, ...this.scope() });
    // What the cache already knows (another browser, or passive observation).
    for (const nic of this.interfaceNames()) for (const e of cache.atName(nic, this.ptrKey)) this.changed(e, 1);
    options.signal?.addEventListener('abort', () => this.stop(), { once: true });
  }

  /** Instances resolved now. */
  get services(): ServiceInstance[] {
    return [...this.instances.values()].flatMap((t) => (t.view ? [t.view] : []));
  }

  /** Stop browsing: no more queries for it, no more events; an iterator ends. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop?.();
    this.releasePtr();
    this.unlisten();
    for (const t of this.instances.values()) for (const r of [...t.release, ...t.releaseTarget]) r();
    this.instances.clear();
    this.pointers.clear();
    this.byTarget.clear();
    for (const resolve of this.waiting.splice(0)) resolve({ value: undefined, done: true });
  }

  /** Every event from now on, until {@link stop} (or the signal) ends the iteration. */
  [Symbol.asyncIterator](): AsyncIterator<BrowseEvent> {
    this.iterating = true;
    return {
      next: () => {
        const event = this.queued.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.stopped) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.waiting.push(resolve));
      },
      return: () => {
        this.stop();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** The interfaces its questions are asked on (all unless the options name some). */
  private scope(): { interfaces?: readonly string[] } {
    return this.options.interfaces === undefined ? {} : { interfaces: this.options.interfaces };
  }

  private interfaceNames(): string[] {
    const all = this.core.transport.interfaces.map((n) => n.name);
    return this.options.interfaces ? all.filter((n) => this.options.interfaces?.includes(n)) : all;
  }

  private inScope(entry: CachedRecord): boolean {
    return this.options.interfaces === undefined || this.options.interfaces.includes(entry.interfaceName);
  }

  /** A cache change (a record added, renewed or removed): is it about one of ours? */
  private changed(entry: CachedRecord, change: 1 | 0 | -1): void {
    // A renewal brings the same data: nothing a user sees changes (and a host's address, renewed
    // in nearly every packet of a large answer, would re-judge every instance on that host).
    if (this.stopped || change === 0 || !this.inScope(entry)) return;
    const type = entry.record.type;
    if (type === 'PTR' && entry.nameKey === this.ptrKey) {
      // RFC 6763 §4.1: a PTR naming no instance of the type (itself, say) is not followed.
      if (!isInstanceOf(String(entry.record.data), this.serviceKey)) return;
      const key = nameKey(String(entry.record.data));
      let pointers = this.pointers.get(key);
      if (change === 1) {
        if (!pointers) {
          pointers = new Set();
          this.pointers.set(key, pointers);
        }
        if (!pointers.has(entry)) {
          pointers.add(entry);
          this.place(entry, 'found');
        }
      } else if (change === -1 && pointers?.delete(entry)) {
        if (pointers.size === 0) this.pointers.delete(key);
        this.place(entry, 'lost');
      }
      this.mark(key, String(entry.record.data));
    } else if ((type === 'SRV' || type === 'TXT') && this.instances.has(entry.nameKey)) {
      this.mark(entry.nameKey);
    } else if (type === 'A' || type === 'AAAA') {
      for (const key of this.byTarget.get(entry.nameKey) ?? []) this.mark(key);
    }
  }

  /** Tell `found` / `lost` listeners of a PTR that came or went (one per interface and instance). */
  private place(entry: CachedRecord, event: 'found' | 'lost'): void {
    if (this.listenerCount(event) === 0) return;
    try {
      this.emit(event, foundInstance(entry));
    } catch (error) {
      this.core.internalError(error, `a browser "${event}" listener`);
    }
  }

  private mark(key: string, fqdn?: string): void {
    if (fqdn !== undefined && !this.instances.has(key) && this.pointers.has(key)) {
      // A new instance: ask for its SRV and TXT (RFC 6763 §12 says they usually come as additionals).
      this.instances.set(key, {
        fqdn,
        release: [
          this.querier.want({ name: fqdn, type: 'SRV', ...this.scope() }),
          this.querier.want({ name: fqdn, type: 'TXT', ...this.scope() }),
        ],
        target: undefined,
        releaseTarget: [],
        view: undefined,
      });
    }
    this.dirty.add(key);
    if (this.flushing) return;
    this.flushing = true;
    // A packet brings PTR, SRV, TXT and addresses as several cache events: judge them together.
    queueMicrotask(() => {
      this.flushing = false;
      try {
        this.flush();
      } catch (error) {
        this.core.internalError(error, 'updating a browser');
      }
    });
  }

  private flush(): void {
    if (this.stopped) return;
    const cache: RecordCache = this.core.cache;
    const nics = this.interfaceNames();
    for (const key of [...this.dirty]) {
      this.dirty.delete(key);
      const tracked = this.instances.get(key);
      if (!tracked) continue;
      if (!this.pointers.has(key)) {
        this.forget(key, tracked);
        continue;
      }
      this.follow(key, tracked, srvTarget(cache, nics, tracked.fqdn));
      const view = serviceInstance(cache, nics, tracked.fqdn);
      const before = tracked.view;
      if (!view) continue;
      tracked.view = view;
      if (!before) this.report({ type: 'up', service: view });
      else if (!sameInstance(before, view)) this.report({ type: 'update', service: view, previous: before });
    }
  }

  /** Ask for the addresses of the instance's current SRV target (and stop asking for the old one's). */
  private follow(key: string, tracked: Tracked, target: string | undefined): void {
    const targetKey = target === undefined ? undefined : nameKey(target);
    const oldKey = tracked.target === undefined ? undefined : nameKey(tracked.target);
    if (targetKey === oldKey) return;
    for (const r of tracked.releaseTarget.splice(0)) r();
    if (oldKey !== undefined) this.byTarget.get(oldKey)?.delete(key);
    tracked.target = target;
    if (target === undefined || targetKey === undefined) return;
    let keys = this.byTarget.get(targetKey);
    if (!keys) {
      keys = new Set();
      this.byTarget.set(targetKey, keys);
    }
    keys.add(key);
    tracked.releaseTarget.push(
      this.querier.want({ name: target, type: 'A', ...this.scope() }),
      this.querier.want({ name: target, type: 'AAAA', ...this.scope() }),
    );
  }

  private forget(key: string, tracked: Tracked): void {
    this.instances.delete(key);
    for (const r of [...tracked.release, ...tracked.releaseTarget]) r();
    if (tracked.target !== undefined) this.byTarget.get(nameKey(tracked.target))?.delete(key);
    if (tracked.view) this.report({ type: 'down', service: tracked.view });
  }

  private report(event: BrowseEvent): void {
    if (this.iterating) {
      const waiter = this.waiting.shift();
      if (waiter) waiter({ value: event, done: false });
      else this.queued.push(event);
    }
    try {
      if (event.type === 'update') this.emit('update', event.service, event.previous);
      else this.emit(event.type, event.service);
    } catch (error) {
      this.core.internalError(error, `a browser "${event.type}" listener`);
    }
  }
}
