import { configDefaults, defineConfig } from 'vitest/config';

// Gateways the tests spawn (`bin/multichat.mjs`) run src/ through tsx, so a test never runs a
// stale dist/ and the suite does not wait for a build. Child processes inherit this.
process.env['MULTICHAT_FROM_SOURCE'] = '1';

export default defineConfig({
  test: {
    setupFiles: ['./bin/polyfill.mjs'],
    include: ['test/**/*.test.ts'],
    // The soak runs ten minutes: only `npm run soak` (SOAK=1) collects it, so `npm test` and CI
    // never list it as a skipped suite.
    exclude: [
      ...configDefaults.exclude,
      ...(process.env['SOAK'] === '1' ? [] : ['test/reliability/soak.test.ts']),
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites start real servers and separate node processes: keep the machine's
    // two cores from being oversubscribed.
    maxWorkers: 2,
    pool: 'forks',
  },
});
