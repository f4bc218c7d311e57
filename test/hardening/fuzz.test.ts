/**
 * Whole-stack fuzzing, the CI slice (issue 15): 50,000 seeded packets —
 * random bytes, mutations of the captured avahi and python-zeroconf
 * packets, hand-crafted hostile shapes (compression loops, lying counts,
 * labels past 63 and names past 255, 9000+ bytes, 1,000 questions, TC
 * trains), well-formed packets with records of every type, and packets
 * about our own names (QU, legacy, claims, goodbyes) from on-link,
 * off-link and impossible sources — go through the transport's source
 * checks into one Mdns (responder with three services, two browsers, a
 * resolver) on a FakeTransport and a manual clock. After every batch of
 * 1,000: no exception escaped, nothing sent over budget or off-link, the
 * cache within its bound, every published record answered unchanged and
 * every instance resolved, the cache full or not (test/hardening/fuzz/). The run is a child
 * process so a hang shows as one. The long run is bench/fuzz.ts.
 */
import { describe, expect, it } from 'vitest';
import { escapes } from './fuzz/run.js';
import { superviseFuzz } from './fuzz/supervise.js';

const PACKETS = 50_000;
const SEED = 0x15;
/** No batch of 1,000 takes this long unless the stack hangs (a batch takes well under a second). */
const STALL_MS = 30_000;

describe('whole-stack fuzzing (CI slice)', () => {
  it(`${PACKETS} packets (seed ${SEED}): no escape, nothing over budget or off-link, cache bounded, services answering`, async () => {
    const run = await superviseFuzz({ packets: PACKETS, seed: SEED, stallMs: STALL_MS });
    if (run.hung) {
      expect.fail(
        `the stack stopped handling packets (no batch for ${run.hung.stalledMs} ms, ${run.hung.exit}) after ${run.hung.last?.packets ?? 0} packets\n${run.stderr}`,
      );
    }
    const r = run.report;
    console.log(
      [
        `fuzz: ${r.packets} packets in ${r.wallMs} ms (${r.packetsPerSecond}/s, ${r.simulatedSeconds} s simulated), seed ${r.seed}`,
        `by generator: ${JSON.stringify(r.byGenerator)}`,
        `refused by the transport: ${JSON.stringify(r.refused)}; delivered ${r.delivered}`,
        `malformed (intake): ${JSON.stringify(r.malformed)}`,
        `dropped (intake): ${JSON.stringify(r.intakeDropped)}`,
        `sent: ${JSON.stringify(r.sent)}`,
        `escapes: ${escapes(r)} ${JSON.stringify({ ...r.escapes, messages: r.escapes.messages.length })}`,
        `violations: ${r.violations.count}; liveness failures: ${r.liveness.failures} of ${r.liveness.checks}; resolve failures: ${r.resolve.failures} (${r.resolve.failuresBeforeEviction} before the cache first evicted) ${JSON.stringify(r.resolve.first.slice(0, 3))}`,
        `renames (RFC 6762 §9, claims in the stream): ${r.renames.count}; cache: ${JSON.stringify(r.cache)}`,
        `errors reported: ${JSON.stringify(r.errors)}; memory: ${JSON.stringify(r.memory)}`,
      ].join('\n'),
    );
    expect(r.packets).toBe(PACKETS);
    for (const n of Object.values(r.byGenerator)) expect(n).toBeGreaterThan(PACKETS / 20);
    expect(r.escapes.messages).toEqual([]);
    expect(escapes(r)).toBe(0);
    expect(r.violations.first).toEqual([]);
    expect(r.liveness.first).toEqual([]);
    expect(r.liveness.checks).toBe(PACKETS / 1_000);
    // The querier side: each of our instances resolves to what was published after every batch, the cache
    // full or not (a full cache evicts what no question wants first, so a resolve keeps its records).
    expect(r.resolve.failures).toBe(0);
    expect(r.cache.largest).toBeLessThanOrEqual(r.cache.bound);
    // The stream did reach the stack: hostile packets were refused and counted, answers went out.
    expect(Object.values(r.malformed).reduce((a, b) => a + b, 0)).toBeGreaterThan(PACKETS / 20);
    expect(r.refused['off-link'] ?? 0).toBeGreaterThan(0);
    expect(r.refused['bad-port'] ?? 0).toBeGreaterThan(0);
    expect(r.sent.unicast).toBeGreaterThan(0);
  }, 180_000);
});
