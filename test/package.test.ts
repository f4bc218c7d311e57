import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the published package', () => {
  it('builds ESM, CJS and types, and loads through "exports" from both module systems without side effects', () => {
    // Builds dist/ afresh, then imports it as a user would (scripts/check-package.mjs).
    const out = execFileSync(process.execPath, ['scripts/check-package.mjs', '--build'], { encoding: 'utf8', timeout: 120_000 });
    expect(out).toMatch(/package ok: ESM and CJS both load boaster \(\d+ exports\)/);
  }, 180_000);
});
