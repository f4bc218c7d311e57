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
export * from './transport/transport.js';
export * from './transport/interfaces.js';
export { isVirtualInterfaceName, VIRTUAL_INTERFACE_PREFIXES } from './transport/interface-names.js';
export { attributeSource } from './transport/attribution.js';
export type { ArrivalSocket, Attribution, AttributionInterface } from './transport/attribution.js';
export type { InterfaceChange } from './transport/interface-diff.js';
export { UdpTransport } from './transport/udp-transport.js';
export type { UdpTransportOptions } from './transport/udp-transport.js';
export { FakeTransport, fakeInterface } from './transport/fake-transport.js';
export type { SentPacket } from './transport/fake-transport.js';
export { MdnsCore } from './core/core.js';
export type { CoreStats, MdnsCoreOptions } from './core/core.js';
export { Responder, Service, defaultHostLabel } from './api/responder.js';
export type { Logger, ResponderEvents, ResponderOptions, ResponderStats, ServiceEvents } from './api/responder.js';
export type { ServiceSpec } from './records/service-records.js';
export { ServiceError } from './records/service-records.js';
export type { ServiceErrorCode } from './records/service-records.js';
export type { Clock, Random, TimerHandle } from './protocol/clock.js';
export { Mdns, TypeBrowser } from './api/mdns.js';
export type { LookupOptions, MdnsEvents, MdnsOptions, QueryOptions, ResolveHostOptions, TypeBrowserEvents } from './api/mdns.js';
export { Browser } from './api/browser.js';
export type { BrowseEvent, BrowseOptions, BrowserEvents } from './api/browser.js';
export type { FoundInstance, ServiceAddress, ServiceInstance } from './querier/service-view.js';
export { RecordCache } from './cache/record-cache.js';
export type { CachedRecord, RecordCacheEvents, RecordCacheOptions, RecordCacheStats, RemovalReason } from './cache/record-cache.js';
