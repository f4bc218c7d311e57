/**
 * What every generator makes: packets with the arrival they claim. A
 * generator may return several (a TC query and its known-answer train, RFC
 * 6762 §7.2), delivered in order from one source.
 */
import type { ResourceRecord } from '../../../src/wire/model.js';
import type { Prng } from './prng.js';
import type { Arrival } from './sources.js';

/** One packet as it arrives. */
export interface FuzzPacket {
  data: Uint8Array;
  arrival: Arrival;
}

/** Our names and records as published now (they change on a rename, RFC 6762 §9). */
export interface OurNames {
  /** Instance names, `Name._type._tcp.local`. */
  instances: readonly string[];
  /** Service type names, `_type._tcp.local`, subtypes' `_sub._type._tcp.local` too. */
  types: readonly string[];
  /** Host name, `host.local`. */
  host: string;
  /** Every record we answer with, as published. */
  records: readonly ResourceRecord[];
}

/** A packet generator: seeded, so the stream replays. */
export type Generator = (rng: Prng, ours: OurNames) => FuzzPacket[];
