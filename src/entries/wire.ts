/**
 * `boaster/wire`: the DNS codec (RFC 1035, RFC 6762 §18 and the records
 * mDNS uses): the message model, names, encoding with compression and
 * budgets, decoding that drops bad input with a typed error, canonical
 * ordering, splitting into packets, and the protocol's constants. No side
 * effects on import.
 *
 * @packageDocumentation
 */
export * from '../wire/index.js';
export * from '../constants.js';
export { BoasterError, WireDecodeError, WireEncodeError } from '../errors.js';
export type { WireDecodeErrorCode, WireEncodeErrorCode } from '../errors.js';
