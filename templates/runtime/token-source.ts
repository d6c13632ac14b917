/*
 * The token source: one access token kept valid for many callers (single flight, renewal before expiry, refresh
 * token rotation, re-authentication), and `authorizedFetch`. Nothing here depends on the document: grants.ts
 * declares which grants a source can use (`TokenSourceGrant`) and passes the renewal step, a call of the document's
 * grant helper, to {@link createTokenSourceCore} (its `createTokenSource`).
 */
import { AbortError, TokenClientError } from './errors.js';
import { isOAuthError, type RequestOptions } from './client.js';
import type { TokenResponse } from './models.js';
import type { DPoP } from './dpop.js';

/**
 * Tokens as an application stores them between runs: plain, serialisable data (`JSON.stringify` it into your
 * secret storage; it holds tokens, so never log it). The expiry is `expiresAt`, or else `expiresIn` counted from
 * `obtainedAt` (from the moment the tokens are handed to the source when `obtainedAt` is absent). Without either,
 * the access token is treated as non-expiring: it is used until {@link TokenSource.invalidate} or a 401.
 */
export interface StoredTokens {
  /** The access token. */
  accessToken?: string;
  /** As the server sent it, e.g. `Bearer`. Absent means bearer. */
  tokenType?: string;
  /** When the access token expires, in epoch milliseconds; absent when the server gave no `expires_in`. */
  expiresAt?: number;
  /** The token response's `expires_in`, in seconds; only read when `expiresAt` is absent. */
  expiresIn?: number;
  /** When the tokens were received, in epoch milliseconds. */
  obtainedAt?: number;
  /** The refresh token, the latest one when the server rotates them. */
  refreshToken?: string;
  /** The scopes granted, space-delimited, when the server said. */
  scope?: string;
}

/**
 * The source's tokens were rejected for good (`invalid_grant` on refresh, or no refresh token at all): the user or
 * application must authenticate again, then seed the source with {@link TokenSource.setTokens}. Until then every
 * {@link TokenSource.getAccessToken} call rejects with it, without a request.
 */
export class ReauthenticationRequiredError extends TokenClientError {}

/** An API call would send a token that is not a bearer token (token types are compared case-insensitively). */
export class UnsupportedTokenTypeError extends TokenClientError {}

/**
 * Revokes tokens at the authorization server for {@link TokenSource.signOut}: `revokeTokens` of revocation.ts with
 * the document's revocation endpoint and the client's authentication, e.g.
 * `(tokens) => revokeTokens(tokens, { endpoint, clientAuthentication })`. It should revoke the refresh token first,
 * then the access token (RFC 7009 §2.1), attempt both, and throw when either failed, without a token in the error.
 */
export type TokenRevoker = (tokens: { refreshToken?: string; accessToken?: string }) => Promise<void>;

/** The options of a token source besides its grant (grants.ts's `TokenSourceOptions` adds the grant). */
export interface TokenSourceSettings {
  /**
   * A token with this many seconds or fewer left is renewed before use. Default: 30. For tokens that live less
   * than twice as long, half their lifetime (from `obtainedAt`) is used instead, so short-lived tokens are still reused.
   */
  skewSeconds?: number;
  /** The clock, in epoch milliseconds. Default: `Date.now` (inject a fake one in tests). */
  clock?: () => number;
  /**
   * Called with the new tokens after every fetch or refresh, before callers get the token: persist rotated
   * refresh tokens here. If it throws, the callers of that fetch get its error (the tokens are kept in memory).
   */
  onTokens?: (tokens: StoredTokens) => void | Promise<void>;
  /** Tokens from storage to start with (see {@link tokensFromResponse}). */
  initialTokens?: StoredTokens;
  /** Options for every token request the source makes (timeout, retry). */
  requestOptions?: Omit<RequestOptions, 'signal'>;
}

/** An always-valid access token: fetched once, shared by concurrent callers, renewed in time. */
export interface TokenSource {
  /**
   * The current access token, fetching or renewing it when it has `skewSeconds` or less left (a token without an
   * expiry is kept until invalidated). Concurrent callers share one request; a cache hit returns the same settled
   * promise every time. A `signal` aborts only this caller's wait, never the shared request. `forceRefresh`
   * fetches even when the token looks fresh (or joins the request already under way).
   * @throws {ReauthenticationRequiredError} when the refresh token was rejected; the source stays cleared.
   * @throws {AbortError} when `signal` aborts this caller's wait.
   * @throws {TokenClientError} subclasses from the token request (network, server, OAuth errors); nothing is cached.
   */
  getAccessToken(options?: { signal?: AbortSignal; forceRefresh?: boolean }): Promise<string>;
  /**
   * Forgets the access token (not the refresh token): the next call fetches or renews. With `rejectedToken`, only
   * when that is still the current token, so that many requests failing with the same token renew it once.
   */
  invalidate(rejectedToken?: string): void;
  /** A copy of the current tokens, for storage; undefined when the source holds none. */
  getTokens(): StoredTokens | undefined;
  /**
   * Replaces the tokens (e.g. after the user signed in again) and clears a pending re-authentication. A request
   * under way keeps serving its callers but no longer changes the source.
   */
  setTokens(tokens: StoredTokens): void;
  /**
   * Signs out: the source forgets its tokens at once, then `revoke` revokes them at the server (RFC 7009), refresh
   * token first. Clearing comes first and happens whatever revocation does, so no caller gets the old tokens again:
   * a refresh_token source then rejects {@link TokenSource.getAccessToken} with
   * {@link ReauthenticationRequiredError} until {@link TokenSource.setTokens} (the `refreshToken` option is not used
   * again); a client_credentials source fetches a new token. A token request under way is awaited and what it
   * returns is revoked too (its callers still get its access token, which the server then rejects); it no longer
   * changes the source, nor reaches `onTokens`. Storage that `onTokens` wrote is the application's to clear. Without `revoke` (or a document without a revocation endpoint) the tokens
   * stay valid at the server until they expire. The revocation code is a parameter so that an application that never
   * revokes does not bundle it.
   * @param revoke e.g. `(tokens) => revokeTokens(tokens, { endpoint, clientAuthentication })`.
   * @throws what `revoke` threw (the first failure, after every revocation was attempted), once the source is
   * cleared: the tokens may still be valid at the server until they expire.
   * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
   */
  signOut(revoke?: TokenRevoker): Promise<void>;
}

/**
 * Converts a token response into {@link StoredTokens}, with `obtainedAt` = `now` and `expiresAt` computed from
 * `expires_in` (absent when the server sent none).
 * @param now Epoch milliseconds. Default: `Date.now()`.
 */
export function tokensFromResponse(response: TokenResponse, now: number = Date.now()): StoredTokens {
  // Read through RFC 6749 §5.1 names: the document's TokenResponse may leave some of them out.
  const {
    expires_in: expiresIn,
    refresh_token: refreshToken,
    scope,
  } = response as { expires_in?: unknown; refresh_token?: unknown; scope?: unknown };
  return {
    accessToken: response.access_token,
    tokenType: response.token_type,
    ...(typeof expiresIn === 'number' ? { expiresAt: now + expiresIn * 1000 } : {}),
    obtainedAt: now,
    ...(typeof refreshToken === 'string' ? { refreshToken } : {}),
    ...(typeof scope === 'string' ? { scope } : {}),
  };
}

/**
 * One token request of a source: the call of the document's grant helper for the source's grant (grants.ts builds
 * it). `refreshToken` is the token to renew with when the grant is `refresh_token`, undefined otherwise.
 */
export type TokenRenewal = (
  refreshToken: string | undefined,
  requestOptions: Omit<RequestOptions, 'signal'>,
) => Promise<TokenResponse>;

/**
 * The token source behind grants.ts's `createTokenSource`: `renew` makes one token request, this decides when (single
 * flight, expiry with skew, re-authentication) and keeps the refresh token chain. With `grant: 'refresh_token'` it
 * passes the current refresh token to `renew` and turns `invalid_grant` into {@link ReauthenticationRequiredError}.
 */
export function createTokenSourceCore(
  renew: TokenRenewal,
  options: TokenSourceSettings & { grant: string; refreshToken?: string },
): TokenSource {
  const clock = options.clock ?? Date.now;
  const skewMs = (options.skewSeconds ?? 30) * 1000;
  let tokens: StoredTokens | undefined;
  // The cache hit path returns this very promise: no allocation per call while the token is fresh.
  let cached: Promise<string> | undefined;
  let freshUntil = 0;
  let inFlight: Promise<string> | undefined;
  let reauthentication: ReauthenticationRequiredError | undefined;
  // Bumped by setTokens() and signOut(): a request started before no longer changes the source when it completes.
  let generation = 0;
  // The token requests under way (more than one only after setTokens()): signOut() revokes what they return.
  const underway = new Set<Promise<TokenResponse>>();

  const adopt = (next: StoredTokens | undefined): void => {
    tokens = next;
    cached = next?.accessToken !== undefined ? Promise.resolve(next.accessToken) : undefined;
    freshUntil =
      next?.accessToken === undefined
        ? 0
        : next.expiresAt === undefined
          ? Infinity
          : next.expiresAt - effectiveSkew(next);
  };
  const effectiveSkew = (next: StoredTokens): number =>
    next.obtainedAt !== undefined && next.expiresAt !== undefined
      ? Math.min(skewMs, Math.max(0, (next.expiresAt - next.obtainedAt) / 2))
      : skewMs;
  /** A copy of stored tokens with `expiresAt` resolved from `expiresIn` when needed. */
  const normalise = (seed: StoredTokens): StoredTokens => {
    const copy = { ...seed };
    if (copy.expiresAt === undefined && copy.expiresIn !== undefined) {
      copy.obtainedAt ??= clock();
      copy.expiresAt = copy.obtainedAt + copy.expiresIn * 1000;
    }
    return copy;
  };
  adopt(options.initialTokens ? normalise(options.initialTokens) : undefined);
  const renewing = options.grant === 'refresh_token';

  const request = async (): Promise<TokenResponse> => {
    const requestOptions = options.requestOptions ?? {};
    if (!renewing) return renew(undefined, requestOptions);
    const epoch = generation;
    const refreshToken = tokens?.refreshToken ?? (reauthentication || epoch > 0 ? undefined : options.refreshToken);
    if (refreshToken === undefined)
      throw new ReauthenticationRequiredError('No refresh token: authenticate again and call setTokens()');
    try {
      return await renew(refreshToken, requestOptions);
    } catch (error) {
      if (!isOAuthError(error, 'invalid_grant')) throw error;
      const rejected = new ReauthenticationRequiredError(
        'The refresh token was rejected (invalid_grant): authenticate again',
        { cause: error },
      );
      if (epoch === generation) {
        adopt(undefined);
        reauthentication = rejected;
      }
      throw rejected;
    }
  };

  const fetchTokens = async (): Promise<string> => {
    const epoch = generation;
    const answer = request();
    underway.add(answer);
    const response = await answer.finally(() => underway.delete(answer));
    if (epoch !== generation) return response.access_token;
    const next = tokensFromResponse(response, clock());
    // A server that rotates sends a new refresh token; one that does not leaves the current one valid.
    if (next.refreshToken === undefined && tokens?.refreshToken !== undefined) next.refreshToken = tokens.refreshToken;
    if (next.refreshToken === undefined && renewing && options.refreshToken !== undefined && epoch === 0)
      next.refreshToken = options.refreshToken;
    adopt(next);
    await options.onTokens?.({ ...next });
    return response.access_token;
  };

  const source: TokenSource = {
    getAccessToken(callOptions) {
      if (cached !== undefined && callOptions?.forceRefresh !== true && clock() < freshUntil) return cached;
      if (reauthentication !== undefined) return Promise.reject(reauthentication);
      if (callOptions?.signal?.aborted)
        return Promise.reject(new AbortError('The request was aborted by the caller', { mayHaveReachedServer: false }));
      let shared = inFlight;
      if (shared === undefined) {
        const started: Promise<string> = fetchTokens().finally(() => {
          if (inFlight === started) inFlight = undefined;
        });
        // Callers who gave up (aborted) leave no unhandled rejection behind.
        started.catch(() => undefined);
        inFlight = shared = started;
      }
      return callOptions?.signal === undefined ? shared : abortable(shared, callOptions.signal);
    },
    invalidate(rejectedToken) {
      if (rejectedToken !== undefined && rejectedToken !== tokens?.accessToken) return;
      cached = undefined;
      freshUntil = 0;
    },
    getTokens() {
      return tokens === undefined ? undefined : { ...tokens };
    },
    setTokens(next) {
      generation += 1;
      inFlight = undefined;
      reauthentication = undefined;
      adopt(normalise(next));
    },
    async signOut(revoke) {
      generation += 1;
      inFlight = undefined;
      reauthentication = undefined;
      const held = tokens;
      const pending = [...underway];
      adopt(undefined);
      if (revoke === undefined) return;
      // Newest first: a request under way may hold the refresh token a rotating server now honours.
      const sessions = [
        ...(await Promise.all(pending.map((answer) => answer.then(tokensFromResponse, () => undefined)))),
        held,
      ];
      const revoked = new Set<string>();
      const once = (token: string | undefined): string | undefined =>
        token === undefined || revoked.has(token) ? undefined : (revoked.add(token), token);
      let failure: { error: unknown } | undefined;
      for (const session of sessions) {
        const refreshToken = once(session?.refreshToken);
        const accessToken = once(session?.accessToken);
        if (refreshToken === undefined && accessToken === undefined) continue;
        try {
          await revoke({
            ...(refreshToken === undefined ? {} : { refreshToken }),
            ...(accessToken === undefined ? {} : { accessToken }),
          });
        } catch (error) {
          failure ??= { error };
        }
      }
      if (failure) throw failure.error;
    },
  };
  // Inspection shows the state, never the tokens.
  const describe = () => ({
    grant: options.grant,
    hasAccessToken: tokens?.accessToken !== undefined,
    hasRefreshToken: tokens?.refreshToken !== undefined,
    expiresAt: tokens?.expiresAt,
    reauthenticationRequired: reauthentication !== undefined,
  });
  for (const key of ['nodejs.util.inspect.custom', 'Deno.customInspect'])
    Object.defineProperty(source, Symbol.for(key), { value: describe, enumerable: false });
  return Object.freeze(source);
}

/** Waits for `shared` unless `signal` fires first; the shared request goes on for the other callers. */
function abortable<T>(shared: Promise<T>, signal: AbortSignal): Promise<T> {
  // The shared request is under way: it may have reached the server.
  if (signal.aborted)
    return Promise.reject(new AbortError('The request was aborted by the caller', { mayHaveReachedServer: true }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(new AbortError('The request was aborted by the caller', { mayHaveReachedServer: true }));
    signal.addEventListener('abort', onAbort, { once: true });
    shared.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Wraps fetch so that every request carries `Authorization: Bearer <token>` from the source (other headers, method,
 * body and signal pass through). On a 401 whose `WWW-Authenticate` says `error="invalid_token"`, it invalidates the
 * token that was rejected, renews it once and sends the request once more, when the request can be sent again (no
 * streamed body: no `ReadableStream` body, no `Request` with a body). The second answer is returned whatever it is:
 * it never loops.
 * With `dpop` (the instance the token client used) and tokens of type `DPoP`, it sends `Authorization: DPoP <token>`
 * and a fresh proof carrying the token's hash (`ath`, RFC 9449 §7.1), keeps the resource's nonce, and answers its
 * `use_dpop_nonce` challenge once (RFC 9449 §9).
 * @param fetchImpl Default: `globalThis.fetch`.
 * @param dpop The DPoP key the tokens are bound to.
 * @throws {UnsupportedTokenTypeError} when the server issued a token type other than bearer, or DPoP without `dpop`
 * (compared case-insensitively).
 * @throws {TokenClientError} subclasses from {@link TokenSource.getAccessToken}, and whatever `fetchImpl` throws.
 * @example
 * const api = authorizedFetch(source); // the source of createTokenSource
 * const response = await api(resourceUrl);
 */
export function authorizedFetch(
  source: TokenSource,
  fetchImpl: typeof fetch = globalThis.fetch,
  dpop?: DPoP,
): typeof fetch {
  return async (input, init) => {
    const signal = init?.signal ?? undefined;
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    let bound = false;
    const send = async (token: string): Promise<Response> => {
      const headers = new Headers(input instanceof Request ? input.headers : undefined);
      new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
      headers.set('authorization', `${bound ? 'DPoP' : 'Bearer'} ${token}`);
      if (bound) headers.set('dpop', await dpop!.proof({ method, url, accessToken: token }));
      const response = await fetchImpl(input, { ...init, headers });
      if (bound) dpop!.rememberNonce(url, response);
      return response;
    };
    const bearer = async (): Promise<string> => {
      const token = await source.getAccessToken(signal === undefined ? undefined : { signal });
      const tokenType = source.getTokens()?.tokenType?.toLowerCase();
      bound = dpop !== undefined && tokenType === 'dpop';
      if (tokenType !== undefined && tokenType !== 'bearer' && !bound)
        throw new UnsupportedTokenTypeError(
          `Token type ${JSON.stringify(source.getTokens()?.tokenType)} cannot be sent as a bearer token`,
        );
      return token;
    };
    const token = await bearer();
    let response = await send(token);
    const replayable = !(input instanceof Request && input.body !== null) && !(init?.body instanceof ReadableStream);
    // RFC 9449 §9: the resource wants a nonce (remembered by send); one more request with a new proof.
    if (
      bound &&
      replayable &&
      response.status === 401 &&
      /\buse_dpop_nonce\b/.test(response.headers.get('www-authenticate') ?? '')
    ) {
      await response.body?.cancel();
      response = await send(token);
    }
    if (
      response.status !== 401 ||
      !replayable ||
      !/\binvalid_token\b/i.test(response.headers.get('www-authenticate') ?? '')
    )
      return response;
    await response.body?.cancel();
    source.invalidate(token);
    return send(await bearer());
  };
}
