/**
 * The package version for `boaster --version`: read from the package's own
 * package.json, found by walking up from this file (dist/cli.js when
 * installed, src/cli/ when run from the sources), at most a few levels.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_LEVELS = 4;

/** `boaster 0.1.0`, or `boaster (version unknown)` when no package.json of boaster is found. */
export function versionLine(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < MAX_LEVELS; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'boaster' && typeof pkg.version === 'string') return `boaster ${pkg.version}`;
    } catch {
      // no package.json here: look one level up
    }
    dir = dirname(dir);
  }
  return 'boaster (version unknown)';
}
