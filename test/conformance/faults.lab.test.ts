/**
 * The suite catches faults (issue 5): boaster with deliberate faults
 * (faults.ts, a test-only Transport wrapper; shipped code is untouched) must
 * FAIL exactly the case each fault breaks, while a control case still passes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { labGate } from '../lab/availability.js';
import { FAULTS, type FaultName } from './faults.js';
import { runTarget, type TargetResult } from './suite.js';

const skip = labGate(['dig', 'tshark'], 'fault injection into the conformance suite');
const RUN_TIMEOUT_MS = 6 * 60_000;

/**
 * Faults that run together (they break different rules), with a case that
 * must still PASS beside them. `slow-replies` (unique-reply-timing) is left
 * to on-demand runs: it would need a basic scenario of its own.
 */
const RUNS: readonly { faults: FaultName[]; control?: string }[] = [
  {
    faults: ['probe-two', 'no-cache-flush', 'ignore-known-answers', 'legacy-ttl', 'chatty', 'case-sensitive'],
    control: 'unique-reply-timing',
  },
  { faults: ['no-goodbye'] },
];

describe.skipIf(skip)('conformance suite: deliberately broken boaster', () => {
  for (const run of RUNS) {
    describe(`faults ${run.faults.join(', ')}`, () => {
      let result: TargetResult | undefined;
      beforeAll(async () => {
        const cases = [...run.faults.map((f) => FAULTS[f].case), ...(run.control ? [run.control] : [])];
        result = await runTarget('boaster', { cases, faults: run.faults, log: (l) => process.stderr.write(`${l}\n`) });
      }, RUN_TIMEOUT_MS);

      for (const fault of run.faults) {
        const { case: name, says } = FAULTS[fault];
        it(`${fault} makes ${name} FAIL, for that reason`, () => {
          const r = result?.cases.find((c) => c.name === name);
          expect(r?.status, r?.detail).toBe('FAIL');
          expect(r?.detail).toMatch(says);
        });
      }
      const control = run.control;
      if (control !== undefined) {
        it(`${control} still passes beside them`, () => {
          const r = result?.cases.find((c) => c.name === control);
          expect(`${r?.status}: ${r?.detail}`).toMatch(/^PASS: /);
        });
      }
    });
  }
});
