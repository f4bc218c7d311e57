/**
 * The querier conformance suite in CI: every case against boaster's browser
 * (Mdns.browse), in the lab, must PASS (an NA fails too: the case could not
 * be judged). One test per case; the scenarios run once, before them. The
 * other targets (avahi, python-zeroconf) are reference points, run with
 * `npx tsx test/conformance/querier/run.ts`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { labGate } from '../lab/availability.js';
import { QUERIER_CASES } from './querier/cases.js';
import { runQuerierTarget, type QuerierTargetResult } from './querier/suite.js';

const skip = labGate(['tshark'], 'the querier conformance suite against boaster');
/** Four scenarios, about 75 s together on the 2-core CI machine. */
const SUITE_TIMEOUT_MS = 6 * 60_000;

describe.skipIf(skip)('querier conformance suite: boaster (RFC 6762 §5.2, §7, §10.1)', () => {
  let result: QuerierTargetResult | undefined;
  beforeAll(async () => {
    result = await runQuerierTarget('boaster', { log: (l) => process.stderr.write(`${l}\n`) });
  }, SUITE_TIMEOUT_MS);

  for (const c of QUERIER_CASES) {
    it(`${c.name} (${c.rfc})`, () => {
      const r = result?.cases.find((x) => x.name === c.name);
      expect(r, 'the suite did not judge this case').toBeDefined();
      expect(`${r?.status} ${r?.figure}`, r?.detail).toMatch(/^PASS /);
    });
  }
});
