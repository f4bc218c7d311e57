/**
 * One lab per describe block: created before its tests, destroyed after
 * them (even when they fail).
 *
 * ```ts
 * describe.skipIf(skip)('...', () => {
 *   const lab = useLab({ hosts: 2 });
 *   it('...', async () => { lab().host(0) ... });
 * });
 * ```
 */
import { afterAll, beforeAll } from 'vitest';
import { createLab, type Lab, type LabOptions } from './lab.js';

/** Register hooks that create and destroy a lab; returns its getter. */
export function useLab(options: LabOptions, prepare?: (lab: Lab) => Promise<void>): () => Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await createLab(options);
    await prepare?.(lab);
  }, 60_000);
  afterAll(async () => {
    await lab?.destroy();
  }, 60_000);
  return () => {
    if (!lab) throw new Error('the lab was not created (see the beforeAll error above)');
    return lab;
  };
}
