import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  ReauthenticationRequiredError,
  UnsupportedTokenTypeError,
  authorizedFetch,
  createPkce,
  createTokenClient,
  createTokenSource,
  tokensFromResponse,
  type StoredTokens,
} from '../../generated/index.js';
import { json, ok, startFaultServer } from '../support/fault-server.js';
import { OIDC_CLIENTS, REDIRECT_URI, startOidcServer, type OidcServer } from '../support/oidc-server.js';

let server: Awaited<ReturnType<typeof startFaultServer>>;
let issued = 0;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => server.close());
beforeEach(() => {
  server.reset();
  issued = 0;
});

const client = () => createTokenClient({ clientId: 'c', clientSecret: 'client-secret-value', baseUrl: server.baseUrl, retry: false, timeoutMs: 2000 });
/** Queues n successful token responses with distinct tokens. */
function tokens(n: number, extra: object = { expires_in: 3600 }) {
  for (let i = 0; i < n; i += 1) {
    issued += 1;
    server.script(ok({ access_token: `access-${issued}`, token_type: 'Bearer', refresh_token: `refresh-${issued}`, ...extra }));
  }
}
function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('createTokenSource', () => {
  it('1000 concurrent calls on a cold source make exactly 1 token request', async () => {
    tokens(1);
    server.setDelay(20);
    const source = createTokenSource(client(), { grant: 'client_credentials', scope: 'bensoft_api' });
    const results = await Promise.all(Array.from({ length: 1000 }, () => source.getAccessToken()));
    expect(new Set(results)).toEqual(new Set(['access-1']));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.form).toMatchObject({ grant_type: 'client_credentials', scope: 'bensoft_api' });
  });

  it('returns the cached token until skewSeconds before expiry, then fetches: not earlier, not later', async () => {
    tokens(2, { expires_in: 120 });
    const clock = fakeClock();
    const source = createTokenSource(client(), { grant: 'client_credentials', clock: clock.now, skewSeconds: 30 });
    expect(await source.getAccessToken()).toBe('access-1');
    clock.advance(89_999); // 30.001 s left
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.requests).toHaveLength(1);
    clock.advance(1); // exactly 30 s left
    expect(await source.getAccessToken()).toBe('access-2');
    expect(server.requests).toHaveLength(2);
  });

  it('a cache hit returns the same promise: nothing is allocated per call', async () => {
    tokens(1);
    const source = createTokenSource(client(), { grant: 'client_credentials' });
    await source.getAccessToken();
    expect(source.getAccessToken()).toBe(source.getAccessToken());
  });

  it('a slow refresh while tokens expire and callers pile up → still 1 request', async () => {
    tokens(1, { expires_in: 60 });
    const clock = fakeClock();
    const source = createTokenSource(client(), { grant: 'refresh_token', refreshToken: 'refresh-0', clock: clock.now });
    server.setDelay(100);
    const first = source.getAccessToken();
    clock.advance(59_000);
    const waves = await Promise.all([first, ...Array.from({ length: 200 }, () => source.getAccessToken())]);
    expect(new Set(waves)).toEqual(new Set(['access-1']));
    expect(server.requests).toHaveLength(1);
  });

  it('rotation: a new refresh token replaces the old one and reaches onTokens; none sent keeps the old one', async () => {
    const stored: StoredTokens[] = [];
    const clock = fakeClock();
    const source = createTokenSource(client(), { grant: 'refresh_token', refreshToken: 'refresh-0', clock: clock.now, onTokens: (t) => void stored.push(t) });
    tokens(1, { expires_in: 60 });
    await source.getAccessToken();
    expect(server.requests[0]!.form['refresh_token']).toBe('refresh-0');
    expect(source.getTokens()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: clock.now() + 60_000 });
    server.script(ok({ access_token: 'access-no-rotation', token_type: 'Bearer', expires_in: 60 }));
    clock.advance(60_000);
    await source.getAccessToken();
    expect(server.requests[1]!.form['refresh_token']).toBe('refresh-1');
    expect(source.getTokens()?.refreshToken).toBe('refresh-1');
    expect(stored.map((t) => t.refreshToken)).toEqual(['refresh-1', 'refresh-1']);
  });

  it('seeds from storage and renews with the stored refresh token', async () => {
    const clock = fakeClock();
    const source = createTokenSource(client(), { grant: 'refresh_token', clock: clock.now, initialTokens: { accessToken: 'stored-access', refreshToken: 'stored-refresh', expiresAt: clock.now() + 10_000 } });
    tokens(1);
    // 10 s left is within the 30 s skew: renew.
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.requests[0]!.form['refresh_token']).toBe('stored-refresh');
  });

  it('invalid_grant on refresh clears the source and asks for re-authentication until setTokens()', async () => {
    server.script(json(400, { error: 'invalid_grant' }));
    const source = createTokenSource(client(), { grant: 'refresh_token', refreshToken: 'revoked-refresh' });
    const error = await source.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReauthenticationRequiredError);
    expect(source.getTokens()).toBeUndefined();
    await expect(source.getAccessToken()).rejects.toBeInstanceOf(ReauthenticationRequiredError);
    expect(server.requests).toHaveLength(1);
    expect(inspect(error, { depth: 5 })).not.toContain('revoked-refresh');
    source.setTokens({ refreshToken: 'fresh-refresh' });
    tokens(1);
    expect(await source.getAccessToken()).toBe('access-1');
  });

  it("aborting one caller's wait does not break the shared request or the other callers", async () => {
    tokens(1);
    server.setDelay(100);
    const source = createTokenSource(client(), { grant: 'client_credentials' });
    const controller = new AbortController();
    const aborted = source.getAccessToken({ signal: controller.signal });
    const others = Promise.all([source.getAccessToken(), source.getAccessToken()]);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    expect(await others).toEqual(['access-1', 'access-1']);
    expect(server.requests).toHaveLength(1);
  });

  it('invalidate() and forceRefresh fetch again', async () => {
    tokens(3);
    const source = createTokenSource(client(), { grant: 'client_credentials' });
    expect(await source.getAccessToken()).toBe('access-1');
    source.invalidate();
    expect(await source.getAccessToken()).toBe('access-2');
    expect(await source.getAccessToken({ forceRefresh: true })).toBe('access-3');
  });

  it('a token without expires_in is kept until invalidated', async () => {
    tokens(1, {});
    const clock = fakeClock();
    const source = createTokenSource(client(), { grant: 'client_credentials', clock: clock.now });
    await source.getAccessToken();
    clock.advance(10 * 365 * 24 * 3600 * 1000);
    expect(await source.getAccessToken()).toBe('access-1');
    expect(server.requests).toHaveLength(1);
  });

  it('inspection shows no token', async () => {
    tokens(1);
    const source = createTokenSource(client(), { grant: 'client_credentials' });
    await source.getAccessToken();
    expect(inspect(source)).not.toContain('access-1');
    expect(inspect(source)).toContain('hasAccessToken: true');
    expect(tokensFromResponse({ access_token: 'a', token_type: 'Bearer', expires_in: 10 }, 5)).toEqual({ accessToken: 'a', tokenType: 'Bearer', expiresAt: 10_005 });
  });
});

describe('authorizedFetch', () => {
  it('adds the bearer token; on 401 invalid_token renews once and retries once; never loops', async () => {
    tokens(2);
    const source = createTokenSource(client(), { grant: 'client_credentials' });
    const api: string[] = [];
    const fakeApi: typeof fetch = async (_input, init) => {
      api.push(new Headers(init?.headers).get('authorization') ?? '');
      return new Response('{}', { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    };
    const response = await authorizedFetch(source, fakeApi)('https://api.example/members', { headers: { accept: 'application/json' } });
    expect(response.status).toBe(401);
    expect(api).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry other 401s, nor bodies that cannot be replayed', async () => {
    tokens(1);
    const source = createTokenSource(client(), { grant: 'client_credentials' });
    let calls = 0;
    const fakeApi: typeof fetch = async () => {
      calls += 1;
      return new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer realm="api"' } });
    };
    await authorizedFetch(source, fakeApi)('https://api.example/a');
    const stream = new ReadableStream({ start: (c) => c.close() });
    const invalidToken: typeof fetch = async () => {
      calls += 1;
      return new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    };
    await authorizedFetch(source, invalidToken)('https://api.example/b', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(calls).toBe(2);
  });

  it('compares token_type case-insensitively and refuses non-bearer tokens', async () => {
    server.script(ok({ access_token: 'lower', token_type: 'bearer' }));
    const okFetch: typeof fetch = async (_i, init) => new Response(new Headers(init?.headers).get('authorization'));
    const source = createTokenSource(client(), { grant: 'client_credentials' });
    expect(await (await authorizedFetch(source, okFetch)('https://api.example/')).text()).toBe('Bearer lower');
    server.script(ok({ access_token: 'mac-token', token_type: 'MAC' }));
    const macSource = createTokenSource(client(), { grant: 'client_credentials' });
    await expect(authorizedFetch(macSource, okFetch)('https://api.example/')).rejects.toBeInstanceOf(UnsupportedTokenTypeError);
  });
});

describe('against oidc-provider with rotateRefreshToken', () => {
  let oidc: OidcServer;
  beforeAll(async () => {
    oidc = await startOidcServer({ accessTokenTtlSeconds: 60 });
  });
  afterAll(async () => oidc.close());

  it('100 concurrent callers through an expiring source: no invalid_grant, and the chain stays valid', async () => {
    const { clientId, clientSecret, method } = OIDC_CLIENTS.codeBasic;
    const tokenClient = createTokenClient({ clientId, clientSecret, clientAuthentication: method, baseUrl: oidc.baseUrl, retry: false });
    const pkce = await createPkce();
    const code = await oidc.obtainAuthorizationCode({ client: OIDC_CLIENTS.codeBasic, codeChallenge: pkce.codeChallenge });
    const clock = fakeClock(Date.now());
    const first = await tokenClient.authorizationCode({ code, redirectUri: REDIRECT_URI, codeVerifier: pkce.codeVerifier });
    const rotations: string[] = [];
    const source = createTokenSource(tokenClient, {
      grant: 'refresh_token',
      clock: clock.now,
      initialTokens: tokensFromResponse(first, clock.now()),
      onTokens: (t) => void rotations.push(t.refreshToken!),
    });
    for (let round = 0; round < 3; round += 1) {
      clock.advance(61_000); // every token in hand has expired
      const results = await Promise.all(Array.from({ length: 100 }, () => source.getAccessToken()));
      expect(new Set(results).size).toBe(1);
    }
    expect(rotations).toHaveLength(3);
    expect(new Set(rotations).size).toBe(3);
    // The chain is intact: the latest refresh token still works.
    const last = await tokenClient.refreshToken({ refreshToken: source.getTokens()!.refreshToken! });
    expect(last.access_token).toEqual(expect.any(String));
  });
});
