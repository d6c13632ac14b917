/**
 * The front half of the authorization-code grant (RFC 6749 §4.1) with PKCE (RFC 7636) and the RFC 9207 `iss`
 * check: build the authorization request, then check the redirect back. The checked result feeds the token
 * client's `authorizationCode()` as is.
 */
import { ConfigurationError, TokenClientError } from './errors.js';
import { hideSecrets, isRedacted } from './endpoint.js';
import { secureUrl } from './http.js';
import { randomToken, sha256Base64url, timingSafeEqual } from './jose.js';

/** Options of {@link buildAuthorizationRequest}. Nothing is implied: every default is named here. */
export interface AuthorizationRequestOptions {
  /** The authorization endpoint (from the document's `authorizationUrl`, or discovery). Its own query is kept. */
  authorizationEndpoint: string | URL;
  /** The OAuth client identifier (`client_id`). */
  clientId: string;
  /** Where the server sends the user back (`redirect_uri`, RFC 6749 §3.1.2); must be registered. */
  redirectUri: string;
  /** Scopes, space-delimited or a list (RFC 6749 §3.3). With `openid`, a `nonce` is generated (OIDC Core §3.1.2.1). */
  scope?: string | readonly string[];
  /**
   * The authorization server's issuer identifier. When given, the response's `iss` must equal it (RFC 9207 §2.4);
   * carried in the result so {@link parseAuthorizationResponse} checks it.
   */
  issuer?: string;
  /**
   * Refuse a response without `iss`: set it when the server's metadata says
   * `authorization_response_iss_parameter_supported: true` (RFC 9207 §3). Needs `issuer`. Default: false.
   */
  requireIssuer?: boolean;
  /** Whether to send a `nonce`. Default: true exactly when `scope` contains `openid`. */
  nonce?: boolean;
  /**
   * More parameters (`prompt`, `login_hint`, `resource`, `dpop_jkt`, …); `undefined` values are skipped. The
   * parameters this function sets (`response_type`, `client_id`, `redirect_uri`, `scope`, `state`, `nonce`,
   * `code_challenge`, `code_challenge_method`) cannot be overridden: naming one throws.
   */
  extraParameters?: Record<string, string | undefined>;
  /** `http:` is refused for hosts other than loopback unless this is `true`. */
  allowInsecureHttp?: boolean;
}

/**
 * A built authorization request: send the user to `url`, and keep the rest (server-side session, or
 * `sessionStorage`) to check the redirect with {@link parseAuthorizationResponse}. `codeVerifier` is a secret:
 * inspecting or `JSON.stringify`-ing this object shows it as `[REDACTED]`, so persist the members explicitly.
 */
export interface AuthorizationRequest {
  /** Where to send the user agent. */
  url: URL;
  /** The generated `state` (256 bits, base64url): CSRF protection of the redirect (RFC 6749 §10.12). */
  state: string;
  /** The generated PKCE verifier (RFC 7636 §4.1), sent only with the code exchange. Secret. */
  codeVerifier: string;
  /** The generated `nonce` to compare with the ID token's (OIDC Core §3.1.3.7), when one was sent. */
  nonce?: string;
  /** The redirect URI, sent again with the code exchange (RFC 6749 §4.1.3). */
  redirectUri: string;
  /** The expected issuer, when given. */
  issuer?: string;
  /** Whether a response without `iss` is refused. */
  requireIssuer?: boolean;
}

const RESERVED = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
];

/**
 * Builds an authorization request for the code flow (RFC 6749 §4.1.1) with PKCE S256 (RFC 7636 §4.3): a fresh
 * `state`, code verifier and, for OpenID Connect, `nonce`, all from WebCrypto's CSPRNG.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 * @throws {ConfigurationError} on a missing client id or redirect URI, an endpoint that is not absolute
 * http(s) (or `http:` to a remote host without `allowInsecureHttp`), a reserved extra parameter, or
 * `requireIssuer` without `issuer`.
 * @example
 * const request = await buildAuthorizationRequest({ authorizationEndpoint, clientId, redirectUri, scope: 'openid' });
 * session.oauth = { state: request.state, codeVerifier: request.codeVerifier, redirectUri: request.redirectUri };
 * redirect(request.url);
 */
export async function buildAuthorizationRequest(options: AuthorizationRequestOptions): Promise<AuthorizationRequest> {
  const fail = (problem: string): never => {
    throw new ConfigurationError(`buildAuthorizationRequest: ${problem}`);
  };
  const { clientId, redirectUri, issuer, requireIssuer, extraParameters = {} } = options;
  if (!clientId) fail('clientId is required');
  if (!redirectUri) fail('redirectUri is required');
  if (requireIssuer && !issuer) fail('requireIssuer needs issuer');
  const url = secureUrl(
    `${options.authorizationEndpoint}`,
    options.allowInsecureHttp,
    'buildAuthorizationRequest: ',
    'authorizationEndpoint',
  );
  url.hash = '';
  const reserved = Object.keys(extraParameters).filter((name) => RESERVED.includes(name));
  if (reserved.length) fail(`extraParameters cannot set ${reserved.join(', ')}: this function sets them`);
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  const state = randomToken();
  const codeVerifier = randomToken(); // 43 characters of the unreserved set (RFC 7636 §4.1)
  const wantsNonce = options.nonce ?? (scope ?? '').split(' ').includes('openid');
  const nonce = wantsNonce ? randomToken() : undefined;
  const params = url.searchParams;
  // RFC 6749 §3.1: the endpoint's own query is kept; `set` replaces any value of ours it had.
  params.set('response_type', 'code');
  params.set('client_id', clientId);
  params.set('redirect_uri', redirectUri);
  if (scope) params.set('scope', scope);
  else params.delete('scope');
  params.set('state', state);
  if (nonce) params.set('nonce', nonce);
  else params.delete('nonce');
  params.set('code_challenge', await sha256Base64url(codeVerifier));
  params.set('code_challenge_method', 'S256');
  for (const [name, value] of Object.entries(extraParameters)) if (value !== undefined) params.set(name, value);
  const request: AuthorizationRequest = {
    url,
    state,
    codeVerifier,
    redirectUri,
    ...(nonce ? { nonce } : {}),
    ...(issuer ? { issuer } : {}),
    ...(requireIssuer ? { requireIssuer } : {}),
  };
  return hideSecrets(request, ['codeVerifier']);
}

/** What {@link parseAuthorizationResponse} compares the redirect with: what the request was built with. */
export interface ExpectedAuthorizationResponse {
  /** The `state` sent (compared in constant time). */
  state: string;
  /** The PKCE verifier, passed through to the result for the code exchange. */
  codeVerifier: string;
  /** The redirect URI, passed through to the result for the code exchange. */
  redirectUri: string;
  /** The issuer the response's `iss` must equal (RFC 9207 §2.4). */
  issuer?: string;
  /** Refuse a response without `iss` (RFC 9207 §2.4, when metadata advertises it). Needs `issuer`. */
  requireIssuer?: boolean;
}

/**
 * A checked authorization response: exactly the parameters of the token client's `authorizationCode()`
 * (`code`, `redirectUri`, `codeVerifier`). Inspection and JSON show the code and verifier as `[REDACTED]`.
 */
export interface AuthorizationResponse {
  /** The authorization code (RFC 6749 §4.1.2). Secret, single use. */
  code: string;
  /** The redirect URI of the request. */
  redirectUri: string;
  /** The PKCE verifier of the request. Secret. */
  codeVerifier: string;
  /** The `iss` the server sent, if any (RFC 9207). */
  iss?: string;
}

/** Why an authorization response was refused before any of its content was trusted. */
export type InvalidAuthorizationResponseReason =
  'state_mismatch' | 'issuer_mismatch' | 'issuer_missing' | 'code_and_error' | 'code_missing' | 'repeated_parameter';

/**
 * The redirect back is not a valid authorization response for this request: wrong or missing `state` (possible
 * CSRF, RFC 6749 §10.12), wrong or missing `iss` (possible mix-up attack, RFC 9207 §2.4), both `code` and
 * `error`, no `code`, or a parameter given twice (RFC 6749 §3.1). Do not retry with the same request; start over.
 */
export class InvalidAuthorizationResponseError extends TokenClientError {
  /** What is wrong. */
  declare readonly reason: InvalidAuthorizationResponseReason;
  constructor(reason: InvalidAuthorizationResponseReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/**
 * The authorization server redirected back with an error (RFC 6749 §4.1.2.1), e.g. `access_denied` when the user
 * declined. Its `state` (and `iss`) were checked first, so the error comes from this request's server.
 */
export class AuthorizationResponseError extends TokenClientError {
  /** The error code, e.g. `access_denied`, `login_required`. */
  declare readonly error: string;
  /** The server's human-readable explanation, if any. */
  declare readonly errorDescription: string | undefined;
  /** A page about the error, if the server named one. */
  declare readonly errorUri: string | undefined;
  constructor(error: string, errorDescription: string | undefined, errorUri: string | undefined) {
    super(`The authorization server answered ${error}${errorDescription ? `: ${errorDescription}` : ''}`);
    this.error = error;
    this.errorDescription = errorDescription;
    this.errorUri = errorUri;
  }
}

/**
 * Checks the redirect back from the authorization endpoint (RFC 6749 §4.1.2), in this order: no parameter
 * repeated; `iss` equals `expected.issuer` when the server sent one or `requireIssuer` (RFC 9207 §2.4, also for
 * error responses, since a mix-up attacker can forge those too); `state` equals the one sent (constant-time);
 * not both `code` and `error`; then an `error` becomes an {@link AuthorizationResponseError}. Parameters are
 * read from the query, or from the fragment when the query has none (`response_mode=fragment`).
 * @param callbackUrl The full URL the user agent was redirected to, or its parameters.
 * @param expected What the request was built with: pass the {@link AuthorizationRequest} (or its persisted members).
 * @returns `{ code, redirectUri, codeVerifier }` for `client.authorizationCode()`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
 * @throws {InvalidAuthorizationResponseError} when the response is not valid for this request.
 * @throws {AuthorizationResponseError} when the server answered with an error.
 * @throws {ConfigurationError} when `expected` lacks `state`/`codeVerifier`/`redirectUri` (or they were
 * persisted through JSON of the request object, which redacts the verifier).
 * @example
 * const tokens = await client.authorizationCode(parseAuthorizationResponse(request.url, session.oauth));
 */
export function parseAuthorizationResponse(
  callbackUrl: string | URL | URLSearchParams,
  expected: ExpectedAuthorizationResponse,
): AuthorizationResponse {
  for (const name of ['state', 'codeVerifier', 'redirectUri'] as const) {
    const value = expected?.[name];
    if (typeof value !== 'string' || value === '' || isRedacted(value)) {
      throw new ConfigurationError(
        `parseAuthorizationResponse: expected.${name} is ${isRedacted(value) ? 'redacted (persist the members of the request, not its JSON)' : 'missing'}`,
      );
    }
  }
  if (expected.requireIssuer && !expected.issuer) {
    throw new ConfigurationError('parseAuthorizationResponse: requireIssuer needs issuer');
  }
  const params = responseParameters(callbackUrl);
  const invalid = (reason: InvalidAuthorizationResponseReason, message: string): never => {
    throw new InvalidAuthorizationResponseError(reason, `The authorization response ${message}`);
  };
  // forEach, not keys(): the DOM lib alone (without DOM.Iterable) types URLSearchParams as not iterable.
  const names: string[] = [];
  params.forEach((_, name) => names.push(name));
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) invalid('repeated_parameter', `repeats the parameter ${repeated}`);
  const iss = params.get('iss');
  if (iss !== null || expected.requireIssuer) {
    if (iss === null) invalid('issuer_missing', 'has no iss, which the server promised to send (RFC 9207)');
    // Mix-up defence: an `iss` is refused when there is nothing to compare it with, rather than trusted.
    if (!expected.issuer)
      invalid('issuer_mismatch', 'has an iss but no expected issuer was given: pass issuer (RFC 9207)');
    if (iss !== expected.issuer)
      invalid('issuer_mismatch', 'comes from another issuer than expected (RFC 9207 iss check)');
  }
  const state = params.get('state');
  if (state === null || !timingSafeEqual(state, expected.state)) {
    invalid(
      'state_mismatch',
      `${state === null ? 'has no state' : 'has another state than the request'} (possible CSRF)`,
    );
  }
  const code = params.get('code');
  const error = params.get('error');
  if (code !== null && error !== null) invalid('code_and_error', 'carries both code and error');
  if (error !== null) {
    throw new AuthorizationResponseError(
      error,
      params.get('error_description') ?? undefined,
      params.get('error_uri') ?? undefined,
    );
  }
  if (!code) return invalid('code_missing', 'has no code');
  const response: AuthorizationResponse = {
    code,
    redirectUri: expected.redirectUri,
    codeVerifier: expected.codeVerifier,
    ...(iss !== null ? { iss } : {}),
  };
  return hideSecrets(response, ['code', 'codeVerifier']);
}

function responseParameters(callbackUrl: string | URL | URLSearchParams): URLSearchParams {
  if (callbackUrl instanceof URLSearchParams) return callbackUrl;
  let url: URL;
  try {
    url = new URL(callbackUrl);
  } catch {
    // Not the runtime's TypeError: it keeps the input, code included, in a property that inspection shows.
    throw new ConfigurationError('parseAuthorizationResponse: callbackUrl must be an absolute URL (or its parameters)');
  }
  return url.search.length > 1 || url.hash.length <= 1 ? url.searchParams : new URLSearchParams(url.hash.slice(1));
}
