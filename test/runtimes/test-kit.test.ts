import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/generate-to-temp.js';
import { RUNTIMES, requireAvailable, runInRuntimes, type RuntimeName, type RuntimeResult } from './harness.js';

/**
 * The test kit's claim "works under Node, Deno, Bun and in Chromium (the fetch form)", tested: the generated
 * WealthCare client against the generated fake, in each runtime (test/runtimes/harness.ts).
 */
let results: Record<RuntimeName, RuntimeResult<Record<string, unknown>>>;
beforeAll(async () => {
  results = await runInRuntimes<Record<string, unknown>>(join(ROOT, 'test/runtimes/test-kit.scenario.ts'));
}, 600_000);

describe.each(RUNTIMES)('the test kit in %s', (runtime) => {
  it('fakes the token endpoint: faults, basic auth, PKCE, single-use codes, the authorization endpoint, single flight', (context) => {
    const ran = requireAvailable(results[runtime], context);
    if (ran.status === 'failed') throw new Error(`${runtime}: ${ran.error.name}: ${ran.error.message}\n${ran.log}`);
    expect(ran.value).toEqual({
      scope: 'mbi_api',
      outcomes: [503, 200],
      basic: 'client_secret_basic',
      refresh: true,
      replay: 'invalid_grant',
      revokedByReplay: true,
      authorizeFlow: 'user',
      singleFlight: true,
    });
  });
});
