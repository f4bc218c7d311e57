/**
 * Random packets: bytes with no structure (empty, shorter than a header,
 * up to past the 9000-byte limit of RFC 6762 §17, avahi CVE-2011-1002's
 * empty packet included), and a plausible header over random bytes, which
 * gets further into the decoder.
 */
import { randomArrival } from './sources.js';
import type { FuzzPacket, Generator } from './fuzz-packet.js';
import type { Prng } from './prng.js';

function length(rng: Prng): number {
  const kind = rng.weighted({ empty: 2, tiny: 8, small: 50, mtu: 30, jumbo: 6, over: 4 });
  if (kind === 'empty') return 0;
  if (kind === 'tiny') return rng.range(1, 12);
  if (kind === 'small') return rng.range(12, 300);
  if (kind === 'mtu') return rng.range(300, 1500);
  if (kind === 'jumbo') return rng.range(1500, 9000);
  return rng.range(9001, 9200);
}

/** Random bytes; half of them under a header with small counts and flags of a query or a response. */
export const randomBytes: Generator = (rng) => {
  const data = rng.bytes(length(rng));
  if (data.length >= 12 && rng.chance(0.5)) {
    data[2] = rng.pick([0x00, 0x84, 0x02, 0x80]);
    data[3] = 0;
    for (const at of [4, 6, 8, 10]) {
      data[at] = 0;
      data[at + 1] = rng.int(4);
    }
  }
  const packet: FuzzPacket = { data, arrival: randomArrival(rng) };
  return [packet];
};
