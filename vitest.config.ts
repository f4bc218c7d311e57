import { configDefaults, defineConfig } from 'vitest/config';

/** Tests that load the machine: they run after the rest, in projects of their own. */
const LOADS_BOTH_CORES = [
  'test/hardening/flood.lab.test.ts',
  'test/hardening/fuzz.test.ts',
  'test/hardening/distinct-names.test.ts',
];

export default defineConfig({
  test: {
    // Lab tests create network namespaces and start real daemons; give them room.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: keep lab-heavy files from starving each other.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/conformance/**', ...LOADS_BOTH_CORES],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The conformance suite measures timing, and the flood test loads both cores:
        // they run after everything else, not beside it.
        extends: true,
        test: {
          name: 'conformance',
          include: ['test/conformance/**/*.test.ts', 'test/hardening/flood.lab.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        // The fuzzer's slice and the million-names memory test keep a core busy for a minute or more:
        // last, beside each other, so no timing-sensitive lab test runs next to them.
        extends: true,
        test: {
          name: 'stress',
          include: ['test/hardening/fuzz.test.ts', 'test/hardening/distinct-names.test.ts'],
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
