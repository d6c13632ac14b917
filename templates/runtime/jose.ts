/**
 * JOSE and encoding primitives shared by the OAuth modules (client-auth, dpop, authorize): base64url, CSPRNG
 * tokens, SHA-256, constant-time comparison, key import and compact JWS signing (RFC 7515), WebCrypto only.
 * Internal: the modules re-export what users need.
 */

/** Algorithms the JWT client authentication and DPoP proofs sign with (RFC 7518 §3, RFC 8037 §3.1). */
export type JwsAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA' | 'HS256';

/** A signing key: a WebCrypto `CryptoKey` (private or HMAC), or a private/symmetric JWK (RFC 7517) imported once. */
export type SigningKey = CryptoKey | JsonWebKey;

/** Base64url without padding (RFC 7515 §2, RFC 4648 §5). */
export function base64url(input: Uint8Array | ArrayBuffer | string): string {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : new Uint8Array(input);
  let binary = '';
  // Chunks keep String.fromCharCode's argument count bounded for long inputs (RSA signatures, JSON).
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `byteLength` CSPRNG bytes as base64url: 32 bytes give 256 bits, what RFC 6749 §10.10 asks of guessable values. */
export function randomToken(byteLength = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(byteLength)));
}

/** BASE64URL(SHA-256(UTF-8(text))): the S256 code challenge (RFC 7636 §4.2) and the DPoP `ath` (RFC 9449 §4.2). */
export async function sha256Base64url(text: string): Promise<string> {
  return base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/**
 * Compares two strings in time that depends on their lengths only, never on where they differ (the `state`
 * check must not leak how much of a guess was right). Lengths are not secret: every `state` has the same one.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i % (b.length || 1));
  return difference === 0;
}

type SignParams = AlgorithmIdentifier | RsaPssParams | EcdsaParams;

/** WebCrypto import and sign parameters of each JWS algorithm. */
const ALGORITHMS: Record<JwsAlgorithm, { import: Parameters<SubtleCrypto['importKey']>[2]; sign: SignParams }> = {
  RS256: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
  // RFC 7518 §3.5: the salt is as long as the hash.
  PS256: { import: { name: 'RSA-PSS', hash: 'SHA-256' }, sign: { name: 'RSA-PSS', saltLength: 32 } },
  // WebCrypto's ECDSA signature is r‖s (IEEE P1363), exactly the JWS form (RFC 7518 §3.4): no DER conversion.
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { import: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  HS256: { import: { name: 'HMAC', hash: 'SHA-256' }, sign: { name: 'HMAC' } },
};

/** The JWS algorithm a WebCrypto key signs with, or undefined when it is none of {@link JwsAlgorithm}. */
function algorithmOfCryptoKey(key: CryptoKey): JwsAlgorithm | undefined {
  const algorithm = key.algorithm as { name: string; hash?: { name: string }; namedCurve?: string };
  const sha256 = algorithm.hash?.name === 'SHA-256';
  switch (algorithm.name) {
    case 'RSASSA-PKCS1-v1_5':
      return sha256 ? 'RS256' : undefined;
    case 'RSA-PSS':
      return sha256 ? 'PS256' : undefined;
    case 'ECDSA':
      return algorithm.namedCurve === 'P-256' ? 'ES256' : undefined;
    case 'Ed25519':
      return 'EdDSA';
    case 'HMAC':
      return sha256 ? 'HS256' : undefined;
    default:
      return undefined;
  }
}

/** The JWS algorithm of a JWK: its `alg`, else the usual one of its key type (RSA → RS256). */
function algorithmOfJwk(jwk: JsonWebKey): JwsAlgorithm | undefined {
  // Node exports Ed25519 keys with the fully-specified `alg: 'Ed25519'` (RFC 9864); JWS names it EdDSA (RFC 8037).
  if (jwk.alg === 'Ed25519') return 'EdDSA';
  if (jwk.alg !== undefined) return jwk.alg in ALGORITHMS ? (jwk.alg as JwsAlgorithm) : undefined;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'oct') return 'HS256';
  return undefined;
}

/**
 * A key ready to sign, and its algorithm. A `CryptoKey` is used as is (its algorithm decides, `algorithm` must
 * agree); a JWK is imported as non-extractable. Errors name the problem, never key material.
 * @throws {TypeError} for an unsupported key or an algorithm that does not match the key.
 */
export async function importSigningKey(
  key: SigningKey,
  algorithm: JwsAlgorithm | undefined,
  who: string,
): Promise<{ key: CryptoKey; algorithm: JwsAlgorithm }> {
  const isCryptoKey = typeof CryptoKey !== 'undefined' && key instanceof CryptoKey;
  const own = isCryptoKey ? algorithmOfCryptoKey(key) : algorithmOfJwk(key as JsonWebKey);
  const chosen = algorithm ?? own;
  if (!chosen || !(chosen in ALGORITHMS) || (isCryptoKey && own !== chosen)) {
    throw new TypeError(
      `${who}: the key does not sign with ${chosen ?? 'a supported algorithm'} (supported: RS256, PS256, ES256, EdDSA, HS256)`,
    );
  }
  if (isCryptoKey) {
    if (!(key as CryptoKey).usages.includes('sign'))
      throw new TypeError(`${who}: the key's usages must include "sign"`);
    return { key: key as CryptoKey, algorithm: chosen };
  }
  // Only the members WebCrypto needs: `alg`/`key_ops`/`use` of the JWK could contradict the chosen algorithm.
  const { alg: _alg, key_ops: _ops, use: _use, ...material } = key as JsonWebKey;
  try {
    const imported = await crypto.subtle.importKey('jwk', material, ALGORITHMS[chosen].import, false, ['sign']);
    return { key: imported, algorithm: chosen };
  } catch (cause) {
    // The cause's own text is kept out: some runtimes quote the offending member.
    throw new TypeError(`${who}: the JWK is not a private ${chosen} key WebCrypto can import`, {
      cause: { name: (cause as Error | undefined)?.name },
    });
  }
}

/** A compact JWS (RFC 7515 §7.1) of `payload` with `header` (to which `alg` is added). */
export async function signJwt(
  key: CryptoKey,
  algorithm: JwsAlgorithm,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const input = `${base64url(JSON.stringify({ ...header, alg: algorithm }))}.${base64url(JSON.stringify(payload))}`;
  const signature = await crypto.subtle.sign(ALGORITHMS[algorithm].sign, key, new TextEncoder().encode(input));
  return `${input}.${base64url(signature)}`;
}

/** Seconds since the epoch, the unit of JWT `iat`/`exp` (RFC 7519 §2 NumericDate). */
export function epochSeconds(now: () => number = Date.now): number {
  return Math.floor(now() / 1000);
}
