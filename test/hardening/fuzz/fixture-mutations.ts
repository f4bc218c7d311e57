/**
 * Mutations of the packets captured from avahi and python-zeroconf
 * (test/fixtures/packets/): bit flips, truncation, rewritten counts,
 * compression pointers aimed elsewhere, splices of two captures, and
 * stretched RDLENGTHs: real packets one mistake away, which reach deeper
 * into decoding and into the cache than random bytes do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onLinkArrival, randomArrival } from './sources.js';
import type { Generator } from './fuzz-packet.js';
import type { Prng } from './prng.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/packets');

/** The captured packets, read once. */
export const FIXTURES: readonly Uint8Array[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.bin'))
  .sort()
  .map((f) => new Uint8Array(readFileSync(join(DIR, f))));

/** Offsets of the bytes that look like compression pointers (top two bits set). */
function pointerOffsets(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 12; i < data.length - 1; i++) if (((data[i] as number) & 0xc0) === 0xc0) out.push(i);
  return out;
}

type Mutation = 'flip' | 'truncate' | 'counts' | 'pointer' | 'splice' | 'rdlength' | 'none';

function mutate(rng: Prng, original: Uint8Array, how: Mutation): Uint8Array {
  const data = Uint8Array.from(original);
  switch (how) {
    case 'flip': {
      const flips = rng.range(1, 8);
      for (let i = 0; i < flips; i++) {
        const at = rng.int(data.length);
        data[at] = (data[at] as number) ^ (1 << rng.int(8));
      }
      return data;
    }
    case 'truncate':
      return data.slice(0, rng.int(data.length));
    case 'counts': {
      const at = rng.pick([4, 6, 8, 10]);
      const value = rng.pick([0, 1, 2, 0xff, 0xffff, rng.int(65536)]);
      data[at] = value >>> 8;
      data[at + 1] = value & 0xff;
      return data;
    }
    case 'pointer': {
      const offsets = pointerOffsets(data);
      const at = offsets.length > 0 ? rng.pick(offsets) : 12 + rng.int(Math.max(1, data.length - 13));
      // Aim at itself, forward, past the end, into the header, or anywhere.
      const target = rng.pick([at, at + 2, data.length + 5, 0, 2, rng.int(data.length)]);
      data[at] = 0xc0 | ((target >>> 8) & 0x3f);
      data[at + 1] = target & 0xff;
      return data;
    }
    case 'splice': {
      const other = rng.pick(FIXTURES);
      const cut = rng.int(data.length);
      const from = rng.int(other.length);
      const out = new Uint8Array(cut + other.length - from);
      out.set(data.subarray(0, cut));
      out.set(other.subarray(from), cut);
      return out;
    }
    case 'rdlength': {
      // The first byte pair after a type/class/TTL-looking run: stretch it.
      const at = 12 + rng.int(Math.max(1, data.length - 14));
      data[at] = rng.int(256);
      data[at + 1] = rng.int(256);
      return data;
    }
    case 'none':
      return data;
  }
}

/** One captured packet, mutated (now and then left intact, from an on-link peer, to feed the cache). */
export const fixtureMutation: Generator = (rng) => {
  const original = rng.pick(FIXTURES);
  const how = rng.weighted<Mutation>({
    flip: 30,
    truncate: 15,
    counts: 15,
    pointer: 15,
    splice: 10,
    rdlength: 10,
    none: 5,
  });
  let data = mutate(rng, original, how);
  if (how !== 'none' && rng.chance(0.3)) data = mutate(rng, data, rng.pick(['flip', 'counts', 'pointer'] as const));
  return [{ data, arrival: how === 'none' ? onLinkArrival(rng) : randomArrival(rng) }];
};
