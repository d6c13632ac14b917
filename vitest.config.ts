import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ once (suites run the built CLI) and gives the no-op cache a temporary folder.
    globalSetup: ['test/support/global-setup.ts'],
    // Backstops, not measurements (nothing asserts a duration): generous enough for a generate + strict compile on a
    // loaded 2-core machine (two CPU-bound processes beside the suite), still bounded.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
