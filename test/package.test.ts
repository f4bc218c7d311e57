import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the published package', () => {
  it('packs, installs from the tarball, loads every entry from ESM and CJS without side effects, and compiles strict TypeScript against it', () => {
    // Builds dist/ afresh, then installs and uses the tarball as a user would (scripts/check-package.mjs).
    const out = execFileSync(process.execPath, ['scripts/check-package.mjs', '--build'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(out).toMatch(
      /package ok: boaster-[\d.]+\.tgz \d+ B .*ESM and CJS load every entry \(\d+ root exports\); strict ESM and CJS TypeScript programs compile and run; the README's Quick start compiles; the bin works/,
    );
  }, 180_000);
});
