/*
 * The token client: one function that sends token requests to the document's token endpoint, which the generated
 * grants.ts wraps into one helper per grant. Everything document-specific (the endpoint's path, default base URL,
 * client authentication methods, secret names) arrives in a {@link TokenEndpoint} from grants.ts, so this module
 * imports only types from the document's models.ts (a typed stub beside this file stands in for it in this folder).
 */
import {
  type ErrorDetails,
  InvalidResponseError,
  NetworkError,
  ServerError,
  TokenClientError,
  UnexpectedResponseError,
  ConfigurationError,
} from './errors.js';
import {
  excerpt,
  exchange,
  fetchOf,
  formEncode,
  inspectAs,
  redactMembers,
  redactValues,
  secureUrl,
  type Redactor,
} from './http.js';
import type { OAuthErrorCode, TokenResponse } from './models.js';
// Types only: the JWT and DPoP code reaches a bundle only when the app imports privateKeyJwt, createDPoP, ….
import type { ClientAuthenticator } from './client-auth.js';
import type { DPoP } from './dpop.js';

/** How the client authenticates to the token endpoint (RFC 6749 §2.3.1; names from RFC 7591 §2). */
export type ClientAuthentication = 'client_secret_post' | 'client_secret_basic' | 'none';

/** Default timeout of one token request, in milliseconds (the whole exchange, body included). */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Default retry policy: at most 2 retries, exponential backoff with full jitter, capped. */
export const DEFAULT_RETRY: Readonly<Required<RetryOptions>> = {
  retries: 2,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** How failed token requests are retried. Retries happen only when the server cannot have used the grant. */
export interface RetryOptions {
  /** Retries after the first attempt. `0` disables retrying. */
  retries?: number;
  /** First backoff delay; each retry doubles it, and a random fraction of it is waited (full jitter). */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown instead. */
  maxRetryAfterMs?: number;
}

/** Options of `createTokenClient`. Nothing is implied: every default is named here. */
export interface TokenClientOptions {
  /** The OAuth client identifier (client_id). */
  clientId: string;
  /** The client secret; required unless `clientAuthentication` is `'none'`. Never exposed by the client. */
  clientSecret?: string;
  /**
   * How to authenticate the client. Default: the first of `SUPPORTED_CLIENT_AUTHENTICATION`, the document's
   * preferred method.
   * - `client_secret_basic`: HTTP Basic with the form-encoded id and secret (RFC 6749 §2.3.1).
   * - `client_secret_post`: `client_id` and `client_secret` in the form body.
   * - `none`: a public client; sends `client_id` only.
   * - a {@link ClientAuthenticator} function, called once per attempt (retries included) to complete its request:
   *   `privateKeyJwt({ clientId, key, algorithm })` for `private_key_jwt` (a CryptoKey or JWK; RFC 7523 §2.2,
   *   OpenID Connect Core §9) or `clientSecretJwt({ clientId, clientSecret })` for `client_secret_jwt`, which sign a
   *   fresh assertion for every attempt (servers refuse a reused `jti`). Passed in rather than named, so an app that
   *   uses neither bundles no JWT code.
   */
  clientAuthentication?: ClientAuthentication | ClientAuthenticator;
  /**
   * DPoP (RFC 9449): `createDPoP({ keyPair })`. Every attempt carries a fresh proof; a `use_dpop_nonce` answer is
   * retried exactly once with the server's nonce (not counted against `retry`: the server did not act on the
   * grant), and tokens come back with `token_type` `DPoP`, bound to the key. Share the instance with the token
   * source and resource calls: it remembers the servers' nonces.
   */
  dpop?: DPoP;
  /**
   * Base URL the token path is appended to. Default: `DEFAULT_BASE_URL`, the document's first server; required
   * when the document names no absolute server URL.
   */
  baseUrl?: string;
  /** `http:` is refused for hosts other than loopback unless this is `true` (tokens would travel in clear text). */
  allowInsecureHttp?: boolean;
  /** The fetch implementation. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Timeout of one request attempt in milliseconds. Default: {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Retry policy, or `false` for none. Default: {@link DEFAULT_RETRY}. */
  retry?: RetryOptions | false;
  /** Extra headers sent with every token request (e.g. a `User-Agent`). */
  headers?: Record<string, string>;
}

/** Per-call options of every grant helper. */
export interface RequestOptions {
  /** Aborts the request (and any backoff wait) when it fires. */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
  /** Overrides the client's retry policy for this call. */
  retry?: RetryOptions | false;
}

/**
 * When a grant may be sent again after a failure:
 * - `0`, replayable: after any failure the server reports as transient (429, 5xx) and after connection resets;
 * - `1`, not after send: only when the server cannot have acted on it (refused connection, 429, 503);
 * - `2`, single use: only when the connection was refused, since a replayed code revokes tokens (RFC 6749 §4.1.2).
 */
export type RetrySafety = 0 | 1 | 2;

/** The values a helper passes for one request: wire name → value; `undefined` is not sent. */
export type TokenParameters = Record<
  string,
  string | number | boolean | readonly (string | number | boolean)[] | undefined
>;

/**
 * Sends one token request with `grant_type` = `grantType` (with retries as `safety` allows) and returns the validated
 * response. Made by {@link tokenEndpoint}; the grant helpers of `createTokenClient` call it.
 */
export type SendTokenRequest = (
  grantType: string,
  parameters: TokenParameters,
  safety: RetrySafety,
  options?: RequestOptions,
) => Promise<TokenResponse>;

/**
 * The authorization server answered with an OAuth 2.0 error object (RFC 6749 §5.2). Decided by the body, not
 * the status: servers use 400, 401 and others for the same errors.
 */
export class OAuthError extends TokenClientError {
  /** The error code, e.g. `invalid_grant`. */
  declare readonly error: OAuthErrorCode;
  /** The server's human-readable explanation, if it sent one (known secrets redacted). */
  declare readonly errorDescription: string | undefined;
  /** A page about the error, if the server named one. */
  declare readonly errorUri: string | undefined;
  /** The `WWW-Authenticate` header of the response, if any (sent with 401 for failed client authentication). */
  declare readonly wwwAuthenticate: string | undefined;
  /** The response's `Content-Type`, if any. */
  declare readonly contentType: string | undefined;

  constructor(
    body: { error: string; error_description?: string | undefined; error_uri?: string | undefined },
    details: ErrorDetails & { status: number },
  ) {
    super(
      `The token endpoint answered ${body.error}${body.error_description ? `: ${body.error_description}` : ''} (HTTP ${details.status})`,
      details,
    );
    this.error = body.error;
    this.errorDescription = body.error_description;
    this.errorUri = body.error_uri;
  }
}

/**
 * Narrows an unknown error to an {@link OAuthError}, optionally with a given code.
 * @example
 * if (isOAuthError(e, 'invalid_grant')) startLoginAgain();
 */
export function isOAuthError<Code extends OAuthErrorCode>(
  error: unknown,
  code?: Code,
): error is OAuthError & { readonly error: Code } {
  return error instanceof OAuthError && (code === undefined || error.error === code);
}

/**
 * Checks a client's options once and returns the function that sends its token requests. The client secret lives
 * only in that function's scope: no object the client returns or throws holds it. The generated grants.ts passes
 * what the document says about its token endpoint (positional: property names would survive minification).
 * @param path Path of the token endpoint, appended to the base URL.
 * @param defaultBaseUrl The document's first absolute server URL, if it has one.
 * @param defaultAuthentication The method used unless `clientAuthentication` says otherwise: the document's first.
 * @param secretNames Names of parameters and response members whose values are credentials or tokens.
 * @throws {ConfigurationError} on a missing id or secret, a base URL that is not absolute http(s), or `http:` to a
 * remote host without `allowInsecureHttp`.
 */
export function tokenEndpoint(
  options: TokenClientOptions,
  path: string,
  defaultBaseUrl: string | undefined,
  defaultAuthentication: ClientAuthentication,
  secretNames: ReadonlySet<string>,
): SendTokenRequest {
  const prefix = 'createTokenClient: ';
  const fail = (problem: string): never => {
    throw new ConfigurationError(prefix + problem);
  };
  const { clientId, clientSecret: secret, clientAuthentication: auth = defaultAuthentication, dpop } = options;
  const custom = typeof auth == 'function';
  if (!clientId) fail('clientId is required');
  if (!custom && !/^(client_secret_(post|basic)|none)$/.test(auth))
    fail('clientAuthentication must be client_secret_basic, client_secret_post or none, or a function');
  if (!custom && auth != 'none' && !secret) fail(`clientSecret is missing: ${auth} needs it`);
  // fetch would refuse the request before sending it (a line break in a value, say): said now, once, and without
  // the value. The token client's own headers are always valid; what an authenticator adds is its business.
  try {
    new Headers(options.headers);
  } catch {
    fail('headers holds an invalid header name or value');
  }
  // Without a base URL (the document names no absolute server) the URL is not absolute: secureUrl says so.
  const baseUrl = options.baseUrl ?? defaultBaseUrl ?? '';
  const href = secureUrl(`${baseUrl.replace(/\/+$/, '')}${path}`, options.allowInsecureHttp, prefix).href;
  const fetchImpl = fetchOf(options.fetch, prefix);
  const label = `POST ${path}`;
  // Inspection of a token response (Node's util.inspect, Deno's console) shows its JSON with secret members redacted.
  const inspect = function (this: unknown): string {
    return redactMembers(JSON.stringify(this), secretNames);
  };

  return async (
    grantType,
    parameters,
    safety,
    { signal, timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS, retry = options.retry } = {},
  ) => {
    const grant = new URLSearchParams({ grant_type: grantType });
    for (const [name, value] of Object.entries(parameters)) {
      // Scopes are one space-delimited parameter (RFC 6749 §3.3); other lists repeat the parameter (form style).
      const values = [value].flat();
      if (value !== undefined)
        for (const item of name == 'scope' ? [values.join(' ')] : values) grant.append(name, `${item}`);
    }
    let form = grant;
    let headers: Record<string, string> = {};
    // Only failures redact: the known secret values of this request (the last attempt's assertion and proof
    // included), looked up when an error is built.
    const redact: Redactor = (text) =>
      redactValues(text, [secret, headers['dpop'], ...[...secretNames].flatMap((name) => form.getAll(name))]);
    for (let attempt = 0, delay: number | undefined = 0, nonceRetries = 0; ; attempt += 1) {
      // A plain record (the authenticator and DPoP write to it; fetch gets it as it is).
      headers = { ...options.headers, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
      form = new URLSearchParams(grant);
      // A fresh proof and assertion for every attempt: neither may be replayed (RFC 9449 §11.1, RFC 7523 §3). Only
      // these await: the classic methods keep the request's start synchronous. DPoP is the instance's business
      // (dpop.ts `tokenRequest`): a proof in the headers, and a check of the response that keeps its nonce.
      const dpopCheck = dpop && (await dpop.tokenRequest(href, headers));
      let dpopChallenge: boolean | undefined;
      if (custom) await auth({ url: new URL(href), body: form, headers });
      else {
        // RFC 6749 §2.3.1: Basic credentials are the form-encoded id and secret.
        if (auth == 'client_secret_basic')
          headers['authorization'] = `Basic ${btoa(`${formEncode(clientId)}:${formEncode(secret!)}`)}`;
        else form.append('client_id', clientId);
        if (auth == 'client_secret_post') form.append('client_secret', secret!);
      }
      let response: Response | undefined;
      try {
        return await exchange(
          fetchImpl,
          href,
          { method: 'POST', headers, body: `${form}`, redirect: 'manual' },
          label,
          timeoutMs,
          signal,
          redact,
          async (answer) => {
            dpopChallenge = await dpopCheck?.(answer);
            const json = interpret((response = answer), await answer.text(), redact, secretNames, tokenResponseProblem);
            return inspectAs(json, inspect) as TokenResponse;
          },
          delay,
          attempt + nonceRetries > 0,
        );
      } catch (error) {
        // RFC 9449 §8: the server wants the nonce it just sent. Exactly one more attempt, not counted as a retry.
        if (dpopChallenge && !nonceRetries++) {
          attempt -= 1;
          delay = 0;
          continue;
        }
        // `retry` undefined means the default policy; only `false` disables retrying.
        delay =
          retry !== false && attempt < (retry = { ...DEFAULT_RETRY, ...retry }).retries
            ? retryDelay(
                error as TokenClientError,
                response?.headers.get('retry-after'),
                safety,
                retry as Required<RetryOptions>,
                attempt,
              )
            : undefined;
        if (delay === undefined) throw error;
      }
    }
  };
}

/**
 * Decides by the body, not the status, for the token endpoint and the other OAuth endpoints (endpoint.ts): a success
 * status whose JSON object `problem` finds nothing wrong with is returned; an OAuth error object (RFC 6749 §5.2) is an
 * {@link OAuthError} whatever the status; anything else the error class of its status, naming what the body was. The
 * excerpt and the rest are built on failure only. Messages say "The token endpoint"; endpoint.ts renames them for the
 * other endpoints. Internal (not exported from the package index).
 * @param redact Redacts the request's secret values; `secretNames` are redacted as members of the body too.
 * @param problem What is wrong with the body's JSON object (`undefined`: not one) as a success answer, or `''`.
 * @throws {OAuthError} | {InvalidResponseError} | {UnexpectedResponseError} | {ServerError}
 */
export function interpret(
  response: Response,
  text: string,
  redact: Redactor,
  secretNames: Iterable<string>,
  problem: (json: Record<string, unknown> | undefined) => string,
): Record<string, unknown> {
  const { status, ok, headers } = response;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: json stays undefined
  }
  // The object is this client's own parse of the body: it is normalised and redacted in place rather than copied.
  const record = json instanceof Object && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const wrong = problem(record);
  if (ok && !wrong) return record!;
  const details = {
    status,
    contentType: headers.get('content-type') ?? undefined,
    bodyExcerpt: excerpt(text, (body) => redact(redactMembers(body, secretNames))),
  };
  if (typeof record?.['error'] == 'string' && !(ok && typeof record['access_token'] == 'string')) {
    for (const name of ['error', 'error_description', 'error_uri'])
      record[name] = typeof record[name] == 'string' ? redact(record[name]) : undefined;
    throw new OAuthError(record as { error: string }, {
      ...details,
      wwwAuthenticate: headers.get('www-authenticate') ?? undefined,
    });
  }
  // Not ok below 400 is a redirect (an opaque one has status 0 in browsers) that `redirect: 'manual'` left unfollowed.
  const kind = ok
    ? `an invalid response: ${wrong}`
    : status < 400
      ? 'a redirect (not followed)'
      : json !== undefined
        ? 'JSON that is not an OAuth error'
        : /^\s*</.test(text)
          ? 'an HTML page'
          : 'a non-JSON body';
  throw new (ok ? InvalidResponseError : status < 500 ? UnexpectedResponseError : ServerError)(
    `The token endpoint answered HTTP ${status} with ${kind}`,
    details,
  );
}

/**
 * Checks a token response against RFC 6749 §5.1: what is wrong with it, or `''` when nothing is. `expires_in` becomes
 * a number (or is removed when null); unknown members are kept.
 */
function tokenResponseProblem(json: Record<string, unknown> | undefined): string {
  if (!json) return 'the body is not a JSON object';
  const expiresIn = json['expires_in'];
  const seconds = typeof expiresIn == 'string' && /^\s*\d+(\.\d+)?\s*$/.test(expiresIn) ? +expiresIn : expiresIn;
  for (const name of ['access_token', 'token_type'])
    if (!json[name] || typeof json[name] != 'string') return `${name} is missing or not a non-empty string`;
  for (const name of ['refresh_token', 'scope', 'id_token'])
    if (json[name] !== undefined && typeof json[name] != 'string') return `${name} is not a string`;
  if (seconds != null && !(typeof seconds == 'number' && seconds >= 0 && seconds < Infinity))
    return 'expires_in is not a non-negative number';
  json['expires_in'] = seconds;
  if (seconds == null) delete json['expires_in'];
  return '';
}

/**
 * The delay before the next attempt, or undefined to give up. Only when the server cannot have used the grant:
 * a refused connection (any grant), 429 and 503 (all but single-use grants; OAuth error bodies only then), other 5xx
 * and connection resets (replayable grants). `Retry-After` (seconds or an HTTP date, RFC 9110 §10.2.3) wins over
 * the exponential backoff with full jitter, unless it is longer than `maxRetryAfterMs`.
 */
function retryDelay(
  error: TokenClientError,
  retryAfter: string | null | undefined,
  safety: RetrySafety,
  retry: Readonly<Required<RetryOptions>>,
  attempt: number,
): number | undefined {
  // How safe a retry is after this failure, compared with the grant's RetrySafety: 3 after a refused connection (nothing
  // was sent), 2 after 429 and 503 (the server did not act), 1 after other 5xx and connection resets.
  const level =
    error instanceof NetworkError
      ? error.mayHaveReachedServer
        ? 1
        : 3
      : error.status == 429 || error.status == 503
        ? 2
        : error instanceof ServerError
          ? 1
          : 0;
  if (!(safety < level)) return undefined;
  // Retry-After: delay-seconds, or an HTTP date (the past means now); NaN when absent or neither.
  const ms = !retryAfter
    ? NaN
    : isNaN(+retryAfter)
      ? Math.max(0, Date.parse(retryAfter) - Date.now())
      : +retryAfter * 1000;
  if (isNaN(ms)) return Math.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  return ms <= retry.maxRetryAfterMs ? ms : undefined;
}
