/**
 * `boaster/transport`: the UDP transport (one socket set per core, no
 * IP_PKTINFO needed) and the interface helpers it is built on, for those
 * who make an `MdnsCore` with a transport of their own choosing. No side
 * effects on import.
 *
 * @packageDocumentation
 */
export { UdpTransport } from '../transport/udp-transport.js';
export type { UdpTransportOptions } from '../transport/udp-transport.js';
export * from '../transport/transport.js';
export * from '../transport/interfaces.js';
export { isVirtualInterfaceName, VIRTUAL_INTERFACE_PREFIXES } from '../transport/interface-names.js';
export { attributeSource } from '../transport/attribution.js';
export type { ArrivalSocket, Attribution, AttributionInterface } from '../transport/attribution.js';
export type { InterfaceChange } from '../transport/interface-diff.js';
export { TransportError } from '../errors.js';
export type { TransportErrorCode } from '../errors.js';
