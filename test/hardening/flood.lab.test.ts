/**
 * Issue 9, "floods starve unicast answers": a short run (10 s at 10,000
 * packets/s, where the code before issue 9 answered 38 % of a legitimate
 * querier's queries; it runs after the other tests, alone, with the
 * conformance suite) of the flood scenario (flood-scenario.ts; `npm run bench:flood`
 * runs it longer and writes the figures), asserting what must hold on any
 * machine: boaster survives, still answers correctly afterwards, its memory
 * stays bounded, and a legitimate querier keeps getting its answers during
 * the flood. `BOASTER_FLOOD_RATE=3000` runs it at another rate.
 */
import { describe, expect, it } from 'vitest';
import { labGate } from '../lab/availability.js';
import { useLab } from '../lab/use-lab.js';
import { FLOOD_SERVICE, formatFloodReport, runFloodScenario } from './flood-scenario.js';

const skip = labGate([], 'hardening: flood');

/** Share of legit queries that must be answered during the flood (issue 9: ≥ 95 % at 3,000/s is the target; measured 98.6–99.6 % at 10,000/s). */
const MIN_LEGIT_SHARE = 0.9;
const MAX_RSS_GROWTH_KIB = 50 * 1024;
/** The stated bound on boaster's RSS under a flood (README "Robustness"; measured peak 117 MiB at 3,000/s for 60 s, boaster run through tsx). */
const MAX_RSS_PEAK_KIB = 200 * 1024;
const RATE = Number(process.env['BOASTER_FLOOD_RATE'] ?? 10_000);

describe.skipIf(skip)('a flood of hostile and useless mDNS packets', () => {
  const lab = useLab({ hosts: 3 });

  it(`boaster survives 10 s at ${RATE} packets/s, keeps answering a legitimate querier and stays within its memory`, async () => {
    const report = await runFloodScenario(lab(), { seconds: 10, rate: RATE });
    console.log(formatFloodReport(report));
    expect(report.boaster.aliveAfter, report.boaster.outputTail).toBe(true);
    expect(report.afterFlood).toEqual({
      answered: true,
      port: FLOOD_SERVICE.port,
      target: `${FLOOD_SERVICE.host}.local`,
    });
    expect(report.boaster.rssAfterKiB - report.boaster.rssBeforeKiB).toBeLessThan(MAX_RSS_GROWTH_KIB);
    // The flood must really have been a flood (else the rest proves little).
    expect(report.flood.achievedRate).toBeGreaterThan(0.8 * report.options.rate);
    // Before the flood everything is answered: the measurement itself works.
    expect(report.legit.before.legacy.share).toBeGreaterThanOrEqual(0.95);
    // RFC 6762 §6.2: whatever the flood asks, no record is multicast twice within a second.
    expect(report.legit.multicastRate.records, 'boaster multicast nothing the legit querier saw').toBeGreaterThan(0);
    expect(report.legit.multicastRate.under, 'records multicast twice within a second (§6.2)').toBe(0);
    expect(report.boaster.rssPeakKiB).toBeLessThan(MAX_RSS_PEAK_KIB);
    expect
      .soft(report.legit.during.legacy.share, 'legacy unicast answered during the flood')
      .toBeGreaterThanOrEqual(MIN_LEGIT_SHARE);
    expect
      .soft(report.legit.during.quOwn.share, 'QU answered by a unicast reply of its own during the flood')
      .toBeGreaterThanOrEqual(MIN_LEGIT_SHARE);
  }, 90_000);
});
