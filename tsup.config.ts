import { defineConfig } from 'tsup';

/** The package's entry points: the root API and its subpaths (package.json "exports"). */
const entry = {
  index: 'src/index.ts',
  wire: 'src/entries/wire.ts',
  transport: 'src/entries/transport.ts',
  testing: 'src/entries/testing.ts',
};

export default defineConfig([
  {
    // ESM: the library's entries and the command-line tool in one build, so they share chunks
    // (the CLI imports the library's code instead of bundling a second copy).
    entry: { ...entry, cli: 'src/cli/boaster.ts' },
    format: ['esm'],
    splitting: true,
    dts: { entry, compilerOptions: { stripInternal: true } },
    sourcemap: true,
    clean: false,
    target: 'node20',
    platform: 'node',
    treeshake: true,
    // Maps give positions in stack traces; the sources themselves stay out of the package.
    esbuildOptions(options) {
      options.sourcesContent = false;
    },
  },
  {
    entry,
    format: ['cjs'],
    splitting: true,
    dts: { entry, compilerOptions: { stripInternal: true } },
    sourcemap: true,
    clean: false,
    target: 'node20',
    platform: 'node',
    treeshake: true,
    esbuildOptions(options) {
      options.sourcesContent = false;
    },
  },
]);
