/**
 * Network lab for boaster's integration tests: Linux network namespaces on
 * TEST-NET-1 / IPv6 link-local, with avahi-daemon and python-zeroconf peers.
 * See lab.ts for the topology and avahi.ts / zeroconf.ts for the peers.
 */
export * from './addresses.js';
export * from './availability.js';
export * from './avahi.js';
export * from './avahi-client.js';
export * from './avahi-parse.js';
export * from './capture.js';
export { listNetns, sweepStaleLabs } from './cleanup.js';
export * from './exec.js';
export * from './host.js';
export * from './ip-json.js';
export * from './lab.js';
export * from './link.js';
export { LAB_PREFIX } from './naming.js';
export * from './netns.js';
export * from './process.js';
export * from './reach.js';
export * from './wait.js';
export * from './zeroconf.js';
