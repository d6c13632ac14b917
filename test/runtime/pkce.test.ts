import { describe, expect, it } from 'vitest';
import { computeCodeChallenge, createPkce } from '../../templates/runtime/pkce.js';

describe('PKCE (RFC 7636)', () => {
  it('matches the test vector of Appendix B', async () => {
    expect(await computeCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('creates verifiers of 43–128 unreserved characters with their S256 challenge', async () => {
    for (const length of [43, 64, 128]) {
      const pkce = await createPkce(length);
      expect(pkce.codeVerifier).toMatch(new RegExp(`^[A-Za-z0-9\\-._~]{${length}}$`));
      expect(pkce.codeChallengeMethod).toBe('S256');
      expect(pkce.codeChallenge).toBe(await computeCodeChallenge(pkce.codeVerifier));
      expect(pkce.codeChallenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    await expect(createPkce(42)).rejects.toThrow(RangeError);
    await expect(createPkce(129)).rejects.toThrow(RangeError);
  });

  it('draws from the whole alphabet and never repeats a verifier', async () => {
    const verifiers = await Promise.all(Array.from({ length: 200 }, () => createPkce(128)));
    expect(new Set(verifiers.map((p) => p.codeVerifier)).size).toBe(200);
    const seen = new Set(verifiers.flatMap((p) => [...p.codeVerifier]));
    // 25 600 draws from 66 symbols: every symbol appears unless the sampling is broken.
    expect(seen.size).toBe(66);
  });
});
