import { configDefaults, defineConfig } from 'vitest/config';

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
          exclude: [...configDefaults.exclude, 'test/conformance/**', 'test/hardening/flood.lab.test.ts'],
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
    ],
  },
});
