/**
 * The bad-input table of issue 12: constructor options and service specs
 * the API refuses, each with the typed error code it must get. Used by
 * bad-input.test.ts (fake transport) and bad-input.lab.test.ts (the real
 * UDP transport in a lab host).
 */
import type { ServiceSpec } from '../../src/records/service-records.js';

/** A valid service; each bad spec changes one field of it. */
export const SPEC: ServiceSpec = { name: 'svc', type: '_http._tcp', port: 80 };

/** Constructor options refused, with the code each gets. */
export const BAD_OPTIONS: [string, Record<string, unknown>, string][] = [
  ['hostName "a." (CVE-2021-3502)', { hostName: 'a.' }, 'BAD_HOST_NAME'],
  ['hostName ".a" (CVE-2021-3502)', { hostName: '.a' }, 'BAD_HOST_NAME'],
  ['hostName "a..b" (CVE-2021-3502)', { hostName: 'a..b' }, 'BAD_HOST_NAME'],
  ['hostName ""', { hostName: '' }, 'BAD_HOST_NAME'],
  ['hostName ".local"', { hostName: '.local' }, 'BAD_HOST_NAME'],
  ['hostName of 64 bytes', { hostName: 'x'.repeat(64) }, 'BAD_HOST_NAME'],
  ['hostName of 22 three-byte characters (66 bytes)', { hostName: '€'.repeat(22) }, 'BAD_HOST_NAME'],
  ['hostName with an escape (CVE-2023-38470)', { hostName: 'a\\.b' }, 'BAD_HOST_NAME'],
  ['hostName with a control character', { hostName: 'a\u0007b' }, 'BAD_HOST_NAME'],
  ['hostName not a string', { hostName: 42 }, 'BAD_HOST_NAME'],
  ['hostTtl 0 (every address a goodbye)', { hostTtl: 0 }, 'BAD_TTL'],
  ['hostTtl 1e12', { hostTtl: 1e12 }, 'BAD_TTL'],
  ['interfaces as a string from JavaScript', { interfaces: 'eth0' }, 'BAD_OPTION'],
  ['interfaces with an empty name', { interfaces: [''] }, 'BAD_OPTION'],
  ['ipv4 and ipv6 both false', { ipv4: false, ipv6: false }, 'BAD_OPTION'],
  ['ipv6 not a boolean', { ipv6: 'no' }, 'BAD_OPTION'],
  ['subnets not CIDRs', { subnets: ['lan'] }, 'BAD_OPTION'],
];

/** Service specs publish() refuses. */
export const BAD_SPECS: [string, Record<string, unknown>, string][] = [
  ['an empty instance name (CVE-2023-1981)', { name: '' }, 'BAD_NAME'],
  ['a control character in the instance name (RFC 6763 §4.1.1)', { name: 'bell\u0007' }, 'BAD_NAME'],
  ['a newline in the instance name', { name: 'two\nlines' }, 'BAD_NAME'],
  ['an instance name of 64 bytes', { name: 'n'.repeat(64) }, 'LABEL_TOO_LONG'],
  ['a type without underscore', { type: 'http._tcp' }, 'BAD_TYPE'],
  ['port 65536', { port: 65_536 }, 'BAD_PORT'],
  ['port "80" from JavaScript', { port: '80' }, 'BAD_PORT'],
  ['port 80.5', { port: 80.5 }, 'BAD_PORT'],
  ['ttl.other -1', { ttl: { other: -1 } }, 'BAD_TTL'],
  ['ttl.host 1e12', { ttl: { host: 1e12 } }, 'BAD_TTL'],
  ['ttl.host 0 (records as goodbyes)', { ttl: { host: 0 } }, 'BAD_TTL'],
  ['domain ""', { domain: '' }, 'BAD_DOMAIN'],
  ['domain "a..b"', { domain: 'a..b' }, 'BAD_DOMAIN'],
  ['a 10 kB TXT', { txt: Array.from({ length: 40 }, () => new Uint8Array(250)) }, 'RECORD_TOO_LARGE'],
  [
    'a TXT over 65,535 bytes (CVE-2023-38469)',
    { txt: Array.from({ length: 300 }, () => new Uint8Array(250)) },
    'RECORD_TOO_LARGE',
  ],
  ['a TXT value over 255 bytes', { txt: { k: 'v'.repeat(300) } }, 'STRING_TOO_LONG'],
  ['a subtype that is not one label', { subtypes: ['_a._b'] }, 'BAD_SUBTYPE'],
  ['a control character in a subtype', { subtypes: ['_a\u0001b'] }, 'BAD_SUBTYPE'],
  ['a control character in the domain', { domain: 'lo\u0000cal' }, 'BAD_DOMAIN'],
];
