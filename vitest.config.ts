import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // dist/ is built once here: suites spawn the built CLI (bin/wealthcare-codegen.js).
    globalSetup: ['test/support/build-dist.ts'],
    // Integration suites start real servers on loopback; give them room but keep them bounded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
