/**
 * Issue 5 in CI: every conformance case against boaster, in the lab, must
 * PASS (a WARN or a case that could not run fails too). One test per case,
 * so the report names the case that broke; the suite runs once, before them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { labGate } from '../lab/availability.js';
import { CASES } from './cases/index.js';
import { runTarget, type TargetResult } from './suite.js';

const skip = labGate(['dig', 'tshark'], 'the conformance suite against boaster');
/** Every scenario once: about six minutes on the 2-core CI machine. */
const SUITE_TIMEOUT_MS = 12 * 60_000;

describe.skipIf(skip)('conformance suite: boaster (RFC 6762 / 6763, issue 5)', () => {
  let result: TargetResult | undefined;
  beforeAll(async () => {
    result = await runTarget('boaster', { log: (l) => process.stderr.write(`${l}\n`) });
  }, SUITE_TIMEOUT_MS);

  for (const c of CASES) {
    it(`${c.name} (${c.rfc})`, () => {
      const r = result?.cases.find((x) => x.name === c.name);
      expect(r, 'the suite did not judge this case').toBeDefined();
      expect(`${r?.status} ${r?.figure}`, r?.detail).toMatch(/^PASS /);
    });
  }
});
