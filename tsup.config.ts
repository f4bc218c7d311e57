import { defineConfig, type Options } from 'tsup';

/** The package's entry points: the root API and its subpaths (package.json "exports"). */
const entry = {
  index: 'src/index.ts',
  wire: 'src/entries/wire.ts',
  transport: 'src/entries/transport.ts',
  testing: 'src/entries/testing.ts',
};

/** What both builds share: chunks shared between entries, declarations without `@internal`, maps without sources. */
const common: Options = {
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
};

export default defineConfig([
  // ESM: the library's entries and the command-line tool in one build, so the CLI imports the
  // library's chunks instead of bundling a second copy.
  { ...common, entry: { ...entry, cli: 'src/cli/boaster.ts' }, format: ['esm'] },
  { ...common, entry, format: ['cjs'] },
]);
