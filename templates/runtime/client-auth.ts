/**
 * Client authentication at the token endpoint and its siblings (revocation, introspection, device
 * authorization): RFC 6749 §2.3.1 (`client_secret_basic`, `client_secret_post`), public clients (`none`), and JWT
 * client authentication (RFC 7523 §2.2, OpenID Connect Core §9: `private_key_jwt`, `client_secret_jwt`).
 *
 * Each method is a {@link ClientAuthenticator}: a function that the sender calls once PER ATTEMPT, just before
 * sending, with that attempt's URL, form body and headers, which it completes in place. JWT methods sign a fresh
 * assertion (new `jti`, new `iat`/`exp`) on every call, so retries and DPoP nonce retries never replay one
 * (servers refuse a reused `jti`). The secret or key lives only in the function's scope.
 */
import { epochSeconds, importSigningKey, randomToken, signJwt, type JwsAlgorithm, type SigningKey } from './jose.js';

/** What a {@link ClientAuthenticator} gets to complete: one attempt's request, before it is sent. */
export interface ClientAuthenticationRequest {
  /** Where the request goes (query and fragment included as sent). */
  url: URL;
  /** The form body, to which body parameters are appended (`client_id`, `client_assertion`, …). */
  body: URLSearchParams;
  /**
   * The request headers, names in lower case, to which `authorization` may be set. A plain record rather than a
   * `Headers`: the sender hands it to fetch as is, which checks names and values where a bad one is reported as not
   * sent.
   */
  headers: Record<string, string>;
}

/**
 * Authenticates one request attempt in place. Contract for senders: build a fresh body and headers for every
 * attempt, call this once, then send; never reuse a completed body for another attempt.
 */
export type ClientAuthenticator = (request: ClientAuthenticationRequest) => Promise<void>;

/** Options common to the JWT methods (RFC 7523 §3). */
export interface JwtClientAuthenticationOptions {
  /** The client identifier: the assertion's `iss` and `sub`, and the `client_id` body parameter. */
  clientId: string;
  /**
   * The assertion's `aud`. Default: the URL the request goes to, without query and fragment — the token
   * endpoint for token requests (RFC 7523 §3 item 3, OpenID Connect Core §9). Set it to the token endpoint or the
   * issuer when a server wants that one audience at every endpoint.
   */
  audience?: string;
  /** Lifetime of an assertion in seconds (its `exp` is `iat` + this). Default: 60 — short, as it is used at once. */
  expiresInSeconds?: number;
  /** The clock, in milliseconds since the epoch. Default: `Date.now`. */
  now?: () => number;
}

/** Options of {@link privateKeyJwt}. */
export interface PrivateKeyJwtOptions extends JwtClientAuthenticationOptions {
  /**
   * The client's private key: a WebCrypto `CryptoKey` with usage `sign` (RSASSA-PKCS1-v1_5 or RSA-PSS with
   * SHA-256, ECDSA P-256, Ed25519 where the runtime has it), or a private JWK, imported once as non-extractable.
   */
  key: SigningKey;
  /** `RS256`, `PS256`, `ES256` or `EdDSA`. Default: the key's own (a JWK's `alg`, else RS256/ES256/EdDSA by type). */
  algorithm?: Exclude<JwsAlgorithm, 'HS256'>;
  /** The `kid` header, naming the key among the client's registered keys. Default: a JWK's `kid`, else none. */
  keyId?: string;
}

/** Options of {@link clientSecretJwt}. */
export interface ClientSecretJwtOptions extends JwtClientAuthenticationOptions {
  /** The client secret, the HMAC key (UTF-8 bytes). */
  clientSecret: string;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * `private_key_jwt` (OpenID Connect Core §9, RFC 7523 §2.2): a JWT signed with the client's private key, with
 * `iss` = `sub` = client id, `aud` the endpoint, a unique `jti`, `iat` and a short `exp`, sent as
 * `client_assertion` with `client_assertion_type` `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 * @example
 * const auth = privateKeyJwt({ clientId: 'my-app', key: keyPair.privateKey, keyId: 'key-2026' });
 */
export function privateKeyJwt(options: PrivateKeyJwtOptions): ClientAuthenticator {
  const keyId = options.keyId ?? (isJwk(options.key) ? options.key.kid : undefined);
  return jwtAuthentication(options, () => importSigningKey(options.key, options.algorithm, 'privateKeyJwt'), keyId);
}

/**
 * `client_secret_jwt` (OpenID Connect Core §9, RFC 7523 §2.2): like {@link privateKeyJwt}, signed with HMAC
 * SHA-256 (HS256) keyed by the client secret. The secret itself is never sent.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export function clientSecretJwt(options: ClientSecretJwtOptions): ClientAuthenticator {
  const { clientSecret } = options;
  if (!clientSecret) throw new TypeError('clientSecretJwt: clientSecret is required');
  const importKey = async () => ({
    key: await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(clientSecret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    ),
    algorithm: 'HS256' as const,
  });
  return jwtAuthentication(options, importKey, undefined);
}

function jwtAuthentication(
  options: JwtClientAuthenticationOptions,
  importKey: () => Promise<{ key: CryptoKey; algorithm: JwsAlgorithm }>,
  keyId: string | undefined,
): ClientAuthenticator {
  const { clientId, audience, expiresInSeconds = 60, now } = options;
  if (!clientId) throw new TypeError('JWT client authentication: clientId is required');
  if (!(expiresInSeconds > 0)) throw new RangeError('JWT client authentication: expiresInSeconds must be positive');
  // Imported on first use, once: a bad key fails the first request, not module load.
  let signing: Promise<{ key: CryptoKey; algorithm: JwsAlgorithm }> | undefined;
  return async ({ url, body }) => {
    signing ??= importKey();
    const { key, algorithm } = await signing;
    const iat = epochSeconds(now);
    const aud = audience ?? `${url.origin}${url.pathname}`;
    const payload = { iss: clientId, sub: clientId, aud, jti: randomToken(), iat, exp: iat + expiresInSeconds };
    const assertion = await signJwt(key, algorithm, { typ: 'JWT', ...(keyId ? { kid: keyId } : {}) }, payload);
    // client_id is optional with an assertion (RFC 7523 §3) but servers look the client up by it first.
    body.set('client_id', clientId);
    body.set('client_assertion_type', ASSERTION_TYPE);
    body.set('client_assertion', assertion);
  };
}

/**
 * `client_secret_basic` (RFC 6749 §2.3.1): `Authorization: Basic` with the form-encoded id and secret.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientSecretBasic(clientId: string, clientSecret: string): ClientAuthenticator {
  const encode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);
  // Form encoding leaves only ASCII, which btoa takes as is.
  const credentials = btoa(`${encode(clientId)}:${encode(clientSecret)}`);
  return async ({ headers }) => void (headers['authorization'] = `Basic ${credentials}`);
}

/**
 * `client_secret_post` (RFC 6749 §2.3.1): `client_id` and `client_secret` in the form body.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientSecretPost(clientId: string, clientSecret: string): ClientAuthenticator {
  return async ({ body }) => {
    body.set('client_id', clientId);
    body.set('client_secret', clientSecret);
  };
}

/**
 * A public client (`none`, RFC 7591 §2): `client_id` in the form body, no credentials (RFC 6749 §2.3, §3.2.1).
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 */
export function publicClient(clientId: string): ClientAuthenticator {
  return async ({ body }) => body.set('client_id', clientId);
}

function isJwk(key: SigningKey): key is JsonWebKey & { kid?: string } {
  return !(typeof CryptoKey !== 'undefined' && key instanceof CryptoKey);
}
