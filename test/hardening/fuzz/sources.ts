/**
 * Where fuzz packets claim to come from: mostly peers on the fake link
 * (192.0.2.0/24, fe80::/64), and sources a hostile host can forge or a
 * broken one can have — off-link addresses of either family (198.51.100.7,
 * 2001:db8::7: RFC 6762 §11 says answer none of them), broadcast,
 * multicast, unspecified, loopback, IPv4-mapped IPv6, source port 0 and
 * legacy ports (RFC 6762 §6.7). The harness never lets the stack answer
 * the bad ones; the invariants check it did not.
 */
import type { ReceivedPacket } from '../../../src/transport/transport.js';
import type { Prng } from './prng.js';

/** The stack's own addresses on the fake interface (fakeInterface() defaults). */
export const OUR_V4 = '192.0.2.10';
export const OUR_V6 = 'fe80::10';

/** Off-link sources of each family, as the issue names them, and more. */
export const OFF_LINK_V4 = ['198.51.100.7', '203.0.113.9', '10.1.2.3', '8.8.8.8'] as const;
export const OFF_LINK_V6 = ['2001:db8::7', '2001:db8:1::99', 'fd00::1', '2606:4700::1111'] as const;
/** Sources no host sends from (source-check.ts). */
const BAD_V4 = ['0.0.0.0', '255.255.255.255', '192.0.2.255', '224.0.0.251', '127.0.0.1', '169.254.255.255'] as const;
const BAD_V6 = ['::', 'ff02::fb', '::1', 'ff05::2'] as const;
/** Ports a legacy resolver might use (RFC 6762 §6.7), 53 included. */
const LEGACY_PORTS = [53, 1024, 5300, 5354, 40000, 65535] as const;

/** Where and how a packet arrives. */
export type Arrival = Pick<ReceivedPacket, 'family' | 'source' | 'destination'>;

/** A source address of one of the classes above, with a family that fits it (mostly). */
function address(rng: Prng): { address: string; family: 4 | 6 } {
  const kind = rng.weighted({
    onLink4: 50,
    onLink6: 20,
    ours: 1,
    offLink4: 8,
    offLink6: 8,
    bad4: 4,
    bad6: 3,
    mapped: 3,
  });
  switch (kind) {
    case 'onLink4':
      return { address: `192.0.2.${rng.range(1, 254)}`, family: 4 };
    case 'onLink6':
      return { address: `fe80::${rng.range(1, 0xffff).toString(16)}`, family: 6 };
    case 'ours':
      return rng.chance(0.5) ? { address: OUR_V4, family: 4 } : { address: OUR_V6, family: 6 };
    case 'offLink4':
      return { address: rng.pick(OFF_LINK_V4), family: 4 };
    case 'offLink6':
      return { address: rng.pick(OFF_LINK_V6), family: 6 };
    case 'bad4':
      return { address: rng.pick(BAD_V4), family: 4 };
    case 'bad6':
      return { address: rng.pick(BAD_V6), family: 6 };
    case 'mapped':
      // What a dual-stack IPv6 socket reports for an IPv4 peer (RFC 4291 §2.5.5.2).
      return { address: rng.chance(0.5) ? '::ffff:192.0.2.77' : '::ffff:198.51.100.7', family: 6 };
  }
}

/** A source port: mostly 5353, then legacy ports, random ones and 0. */
function port(rng: Prng): number {
  const kind = rng.weighted({ mdns: 80, legacy: 10, random: 6, zero: 4 });
  if (kind === 'mdns') return 5353;
  if (kind === 'legacy') return rng.pick(LEGACY_PORTS);
  if (kind === 'random') return rng.range(1, 65535);
  return 0;
}

/** A random arrival: source, family and destination (mostly the group). */
export function randomArrival(rng: Prng): Arrival {
  const { address: a, family } = address(rng);
  return { family, source: { address: a, port: port(rng) }, destination: rng.chance(0.85) ? 'multicast' : 'unicast' };
}

/** An arrival from an on-link peer on port 5353 (or `legacyPort`). */
export function onLinkArrival(rng: Prng, legacyPort?: number): Arrival {
  const v6 = rng.chance(0.25);
  return {
    family: v6 ? 6 : 4,
    source: {
      address: v6 ? `fe80::${rng.range(1, 0xffff).toString(16)}` : `192.0.2.${rng.range(20, 250)}`,
      port: legacyPort ?? 5353,
    },
    destination: 'multicast',
  };
}
