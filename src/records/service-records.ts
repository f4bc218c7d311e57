/**
 * The records of a DNS-SD service (RFC 6763) and of the host that offers it
 * (RFC 6762), built from what the user gives. Pure functions: the engine
 * decides when they are probed, announced and sent.
 */
import { CLASS_IN, HOST_NAME_TTL, MAX_TXT_RDATA_BYTES, OTHER_TTL } from '../constants.js';
import { BoasterError, type ServiceErrorCode } from '../errors.js';

export type { ServiceErrorCode } from '../errors.js';
import type { TxtInput } from '../dnssd/txt.js';
import { encodeTxt } from '../dnssd/txt.js';
import type { InterfaceAddress } from '../transport/interfaces.js';
import type { ResourceRecord } from '../wire/model.js';
import { escapeLabel, nameToLabels } from '../wire/name.js';

/** RFC 6763 §9: the service type enumeration name. */
export const SERVICES_ENUMERATION_NAME = '_services._dns-sd._udp';

/** A record boaster owns, with how it must be treated. */
export interface OwnedRecord {
  record: ResourceRecord;
  /** Unique records (RFC 6762 §2) are probed and carry the cache-flush bit; shared ones are neither. */
  unique: boolean;
}

/** What defines a service. */
export interface ServiceSpec {
  /** Instance name, any UTF-8 text (RFC 6763 §4.1.1), e.g. `Printer. Floor 2`. */
  name: string;
  /** Service type, `_name._tcp` or `_name._udp` (RFC 6763 §7). */
  type: string;
  /** Port the service listens on (0–65535). */
  port: number;
  /** TXT attributes, or strings already encoded. */
  txt?: TxtInput | Uint8Array[];
  /** Subtypes, e.g. `_printer` (RFC 6763 §7.1). */
  subtypes?: string[];
  /** Domain; default `local`. */
  domain?: string;
  /** TTLs; defaults per RFC 6762 §10: 120 s for SRV, 4500 s for PTR and TXT. */
  ttl?: { host?: number; other?: number };
}

/** A service or host definition given through the API is refused: `code` says which rule it breaks. */
export class ServiceError extends BoasterError {
  declare readonly code: ServiceErrorCode;

  constructor(code: ServiceErrorCode, message: string) {
    super(code, message);
  }
}

/** ASCII control characters (C0 and DEL), which RFC 6763 §4.1.1 keeps out of instance names. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What a string looks like in an error message: quoted, control characters visible. */
function shown(text: string): string {
  return JSON.stringify(text);
}

/**
 * RFC 6762 §16 / RFC 1035 §2.3.4: a host name label, as `hostName` takes it:
 * one label of 1–63 bytes of UTF-8, no dots, no control characters or
 * backslashes (CVE-2021-3502, CVE-2023-38470: names like "a.", ".a",
 * "a..b" or with escapes). A trailing `.local` is the domain, taken off,
 * never doubled.
 */
export function checkHostLabel(hostName: unknown): string {
  if (typeof hostName !== 'string')
    throw new ServiceError('BAD_HOST_NAME', `hostName must be a string such as "myhost", got ${typeof hostName}`);
  const label = hostName.replace(/\.local\.?$/i, '');
  const fix = 'pass one label such as "myhost" (boaster adds ".local")';
  if (label.length === 0)
    throw new ServiceError('BAD_HOST_NAME', `hostName ${shown(hostName)} has an empty label; ${fix}`);
  if (label.includes('.'))
    throw new ServiceError(
      'BAD_HOST_NAME',
      `hostName ${shown(hostName)} is more than one label (it has a dot); ${fix}`,
    );
  if (CONTROL.test(label) || label.includes('\\'))
    throw new ServiceError(
      'BAD_HOST_NAME',
      `hostName ${shown(hostName)} holds a control character or a backslash; ${fix}`,
    );
  const bytes = new TextEncoder().encode(label).length;
  if (bytes > 63)
    throw new ServiceError(
      'BAD_HOST_NAME',
      `hostName ${shown(hostName)} is ${bytes} bytes of UTF-8; a DNS label holds at most 63 (RFC 1035 §2.3.4): shorten it`,
    );
  return label;
}

/** RFC 2181 §8: a TTL is 31 bits; 0 means goodbye (RFC 6762 §10.1), so a record we publish needs at least 1 s. */
export function checkTtl(ttl: unknown, what: string): number {
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > 0x7fffffff) {
    throw new ServiceError(
      'BAD_TTL',
      `${what} ${String(ttl)} must be a whole number of seconds from 1 to 2147483647 (0 would make every record a goodbye, RFC 6762 §10.1)`,
    );
  }
  return ttl;
}

const TYPE_PATTERN = /^_[A-Za-z0-9](?:[A-Za-z0-9-]{0,13}[A-Za-z0-9])?\._(tcp|udp)$/;

/** Validate and normalise a service type (RFC 6763 §7, RFC 6335 §5.1: 1–15 characters). */
export function checkServiceType(type: string): string {
  const t = type.replace(/\.$/, '').replace(/\.local$/i, '');
  if (!TYPE_PATTERN.test(t)) {
    throw new ServiceError(
      'BAD_TYPE',
      `Service type "${type}" must look like "_http._tcp": an underscore, 1–15 letters, digits or hyphens, then "._tcp" or "._udp" (RFC 6763 §7)`,
    );
  }
  return t;
}

function checkSubtype(subtype: string): string {
  const s = subtype.startsWith('_') ? subtype : `_${subtype}`;
  if (s.length < 2 || s.length > 63 || s.includes('.') || CONTROL.test(s) || s.includes('\\')) {
    throw new ServiceError(
      'BAD_SUBTYPE',
      `Subtype "${subtype}" must be one label of at most 63 bytes, e.g. "_printer" (RFC 6763 §7.1)`,
    );
  }
  return s;
}

/** Full names of a service: instance, type, enumeration and subtype names. */
export interface ServiceNames {
  instance: string;
  type: string;
  subtypes: string[];
}

/** Names of a service with instance name `name` (plain text). */
export function serviceNames(spec: ServiceSpec, name = spec.name): ServiceNames {
  const domain = checkDomain(spec.domain);
  if (typeof spec.type !== 'string')
    throw new ServiceError(
      'BAD_TYPE',
      `The service type must be a string such as "_http._tcp", got ${typeof spec.type}`,
    );
  const type = `${checkServiceType(spec.type)}.${domain}`;
  if (typeof name !== 'string')
    throw new ServiceError('BAD_NAME', `The instance name must be a string, got ${typeof name}`);
  if (name.length === 0) throw new ServiceError('BAD_NAME', 'A service needs a non-empty instance name');
  if (CONTROL.test(name))
    throw new ServiceError(
      'BAD_NAME',
      `The instance name ${shown(name)} holds a control character, which RFC 6763 §4.1.1 forbids (browsers such as avahi do not list it); remove it`,
    );
  const instance = `${escapeLabel(name)}.${type}`;
  nameToLabels(instance); // throws LABEL_TOO_LONG / NAME_TOO_LONG with advice
  return { instance, type, subtypes: (spec.subtypes ?? []).map((s) => `${checkSubtype(s)}._sub.${type}`) };
}

/** The domain of a service: `local` unless given; given, a name of non-empty labels. */
function checkDomain(domain: unknown): string {
  if (domain === undefined) return 'local';
  if (
    typeof domain !== 'string' ||
    domain.length === 0 ||
    domain.startsWith('.') ||
    CONTROL.test(domain) ||
    domain
      .replace(/\.$/, '')
      .split('.')
      .some((l) => l.length === 0)
  ) {
    throw new ServiceError(
      'BAD_DOMAIN',
      `domain ${typeof domain === 'string' ? shown(domain) : typeof domain} must be a domain name such as "local" (leave it out for "local")`,
    );
  }
  return domain.replace(/\.$/, '');
}

/**
 * The records of a service offered by `hostName` (a full name like
 * `myhost.local`): PTRs for browsing, enumeration and subtypes (shared),
 * SRV and TXT (unique).
 */
export function serviceRecords(spec: ServiceSpec, names: ServiceNames, hostName: string): OwnedRecord[] {
  if (!Number.isInteger(spec.port) || spec.port < 0 || spec.port > 0xffff) {
    throw new ServiceError('BAD_PORT', `Port ${spec.port} must be an integer from 0 to 65535`);
  }
  const hostTtl = spec.ttl?.host === undefined ? HOST_NAME_TTL : checkTtl(spec.ttl.host, 'ttl.host');
  const otherTtl = spec.ttl?.other === undefined ? OTHER_TTL : checkTtl(spec.ttl.other, 'ttl.other');
  const txt =
    Array.isArray(spec.txt) && spec.txt.every((s) => s instanceof Uint8Array)
      ? spec.txt
      : encodeTxt((spec.txt ?? {}) as TxtInput);
  const txtBytes = txt.reduce((n, s) => n + 1 + s.length, 0);
  if (txtBytes > MAX_TXT_RDATA_BYTES) {
    throw new ServiceError(
      'RECORD_TOO_LARGE',
      `The TXT record is ${txtBytes} bytes; it must fit in one mDNS packet (RFC 6762 §17), so boaster takes at most ${MAX_TXT_RDATA_BYTES} (RFC 6763 §6.2 advises under 1300): move bulky data elsewhere, e.g. behind a URL`,
    );
  }
  const domain = checkDomain(spec.domain);
  const shared = (name: string, data: string): OwnedRecord => ({
    unique: false,
    record: { name, type: 'PTR', class: CLASS_IN, ttl: otherTtl, data },
  });
  return [
    shared(names.type, names.instance),
    shared(`${SERVICES_ENUMERATION_NAME}.${domain}`, names.type),
    ...names.subtypes.map((sub) => shared(sub, names.instance)),
    {
      unique: true,
      record: {
        name: names.instance,
        type: 'SRV',
        class: CLASS_IN,
        ttl: hostTtl,
        data: { priority: 0, weight: 0, port: spec.port, target: hostName },
      },
    },
    { unique: true, record: { name: names.instance, type: 'TXT', class: CLASS_IN, ttl: otherTtl, data: txt } },
  ];
}

/** RFC 6762 §4: the reverse-mapping name of an address. */
export function reverseName(address: InterfaceAddress): string {
  if (address.family === 4) return `${address.address.split('.').reverse().join('.')}.in-addr.arpa`;
  const bytes = parseIPv6Nibbles(address.address);
  return `${bytes.reverse().join('.')}.ip6.arpa`;
}

function parseIPv6Nibbles(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.flatMap((g) => g.padStart(4, '0').split(''));
}

/**
 * Address records of `hostName` on one interface (only that interface's
 * addresses, RFC 6762 §6.2), unique, and their reverse PTRs, shared.
 */
export function hostRecords(
  hostName: string,
  addresses: readonly InterfaceAddress[],
  ttl = HOST_NAME_TTL,
): OwnedRecord[] {
  const out: OwnedRecord[] = [];
  for (const a of addresses) {
    out.push({
      unique: true,
      record:
        a.family === 4
          ? { name: hostName, type: 'A', class: CLASS_IN, ttl, data: a.address }
          : { name: hostName, type: 'AAAA', class: CLASS_IN, ttl, data: a.address },
    });
  }
  for (const a of addresses) {
    // Shared, not unique: another responder on this host (avahi) maps the same
    // address to its own name, and renaming the host cannot settle a conflict
    // over a reverse name, so these are neither probed nor cache-flushed.
    out.push({ unique: false, record: { name: reverseName(a), type: 'PTR', class: CLASS_IN, ttl, data: hostName } });
  }
  return out;
}

/** RFC 6762 §6.1: an NSEC asserting which types exist at `name` among `records`. */
export function nsecFor(name: string, records: readonly OwnedRecord[], ttl: number): ResourceRecord {
  // Frozen: the list never changes, so its type bitmaps are encoded once (rdata.ts).
  const types = Object.freeze([...new Set(records.filter((r) => r.record.name === name).map((r) => r.record.type))]);
  return { name, type: 'NSEC', class: CLASS_IN, cacheFlush: true, ttl, data: { nextDomain: name, types } };
}
