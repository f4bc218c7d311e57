/**
 * boaster: a pure-TypeScript mDNS / DNS-SD library (RFC 6762, RFC 6763).
 *
 * The root export is what an application needs: {@link Mdns} (both sides on
 * one core), {@link Responder} and {@link Service}, the browser, the core,
 * the errors with their codes, and the TXT and hardware-identity helpers.
 * The DNS codec is `boaster/wire`, the UDP transport and interface helpers
 * `boaster/transport`, the test doubles `boaster/testing`.
 *
 * This entry point has no side effects: importing it opens no socket, starts
 * no timer and reads no file.
 *
 * @packageDocumentation
 */
export { Mdns, TypeBrowser } from './api/mdns.js';
export type {
  LookupOptions,
  MdnsEvents,
  MdnsOptions,
  QueryOptions,
  ResolveHostOptions,
  TypeBrowserEvents,
} from './api/mdns.js';
export { Browser } from './api/browser.js';
export type { BrowseEvent, BrowseOptions, BrowserEvents } from './api/browser.js';
export type { FoundInstance, ServiceAddress, ServiceInstance } from './querier/service-view.js';
export { Responder, Service, defaultHostLabel } from './api/responder.js';
export type { Logger, ResponderEvents, ResponderOptions, ResponderStats, ServiceEvents } from './api/responder.js';
export { previewRecords } from './api/record-preview.js';
export type { PreviewHost } from './api/record-preview.js';
export { MdnsCore } from './core/core.js';
export type { CoreStats, MdnsCoreOptions } from './core/core.js';
export type { Incoming, Intake, IntakeDrop, IntakeEvents } from './core/intake.js';
export type { Scheduler } from './protocol/scheduler.js';
export type { PacketBuild, PacketSender, UnicastTarget } from './protocol/packet-sender.js';
export type { ReplyBudget } from './protocol/reply-budget.js';
export type { RegistrationState } from './protocol/registration.js';
export type {
  RecordCache,
  CachedRecord,
  RecordCacheEvents,
  RecordCacheOptions,
  RecordCacheStats,
  RemovalReason,
} from './cache/record-cache.js';
export type { ServiceSpec } from './records/service-records.js';
export { ServiceError } from './records/service-records.js';
export type { ServiceErrorCode } from './records/service-records.js';
export { BoasterError, TransportError, TxtError, WireDecodeError, WireEncodeError } from './errors.js';
export type {
  ApiErrorCode,
  BoasterErrorCode,
  TransportErrorCode,
  TxtErrorCode,
  WireDecodeErrorCode,
  WireEncodeErrorCode,
} from './errors.js';
export { encodeTxt, decodeTxt, decodeTxtBinary, decodeTxtEntries, txtRdataLength, txtWarnings } from './dnssd/txt.js';
export {
  TXT_KEY_RECOMMENDED_MAX_CHARS,
  TXT_MAX_STRING_BYTES,
  TXT_RECOMMENDED_MAX_BYTES,
  TXT_SINGLE_DNS_MESSAGE_MAX_BYTES,
  TXT_TYPICAL_MAX_BYTES,
} from './dnssd/txt.js';
export type { DecodedTxt, DecodedTxtBinary, EncodeTxtOptions, TxtEntry, TxtInput, TxtValue } from './dnssd/txt.js';
export {
  identityTxt,
  isPlaceholderValue,
  readHostIdentity,
  DMI_PLACEHOLDER_VALUES,
  IDENTITY_MAX_MACS,
  IDENTITY_TXT_KEYS,
  PLACEHOLDER_UUIDS,
} from './dnssd/identity.js';
export type { HardwareIdentity, HostIdentity, ReadHostIdentityOptions } from './dnssd/identity.js';
export type { InterfaceAddress, InterfaceSelection, NetworkInterface } from './transport/interfaces.js';
export type {
  DropReason,
  ReceivedPacket,
  SendTarget,
  Transport,
  TransportEvents,
  TransportStats,
} from './transport/transport.js';
export type { Clock, Random, TimerHandle } from './protocol/clock.js';
export type { Question, ResourceRecord } from './wire/model.js';
