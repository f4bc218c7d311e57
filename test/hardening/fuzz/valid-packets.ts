/**
 * Well-formed packets of every kind a peer sends, about names that are not
 * ours: queries (QM and QU, with known answers), responses and
 * announcements with records of every type, probes with proposed records.
 * They exercise what is meant to work under fuzzing: the cache (RFC 6762
 * §10), the browser and resolver, duplicate-question suppression (§7.3),
 * passive failure observation (§10.5).
 */
import { encodePacket } from '../../../src/wire/encode.js';
import { randomName, randomQuestion, randomRecord } from './records.js';
import { onLinkArrival, randomArrival } from './sources.js';
import type { Generator } from './fuzz-packet.js';
import type { Prng } from './prng.js';

function records(rng: Prng, max: number) {
  const n = rng.range(1, max);
  const names = Array.from({ length: rng.range(1, 3) }, () => randomName(rng));
  return Array.from({ length: n }, () => randomRecord(rng, rng.pick(names)));
}

/** A valid query, response or probe from a mostly on-link source. */
export const validPacket: Generator = (rng) => {
  const kind = rng.weighted({ query: 35, response: 50, probe: 15 });
  const arrival = rng.chance(0.8) ? onLinkArrival(rng) : randomArrival(rng);
  const name = randomName(rng);
  const packet =
    kind === 'query'
      ? {
          id: 0,
          flags: 0,
          questions: Array.from({ length: rng.range(1, 4) }, () =>
            randomQuestion(rng, rng.chance(0.5) ? name : randomName(rng)),
          ),
          answers: rng.chance(0.4) ? records(rng, 6) : [],
        }
      : kind === 'response'
        ? { id: 0, flags: 0x8400, answers: records(rng, 12), additionals: rng.chance(0.4) ? records(rng, 6) : [] }
        : {
            id: 0,
            flags: 0,
            questions: [{ name, type: 'ANY' as const, class: 1, unicastResponse: true }],
            authorities: Array.from({ length: rng.range(1, 3) }, () => randomRecord(rng, name)),
          };
  try {
    return [{ data: encodePacket(packet), arrival }];
  } catch {
    // A random name the encoder refuses (a label too long after escaping): the packet is skipped.
    return [];
  }
};
