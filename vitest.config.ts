import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['./bin/polyfill.mjs'],
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites start real servers and separate node processes: keep the machine's
    // two cores from being oversubscribed.
    maxWorkers: 2,
    pool: 'forks',
  },
});
