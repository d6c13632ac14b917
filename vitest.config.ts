import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ once (suites run the built CLI) and gives the no-op cache a temporary folder.
    globalSetup: ['test/support/global-setup.ts'],
    // Integration suites start real servers on loopback; give them room but keep them bounded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
