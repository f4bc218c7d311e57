/** The DNS wire layer: message model, names, encoding, decoding, ordering, splitting. */
export * from './model.js';
export * from './name.js';
export type { CompressionMode } from './rdata.js';
export { encodeTypeBitmaps } from './rdata.js';
export * from './encode.js';
export * from './decode.js';
export * from './canonical.js';
export * from './split.js';
