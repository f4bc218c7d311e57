/**
 * Output in avahi-utils' formats, so scripts written for `avahi-browse -p`
 * and `avahi-resolve -n` read `boaster browse` and `boaster resolve`
 * unchanged: the same fields, separators and escaping.
 */
import type { ServiceInstance } from '../querier/service-view.js';
import { SERVICE_TYPE_NAMES } from './service-types.js';

const utf8 = new TextEncoder();

/**
 * A label as avahi escapes it: `.` and `\` behind a backslash; letters,
 * digits, `-` and `_` as they are; every other byte as `\DDD` (decimal).
 * "Büro Drucker. 2" → `B\195\188ro\032Drucker\.\0322`.
 */
export function avahiEscapeLabel(label: string): string {
  let out = '';
  for (const b of utf8.encode(label)) {
    if (b === 0x2e || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (
      b === 0x2d ||
      b === 0x5f ||
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a)
    )
      out += String.fromCharCode(b);
    else out += `\\${b.toString().padStart(3, '0')}`;
  }
  return out;
}

/** The type column: avahi's friendly name unless `raw` (avahi-browse `-k`). */
export function typeColumn(type: string, raw: boolean): string {
  return raw ? type : (SERVICE_TYPE_NAMES.get(type) ?? type);
}

/**
 * TXT strings as avahi-browse prints them: each in double quotes, separated
 * by spaces, empty strings left out, and the last string first (avahi keeps
 * a received TXT record as a list built by prepending, and prints the list).
 */
export function txtColumn(strings: readonly Uint8Array[]): string {
  const dec = new TextDecoder();
  return [...strings]
    .reverse()
    .filter((s) => s.length > 0)
    .map((s) => `"${dec.decode(s.subarray(0, s.indexOf(0) < 0 ? s.length : s.indexOf(0)))}"`)
    .join(' ');
}

/** Where an event was seen: interface and protocol, as avahi-browse's columns 2 and 3. */
export interface Place {
  readonly interface: string;
  readonly family: 4 | 6;
}

function protocol(family: 4 | 6): string {
  return family === 6 ? 'IPv6' : 'IPv4';
}

/** `+;eth0;IPv4;name;type;domain` (found) or `-;…` (gone). */
export function parsableBrowseLine(
  kind: '+' | '-',
  place: Place,
  service: Pick<ServiceInstance, 'name' | 'type' | 'domain'>,
  raw: boolean,
): string {
  return [
    kind,
    place.interface,
    protocol(place.family),
    avahiEscapeLabel(service.name),
    typeColumn(service.type, raw),
    service.domain,
  ].join(';');
}

/** `=;eth0;IPv4;name;type;domain;host;address;port;"k=v" …` (resolved). */
export function parsableResolvedLine(place: Place, service: ServiceInstance, raw: boolean): string {
  const address =
    service.addresses.find((a) => a.interface === place.interface && a.family === place.family) ??
    service.addresses.find((a) => a.interface === place.interface) ??
    service.addresses[0];
  return [
    '=',
    place.interface,
    protocol(place.family),
    avahiEscapeLabel(service.name),
    typeColumn(service.type, raw),
    service.domain,
    service.host,
    address ? address.address.replace(/%.*$/, '') : '',
    String(service.port),
    txtColumn(service.txtRaw),
  ].join(';');
}

/** A readable line: like avahi-browse without `-p`. */
export function readableBrowseLine(
  kind: '+' | '-' | '=',
  place: Place,
  service: Pick<ServiceInstance, 'name' | 'type' | 'domain'>,
  raw: boolean,
): string {
  return `${kind} ${place.interface.padStart(6)} ${protocol(place.family)} ${service.name.padEnd(40)} ${typeColumn(service.type, raw).padEnd(20)} ${service.domain}`;
}

/** avahi-browse -r's readable resolved block: the `=` line, then host, address, port and TXT. */
export function readableResolvedLine(place: Place, service: ServiceInstance, raw: boolean): string {
  const head = readableBrowseLine('=', place, service, raw);
  const addresses = service.addresses.filter((a) => a.interface === place.interface).map((a) => a.address);
  return [
    head,
    `   hostname = [${service.host}]`,
    `   address = [${addresses.join(', ')}]`,
    `   port = [${service.port}]`,
    `   txt = [${txtColumn(service.txtRaw)}]`,
  ].join('\n');
}

/** `name<TAB>address`, as avahi-resolve -n prints. */
export function resolveHostLine(name: string, address: string): string {
  return `${name}\t${address}`;
}
