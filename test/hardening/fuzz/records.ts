/**
 * Names and records of every type the fuzz packets carry: the types boaster
 * models (A, AAAA, PTR, CNAME, SRV, TXT, NSEC, OPT) and others it keeps as
 * raw RDATA (HINFO, NULL, random codes), with TTLs from goodbye (0) to the
 * 31-bit maximum and beyond (RFC 2181 §8), cache-flush bits on and off and
 * classes other than IN. All encodable: the malformed shapes are raw bytes
 * elsewhere (hostile-shapes.ts, fixture-mutations.ts).
 */
import type { Question, ResourceRecord } from '../../../src/wire/model.js';
import type { Prng } from './prng.js';

/** Service types a fuzz name may use: the browsed ones, the fixtures', and others. */
export const FUZZ_TYPES = ['_http._tcp', '_ipp._tcp', '_boaster-fixture._tcp', '_ssh._tcp', '_airplay._tcp'] as const;

const LABEL_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-';

/** A label of 1..`max` letters, digits and hyphens, sometimes with spaces, dots or UTF-8. */
export function randomLabel(rng: Prng, max = 20): string {
  const n = rng.range(1, max);
  let s = '';
  for (let i = 0; i < n; i++) s += LABEL_CHARS[rng.int(LABEL_CHARS.length)];
  if (rng.chance(0.1)) s += ' Ü';
  if (rng.chance(0.05)) s += '\\.x';
  return s;
}

/** A name: an instance of a service type, a host, a type, the enumeration name or a random one. */
export function randomName(rng: Prng): string {
  const kind = rng.weighted({ instance: 30, host: 25, type: 10, enumeration: 3, reverse: 7, random: 25 });
  switch (kind) {
    case 'instance':
      return `${randomLabel(rng)}.${rng.pick(FUZZ_TYPES)}.local`;
    case 'host':
      return `${randomLabel(rng, 12)}.local`;
    case 'type':
      return `${rng.pick(FUZZ_TYPES)}.local`;
    case 'enumeration':
      return '_services._dns-sd._udp.local';
    case 'reverse':
      return `${rng.range(0, 255)}.2.0.192.in-addr.arpa`;
    case 'random': {
      const labels = rng.range(1, 5);
      return Array.from({ length: labels }, () => randomLabel(rng, 30)).join('.');
    }
  }
}

/** A TTL: mostly usual values, also goodbyes, tiny ones and the 31-bit edge. */
export function randomTtl(rng: Prng): number {
  return rng.pick([0, 1, 2, 10, 60, 120, 120, 4500, 4500, 75 * 60, 0x7fffffff, rng.int(0x7fffffff)]);
}

const TYPES = ['A', 'AAAA', 'PTR', 'CNAME', 'SRV', 'TXT', 'NSEC', 'UNKNOWN'] as const;

/** A record of any type owned by `name`. */
export function randomRecord(rng: Prng, name: string): ResourceRecord {
  const base = {
    name,
    ttl: randomTtl(rng),
    class: rng.chance(0.95) ? 1 : rng.pick([3, 4, 254, 0x7fff]),
    cacheFlush: rng.chance(0.5),
  };
  const type = rng.pick(TYPES);
  switch (type) {
    case 'A':
      return { ...base, type, data: `192.0.2.${rng.range(0, 255)}` };
    case 'AAAA':
      return { ...base, type, data: rng.chance(0.7) ? `fe80::${rng.range(1, 0xffff).toString(16)}` : '2001:db8::7' };
    case 'PTR':
    case 'CNAME':
      return { ...base, type, data: randomName(rng) };
    case 'SRV':
      return {
        ...base,
        type,
        data: { priority: rng.int(65536), weight: rng.int(65536), port: rng.int(65536), target: randomName(rng) },
      };
    case 'TXT': {
      const strings = rng.range(0, 8);
      return { ...base, type, data: Array.from({ length: strings }, () => rng.bytes(rng.range(0, 255))) };
    }
    case 'NSEC':
      return {
        ...base,
        type,
        data: { nextDomain: name, types: ['A', 'AAAA', 'SRV', 'TXT', 'PTR'].filter(() => rng.chance(0.5)) },
      };
    case 'UNKNOWN':
      // HINFO (13), NULL (10), and codes nobody uses.
      return {
        ...base,
        type,
        typeCode: rng.pick([13, 10, 99, 0xff00, rng.range(256, 65279)]),
        data: rng.bytes(rng.range(0, 64)),
      };
  }
}

/** A question for `name`, of any type, QU or QM. */
export function randomQuestion(rng: Prng, name: string, unicastResponse = rng.chance(0.3)): Question {
  const type = rng.pick(['A', 'AAAA', 'PTR', 'SRV', 'TXT', 'ANY', 'NSEC', 'CNAME', 'UNKNOWN'] as const);
  return type === 'UNKNOWN'
    ? { name, type, typeCode: rng.pick([13, 99, 65000]), class: 1, unicastResponse }
    : { name, type, class: rng.chance(0.97) ? 1 : 255, unicastResponse };
}
