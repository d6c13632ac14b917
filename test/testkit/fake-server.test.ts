import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../generator/analyze/analyze.js';
import { loadDocument } from '../../generator/load/load.js';
import { fakeEndpointSpec } from '../../generator/emit/testing.js';
import {
  NetworkError,
  OAuthError,
  TimeoutError,
  authorizedFetch,
  createPkce,
  createTokenClient,
  createTokenSource,
  isOAuthError,
  type TokenClientOptions,
} from '../../generated/index.js';
import {
  createFakeAuthorizationServerFor as createFakeAuthorizationServer,
  type FakeAuthorizationServerOptions,
  type FakeEndpointSpec,
} from '../../templates/runtime/test-kit.js';
import { ROOT, SPEC } from '../support/generate-to-temp.js';

/**
 * The test kit's fake authorization server, described from the WealthCare document by the generator, drives the real
 * generated client through every scenario the docs promise: each grant, each client authentication method, faults
 * (retries counted, Retry-After honoured, codes never replayed), the token source and authorizedFetch.
 */
let spec: FakeEndpointSpec;
beforeAll(async () => {
  const ir = analyze(await loadDocument(SPEC, { cwd: ROOT }));
  const endpoint = ir.tokenEndpoints[0]!;
  // The generated testing.ts passes these; the runtime type must accept what the generator derives.
  spec = fakeEndpointSpec(ir, endpoint) as FakeEndpointSpec;
});

const SECRET = 'client-secret-value';
const clients: FakeAuthorizationServerOptions['clients'] = [
  { clientId: 'app', clientSecret: SECRET },
  { clientId: 'spa' },
  { clientId: 'narrow', clientSecret: SECRET, grants: ['client_credentials'], scopes: ['mbi_api'] },
];
const fast = { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 } } as const;

function setup(overrides: Partial<FakeAuthorizationServerOptions> = {}, client: Partial<TokenClientOptions> = {}) {
  const fake = createFakeAuthorizationServer(spec, {
    clients,
    users: [{ username: 'ada', password: 'pw' }],
    ...overrides,
  });
  const tokens = createTokenClient({ clientId: 'app', clientSecret: SECRET, fetch: fake.fetch, ...fast, ...client });
  return { fake, tokens };
}

describe('the fake is described by the document', () => {
  it('derives grants, required fields, methods and scopes from the IR', () => {
    expect(spec.tokenPath).toBe('/connect/token');
    expect(spec.defaultBaseUrl).toBe('https://beta.auth.wealthcare.com');
    expect(spec.grants.map((grant) => grant.grantType)).toEqual([
      'client_credentials',
      'authorization_code',
      'refresh_token',
      'password',
    ]);
    expect(spec.grants.find((grant) => grant.grantType === 'password')?.required).toEqual(['username', 'password']);
    expect(spec.grants.find((grant) => grant.grantType === 'client_credentials')?.issuesRefreshToken).toBe(false);
    expect(spec.clientAuthentication).toEqual(['client_secret_post', 'client_secret_basic', 'none']);
    expect(spec.scopes).toEqual(['bensoft_api', 'mbi_api', 'offline_access']);
  });
});

describe('grants and client authentication', () => {
  it.each(['client_secret_post', 'client_secret_basic'] as const)('client_credentials with %s', async (method) => {
    const { fake, tokens } = setup({}, { clientAuthentication: method });
    const response = await tokens.clientCredentials({ scope: ['mbi_api'] });
    expect(response.token_type).toBe('Bearer');
    expect(response.scope).toBe('mbi_api');
    expect(response).not.toHaveProperty('refresh_token');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      grantType: 'client_credentials',
      clientId: 'app',
      clientAuthentication: method,
    });
    expect(fake.introspect(response.access_token)).toMatchObject({ active: true, clientId: 'app', scope: 'mbi_api' });
  });

  it('refuses a wrong secret with invalid_client (401), a scope the document lacks with invalid_scope', async () => {
    const { tokens } = setup({}, { clientSecret: 'wrong' });
    await expect(tokens.clientCredentials()).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
    const { tokens: good } = setup();
    await expect(good.clientCredentials({ scope: 'admin' as never })).rejects.toMatchObject({ error: 'invalid_scope' });
  });

  it('limits a client to its grants and scopes', async () => {
    const { tokens } = setup({}, { clientId: 'narrow' });
    await expect(tokens.clientCredentials({ scope: 'bensoft_api' })).rejects.toMatchObject({ error: 'invalid_scope' });
    await expect(tokens.password({ username: 'ada', password: 'pw' })).rejects.toMatchObject({
      error: 'unauthorized_client',
    });
  });

  it('authorization_code with PKCE; a replayed code fails and revokes what it issued', async () => {
    const { fake, tokens } = setup();
    const pkce = await createPkce();
    const redirectUri = 'https://app.example/callback';
    const code = fake.issueAuthorizationCode({
      clientId: 'app',
      redirectUri,
      scope: 'bensoft_api offline_access',
      codeChallenge: pkce.codeChallenge,
    });
    const issued = await tokens.authorizationCode({ code, redirectUri, codeVerifier: pkce.codeVerifier });
    expect(issued.refresh_token).toEqual(expect.any(String));
    expect(issued.scope).toBe('bensoft_api offline_access');
    const replay = tokens.authorizationCode({ code, redirectUri, codeVerifier: pkce.codeVerifier });
    await expect(replay).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(fake.introspect(issued.access_token)?.active).toBe(false);
  });

  it('refuses a wrong code_verifier and a different redirect_uri', async () => {
    const { fake, tokens } = setup();
    const pkce = await createPkce();
    const issue = () =>
      fake.issueAuthorizationCode({ clientId: 'app', redirectUri: 'https://a/cb', codeChallenge: pkce.codeChallenge });
    const other = await createPkce();
    await expect(
      tokens.authorizationCode({ code: issue(), redirectUri: 'https://a/cb', codeVerifier: other.codeVerifier }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(
      tokens.authorizationCode({ code: issue(), redirectUri: 'https://b/cb', codeVerifier: pkce.codeVerifier }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a public client authenticates with none; a confidential one cannot, and none is refused where the document lacks it', async () => {
    const { fake } = setup();
    const pkce = await createPkce();
    const spa = createTokenClient({ clientId: 'spa', clientAuthentication: 'none', fetch: fake.fetch, ...fast });
    const code = fake.issueAuthorizationCode({ clientId: 'spa', codeChallenge: pkce.codeChallenge });
    await expect(spa.authorizationCode({ code, codeVerifier: pkce.codeVerifier })).resolves.toMatchObject({
      token_type: 'Bearer',
    });
    const pretender = createTokenClient({ clientId: 'app', clientAuthentication: 'none', fetch: fake.fetch, ...fast });
    await expect(pretender.clientCredentials()).rejects.toMatchObject({ error: 'invalid_client' });

    const closed = createFakeAuthorizationServer(
      { ...spec, clientAuthentication: spec.clientAuthentication.filter((method) => method !== 'none') },
      { clients },
    );
    const spaClosed = createTokenClient({
      clientId: 'spa',
      clientAuthentication: 'none',
      fetch: closed.fetch,
      ...fast,
    });
    const closedCode = closed.issueAuthorizationCode({ clientId: 'spa', codeChallenge: pkce.codeChallenge });
    await expect(
      spaClosed.authorizationCode({ code: closedCode, codeVerifier: pkce.codeVerifier }),
    ).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('refresh_token rotates: the old refresh token is refused, a wider scope too', async () => {
    const { tokens } = setup();
    const first = await tokens.password({ username: 'ada', password: 'pw', scope: 'mbi_api offline_access' });
    const second = await tokens.refreshToken({ refreshToken: first.refresh_token! });
    expect(second.refresh_token).not.toBe(first.refresh_token);
    await expect(tokens.refreshToken({ refreshToken: first.refresh_token! })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(
      tokens.refreshToken({ refreshToken: second.refresh_token!, scope: 'bensoft_api' }),
    ).rejects.toMatchObject({
      error: 'invalid_scope',
    });
  });

  it('without rotation the refresh token stays', async () => {
    const { tokens } = setup({ rotateRefreshTokens: false });
    const first = await tokens.password({ username: 'ada', password: 'pw' });
    const second = await tokens.refreshToken({ refreshToken: first.refresh_token! });
    expect(second.refresh_token).toBe(first.refresh_token);
    await expect(tokens.refreshToken({ refreshToken: first.refresh_token! })).resolves.toBeDefined();
  });

  it('password: wrong credentials are invalid_grant', async () => {
    const { tokens } = setup();
    await expect(tokens.password({ username: 'ada', password: 'nope' })).rejects.toSatisfy((e) =>
      isOAuthError(e, 'invalid_grant'),
    );
  });

  it('refuses malformed requests as RFC 6749 says: missing fields, repeated parameters, two auth methods, unknown grants', async () => {
    const { fake } = setup();
    const post = (body: string, headers: Record<string, string> = {}) =>
      fake
        .fetch(fake.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body,
        })
        .then(async (response) => ({ status: response.status, body: await response.json() }));
    const auth = `client_id=app&client_secret=${SECRET}`;
    expect(await post(`grant_type=password&username=ada&${auth}`)).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'password is missing' },
    });
    expect(await post(`grant_type=client_credentials&scope=a&scope=b&${auth}`)).toMatchObject({
      body: { error: 'invalid_request' },
    });
    expect(
      await post(`grant_type=client_credentials&${auth}`, { authorization: `Basic ${btoa(`app:${SECRET}`)}` }),
    ).toMatchObject({ body: { error: 'invalid_request' } });
    expect(await post(`grant_type=urn:x:unknown&${auth}`)).toMatchObject({ body: { error: 'unsupported_grant_type' } });
    expect(await post(`${auth}`)).toMatchObject({ body: { error: 'invalid_request' } });
  });
});

describe('faults', () => {
  it('429/503 with Retry-After are retried and honoured; the retry count shows in the records', async () => {
    const { fake, tokens } = setup();
    fake.failNext({ status: 503, retryAfter: 0, body: '<html>down</html>', headers: { 'content-type': 'text/html' } });
    fake.failNext({ status: 429, retryAfter: '0' });
    await expect(tokens.clientCredentials()).resolves.toMatchObject({ token_type: 'Bearer' });
    expect(fake.requests.map((request) => request.outcome)).toEqual([503, 429, 200]);
  });

  it('an OAuth error is never retried', async () => {
    const { fake, tokens } = setup();
    fake.failNext({ error: 'invalid_grant', errorDescription: 'revoked' });
    const error = await tokens.refreshToken({ refreshToken: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ error: 'invalid_grant', errorDescription: 'revoked' });
    expect(fake.requests).toHaveLength(1);
  });

  it('a dropped connection is retried for client_credentials but an authorization code is never replayed', async () => {
    const { fake, tokens } = setup();
    fake.failNext({ drop: true });
    await expect(tokens.clientCredentials()).resolves.toBeDefined();
    expect(fake.requests.map((request) => request.outcome)).toEqual(['dropped', 200]);

    const code = fake.issueAuthorizationCode({ clientId: 'app' });
    fake.failNext({ drop: true });
    await expect(tokens.authorizationCode({ code })).rejects.toBeInstanceOf(NetworkError);
    expect(fake.requests.filter((request) => request.grantType === 'authorization_code')).toHaveLength(1);
  });

  it('a delay longer than the timeout is a TimeoutError', async () => {
    const { fake, tokens } = setup({}, { timeoutMs: 50, retry: false });
    fake.failNext({ delayMs: 2_000 });
    await expect(tokens.clientCredentials()).rejects.toBeInstanceOf(TimeoutError);
  });

  it('a short expires_in on demand', async () => {
    const { fake, tokens } = setup();
    fake.failNext({ expiresIn: 2 });
    expect((await tokens.clientCredentials()).expires_in).toBe(2);
    expect((await tokens.clientCredentials()).expires_in).toBe(3600);
  });
});

describe('token source and resource side', () => {
  it('concurrent callers share one token request (single flight)', async () => {
    const { fake, tokens } = setup();
    const source = createTokenSource(tokens, { grant: 'client_credentials' });
    const got = await Promise.all(Array.from({ length: 5 }, () => source.getAccessToken()));
    expect(new Set(got).size).toBe(1);
    expect(fake.requests).toHaveLength(1);
  });

  it('the refresh_token source follows rotation', async () => {
    const { fake, tokens } = setup();
    const first = await tokens.password({ username: 'ada', password: 'pw' });
    const source = createTokenSource(tokens, { grant: 'refresh_token', refreshToken: first.refresh_token! });
    const a = await source.getAccessToken();
    const b = await source.getAccessToken({ forceRefresh: true });
    expect(a).not.toBe(b);
    expect(fake.requests.filter((request) => request.grantType === 'refresh_token')).toHaveLength(2);
    expect(fake.introspect(b)?.active).toBe(true);
  });

  it('authorizedFetch renews a token the resource rejects as invalid_token, once', async () => {
    const { fake, tokens } = setup();
    const source = createTokenSource(tokens, { grant: 'client_credentials', scope: 'mbi_api' });
    let resourceCalls = 0;
    const resource: typeof fetch = async (_input, init) => {
      resourceCalls++;
      return fake.checkBearer(new Headers(init?.headers).get('authorization'), 'mbi_api') ?? new Response('ok');
    };
    const api = authorizedFetch(source, resource);
    expect((await api('https://api.example/x')).status).toBe(200);
    const first = await source.getAccessToken();
    // Expired mid-flight: the source still believes the token valid, the resource does not.
    fake.expire(first);
    expect((await api('https://api.example/x')).status).toBe(200);
    expect(resourceCalls).toBe(3);
    expect(fake.requests).toHaveLength(2);
    expect(await source.getAccessToken()).not.toBe(first);
  });

  it('checkBearer answers RFC 6750 challenges', async () => {
    const { fake, tokens } = setup();
    const { access_token } = await tokens.clientCredentials({ scope: 'mbi_api' });
    expect(fake.checkBearer(`Bearer ${access_token}`, 'mbi_api')).toBeUndefined();
    expect(fake.checkBearer(`Bearer ${access_token}`, 'bensoft_api')?.status).toBe(403);
    expect(fake.checkBearer(undefined)?.status).toBe(401);
    fake.revoke(access_token);
    const revoked = fake.checkBearer(`Bearer ${access_token}`);
    expect(revoked?.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });
});

describe('plugging in', () => {
  it('as a node:http listener on 127.0.0.1: the same behaviour over a real socket, dropped connections included', async () => {
    const { fake } = setup();
    const { baseUrl, close } = await fake.listen();
    try {
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const tokens = createTokenClient({ clientId: 'app', clientSecret: SECRET, baseUrl, ...fast });
      await expect(tokens.clientCredentials()).resolves.toMatchObject({ token_type: 'Bearer' });
      fake.failNext({ drop: true });
      fake.failNext({ drop: true });
      fake.failNext({ drop: true });
      await expect(tokens.clientCredentials()).rejects.toBeInstanceOf(NetworkError);
      expect(fake.requests.map((request) => request.outcome)).toEqual([200, 'dropped', 'dropped', 'dropped']);
    } finally {
      await close();
    }
  });

  it('as MSW handlers, through the caller-supplied http/HttpResponse', async () => {
    const { fake, tokens } = setup();
    const registered: { method: string; url: string; resolver: (info: { request: Request }) => Promise<Response> }[] =
      [];
    const msw = {
      http: {
        post: (url: string, resolver: (info: { request: Request }) => Promise<Response>) =>
          registered.push({ method: 'POST', url, resolver }),
        get: (url: string, resolver: (info: { request: Request }) => Promise<Response>) =>
          registered.push({ method: 'GET', url, resolver }),
      },
      HttpResponse: { error: () => Response.error() },
    };
    fake.mswHandlers(msw);
    // The token endpoint, and the authorization endpoint the document infers (x-wealthcare-inferred).
    expect(registered.map((handler) => `${handler.method} ${handler.url}`)).toEqual([
      'POST https://beta.auth.wealthcare.com/connect/token',
      'GET https://beta.auth.wealthcare.com/connect/authorize',
    ]);
    const viaMsw = createTokenClient({
      clientId: 'app',
      clientSecret: SECRET,
      ...fast,
      fetch: (input, init) => registered[0]!.resolver({ request: new Request(input, init) }),
    });
    await expect(viaMsw.clientCredentials()).resolves.toMatchObject({ token_type: 'Bearer' });
    void tokens;
  });
});

describe('secrets', () => {
  it('recorded requests print and serialise without secrets', async () => {
    const { fake, tokens } = setup({}, { clientAuthentication: 'client_secret_basic' });
    const issued = await tokens.password({ username: 'ada', password: 'pw' });
    await tokens.refreshToken({ refreshToken: issued.refresh_token! });
    const printed = inspect(fake.requests, { depth: 10 }) + JSON.stringify(fake.requests);
    for (const secret of [SECRET, 'pw', issued.refresh_token!, btoa(`app:${SECRET}`)]) {
      expect(printed).not.toContain(secret);
    }
    expect(fake.requests[0]!.form.password).toBe('pw'); // still readable for assertions
  });
});
