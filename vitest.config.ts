import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Lab tests create network namespaces and start real daemons; give them room.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: keep lab-heavy files from starving each other.
    maxWorkers: 2,
  },
});
