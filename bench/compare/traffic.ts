/**
 * Reading a querier's captured traffic: which of its packets ask the
 * browse's PTR question and which ask for something else (cache
 * maintenance, resolving), how many PTR queries RFC 6762 §5.2 allows in a
 * window, and when a publisher's goodbye for an instance went out.
 */
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import type { CapturedDatagram } from '../../test/lab/capture.js';
import { TYPE_FQDN } from '../scale-lab/spec.mjs';

/** RFC 6762 §5.2: the interval between the first two queries is at least one second… */
const FIRST_INTERVAL_MS = 1_000;
/** …and each one after at least doubles it, up to (at least) sixty minutes. */
const MAX_INTERVAL_MS = 3_600_000;

function decode(d: CapturedDatagram): DecodedPacket | undefined {
  try {
    return dnsPacket.decode(d.payload);
  } catch {
    return undefined;
  }
}

/** Query packets that ask the type's PTR question, and every other packet. */
export function classifyQueries(datagrams: readonly CapturedDatagram[]): { ptr: number; other: number } {
  let ptr = 0;
  for (const d of datagrams) {
    const m = decode(d);
    if (m?.type === 'query' && (m.questions ?? []).some((q) => q.type === 'PTR' && q.name.toLowerCase() === TYPE_FQDN))
      ptr += 1;
  }
  return { ptr, other: datagrams.length - ptr };
}

/**
 * PTR queries a querier that started at `startedAt` may send in
 * [from, to] under §5.2's schedule (at `startedAt` + 0, 1, 3, 7, 15 … s),
 * plus one for the 20–120 ms jitter moving a query across an edge.
 */
export function doublingAllowance(startedAt: number, from: number, to: number): number {
  let at = startedAt;
  let interval = FIRST_INTERVAL_MS;
  let count = 0;
  for (let k = 0; k < 64 && at <= to; k++) {
    if (at >= from) count += 1;
    at += interval;
    interval = Math.min(interval * 2, MAX_INTERVAL_MS);
  }
  return count + 1;
}

/** When `src` first sent a TTL-0 PTR for `instance` at or after `after` (epoch ms), or null. */
export function goodbyeAt(
  datagrams: readonly CapturedDatagram[],
  src: string,
  instance: string,
  after: number,
): number | null {
  const want = instance.toLowerCase();
  for (const d of datagrams) {
    if (d.src !== src || d.at < after) continue;
    const m = decode(d);
    if (m?.type !== 'response') continue;
    const records = [...(m.answers ?? []), ...(m.additionals ?? [])];
    if (records.some((r) => r.type === 'PTR' && r.ttl === 0 && String(r.data).toLowerCase() === want)) return d.at;
  }
  return null;
}
