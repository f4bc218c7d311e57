/**
 * DNS-SD on the cache (RFC 6763 §4–§6, §12): what the cache holds about one
 * service instance — its SRV, TXT and its host's addresses, on every
 * interface it was seen on — as one {@link ServiceInstance}, and the
 * questions the querier must keep asking to know it. Pure reads of the
 * cache: the browser and `resolve()` decide when to look.
 */
import type { CachedRecord, RecordCache } from '../cache/record-cache.js';
import { decodeTxt, type DecodedTxt } from '../dnssd/txt.js';
import { isLinkLocal } from '../transport/interfaces.js';
import { labelsToName, nameToLabels } from '../wire/name.js';
import type { SrvData } from '../wire/model.js';
import { nameKey } from '../wire/name.js';

/** One address of a service's host, and where it was learnt. */
export interface ServiceAddress {
  /** Textual address; an IPv6 link-local one carries its zone (`fe80::1%eth0`). */
  readonly address: string;
  readonly family: 4 | 6;
  /** The interface whose cache holds it. */
  readonly interface: string;
}

/** A service instance as found on the link. */
export interface ServiceInstance {
  /** The instance name as its owner wrote it (RFC 6763 §4.1: UTF-8, any characters). */
  readonly name: string;
  /** Service type with protocol, e.g. `_http._tcp`. */
  readonly type: string;
  /** `local`. */
  readonly domain: string;
  /** The full instance name in presentation form (dots in the name escaped). */
  readonly fqdn: string;
  /** Target host of its SRV record, e.g. `host.local`. */
  readonly host: string;
  readonly port: number;
  /** SRV priority and weight (RFC 2782). */
  readonly priority: number;
  readonly weight: number;
  /** The host's addresses, IPv4 first. */
  readonly addresses: readonly ServiceAddress[];
  /** TXT key/value pairs (RFC 6763 §6): a key without `=` is `true`. */
  readonly txt: DecodedTxt;
  /** TXT strings as received. */
  readonly txtRaw: readonly Uint8Array[];
  /** Interfaces it was seen on. */
  readonly interfaces: readonly string[];
  /** When (clock ms) its SRV or TXT expires unless renewed: how fresh it is. */
  readonly expiresAt: number;
}

/**
 * An instance a PTR names, before it is resolved: what avahi-browse's `+`
 * line shows (one per interface and protocol the PTR came over).
 */
export interface FoundInstance {
  /** The instance name as its owner wrote it. */
  readonly name: string;
  /** Service type with protocol, e.g. `_http._tcp`. */
  readonly type: string;
  /** `local`. */
  readonly domain: string;
  /** The full instance name in presentation form. */
  readonly fqdn: string;
  /** The interface the PTR came in on. */
  readonly interface: string;
  /** The IP version of the packet that brought it. */
  readonly family: 4 | 6;
}

const utf8 = new TextDecoder();

/** The instance a cached PTR names, where it was learnt. */
export function foundInstance(ptr: CachedRecord): FoundInstance {
  const fqdn = String(ptr.record.data);
  const { name, rest } = splitInstanceName(fqdn);
  return { name, ...typeAndDomain(rest), fqdn, interface: ptr.interfaceName, family: ptr.source.includes(':') ? 6 : 4 };
}

/** The instance label of `fqdn` as text, and the rest (`_type._proto.domain`). */
export function splitInstanceName(fqdn: string): { name: string; rest: string } {
  const labels = nameToLabels(fqdn);
  const first = labels[0] ?? new Uint8Array();
  return {
    name: utf8.decode(first),
    rest: labels
      .slice(1)
      .map((l) => utf8.decode(l))
      .join('.'),
  };
}

/**
 * RFC 6763 §4.1: whether `fqdn` names an instance of the service whose name
 * (`_http._tcp.local`) has key `serviceKey`: one label more than it, the
 * rest the same name. A PTR naming anything else (itself, another service,
 * a host) names no instance.
 */
export function isInstanceOf(fqdn: string, serviceKey: string): boolean {
  const labels = nameToLabels(fqdn);
  return labels.length >= 2 && nameKey(labelsToName(labels.slice(1))) === serviceKey;
}

/** Type and domain from the part after the instance label: `_http._tcp.local` → `_http._tcp`, `local`. */
function typeAndDomain(rest: string): { type: string; domain: string } {
  const parts = rest.split('.');
  return { type: parts.slice(0, 2).join('.'), domain: parts.slice(2).join('.') || 'local' };
}

/** An address as a user can reach it: an IPv6 link-local one with its zone (`fe80::1%eth0`). */
export function zoned(address: string, nic: string): string {
  return isLinkLocal(address, 6) ? `${address}%${nic}` : address;
}

/** The records of one name and type across interfaces. */
function across(cache: RecordCache, interfaces: readonly string[], key: string, type: string): CachedRecord[] {
  const out: CachedRecord[] = [];
  for (const nic of interfaces) for (const e of cache.atName(nic, key)) if (e.record.type === type) out.push(e);
  return out;
}

/**
 * The instance `fqdn` as the cache knows it on `interfaces`, or undefined
 * while its SRV, TXT or every address is missing.
 */
export function serviceInstance(
  cache: RecordCache,
  interfaces: readonly string[],
  fqdn: string,
): ServiceInstance | undefined {
  const key = nameKey(fqdn);
  // The newest SRV and TXT (a cache-flush leaves the old one a second longer).
  const newest = (list: CachedRecord[]): CachedRecord | undefined =>
    list.reduce<CachedRecord | undefined>((a, b) => (!a || b.receivedAt > a.receivedAt ? b : a), undefined);
  const srv = newest(across(cache, interfaces, key, 'SRV'));
  const txt = newest(across(cache, interfaces, key, 'TXT'));
  if (!srv || srv.record.type !== 'SRV' || !txt || txt.record.type !== 'TXT') return undefined;
  const data: SrvData = srv.record.data;
  const host = nameKey(data.target);
  const addresses: ServiceAddress[] = [];
  const seen = new Set<string>();
  for (const type of ['A', 'AAAA'] as const) {
    for (const e of across(cache, interfaces, host, type)) {
      const address = zoned(String(e.record.data), e.interfaceName);
      if (seen.has(address)) continue;
      seen.add(address);
      addresses.push({ address, family: type === 'A' ? 4 : 6, interface: e.interfaceName });
    }
  }
  if (addresses.length === 0) return undefined;
  const { name, rest } = splitInstanceName(srv.record.name);
  const seenOn = new Set<string>();
  for (const e of [...across(cache, interfaces, key, 'SRV'), ...across(cache, interfaces, key, 'TXT')])
    seenOn.add(e.interfaceName);
  return {
    name,
    ...typeAndDomain(rest),
    fqdn: srv.record.name,
    host: data.target,
    port: data.port,
    priority: data.priority,
    weight: data.weight,
    addresses,
    txt: decodeTxt(txt.record.data),
    txtRaw: txt.record.data,
    interfaces: [...seenOn].sort(),
    expiresAt: Math.min(srv.expiresAt, txt.expiresAt),
  };
}

/** The SRV target of the instance, if cached (to ask for its addresses). */
export function srvTarget(cache: RecordCache, interfaces: readonly string[], fqdn: string): string | undefined {
  const srv = across(cache, interfaces, nameKey(fqdn), 'SRV').pop();
  return srv?.record.type === 'SRV' ? srv.record.data.target : undefined;
}

/** Whether two views of an instance differ in what a user sees (not in freshness). */
export function sameInstance(a: ServiceInstance, b: ServiceInstance): boolean {
  const txtA = a.txtRaw.map((s) => Buffer.from(s).toString('hex')).join(',');
  const txtB = b.txtRaw.map((s) => Buffer.from(s).toString('hex')).join(',');
  return (
    a.fqdn === b.fqdn &&
    a.host === b.host &&
    a.port === b.port &&
    a.priority === b.priority &&
    a.weight === b.weight &&
    txtA === txtB &&
    a.addresses.map((x) => x.address).join(',') === b.addresses.map((x) => x.address).join(',') &&
    a.interfaces.join(',') === b.interfaces.join(',')
  );
}
