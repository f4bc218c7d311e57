/**
 * boaster: a pure-TypeScript mDNS / DNS-SD responder (RFC 6762, RFC 6763).
 *
 * This entry point has no side effects: importing it opens no socket, starts
 * no timer and reads no file.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './constants.js';
export * from './wire/index.js';
export * from './dnssd/txt.js';
export * from './dnssd/identity.js';
