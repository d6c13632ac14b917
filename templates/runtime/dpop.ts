/**
 * DPoP, Demonstrating Proof of Possession (RFC 9449): proofs for token requests and resource requests, the JWK
 * thumbprint of the key (RFC 7638), server nonces remembered per origin, and the one retry a `use_dpop_nonce`
 * challenge asks for. WebCrypto only; the private key is used, never exported.
 */
import { inspectAs } from './http.js';
import { base64url, epochSeconds, randomToken, sha256Base64url, signJwt, type JwsAlgorithm } from './jose.js';

/** Algorithms of DPoP keys (RFC 9449 §4.2 forbids symmetric ones). */
export type DPoPAlgorithm = Exclude<JwsAlgorithm, 'HS256'>;

/** Options of {@link createDPoP}. */
export interface DPoPOptions {
  /**
   * The key pair: a private key with usage `sign` and an extractable public key (what `crypto.subtle.generateKey`
   * returns). Keep one pair for the lifetime of the tokens it binds: a new pair cannot use them.
   */
  keyPair: CryptoKeyPair;
  /** The clock, in milliseconds since the epoch (for `iat`). Default: `Date.now`. */
  now?: () => number;
}

/** What a proof is for: the request it goes with. */
export interface DPoPProofRequest {
  /** The HTTP method, e.g. `POST` (the proof's `htm`). */
  method: string;
  /** The request URL; the proof's `htu` is it without query and fragment (RFC 9449 §4.2). */
  url: string | URL;
  /** The access token sent with a resource request: the proof then carries its hash as `ath` (RFC 9449 §4.2). */
  accessToken?: string;
  /** A nonce to use instead of the one remembered for the URL's origin. */
  nonce?: string;
}

/**
 * A DPoP key in use: makes proofs and remembers the nonces servers hand out. One per key pair; share it between
 * the token client and the resource calls so the nonces are shared too.
 */
export interface DPoP {
  /** The JWS algorithm of the key pair. */
  readonly algorithm: DPoPAlgorithm;
  /** The JWK thumbprint of the public key (RFC 7638), the `jkt` tokens are bound to (RFC 9449 §6.1). */
  thumbprint(): Promise<string>;
  /** A fresh proof (new `jti`, current `iat`) for one request attempt, with the origin's nonce if one is known. */
  proof(request: DPoPProofRequest): Promise<string>;
  /** Keeps the `DPoP-Nonce` of a response for its origin (RFC 9449 §8, §9); a response without one changes nothing. */
  rememberNonce(url: string | URL, response: Response): void;
  /** The nonce remembered for the URL's origin, if any. */
  nonceFor(url: string | URL): string | undefined;
  /**
   * Takes part in one attempt of a token request (the token client calls it, so that it knows nothing of DPoP but
   * this): sets `headers.dpop` to a fresh proof for `POST url` (RFC 9449 §5), and returns the check of that attempt's
   * response, which keeps the server's nonce and tells whether the response is a `use_dpop_nonce` challenge to
   * answer with one more attempt (RFC 9449 §8).
   */
  tokenRequest(url: string, headers: Record<string, string>): Promise<(response: Response) => Promise<boolean>>;
}

/**
 * Starts using a DPoP key pair (RFC 9449). The algorithm comes from the key: ES256 (ECDSA P-256), RS256
 * (RSASSA-PKCS1-v1_5 SHA-256), PS256 (RSA-PSS SHA-256) or EdDSA (Ed25519).
 * @see https://www.rfc-editor.org/rfc/rfc9449
 * @example
 * const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
 * const dpop = createDPoP({ keyPair });
 * @throws {TypeError} when the key pair is not one of those, or the public key is not extractable.
 */
export function createDPoP(options: DPoPOptions): DPoP {
  const { keyPair, now } = options;
  const algorithm = dpopAlgorithm(keyPair);
  if (!keyPair.privateKey.usages.includes('sign')) throw new TypeError('createDPoP: the private key must allow "sign"');
  if (!keyPair.publicKey.extractable) throw new TypeError('createDPoP: the public key must be extractable');
  let publicJwk: Promise<JsonWebKey> | undefined;
  const jwk = () => (publicJwk ??= crypto.subtle.exportKey('jwk', keyPair.publicKey).then(publicMembers));
  let thumbprint: Promise<string> | undefined;
  const nonces = new Map<string, string>();
  const origin = (url: string | URL) => new URL(url).origin;
  const dpop: DPoP = {
    algorithm,
    thumbprint: () => (thumbprint ??= jwk().then(calculateJwkThumbprint)),
    async proof({ method, url, accessToken, nonce }) {
      const target = new URL(url);
      const chosenNonce = nonce ?? nonces.get(target.origin);
      const payload = {
        jti: randomToken(),
        htm: method.toUpperCase(),
        htu: `${target.origin}${target.pathname}`,
        iat: epochSeconds(now),
        ...(chosenNonce !== undefined ? { nonce: chosenNonce } : {}),
        ...(accessToken !== undefined ? { ath: await sha256Base64url(accessToken) } : {}),
      };
      return signJwt(keyPair.privateKey, algorithm, { typ: 'dpop+jwt', jwk: await jwk() }, payload);
    },
    rememberNonce(url, response) {
      const nonce = response.headers.get('dpop-nonce');
      // RFC 9449 §8.1: the nonce is NQCHAR (printable ASCII without space and `"`, `\`).
      if (nonce && /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(nonce)) nonces.set(origin(url), nonce);
    },
    nonceFor: (url) => nonces.get(origin(url)),
    async tokenRequest(url, headers) {
      headers['dpop'] = await dpop.proof({ method: 'POST', url });
      return (response) => (dpop.rememberNonce(url, response), isDPoPNonceChallenge(response));
    },
  };
  // Inspection shows the algorithm, never key material or proofs.
  return inspectAs(dpop, () => ({ algorithm, origins: [...nonces.keys()] }));
}

function dpopAlgorithm(keyPair: CryptoKeyPair): DPoPAlgorithm {
  const algorithm = keyPair?.privateKey?.algorithm as
    { name: string; hash?: { name: string }; namedCurve?: string } | undefined;
  const sha256 = algorithm?.hash?.name === 'SHA-256';
  if (algorithm?.name === 'ECDSA' && algorithm.namedCurve === 'P-256') return 'ES256';
  if (algorithm?.name === 'RSASSA-PKCS1-v1_5' && sha256) return 'RS256';
  if (algorithm?.name === 'RSA-PSS' && sha256) return 'PS256';
  if (algorithm?.name === 'Ed25519') return 'EdDSA';
  throw new TypeError('createDPoP: the key pair must be ECDSA P-256, RSASSA-PKCS1-v1_5 or RSA-PSS SHA-256, or Ed25519');
}

/** The members of a public JWK RFC 7638 §3.2 requires per key type (and nothing private, ever). */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

function publicMembers(jwk: JsonWebKey): JsonWebKey {
  const members = THUMBPRINT_MEMBERS[jwk.kty ?? ''];
  if (!members) throw new TypeError(`DPoP: unsupported key type ${String(jwk.kty)}`);
  return Object.fromEntries(members.map((name) => [name, jwk[name as keyof JsonWebKey]])) as JsonWebKey;
}

/**
 * The JWK thumbprint (RFC 7638 §3): BASE64URL(SHA-256 of the JSON of the key's required members in
 * lexicographic order, without whitespace). Private members, if present, are ignored.
 * @see https://www.rfc-editor.org/rfc/rfc7638#section-3
 * @throws {TypeError} for a key type other than EC, RSA and OKP, or a missing member.
 */
export async function calculateJwkThumbprint(jwk: JsonWebKey): Promise<string> {
  const members = THUMBPRINT_MEMBERS[jwk.kty ?? ''];
  if (!members) throw new TypeError(`calculateJwkThumbprint: unsupported key type ${String(jwk.kty)}`);
  const required: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name as keyof JsonWebKey];
    if (typeof value !== 'string' || value === '')
      throw new TypeError(`calculateJwkThumbprint: the JWK has no ${name}`);
    required[name] = value;
  }
  // Members are listed sorted and their values are base64url or names: JSON.stringify is the canonical form.
  return base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(required))));
}

/**
 * Whether a response is a DPoP nonce challenge (RFC 9449 §8 for authorization servers: 400 with error
 * `use_dpop_nonce`; §9 for resource servers: 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"`) that
 * carries a `DPoP-Nonce`. Reads a copy of the body: the response stays readable.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export async function isDPoPNonceChallenge(response: Response): Promise<boolean> {
  if (!response.headers.get('dpop-nonce')) return false;
  if (response.status === 401) {
    return /(^|[\s,])dpop\b[^]*\berror\s*=\s*"?use_dpop_nonce"?/i.test(response.headers.get('www-authenticate') ?? '');
  }
  if (response.status !== 400) return false;
  try {
    const body = (await response.clone().json()) as { error?: unknown } | null;
    return body?.error === 'use_dpop_nonce';
  } catch {
    return false;
  }
}

/** One request for {@link fetchWithDPoP}; body and headers are copied for every attempt. */
export interface DPoPFetchRequest {
  method: string;
  url: string | URL;
  headers?: HeadersInit;
  /** A form (copied per attempt, completed by `prepare`) or a text body sent as is; both can be sent twice. */
  body?: string | URLSearchParams;
  /**
   * An access token for a resource request: sent as `Authorization: DPoP <token>` and hashed into the proof's
   * `ath` (RFC 9449 §7.1). Leave it out for token requests.
   */
  accessToken?: string;
}

/** Options of {@link fetchWithDPoP}. */
export interface DPoPFetchOptions {
  /** The fetch implementation. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Passed to every attempt. */
  signal?: AbortSignal;
  /**
   * Called for every attempt after the proof is set and before sending, with that attempt's own body and
   * headers: where client authentication goes, so a JWT assertion is fresh on the nonce retry too.
   */
  prepare?: (attempt: { url: URL; body: URLSearchParams; headers: Record<string, string> }) => Promise<void>;
}

/**
 * Sends a request with a DPoP proof (and, for resources, `Authorization: DPoP`), remembers the server's nonce,
 * and answers a nonce challenge with exactly ONE retry carrying the new nonce and a new proof (RFC 9449 §8.2,
 * §9). The last response is returned as is; a second challenge is the caller's to report.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8.2
 */
export async function fetchWithDPoP(
  dpop: DPoP,
  request: DPoPFetchRequest,
  options: DPoPFetchOptions = {},
): Promise<Response> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const url = new URL(request.url);
  if (typeof request.body === 'string' && options.prepare) {
    throw new TypeError('fetchWithDPoP: prepare needs a URLSearchParams body (it completes the form)');
  }
  for (let attempt = 0; ; attempt += 1) {
    // A record with lower-case names, the shape a ClientAuthenticator completes.
    const headers: Record<string, string> = {};
    new Headers(request.headers).forEach((value, name) => (headers[name] = value));
    const form = request.body instanceof URLSearchParams ? new URLSearchParams(request.body) : undefined;
    const { accessToken } = request;
    // Read before the proof: a concurrent request may change the origin's nonce while this one is in flight.
    const sentNonce = dpop.nonceFor(url);
    headers['dpop'] = await dpop.proof({ method: request.method, url, ...(accessToken ? { accessToken } : {}) });
    if (accessToken !== undefined) headers['authorization'] = `DPoP ${accessToken}`;
    if (options.prepare) await options.prepare({ url, body: form ?? new URLSearchParams(), headers });
    const body = form ? form.toString() : request.body;
    const response = await fetchImpl(url.href, {
      method: request.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      redirect: 'manual',
      ...(options.signal ? { signal: options.signal } : {}),
    });
    dpop.rememberNonce(url, response);
    // Retry once, and only when the server handed out a nonce other than the one this attempt carried.
    if (attempt > 0 || dpop.nonceFor(url) === sentNonce || !(await isDPoPNonceChallenge(response))) return response;
    await response.body?.cancel();
  }
}

/** The public JWK of a key pair as DPoP proofs carry it (for tests and for registering `dpop_jkt`). */
export async function exportPublicJwk(keyPair: CryptoKeyPair): Promise<JsonWebKey> {
  return publicMembers(await crypto.subtle.exportKey('jwk', keyPair.publicKey));
}
