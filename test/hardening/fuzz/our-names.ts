/**
 * Packets about our own names, the ones that can change what we answer:
 * questions for them QU and QM (RFC 6762 §5.4), from legacy ports (§6.7) and
 * straight to our address (§5.5), with known answers (§7.1) and in TC
 * trains (§7.2); responses that repeat our records, some with under half
 * our TTL (§6.6); goodbyes for our records sent by others (§10.1, never a
 * conflict); probes for our names (§8.2 tiebreak, defended); and, rarely,
 * real claims of our names with other data (§9) — each of those is a
 * legitimate reason to rename, and the harness counts the renames and
 * checks the new names.
 */
import { encodePacket } from '../../../src/wire/encode.js';
import type { PacketInput, Question, ResourceRecord } from '../../../src/wire/model.js';
import { randomArrival, onLinkArrival, type Arrival } from './sources.js';
import type { FuzzPacket, Generator, OurNames } from './fuzz-packet.js';
import type { Prng } from './prng.js';

const TYPES = ['SRV', 'TXT', 'PTR', 'A', 'AAAA', 'ANY'] as const;

function ourName(rng: Prng, ours: OurNames): string {
  return rng.pick([...ours.instances, ...ours.types, ours.host]);
}

function ourQuestions(rng: Prng, ours: OurNames, qu: boolean): Question[] {
  return Array.from({ length: rng.range(1, 4) }, () => ({
    name: ourName(rng, ours),
    type: rng.pick(TYPES),
    class: 1,
    unicastResponse: qu,
  }));
}

/** Some of our records as a querier would list them as known (full TTL, half of it, or less). */
function knownOfOurs(rng: Prng, ours: OurNames): ResourceRecord[] {
  return ours.records
    .filter(() => rng.chance(0.4))
    .map((r) => ({ ...r, ttl: rng.pick([r.ttl, Math.floor(r.ttl / 2), Math.floor(r.ttl / 2) + 1, 1]) }));
}

type Kind = 'query' | 'legacy' | 'direct' | 'trains' | 'repeat' | 'goodbye' | 'probe' | 'offLink' | 'claim';

/** Weights of the kinds; `claim` (a real §9 conflict) is rare unless a run asks for none. */
export const OUR_NAME_WEIGHTS: Readonly<Record<Kind, number>> = {
  query: 30,
  legacy: 12,
  direct: 6,
  trains: 12,
  repeat: 12,
  goodbye: 8,
  probe: 6,
  offLink: 8,
  claim: 0.5,
};

function claim(rng: Prng, ours: OurNames): ResourceRecord {
  const unique = ours.records.filter(
    (r) => r.type === 'SRV' || r.type === 'TXT' || r.type === 'A' || r.type === 'AAAA',
  );
  const mine = rng.pick(unique);
  switch (mine.type) {
    case 'SRV':
      return { ...mine, ttl: 120, data: { ...mine.data, port: (mine.data.port + 1 + rng.int(1000)) % 65536 } };
    case 'TXT':
      return { ...mine, ttl: 4500, data: [new TextEncoder().encode(`claimed=${rng.int(1e6)}`)] };
    case 'A':
      return { ...mine, ttl: 120, data: `192.0.2.${rng.range(100, 200)}` };
    default:
      return { ...mine, ttl: 120, data: `fe80::${rng.range(0x100, 0xfff).toString(16)}` };
  }
}

function one(packet: PacketInput, arrival: Arrival): FuzzPacket {
  return { data: encodePacket(packet), arrival };
}

/** A packet (or a TC train) about our names; `weights` may drop claims. */
export function ourNamesWith(weights: Readonly<Record<Kind, number>>): Generator {
  return (rng, ours) => {
    const kind = rng.weighted(weights);
    const peer = onLinkArrival(rng);
    switch (kind) {
      case 'query':
        return [
          one(
            {
              id: 0,
              flags: 0,
              questions: ourQuestions(rng, ours, rng.chance(0.5)),
              answers: rng.chance(0.3) ? knownOfOurs(rng, ours) : [],
            },
            peer,
          ),
        ];
      case 'legacy': {
        const opt: ResourceRecord[] = rng.chance(0.3)
          ? [{ name: '', type: 'OPT', class: rng.pick([512, 1440, 9000]), ttl: 0, data: new Uint8Array(0) }]
          : [];
        return [
          one(
            { id: rng.int(65536), flags: 0, questions: ourQuestions(rng, ours, false), additionals: opt },
            onLinkArrival(rng, rng.pick([53, 5354, 40000, 65535])),
          ),
        ];
      }
      case 'direct':
        return [
          one({ id: 0, flags: 0, questions: ourQuestions(rng, ours, false) }, { ...peer, destination: 'unicast' }),
        ];
      case 'trains': {
        // RFC 6762 §7.2: a TC query, then packets of known answers only, from the same source.
        const qu = rng.chance(0.5);
        const out = [
          one({ id: 0, flags: 0x0200, questions: ourQuestions(rng, ours, qu), answers: knownOfOurs(rng, ours) }, peer),
        ];
        const more = rng.range(1, 3);
        for (let i = 0; i < more; i++)
          out.push(one({ id: 0, flags: i < more - 1 ? 0x0200 : 0, answers: knownOfOurs(rng, ours) }, peer));
        return out;
      }
      case 'repeat':
        return [one({ id: 0, flags: 0x8400, answers: knownOfOurs(rng, ours) }, peer)];
      case 'goodbye':
        return [
          one(
            {
              id: 0,
              flags: 0x8400,
              answers: ours.records.filter(() => rng.chance(0.5)).map((r) => ({ ...r, ttl: 0 })),
            },
            peer,
          ),
        ];
      case 'probe': {
        const name = rng.pick(ours.instances);
        const proposed: ResourceRecord = {
          name,
          type: 'TXT',
          class: 1,
          ttl: 4500,
          data: [rng.bytes(rng.range(1, 20))],
        };
        return [
          one(
            {
              id: 0,
              flags: 0,
              questions: [{ name, type: 'ANY', class: 1, unicastResponse: true }],
              authorities: [proposed],
            },
            peer,
          ),
        ];
      }
      case 'offLink': {
        // The same questions from anywhere, off-link sources and port 0 among them: the transport must refuse those.
        return [one({ id: 0, flags: 0, questions: ourQuestions(rng, ours, rng.chance(0.5)) }, randomArrival(rng))];
      }
      case 'claim':
        return [one({ id: 0, flags: 0x8400, answers: [claim(rng, ours)] }, peer)];
    }
  };
}

/** Packets about our names, rare real claims included. */
export const ourNames: Generator = ourNamesWith(OUR_NAME_WEIGHTS);
