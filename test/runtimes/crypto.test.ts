import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/generate-to-temp.js';
import { RUNTIMES, requireAvailable, runInRuntimes, type RuntimeName, type RuntimeResult } from './harness.js';

/**
 * Issue 13's "each module runs on Node, Deno, Bun and in Chromium (a test per runtime for the crypto parts: key
 * import, signing, JWK thumbprint)": test/oauth/portable/crypto-check.ts in each runtime (test/runtimes/harness.ts).
 * Every check must pass: all four runtimes have Ed25519 in WebCrypto (Node 20, Deno 2.9, Bun 1.4, Chromium ≥ 137).
 */
let results: Record<RuntimeName, RuntimeResult<Record<string, string>>>;
beforeAll(async () => {
  results = await runInRuntimes<Record<string, string>>(join(ROOT, 'test/runtimes/crypto.scenario.ts'));
}, 600_000);

describe.each(RUNTIMES)('the OAuth crypto in %s', (runtime) => {
  it('imports keys, signs and verifies assertions and proofs for every algorithm, and computes thumbprints', (context) => {
    const ran = requireAvailable(results[runtime], context);
    if (ran.status === 'failed') throw new Error(`${runtime}: ${ran.error.name}: ${ran.error.message}\n${ran.log}`);
    expect(Object.keys(ran.value)).toHaveLength(18);
    expect(Object.entries(ran.value).filter(([, result]) => result !== 'ok')).toEqual([]);
  });
});
