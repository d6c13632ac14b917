import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  OAuthError,
  ReauthenticationRequiredError,
  ServerError,
  TokenClientError,
  UnsupportedTokenTypeError,
  authorizedFetch,
  createPkce,
  createTokenClient,
  createTokenSource,
  isOAuthError,
  tokensFromResponse,
  type StoredTokens,
  type TokenSource,
} from '../../generated/index.js';
import { json, ok, startFaultServer, type FaultServer } from '../support/fault-server.js';
import {
  DEFAULT_REDIRECT_URI,
  OIDC_CLIENTS,
  startOidcProviderServer,
  type OidcProviderServer,
} from '../support/oidc-provider-server.js';

/**
 * The token source and authorizedFetch of the generated client, against a scripted node:http token endpoint and a
 * fake clock; then against a real oidc-provider that rotates refresh tokens. No assertion depends on timing.
 */
let server: FaultServer;
let api: FaultServer;
let issued = 0;
beforeAll(async () => {
  server = await startFaultServer();
  api = await startFaultServer({
    kind: 'respond',
    status: 401,
    body: '',
    headers: { 'www-authenticate': 'Bearer realm="api", error="invalid_token"' },
  });
});
afterAll(async () => Promise.all([server.close(), api.close()]));
beforeEach(() => {
  server.reset();
  api.reset();
  issued = 0;
});

/** Every error a test saw and every source it made, swept for the token values at the end of the file. */
const seen: unknown[] = [];
const sources: TokenSource[] = [];
const secrets = new Set([
  'client-secret-value',
  'revoked-refresh',
  'fresh-refresh',
  'stored-access',
  'stored-refresh',
  'mac-token',
  'refresh-0',
]);
const caught = <T>(promise: Promise<T>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => {
      seen.push(error);
      return error;
    },
  );
const track = (source: TokenSource): TokenSource => (sources.push(source), source);

const client = (retry: false | { retries: number; baseDelayMs: number } = false) =>
  createTokenClient({
    clientId: 'c',
    clientSecret: 'client-secret-value',
    baseUrl: server.baseUrl,
    retry,
    timeoutMs: 2000,
  });
/** Queues n successful token responses with distinct tokens (access-N, refresh-N). */
function tokens(n: number, extra: object = { expires_in: 3600 }) {
  for (let i = 0; i < n; i += 1) {
    issued += 1;
    secrets.add(`access-${issued}`).add(`refresh-${issued}`);
    server.script(
      ok({ access_token: `access-${issued}`, token_type: 'Bearer', refresh_token: `refresh-${issued}`, ...extra }),
    );
  }
}
function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('createTokenSource: caching and single flight', () => {
  it('1000 concurrent calls on a cold source make exactly 1 token request', async () => {
    tokens(1);
    server.setDelay(20);
    const source = track(createTokenSource(client(), { grant: 'client_credentials', scope: 'bensoft_api' }));
    const results = await Promise.all(Array.from({ length: 1000 }, () => source.getAccessToken()));
    expect(new Set(results)).toEqual(new Set(['access-1']));
    expect(server.attempts).toBe(1);
    expect(server.requests[0]!.form).toMatchObject({ grant_type: 'client_credentials', scope: 'bensoft_api' });
  });

  it('returns the cached token until skewSeconds before expiry, then fetches: not earlier, not later', async () => {
    tokens(2, { expires_in: 120 });
    const clock = fakeClock();
    const source = track(
      createTokenSource(client(), { grant: 'client_credentials', clock: clock.now, skewSeconds: 30 }),
    );
    expect(await source.getAccessToken()).toBe('access-1');
    clock.advance(89_999); // 30.001 s left
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.attempts).toBe(1);
    clock.advance(1); // exactly 30 s left
    expect(await source.getAccessToken()).toBe('access-2');
    expect(server.attempts).toBe(2);
  });

  it('skewSeconds is configurable (0: used until the very expiry)', async () => {
    tokens(2, { expires_in: 60 });
    const clock = fakeClock();
    const source = track(
      createTokenSource(client(), { grant: 'client_credentials', clock: clock.now, skewSeconds: 0 }),
    );
    await source.getAccessToken();
    clock.advance(59_999);
    expect(await source.getAccessToken()).toBe('access-1');
    clock.advance(1);
    expect(await source.getAccessToken()).toBe('access-2');
  });

  it('a token living less than twice the skew is reused for half its lifetime, not refetched on every call', async () => {
    tokens(2, { expires_in: 20 });
    const clock = fakeClock();
    const source = track(
      createTokenSource(client(), { grant: 'client_credentials', clock: clock.now, skewSeconds: 30 }),
    );
    await source.getAccessToken();
    clock.advance(9_999);
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.attempts).toBe(1);
    clock.advance(1);
    expect(await source.getAccessToken()).toBe('access-2');
  });

  it('a cache hit returns the same promise: nothing is allocated per call', async () => {
    tokens(1);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    await source.getAccessToken();
    const signal = new AbortController().signal;
    expect(source.getAccessToken()).toBe(source.getAccessToken());
    expect(source.getAccessToken({ signal })).toBe(source.getAccessToken());
  });

  it('a slow refresh while tokens expire and callers pile up → still 1 request', async () => {
    tokens(1, { expires_in: 60 });
    const clock = fakeClock();
    const source = track(
      createTokenSource(client(), { grant: 'refresh_token', refreshToken: 'refresh-0', clock: clock.now }),
    );
    server.setDelay(100);
    const first = source.getAccessToken();
    clock.advance(59_000);
    const waves = await Promise.all([first, ...Array.from({ length: 200 }, () => source.getAccessToken())]);
    expect(new Set(waves)).toEqual(new Set(['access-1']));
    expect(server.attempts).toBe(1);
  });

  it('callers arriving while onTokens persists slowly join the same fetch', async () => {
    tokens(1);
    const gate = deferred();
    let persisted = 0;
    const source = track(
      createTokenSource(client(), {
        grant: 'client_credentials',
        onTokens: async () => {
          persisted += 1;
          await gate.promise;
        },
      }),
    );
    const first = source.getAccessToken();
    await expect.poll(() => persisted).toBe(1);
    const later = Array.from({ length: 50 }, () => source.getAccessToken());
    gate.resolve();
    expect(new Set(await Promise.all([first, ...later]))).toEqual(new Set(['access-1']));
    expect(server.attempts).toBe(1);
  });

  it('a failed fetch reaches every waiting caller, caches nothing, and the next call tries again', async () => {
    server.script(json(503, {}));
    tokens(1);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    const errors = await Promise.all(Array.from({ length: 10 }, () => caught(source.getAccessToken())));
    expect(errors.every((e) => e instanceof ServerError)).toBe(true);
    expect(new Set(errors).size).toBe(1);
    expect(source.getTokens()).toBeUndefined();
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.attempts).toBe(2);
  });

  it('requestOptions reach the token client (retries of the source requests)', async () => {
    server.script(json(503, {}));
    tokens(1);
    const source = track(
      createTokenSource(client(), {
        grant: 'client_credentials',
        requestOptions: { retry: { retries: 1, baseDelayMs: 1 } },
      }),
    );
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.attempts).toBe(2);
  });

  it('a token without expires_in is kept until invalidated', async () => {
    tokens(2, {});
    const clock = fakeClock();
    const source = track(createTokenSource(client(), { grant: 'client_credentials', clock: clock.now }));
    await source.getAccessToken();
    clock.advance(10 * 365 * 24 * 3600 * 1000);
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.attempts).toBe(1);
    source.invalidate();
    expect(await source.getAccessToken()).toBe('access-2');
  });

  it('invalidate() and forceRefresh fetch again; invalidate(token) only drops that very token', async () => {
    tokens(4);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    expect(await source.getAccessToken()).toBe('access-1');
    source.invalidate();
    expect(await source.getAccessToken()).toBe('access-2');
    expect(await source.getAccessToken({ forceRefresh: true })).toBe('access-3');
    source.invalidate('access-2'); // stale: someone already renewed it
    expect(await source.getAccessToken()).toBe('access-3');
    source.invalidate('access-3');
    expect(await source.getAccessToken()).toBe('access-4');
    expect(server.attempts).toBe(4);
  });
});

describe('createTokenSource: refresh tokens', () => {
  it('rotation: a new refresh token replaces the old one and reaches onTokens; none sent keeps the old one', async () => {
    const stored: StoredTokens[] = [];
    const clock = fakeClock();
    const source = track(
      createTokenSource(client(), {
        grant: 'refresh_token',
        refreshToken: 'refresh-0',
        clock: clock.now,
        onTokens: (t) => void stored.push(t),
      }),
    );
    tokens(1, { expires_in: 60 });
    await source.getAccessToken();
    expect(server.requests[0]!.form['refresh_token']).toBe('refresh-0');
    expect(source.getTokens()).toEqual({
      accessToken: 'access-1',
      tokenType: 'Bearer',
      refreshToken: 'refresh-1',
      expiresAt: clock.now() + 60_000,
      obtainedAt: clock.now(),
    });
    server.script(ok({ access_token: 'access-no-rotation', token_type: 'Bearer', expires_in: 60 }));
    secrets.add('access-no-rotation');
    clock.advance(60_000);
    expect(await source.getAccessToken()).toBe('access-no-rotation');
    expect(server.requests[1]!.form['refresh_token']).toBe('refresh-1');
    expect(source.getTokens()?.refreshToken).toBe('refresh-1');
    tokens(1, { expires_in: 60 });
    clock.advance(60_000);
    await source.getAccessToken();
    expect(server.requests[2]!.form['refresh_token']).toBe('refresh-1');
    expect(stored.map((t) => t.refreshToken)).toEqual(['refresh-1', 'refresh-1', 'refresh-2']);
    expect(stored.map((t) => t.accessToken)).toEqual(['access-1', 'access-no-rotation', 'access-2']);
  });

  it('keeps the refreshToken option when the first response carries none', async () => {
    const clock = fakeClock();
    const source = track(
      createTokenSource(client(), { grant: 'refresh_token', refreshToken: 'refresh-0', clock: clock.now }),
    );
    server.script(
      ok({ access_token: 'access-a', token_type: 'Bearer', expires_in: 60 }),
      ok({ access_token: 'access-b', token_type: 'Bearer', expires_in: 60 }),
    );
    secrets.add('access-a').add('access-b');
    await source.getAccessToken();
    clock.advance(60_000);
    expect(await source.getAccessToken()).toBe('access-b');
    expect(server.requests.map((r) => r.form['refresh_token'])).toEqual(['refresh-0', 'refresh-0']);
  });

  it('seeds from storage and renews with the stored refresh token', async () => {
    const clock = fakeClock();
    const source = track(
      createTokenSource(client(), {
        grant: 'refresh_token',
        clock: clock.now,
        initialTokens: {
          accessToken: 'stored-access',
          refreshToken: 'stored-refresh',
          expiresAt: clock.now() + 10_000,
        },
      }),
    );
    tokens(1);
    // 10 s left is within the 30 s skew: renew.
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.requests[0]!.form['refresh_token']).toBe('stored-refresh');
  });

  it('seeds with expiresIn and obtainedAt, or expiresIn alone (counted from the seed)', async () => {
    const clock = fakeClock();
    const stored = { accessToken: 'stored-access', refreshToken: 'stored-refresh', expiresIn: 120 };
    const withObtained = track(
      createTokenSource(client(), {
        grant: 'refresh_token',
        clock: clock.now,
        initialTokens: { ...stored, obtainedAt: clock.now() - 89_999 },
      }),
    );
    expect(await withObtained.getAccessToken()).toBe('stored-access');
    expect(withObtained.getTokens()?.expiresAt).toBe(clock.now() + 30_001);
    const fromSeed = track(
      createTokenSource(client(), { grant: 'refresh_token', clock: clock.now, initialTokens: stored }),
    );
    clock.advance(89_999);
    expect(await fromSeed.getAccessToken()).toBe('stored-access');
    expect(server.attempts).toBe(0);
    tokens(1);
    clock.advance(1);
    expect(await fromSeed.getAccessToken()).toBe('access-1');
    // StoredTokens survive JSON: what onTokens persisted seeds a new source.
    const revived = track(
      createTokenSource(client(), {
        grant: 'refresh_token',
        clock: clock.now,
        initialTokens: JSON.parse(JSON.stringify(fromSeed.getTokens())) as StoredTokens,
      }),
    );
    expect(await revived.getAccessToken()).toBe('access-1');
    expect(server.attempts).toBe(1);
  });

  it('getTokens() returns a copy', async () => {
    const source = track(
      createTokenSource(client(), {
        grant: 'refresh_token',
        initialTokens: { accessToken: 'stored-access', refreshToken: 'stored-refresh' },
      }),
    );
    const copy = source.getTokens()!;
    copy.refreshToken = 'changed';
    expect(source.getTokens()?.refreshToken).toBe('stored-refresh');
  });

  it('invalid_grant on refresh clears the source and asks for re-authentication until setTokens()', async () => {
    server.script(json(400, { error: 'invalid_grant', error_description: 'grant revoked' }));
    const stored: StoredTokens[] = [];
    const source = track(
      createTokenSource(client(), {
        grant: 'refresh_token',
        refreshToken: 'revoked-refresh',
        onTokens: (t) => void stored.push(t),
      }),
    );
    const error = await caught(source.getAccessToken());
    expect(error).toBeInstanceOf(ReauthenticationRequiredError);
    expect(error).toBeInstanceOf(TokenClientError);
    expect(isOAuthError((error as Error).cause, 'invalid_grant')).toBe(true);
    expect(source.getTokens()).toBeUndefined();
    expect(inspect(source)).toContain('reauthenticationRequired: true');
    for (let i = 0; i < 3; i += 1)
      expect(await caught(source.getAccessToken())).toBeInstanceOf(ReauthenticationRequiredError);
    expect(await caught(source.getAccessToken({ forceRefresh: true }))).toBeInstanceOf(ReauthenticationRequiredError);
    expect(server.attempts).toBe(1);
    expect(stored).toEqual([]);
    source.setTokens({ refreshToken: 'fresh-refresh' });
    tokens(1);
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.requests[1]!.form['refresh_token']).toBe('fresh-refresh');
  });

  it('other OAuth errors on refresh (e.g. invalid_client) pass through and keep the refresh token', async () => {
    server.script(json(401, { error: 'invalid_client' }));
    const source = track(createTokenSource(client(), { grant: 'refresh_token', refreshToken: 'refresh-0' }));
    const error = await caught(source.getAccessToken());
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).not.toBeInstanceOf(ReauthenticationRequiredError);
    expect(source.getTokens()).toBeUndefined();
    tokens(1);
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.requests[1]!.form['refresh_token']).toBe('refresh-0');
  });

  it('a source without any refresh token asks for re-authentication without a request', async () => {
    const source = track(createTokenSource(client(), { grant: 'refresh_token' }));
    expect(await caught(source.getAccessToken())).toBeInstanceOf(ReauthenticationRequiredError);
    expect(server.attempts).toBe(0);
  });

  it('setTokens() during a refresh wins over that refresh, and its invalid_grant does not clear the new tokens', async () => {
    const clock = fakeClock();
    server.setDelay(50);
    server.script(json(400, { error: 'invalid_grant' }));
    const source = track(
      createTokenSource(client(), { grant: 'refresh_token', refreshToken: 'revoked-refresh', clock: clock.now }),
    );
    const pending = caught(source.getAccessToken());
    await expect.poll(() => server.attempts).toBe(1);
    source.setTokens({
      accessToken: 'stored-access',
      refreshToken: 'stored-refresh',
      expiresAt: clock.now() + 3_600_000,
    });
    expect(await pending).toBeInstanceOf(ReauthenticationRequiredError);
    expect(await source.getAccessToken()).toBe('stored-access');
    expect(source.getTokens()?.refreshToken).toBe('stored-refresh');
    // And a successful refresh that completes after setTokens() does not overwrite the new tokens either.
    tokens(1);
    source.invalidate();
    const racing = source.getAccessToken();
    await expect.poll(() => server.attempts).toBe(2);
    source.setTokens({ accessToken: 'stored-access', refreshToken: 'fresh-refresh' });
    expect(await racing).toBe('access-1');
    expect(source.getTokens()).toMatchObject({ accessToken: 'stored-access', refreshToken: 'fresh-refresh' });
  });
});

describe('createTokenSource: abort and errors', () => {
  it("aborting one caller's wait does not break the shared request or the other callers", async () => {
    tokens(1);
    server.setDelay(100);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    const controller = new AbortController();
    const aborted = caught(source.getAccessToken({ signal: controller.signal }));
    const others = Promise.all([
      source.getAccessToken(),
      source.getAccessToken({ signal: new AbortController().signal }),
    ]);
    controller.abort();
    expect(await aborted).toBeInstanceOf(AbortError);
    expect(await others).toEqual(['access-1', 'access-1']);
    expect(server.attempts).toBe(1);
    // The shared request completed and was cached: no second request.
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.attempts).toBe(1);
  });

  it('the only waiter aborting still lets the request finish and fill the cache', async () => {
    tokens(1);
    server.setDelay(50);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    const controller = new AbortController();
    const aborted = caught(source.getAccessToken({ signal: controller.signal }));
    controller.abort();
    expect(await aborted).toBeInstanceOf(AbortError);
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.attempts).toBe(1);
  });

  it('an already-aborted signal rejects at once on a cold source, without starting a request', async () => {
    tokens(1);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    expect(await caught(source.getAccessToken({ signal: AbortSignal.abort() }))).toBeInstanceOf(AbortError);
    expect(server.pending).toBe(1);
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.attempts).toBe(1);
  });

  it('onTokens throwing reaches the callers of that fetch; the tokens are kept', async () => {
    tokens(1);
    const source = track(
      createTokenSource(client(), {
        grant: 'client_credentials',
        onTokens: () => {
          throw new Error('storage full');
        },
      }),
    );
    expect(((await caught(source.getAccessToken())) as Error).message).toBe('storage full');
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.attempts).toBe(1);
  });

  it('inspection shows the state, never a token', async () => {
    tokens(1);
    const source = track(createTokenSource(client(), { grant: 'refresh_token', refreshToken: 'refresh-0' }));
    await source.getAccessToken();
    expect(inspect(source)).toContain('hasAccessToken: true');
    expect(inspect(source)).toContain('hasRefreshToken: true');
    expect(JSON.stringify(source)).toBe('{}');
    expect(tokensFromResponse({ access_token: 'a', token_type: 'Bearer', expires_in: 10 }, 5)).toEqual({
      accessToken: 'a',
      tokenType: 'Bearer',
      expiresAt: 10_005,
      obtainedAt: 5,
    });
    expect(Object.isFrozen(source)).toBe(true);
  });
});

describe('authorizedFetch', () => {
  it('adds the bearer token and passes method, headers and body through', async () => {
    tokens(1);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    api.script(ok({ members: [] }));
    const response = await authorizedFetch(source)(`${api.baseUrl}/v1/members?x=1`, {
      method: 'POST',
      headers: { 'x-trace': 't1' },
      body: 'a=b',
    });
    expect(response.status).toBe(200);
    expect(api.requests[0]).toMatchObject({ method: 'POST', path: '/v1/members?x=1', rawBody: 'a=b' });
    expect(api.requests[0]!.headers).toMatchObject({ authorization: 'Bearer access-1', 'x-trace': 't1' });
  });

  it('server always 401 invalid_token → exactly 2 API requests and 1 renewal: never loops', async () => {
    tokens(2);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    const response = await authorizedFetch(source)(`${api.baseUrl}/v1/members`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(401);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(api.requests[1]!.headers.accept).toBe('application/json');
    expect(server.attempts).toBe(2);
  });

  it('a 401 invalid_token then 200 → the renewed token is used and cached', async () => {
    tokens(2);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    api.script(
      {
        kind: 'respond',
        status: 401,
        body: '',
        headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="expired"' },
      },
      ok({}),
    );
    expect((await authorizedFetch(source)(`${api.baseUrl}/a`)).status).toBe(200);
    expect(await source.getAccessToken()).toBe('access-2');
  });

  it('many concurrent requests rejected with the same token renew it once', async () => {
    tokens(2);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    await source.getAccessToken();
    const responses = await Promise.all(Array.from({ length: 20 }, () => authorizedFetch(source)(`${api.baseUrl}/a`)));
    expect(responses.every((r) => r.status === 401)).toBe(true);
    expect(api.attempts).toBe(40);
    expect(server.attempts).toBe(2);
  });

  it('does not retry other 401s, nor bodies that cannot be replayed', async () => {
    tokens(1);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    api.script(
      { kind: 'respond', status: 401, body: '', headers: { 'www-authenticate': 'Bearer realm="api"' } },
      { kind: 'respond', status: 401, body: '' },
    );
    await authorizedFetch(source)(`${api.baseUrl}/a`);
    await authorizedFetch(source)(`${api.baseUrl}/a`);
    expect(api.attempts).toBe(2);
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('streamed')), c.close()) });
    await authorizedFetch(source)(`${api.baseUrl}/b`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    await authorizedFetch(source)(new Request(`${api.baseUrl}/c`, { method: 'POST', body: 'in a request' }));
    expect(api.attempts).toBe(4);
    expect(api.requests.map((r) => r.rawBody).slice(2)).toEqual(['streamed', 'in a request']);
    expect(server.attempts).toBe(1);
  });

  it('a Request without a body is replayed, keeping its headers', async () => {
    tokens(2);
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    await authorizedFetch(source)(new Request(`${api.baseUrl}/d`, { headers: { 'x-from-request': 'yes' } }));
    expect(api.requests.map((r) => [r.headers.authorization, r.headers['x-from-request']])).toEqual([
      ['Bearer access-1', 'yes'],
      ['Bearer access-2', 'yes'],
    ]);
  });

  it('compares token_type case-insensitively and refuses non-bearer tokens before sending anything', async () => {
    server.script(ok({ access_token: 'lower', token_type: 'bearer' }));
    const echo: typeof fetch = async (_i, init) => new Response(new Headers(init?.headers).get('authorization'));
    const source = track(createTokenSource(client(), { grant: 'client_credentials' }));
    expect(await (await authorizedFetch(source, echo)('https://api.example/')).text()).toBe('Bearer lower');
    server.script(ok({ access_token: 'mac-token', token_type: 'MAC' }));
    let sent = 0;
    const counting: typeof fetch = async () => ((sent += 1), new Response(''));
    const macSource = track(createTokenSource(client(), { grant: 'client_credentials' }));
    const error = await caught(authorizedFetch(macSource, counting)('https://api.example/'));
    expect(error).toBeInstanceOf(UnsupportedTokenTypeError);
    expect(error).toBeInstanceOf(TokenClientError);
    expect(sent).toBe(0);
  });

  it('passes token source errors through (re-authentication, abort)', async () => {
    server.script(json(400, { error: 'invalid_grant' }));
    const source = track(createTokenSource(client(), { grant: 'refresh_token', refreshToken: 'revoked-refresh' }));
    expect(await caught(authorizedFetch(source)(`${api.baseUrl}/a`))).toBeInstanceOf(ReauthenticationRequiredError);
    tokens(1);
    server.setDelay(50);
    const other = track(createTokenSource(client(), { grant: 'client_credentials' }));
    const controller = new AbortController();
    const pending = caught(authorizedFetch(other)(`${api.baseUrl}/a`, { signal: controller.signal }));
    controller.abort();
    expect(await pending).toBeInstanceOf(AbortError);
    expect(api.attempts).toBe(0);
  });
});

describe('against oidc-provider with rotateRefreshToken (test/support/oidc-provider-server.ts)', () => {
  let oidc: OidcProviderServer;
  beforeAll(async () => {
    oidc = await startOidcProviderServer({ accessTokenTtlSeconds: 60 });
  });
  afterAll(async () => oidc.close());

  const { clientId, clientSecret, authMethod } = OIDC_CLIENTS.codeBasic;
  const tokenClient = () =>
    createTokenClient({
      clientId,
      clientSecret,
      clientAuthentication: authMethod,
      baseUrl: oidc.baseUrl,
      retry: false,
    });
  const signIn = async () => {
    const pkce = await createPkce();
    const code = await oidc.obtainAuthorizationCode({ clientId, codeChallenge: pkce.codeChallenge });
    const first = await tokenClient().authorizationCode({
      code,
      redirectUri: DEFAULT_REDIRECT_URI,
      codeVerifier: pkce.codeVerifier,
    });
    secrets.add(first.access_token).add(first.refresh_token!);
    return first;
  };

  it('100 concurrent callers through an expiring source: no invalid_grant, and the chain stays valid', async () => {
    const first = await signIn();
    expect(first.refresh_token).toEqual(expect.any(String));
    const clock = fakeClock(Date.now());
    const rotations: string[] = [];
    const source = track(
      createTokenSource(tokenClient(), {
        grant: 'refresh_token',
        clock: clock.now,
        initialTokens: tokensFromResponse(first, clock.now()),
        onTokens: (t) => {
          secrets.add(t.accessToken!).add(t.refreshToken!);
          rotations.push(t.refreshToken!);
        },
      }),
    );
    for (let round = 0; round < 3; round += 1) {
      clock.advance(61_000); // every token in hand has expired
      const results = await Promise.all(Array.from({ length: 100 }, () => source.getAccessToken()));
      expect(new Set(results).size).toBe(1);
    }
    expect(rotations).toHaveLength(3);
    expect(new Set([first.refresh_token, ...rotations]).size).toBe(4);
    // The chain is intact: the latest refresh token still works.
    const last = await tokenClient().refreshToken({ refreshToken: source.getTokens()!.refreshToken! });
    secrets.add(last.access_token).add(last.refresh_token!);
    expect(last.access_token).toEqual(expect.any(String));
  });

  it('authorizedFetch: a token the resource server rejects (invalid_token) is renewed once, then the call succeeds', async () => {
    const first = await signIn();
    const source = track(
      createTokenSource(tokenClient(), {
        grant: 'refresh_token',
        initialTokens: { ...tokensFromResponse(first), accessToken: 'stored-access' },
      }),
    );
    const response = await authorizedFetch(source)(oidc.resourceUrl);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { client_id: string }).client_id).toBe(clientId);
    expect(source.getTokens()?.refreshToken).not.toBe(first.refresh_token);
    secrets.add(source.getTokens()!.accessToken!).add(source.getTokens()!.refreshToken!);
  });

  it('control: replaying a rotated refresh token (what single flight prevents) is invalid_grant and breaks the chain', async () => {
    const first = await signIn();
    const second = await tokenClient().refreshToken({ refreshToken: first.refresh_token! });
    secrets.add(second.access_token).add(second.refresh_token!);
    expect(
      isOAuthError(await caught(tokenClient().refreshToken({ refreshToken: first.refresh_token! })), 'invalid_grant'),
    ).toBe(true);
    expect(
      isOAuthError(await caught(tokenClient().refreshToken({ refreshToken: second.refresh_token! })), 'invalid_grant'),
    ).toBe(true);
    // Through a source, the same failure becomes ReauthenticationRequiredError and clears it.
    const source = track(
      createTokenSource(tokenClient(), { grant: 'refresh_token', refreshToken: second.refresh_token! }),
    );
    expect(await caught(source.getAccessToken())).toBeInstanceOf(ReauthenticationRequiredError);
    expect(source.getTokens()).toBeUndefined();
  });
});

// Runs last (tests of a file run in order): no token or secret used above appears in any error or source inspection.
it('secret sweep: no error or source inspection above shows a token or secret', () => {
  expect(seen.length).toBeGreaterThan(15);
  const views: string[] = [];
  for (const error of seen) {
    for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
      views.push(
        String(current),
        inspect(current, { depth: 10, showHidden: true }),
        JSON.stringify(current) ?? '',
        (current as Error).message ?? '',
        (current as Error).stack ?? '',
      );
      current = (current as Error).cause;
    }
  }
  for (const source of sources)
    views.push(inspect(source, { depth: 10, showHidden: true }), String(source), JSON.stringify(source));
  for (const view of views)
    for (const secret of secrets) expect(view, `a view leaks ${secret.slice(0, 12)}…`).not.toContain(secret);
});
