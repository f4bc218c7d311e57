/**
 * Typed errors. Every error boaster throws on purpose is a {@link BoasterError}
 * with a stable `code`, so callers can branch on the code instead of parsing
 * messages. Messages say what went wrong and what to do next.
 */

/**
 * Codes of the API's own checks and life cycle (the codec, TXT, service and
 * transport codes are their classes' own unions below).
 */
export type ApiErrorCode =
  | 'BAD_OPTION'
  | 'BAD_STATE'
  | 'CLOSED'
  | 'STOPPED'
  | 'ABORTED'
  | 'TIMEOUT'
  | 'NAME_CONFLICT'
  | 'NO_INTERFACE'
  | 'SEND_FAILED'
  | 'CACHE_FULL'
  | 'INTERNAL';

/** Why a service or host definition is refused ({@link ServiceError}). */
export type ServiceErrorCode =
  | 'BAD_NAME'
  | 'BAD_TYPE'
  | 'BAD_SUBTYPE'
  | 'BAD_PORT'
  | 'BAD_DOMAIN'
  | 'BAD_TTL'
  | 'BAD_HOST_NAME'
  | 'RECORD_TOO_LARGE';

/** Every code a {@link BoasterError} can carry; README's "Error codes" says what each means and what to do. */
export type BoasterErrorCode =
  ApiErrorCode | ServiceErrorCode | WireDecodeErrorCode | WireEncodeErrorCode | TxtErrorCode | TransportErrorCode;

/** Base class of every error boaster throws on purpose. */
export class BoasterError extends Error {
  /** Stable, machine-readable code (e.g. `LABEL_TOO_LONG`). */
  readonly code: BoasterErrorCode;

  constructor(code: BoasterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Why a packet from the network could not be decoded. */
export type WireDecodeErrorCode =
  | 'EMPTY_PACKET'
  | 'TRUNCATED'
  | 'COUNT_OVERRUN'
  | 'POINTER_LOOP'
  | 'POINTER_CHAIN_TOO_LONG'
  | 'BAD_LABEL_TYPE'
  | 'LABEL_TOO_LONG'
  | 'NAME_TOO_LONG'
  | 'RDLENGTH_OVERRUN'
  | 'BAD_RDATA'
  | 'BAD_NSEC_BITMAP'
  | 'PACKET_TOO_LARGE';

/**
 * A packet received from the network is malformed. Network input never
 * throws out of a socket handler: the receiving layer catches this, drops the
 * packet and counts it by `code`.
 */
export class WireDecodeError extends BoasterError {
  declare readonly code: WireDecodeErrorCode;
  /** Byte offset in the packet where decoding failed. */
  readonly offset: number;

  constructor(code: WireDecodeErrorCode, message: string, offset: number) {
    super(code, `${message} (at byte ${offset})`);
    this.offset = offset;
  }
}

/** Why a name or record given by the caller cannot be put on the wire. */
export type WireEncodeErrorCode =
  | 'BAD_NAME'
  | 'EMPTY_LABEL'
  | 'LABEL_TOO_LONG'
  | 'NAME_TOO_LONG'
  | 'BAD_ESCAPE'
  | 'BAD_ADDRESS'
  | 'BAD_RDATA'
  | 'STRING_TOO_LONG'
  | 'RECORD_TOO_LARGE'
  | 'BAD_TYPE'
  | 'BAD_CLASS'
  | 'BAD_TTL'
  | 'BAD_HEADER'
  | 'BAD_BUDGET'
  | 'SECTION_ORDER';

/** A name, record or packet given through the API cannot be encoded. */
export class WireEncodeError extends BoasterError {
  declare readonly code: WireEncodeErrorCode;

  constructor(code: WireEncodeErrorCode, message: string) {
    super(code, message);
  }
}

/** Why a TXT record (RFC 6763 §6) given through the API is invalid. */
export type TxtErrorCode = 'EMPTY_KEY' | 'BAD_KEY' | 'DUPLICATE_KEY' | 'STRING_TOO_LONG' | 'BAD_VALUE';

/** A TXT record given through the API breaks a rule of RFC 6763 §6. */
export class TxtError extends BoasterError {
  declare readonly code: TxtErrorCode;

  constructor(code: TxtErrorCode, message: string) {
    super(code, message);
  }
}

/** Why the transport could not do something. */
export type TransportErrorCode =
  | 'BAD_OPTION'
  | 'PORT_IN_USE'
  | 'ADDRESS_NOT_AVAILABLE'
  | 'NETWORK_UNREACHABLE'
  | 'PERMISSION_DENIED'
  | 'NO_INTERFACE'
  | 'SOCKET_ERROR'
  | 'BAD_STATE'
  | 'CLOSED';

/**
 * A socket or interface operation failed. Errors on one interface never stop
 * the others: the transport reports them (its `error` event) and goes on.
 */
export class TransportError extends BoasterError {
  declare readonly code: TransportErrorCode;
  /** Interface concerned, when there is one. */
  readonly interfaceName: string | undefined;

  constructor(code: TransportErrorCode, message: string, options: { interfaceName?: string; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.interfaceName = options.interfaceName;
  }
}
