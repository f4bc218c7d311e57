import { defineConfig } from 'tsup';

export default defineConfig([
  {
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: false,
  target: 'node20',
  platform: 'node',
  treeshake: true,
  },
  {
    // The command-line tool: ESM only, no types.
    entry: { cli: 'src/cli/boaster.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node20',
    platform: 'node',
  },
]);
