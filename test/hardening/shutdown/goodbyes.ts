/**
 * Reads the goodbyes of a shutdown from a capture (shutdown.lab.test.ts):
 * per link and address family, the records a host announced before the
 * signal (responses from it with TTL > 0) and the ones it said goodbye to
 * after (TTL 0, RFC 6762 §10.1), compared record by record (name, type and
 * data), decoded with dns-packet, not boaster's own wire code.
 */
import type { MdnsPacket } from '../../conformance/packets.js';
import { normName } from '../../conformance/packets.js';
import { recordsOf } from '../peer.js';

/** What one (link, family) saw of a host's shutdown. */
export interface GoodbyeReport {
  /** Distinct records announced before the signal. */
  readonly announced: number;
  /** Distinct records said goodbye to after it. */
  readonly goodbyes: number;
  /** Announced records with no goodbye (must be empty). */
  readonly missing: readonly string[];
  /** Goodbyes for records never announced here (must be empty: e.g. another interface's address). */
  readonly strangers: readonly string[];
  /** Goodbye packets (responses after the signal carrying TTL 0 records). */
  readonly packets: number;
  /** Capture time (epoch ms) of the last goodbye packet; undefined when there is none. */
  readonly lastAt: number | undefined;
  /** Record types announced, sorted (e.g. A, AAAA, PTR, SRV, TXT). */
  readonly types: readonly string[];
  /** Responses carrying records with TTL > 0 after the first goodbye (must be 0: nothing advertised again). */
  readonly advertisedAfter: number;
}

/** One record as a comparable key: owner name, type and data. */
function keyOf(r: ReturnType<typeof recordsOf>[number]): string {
  const data = typeof r.data === 'string' ? normName(r.data) : JSON.stringify(r.data);
  return `${normName(r.name)} ${r.type} ${data}`;
}

/** Compare what `from` announced before `signalAt` with its goodbyes after it, in `packets` of one family. */
export function goodbyeReport(packets: readonly MdnsPacket[], from: string, signalAt: number): GoodbyeReport {
  const announced = new Map<string, string>();
  const goodbyes = new Set<string>();
  let count = 0;
  let lastAt: number | undefined;
  let advertisedAfter = 0;
  for (const p of packets) {
    if (p.src !== from || p.msg?.type !== 'response') continue;
    const records = recordsOf(p.msg);
    if (p.at < signalAt) {
      for (const r of records) if ((r.ttl ?? 0) > 0) announced.set(keyOf(r), r.type);
      continue;
    }
    if (lastAt !== undefined && records.some((r) => (r.ttl ?? 0) > 0)) advertisedAfter++;
    const zero = records.filter((r) => r.ttl === 0);
    if (zero.length === 0) continue;
    count++;
    lastAt = p.at;
    for (const r of zero) goodbyes.add(keyOf(r));
  }
  return {
    announced: announced.size,
    goodbyes: goodbyes.size,
    missing: [...announced.keys()].filter((k) => !goodbyes.has(k)),
    strangers: [...goodbyes].filter((k) => !announced.has(k)),
    packets: count,
    lastAt,
    types: [...new Set(announced.values())].sort(),
    advertisedAfter,
  };
}
