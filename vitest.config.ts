import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fails the run at once with "generated/ is stale: run npm run generate" when generated/ is older than the
    // generator and its runtime (test/support/global-setup.ts).
    globalSetup: ['test/support/global-setup.ts'],
    // Integration suites start real servers on loopback; give them room but keep them bounded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
