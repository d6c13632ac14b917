import { describe, expect, it } from 'vitest';
import { runCryptoCheck } from './portable/crypto-check.js';

describe('the crypto parts on Node, in-process (every runtime: test/runtimes/crypto.test.ts)', () => {
  it('imports keys, signs and verifies assertions and proofs for every algorithm, and computes thumbprints', async () => {
    const results = await runCryptoCheck();
    expect(Object.keys(results)).toHaveLength(18);
    // Node 20 has Ed25519 in WebCrypto: nothing may be unsupported here.
    expect(Object.entries(results).filter(([, result]) => result !== 'ok')).toEqual([]);
  }, 60_000);
});
