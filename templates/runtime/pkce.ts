/** A PKCE verifier and its S256 challenge (RFC 7636). */
export interface Pkce {
  /** Keep it secret; send it with the authorization code exchange (`codeVerifier`). */
  codeVerifier: string;
  /** Send it with the authorization request as `code_challenge`. */
  codeChallenge: string;
  /** Send it with the authorization request as `code_challenge_method`. */
  codeChallengeMethod: 'S256';
}

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/**
 * Creates a PKCE pair with WebCrypto only: a verifier of `length` characters drawn uniformly from the RFC 7636
 * unreserved set with a CSPRNG, and its S256 challenge (RFC 7636 §4.1–4.2).
 * @param length 43 to 128 characters; default 64.
 */
export async function createPkce(length = 64): Promise<Pkce> {
  if (!Number.isInteger(length) || length < 43 || length > 128)
    throw new RangeError('PKCE verifier length must be 43..128');
  let codeVerifier = '';
  // Rejection sampling keeps the 66-character alphabet uniform: bytes ≥ 198 (3 × 66) are drawn again.
  while (codeVerifier.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 198 && codeVerifier.length < length) codeVerifier += UNRESERVED[byte % 66];
    }
  }
  return { codeVerifier, codeChallenge: await computeCodeChallenge(codeVerifier), codeChallengeMethod: 'S256' };
}

/** The S256 code challenge of a verifier: BASE64URL(SHA-256(ASCII(verifier))), without padding. */
export async function computeCodeChallenge(codeVerifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier)));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
