import { defineConfig } from 'tsup';

// `npm run bundle`: the announcer and everything it uses (boaster, eventemitter3, smol-toml) in one file that a plain
// `node` runs from an empty directory: no node_modules, no TypeScript loader.
export default defineConfig({
  entry: { 'hypervisor-announcer': 'examples/hypervisor-announcer/src/main.ts' },
  outDir: 'examples/hypervisor-announcer/dist',
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  platform: 'node',
  target: 'node20',
  bundle: true,
  noExternal: [/.*/],
  splitting: false,
  sourcemap: false,
  minify: true,
  keepNames: true,
  clean: true,
  tsconfig: 'tsconfig.json',
  banner: { js: '#!/usr/bin/env node' },
});
