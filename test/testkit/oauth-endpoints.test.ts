import { inspect } from 'node:util';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizationResponseError,
  InvalidAuthorizationResponseError,
  parseAuthorizationResponse,
  type AuthorizationRequest,
  type AuthorizationRequestOptions,
} from '../../templates/runtime/authorize.js';
import { OAuthError, type RequestOptions } from '../../templates/runtime/client.js';
import { clientSecretBasic, clientSecretPost, publicClient } from '../../templates/runtime/client-auth.js';
import { pollDeviceAuthorization, requestDeviceAuthorization } from '../../templates/runtime/device.js';
import { assertTokenEndpoint, discoverAuthorizationServer } from '../../templates/runtime/discovery.js';
import { introspectToken } from '../../templates/runtime/introspection.js';
import type { TokenResponse } from '../../templates/runtime/models.js';
import { revokeToken } from '../../templates/runtime/revocation.js';
import {
  FakeAuthorizationRequestError,
  type FakeAuthorizationServer,
  type FakeAuthorizationServerOptions,
  type FakeEndpointSpec,
} from '../../templates/runtime/test-kit.js';
import { ROOT, generateToTemp, removeDir } from '../support/generate-to-temp.js';

/**
 * The fake authorization server's issue-13 endpoints (authorization, revocation, introspection, device
 * authorization, metadata), driven by the REAL generated client of test/fixtures/oauth/all-capabilities.yaml: its
 * grants.ts (token client, bound buildAuthorizationRequest, endpoint paths) and its testing.ts (the fake bound to
 * the document), with the runtime modules it copies (vitest resolves those to templates/runtime/).
 */
interface TokenClient {
  authorizationCode(
    params: { code: string; redirectUri?: string; codeVerifier?: string },
    options?: RequestOptions,
  ): Promise<TokenResponse>;
  refreshToken(params: { refreshToken: string }, options?: RequestOptions): Promise<TokenResponse>;
  clientCredentials(params?: { scope?: string }, options?: RequestOptions): Promise<TokenResponse>;
  deviceCode(params: { deviceCode: string }, options?: RequestOptions): Promise<TokenResponse>;
}
interface Generated {
  createTokenClient(options: Record<string, unknown>): TokenClient;
  buildAuthorizationRequest(
    options: Omit<AuthorizationRequestOptions, 'authorizationEndpoint'> & { authorizationEndpoint?: string },
  ): Promise<AuthorizationRequest>;
  AUTHORIZATION_ENDPOINT: string;
  REVOCATION_PATH: string;
  INTROSPECTION_PATH: string;
  DEVICE_AUTHORIZATION_PATH: string;
  DISCOVERY_ISSUER: string;
  DEFAULT_BASE_URL: string;
  TOKEN_PATH: string;
}
interface Testing {
  FAKE_ENDPOINT_SPEC: FakeEndpointSpec;
  createFakeAuthorizationServer(options: FakeAuthorizationServerOptions): FakeAuthorizationServer;
}

const SECRET = 'web-secret-value-0123456789';
const REDIRECT_URI = 'https://client.example/callback';
let dir: string;
let generated: Generated;
let testing: Testing;
beforeAll(async () => {
  const output = await generateToTemp(join(ROOT, 'test/fixtures/oauth/all-capabilities.yaml'));
  dir = output.dir;
  generated = (await import(pathToFileURL(join(dir, 'index.ts')).href)) as Generated;
  testing = (await import(pathToFileURL(join(dir, 'testing.ts')).href)) as Testing;
});
afterAll(async () => dir && removeDir(dir));

/** A fake clock shared by the fake server and the device poller: sleeping advances it. */
function clock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => (now += ms),
    sleep: async (ms: number) => void (now += ms),
  };
}

function setup(overrides: Partial<FakeAuthorizationServerOptions> = {}) {
  const fake = testing.createFakeAuthorizationServer({
    clients: [
      { clientId: 'web', clientSecret: SECRET, redirectUris: [REDIRECT_URI] },
      { clientId: 'other', clientSecret: SECRET },
      { clientId: 'tv' },
      { clientId: 'machine', clientSecret: SECRET, grants: ['client_credentials'] },
    ],
    ...overrides,
  });
  const web = generated.createTokenClient({ clientId: 'web', clientSecret: SECRET, fetch: fake.fetch });
  const endpoint = { fetch: fake.fetch, clientAuthentication: clientSecretPost('web', SECRET) };
  return { fake, web, endpoint };
}

/** The whole code flow: request, the user at the fake, the callback checked, the code exchanged. */
async function login(fake: FakeAuthorizationServer, web: TokenClient, scope = 'openid api') {
  const request = await generated.buildAuthorizationRequest({
    clientId: 'web',
    redirectUri: REDIRECT_URI,
    scope,
    issuer: fake.issuer,
  });
  const callback = await fake.authorize(request.url);
  return { request, callback, tokens: await web.authorizationCode(parseAuthorizationResponse(callback, request)) };
}

const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );

describe('the generated testing.ts describes the document’s endpoints', () => {
  it('passes the authorization, revocation, introspection, device and discovery endpoints to the fake', () => {
    expect(testing.FAKE_ENDPOINT_SPEC).toMatchObject({
      authorization: { url: 'https://id.example.test/connect/authorize', path: '/connect/authorize' },
      revocationPath: generated.REVOCATION_PATH,
      introspectionPath: generated.INTROSPECTION_PATH,
      deviceAuthorizationPath: generated.DEVICE_AUTHORIZATION_PATH,
      discovery: true,
    });
    const { fake } = setup();
    expect(fake.authorizationUrl).toBe(generated.AUTHORIZATION_ENDPOINT);
    expect(fake.revocationUrl).toBe(`${generated.DEFAULT_BASE_URL}${generated.REVOCATION_PATH}`);
    expect(fake.introspectionUrl).toBe(`${generated.DEFAULT_BASE_URL}${generated.INTROSPECTION_PATH}`);
    expect(fake.deviceAuthorizationUrl).toBe(`${generated.DEFAULT_BASE_URL}${generated.DEVICE_AUTHORIZATION_PATH}`);
  });
});

describe('authorization endpoint (RFC 6749 §4.1, RFC 7636, RFC 9207)', () => {
  it('runs the full code flow: buildAuthorizationRequest → fake.authorize → parseAuthorizationResponse → authorizationCode', async () => {
    const { fake, web } = setup();
    const { request, callback, tokens } = await login(fake, web);
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('iss')).toBe(fake.issuer);
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'openid api' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    // The code is single use: a replay is refused and revokes what it issued (RFC 6749 §4.1.2).
    const grant = parseAuthorizationResponse(callback, request);
    expect(await rejection(web.authorizationCode(grant))).toMatchObject({ error: 'invalid_grant' });
    expect(fake.introspect(tokens.access_token)?.active).toBe(false);
    expect(fake.requests.map((record) => `${record.endpoint} ${record.outcome}`)).toEqual([
      'authorization 302',
      'token 200',
      'token 400',
    ]);
  });

  it('binds the code to the PKCE challenge and the redirect URI', async () => {
    const { fake, web } = setup();
    const request = await generated.buildAuthorizationRequest({ clientId: 'web', redirectUri: REDIRECT_URI });
    const grant = parseAuthorizationResponse(await fake.authorize(request.url), { ...request, issuer: fake.issuer });
    const other = await generated.buildAuthorizationRequest({ clientId: 'web', redirectUri: REDIRECT_URI });
    expect(await rejection(web.authorizationCode({ ...grant, codeVerifier: other.codeVerifier }))).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('is refused by parseAuthorizationResponse on a state or iss mismatch, and a denial is a typed error', async () => {
    const { fake } = setup();
    const request = await generated.buildAuthorizationRequest({
      clientId: 'web',
      redirectUri: REDIRECT_URI,
      issuer: fake.issuer,
    });
    const callback = await fake.authorize(request.url);
    const stateMismatch = (() => {
      try {
        return parseAuthorizationResponse(callback, { ...request, state: 'another-state' });
      } catch (error) {
        return error;
      }
    })();
    expect(stateMismatch).toBeInstanceOf(InvalidAuthorizationResponseError);
    expect(stateMismatch).toMatchObject({ reason: 'state_mismatch' });
    expect(() => parseAuthorizationResponse(callback, { ...request, issuer: 'https://elsewhere.example' })).toThrow(
      expect.objectContaining({ reason: 'issuer_mismatch' }),
    );
    // A fake with another issuer identifier: the mix-up defence notices.
    const mixedUp = setup({ issuer: 'https://attacker.example' }).fake;
    const fromAttacker = await mixedUp.authorize(request.url);
    expect(() => parseAuthorizationResponse(fromAttacker, request)).toThrow(
      expect.objectContaining({ reason: 'issuer_mismatch' }),
    );

    const denied = await fake.authorize(request.url, { approve: false });
    expect(denied.searchParams.get('state')).toBe(request.state);
    expect(denied.searchParams.get('iss')).toBe(fake.issuer);
    expect(() => parseAuthorizationResponse(denied, request)).toThrow(AuthorizationResponseError);
    expect(() => parseAuthorizationResponse(denied, request)).toThrow(
      expect.objectContaining({ error: 'access_denied' }),
    );
  });

  it('validates the request as a server does', async () => {
    const { fake } = setup();
    const request = await generated.buildAuthorizationRequest({ clientId: 'web', redirectUri: REDIRECT_URI });
    const edited = (change: (params: URLSearchParams) => void): URL => {
      const url = new URL(request.url);
      change(url.searchParams);
      return url;
    };
    const redirectedError = async (url: URL) => (await fake.authorize(url)).searchParams.get('error');
    // Not redirected (RFC 6749 §4.1.2.1): the client or the redirect URI cannot be trusted.
    for (const url of [
      edited((params) => params.set('client_id', 'nobody')),
      edited((params) => params.set('redirect_uri', 'https://attacker.example/callback')),
      edited((params) => params.append('state', 'twice')),
    ]) {
      const error = await rejection(fake.authorize(url));
      expect(error).toBeInstanceOf(FakeAuthorizationRequestError);
      expect(error).toMatchObject({ error: 'invalid_request' });
    }
    // Redirected with an error.
    expect(await redirectedError(edited((params) => params.set('response_type', 'token')))).toBe(
      'unsupported_response_type',
    );
    expect(await redirectedError(edited((params) => params.delete('code_challenge')))).toBe('invalid_request');
    expect(await redirectedError(edited((params) => params.set('code_challenge_method', 'plain')))).toBe(
      'invalid_request',
    );
    expect(await redirectedError(edited((params) => params.set('scope', 'admin')))).toBe('invalid_scope');
    // A client without registered redirect URIs accepts any absolute one; a client limited to other grants cannot.
    const other = await generated.buildAuthorizationRequest({ clientId: 'other', redirectUri: REDIRECT_URI });
    expect((await fake.authorize(other.url)).searchParams.get('code')).toEqual(expect.any(String));
    const machine = await generated.buildAuthorizationRequest({ clientId: 'machine', redirectUri: REDIRECT_URI });
    expect(await redirectedError(machine.url)).toBe('unauthorized_client');
    // PKCE can be made optional.
    const lax = setup({ requirePkce: false }).fake;
    expect((await lax.authorize(edited((params) => params.delete('code_challenge')))).searchParams.get('code')).toEqual(
      expect.any(String),
    );
    await expect(fake.authorize('https://id.example.test/connect/elsewhere?client_id=web')).rejects.toThrow(
      /not the authorization endpoint/,
    );
  });

  it('answers a GET with a 302 to the redirect URI over a real socket, deciding with decideAuthorization', async () => {
    const { fake } = setup({
      decideAuthorization: ({ parameters }) => ({ approve: parameters['login_hint'] !== 'deny', subject: 'ada' }),
    });
    const { baseUrl, close } = await fake.listen();
    try {
      const web = generated.createTokenClient({ clientId: 'web', clientSecret: SECRET, baseUrl });
      const request = await generated.buildAuthorizationRequest({
        authorizationEndpoint: fake.authorizationUrl!,
        clientId: 'web',
        redirectUri: REDIRECT_URI,
        issuer: fake.issuer,
      });
      expect(request.url.origin).toBe(baseUrl);
      const response = await fetch(request.url, { redirect: 'manual' });
      expect(response.status).toBe(302);
      const tokens = await web.authorizationCode(
        parseAuthorizationResponse(response.headers.get('location')!, request),
      );
      expect(fake.introspect(tokens.access_token)).toMatchObject({ active: true, subject: 'ada' });

      const deny = await generated.buildAuthorizationRequest({
        authorizationEndpoint: fake.authorizationUrl!,
        clientId: 'web',
        redirectUri: REDIRECT_URI,
        issuer: fake.issuer,
        extraParameters: { login_hint: 'deny' },
      });
      const denied = await fetch(deny.url, { redirect: 'manual' });
      expect(() => parseAuthorizationResponse(denied.headers.get('location')!, deny)).toThrow(
        expect.objectContaining({ error: 'access_denied' }),
      );
      const unknown = await fetch(`${fake.authorizationUrl}?client_id=nobody&response_type=code`, {
        redirect: 'manual',
      });
      expect(unknown.status).toBe(400);
      expect(unknown.headers.get('location')).toBeNull();
    } finally {
      await close();
    }
  });
});

describe('revocation (RFC 7009) and introspection (RFC 7662)', () => {
  it('revoking the refresh token makes it unusable and its tokens inactive at introspection', async () => {
    const { fake, web, endpoint } = setup();
    const { tokens } = await login(fake, web);
    const introspection = { ...endpoint, endpoint: fake.introspectionUrl! };
    const live = await introspectToken(tokens.access_token, introspection);
    expect(live).toEqual({
      active: true,
      client_id: 'web',
      scope: 'openid api',
      token_type: 'Bearer',
      exp: expect.any(Number),
      iat: expect.any(Number),
      sub: 'user',
      iss: fake.issuer,
    });
    expect(live.exp! - live.iat!).toBe(3600);
    expect(await introspectToken(tokens.refresh_token!, introspection)).toMatchObject({ active: true, sub: 'user' });

    await revokeToken(tokens.refresh_token!, 'refresh_token', { ...endpoint, endpoint: fake.revocationUrl! });
    expect(await rejection(web.refreshToken({ refreshToken: tokens.refresh_token! }))).toMatchObject({
      error: 'invalid_grant',
    });
    expect(await introspectToken(tokens.refresh_token!, introspection)).toEqual({ active: false });
    expect(await introspectToken(tokens.access_token, introspection)).toEqual({ active: false });
    expect(await introspectToken('never-issued', introspection)).toEqual({ active: false });
    expect(fake.requests.filter((record) => record.endpoint === 'revocation')).toMatchObject([
      { clientId: 'web', clientAuthentication: 'client_secret_post', outcome: 200 },
    ]);
  });

  it('revokes an access token alone, answers 200 for unknown tokens, and refuses what RFC 7009 refuses', async () => {
    const { fake, web, endpoint } = setup();
    const { tokens } = await login(fake, web);
    const revocation = { ...endpoint, endpoint: `${fake.baseUrl}${generated.REVOCATION_PATH}` };
    await revokeToken(tokens.access_token, 'access_token', revocation);
    expect(fake.introspect(tokens.access_token)?.active).toBe(false);
    // The refresh token of the same grant still works.
    await expect(web.refreshToken({ refreshToken: tokens.refresh_token! })).resolves.toMatchObject({
      token_type: 'Bearer',
    });
    await expect(revokeToken('never-issued', undefined, revocation)).resolves.toBeUndefined();

    const asOther = { ...revocation, clientAuthentication: clientSecretPost('other', SECRET) };
    const { tokens: second } = await login(fake, web);
    expect(await rejection(revokeToken(second.access_token, undefined, asOther))).toMatchObject({
      error: 'invalid_request',
    });
    const wrongSecret = { ...revocation, clientAuthentication: clientSecretPost('web', 'wrong') };
    const refused = await rejection(revokeToken(second.access_token, undefined, wrongSecret));
    expect(refused).toBeInstanceOf(OAuthError);
    expect(refused).toMatchObject({ error: 'invalid_client', status: 401 });
    // client_secret_basic is not among the document's methods for this endpoint family.
    const basic = { ...revocation, clientAuthentication: clientSecretBasic('web', SECRET) };
    expect(await rejection(revokeToken(second.access_token, undefined, basic))).toMatchObject({
      error: 'invalid_client',
    });
    expect(fake.introspect(second.access_token)?.active).toBe(true);
    expect(JSON.stringify(refused) + String(refused) + inspect(refused)).not.toContain(second.access_token);

    const refreshOnly = setup({ revocableTokenTypes: ['refresh_token'] });
    const { tokens: third } = await login(refreshOnly.fake, refreshOnly.web);
    expect(
      await rejection(
        revokeToken(third.access_token, 'access_token', {
          ...refreshOnly.endpoint,
          endpoint: refreshOnly.fake.revocationUrl!,
        }),
      ),
    ).toMatchObject({ error: 'unsupported_token_type' });
  });

  it('answers inactive for expired tokens, and a public client sees only its own tokens', async () => {
    const time = clock();
    const { fake, web, endpoint } = setup({ now: time.now });
    const { tokens } = await login(fake, web);
    const introspection = { ...endpoint, endpoint: fake.introspectionUrl! };
    time.advance(3600 * 1000);
    expect(await introspectToken(tokens.access_token, introspection)).toEqual({ active: false });
    const asPublic = { ...introspection, clientAuthentication: publicClient('tv') };
    const { tokens: fresh } = await login(fake, web);
    expect(await introspectToken(fresh.access_token, asPublic)).toEqual({ active: false });
    expect(await introspectToken(fresh.access_token, introspection)).toMatchObject({ active: true });
  });
});

describe('device authorization (RFC 8628)', () => {
  const deviceSetup = (overrides: Partial<FakeAuthorizationServerOptions> = {}) => {
    const time = clock();
    const { fake } = setup({ now: time.now, ...overrides });
    const tv = generated.createTokenClient({ clientId: 'tv', clientAuthentication: 'none', fetch: fake.fetch });
    const start = () =>
      requestDeviceAuthorization({
        endpoint: fake.deviceAuthorizationUrl!,
        clientAuthentication: publicClient('tv'),
        scope: 'api',
        fetch: fake.fetch,
      });
    return { fake, tv, time, start };
  };

  it('answers authorization_pending until the user approves, then tokens, once', async () => {
    const { fake, tv, time, start } = deviceSetup();
    const authorization = await start();
    expect(authorization).toMatchObject({
      user_code: expect.stringMatching(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/),
      verification_uri: 'https://id.example.test/device',
      expires_in: 600,
      interval: 5,
    });
    const reasons: string[] = [];
    const tokens = await pollDeviceAuthorization(
      authorization,
      (signal) => tv.deviceCode({ deviceCode: authorization.device_code }, { signal }),
      {
        ...time,
        onPending: ({ reason }) => {
          reasons.push(reason);
          // The user types the code in lower case without the dash after the second poll.
          if (reasons.length === 2) fake.approveDevice(authorization.user_code.toLowerCase().replace('-', ''));
        },
      },
    );
    expect(reasons).toEqual(['authorization_pending', 'authorization_pending']);
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'api' });
    expect(fake.introspect(tokens.access_token)).toMatchObject({ active: true, clientId: 'tv', subject: 'user' });
    time.advance(5000);
    expect(await rejection(tv.deviceCode({ deviceCode: authorization.device_code }))).toMatchObject({
      error: 'invalid_grant',
    });
    expect(() => fake.approveDevice(authorization.user_code)).toThrow(/already decided/);
    expect(() => fake.approveDevice('BCDF-GHJK')).toThrow(/no device authorization/);
  });

  it('answers slow_down to a poll sooner than the interval; the poller adds 5 s and gets through', async () => {
    const { fake, tv, time, start } = deviceSetup();
    const authorization = await start();
    const reasons: string[] = [];
    const tokens = await pollDeviceAuthorization(
      // A client that ignores the server's interval of 5 s and polls every 2 s.
      { ...authorization, interval: 2 },
      (signal) => tv.deviceCode({ deviceCode: authorization.device_code }, { signal }),
      {
        ...time,
        onPending: ({ reason, intervalSeconds }) => {
          reasons.push(`${reason}:${intervalSeconds}`);
          if (reason === 'slow_down') fake.approveDevice(authorization.user_code);
        },
      },
    );
    expect(reasons).toEqual(['authorization_pending:2', 'slow_down:7']);
    expect(tokens.token_type).toBe('Bearer');
    const grants = fake.requests.filter(
      (record) => record.grantType === 'urn:ietf:params:oauth:grant-type:device_code',
    );
    expect(grants.map((record) => record.outcome)).toEqual([400, 400, 200]);
  });

  it('answers access_denied after a denial and expired_token after expires_in', async () => {
    const { fake, tv, time, start } = deviceSetup();
    const denied = await start();
    fake.denyDevice(denied.user_code);
    expect(
      await rejection(
        pollDeviceAuthorization(
          denied,
          (signal) => tv.deviceCode({ deviceCode: denied.device_code }, { signal }),
          time,
        ),
      ),
    ).toMatchObject({ error: 'access_denied' });

    const expiring = await start();
    time.advance(600 * 1000);
    expect(await rejection(tv.deviceCode({ deviceCode: expiring.device_code }))).toMatchObject({
      error: 'expired_token',
    });
    expect(() => fake.approveDevice(expiring.user_code)).toThrow(/expired/);
  });

  it('refuses unknown clients, clients without the grant and unknown scopes', async () => {
    const { fake } = deviceSetup();
    const ask = (clientAuthentication: ReturnType<typeof publicClient>, scope = 'api') =>
      rejection(
        requestDeviceAuthorization({
          endpoint: fake.deviceAuthorizationUrl!,
          clientAuthentication,
          scope,
          fetch: fake.fetch,
        }),
      );
    expect(await ask(publicClient('nobody'))).toMatchObject({ error: 'invalid_client' });
    expect(await ask(clientSecretPost('machine', SECRET))).toMatchObject({ error: 'unauthorized_client' });
    expect(await ask(publicClient('tv'), 'admin')).toMatchObject({ error: 'invalid_scope' });
  });
});

describe('discovery (RFC 8414)', () => {
  it('serves metadata at the issuer’s well-known URL listing the fake’s endpoints', async () => {
    const { fake } = setup();
    expect(fake.issuer).toBe(generated.DISCOVERY_ISSUER);
    const metadata = await discoverAuthorizationServer(generated.DISCOVERY_ISSUER, { fetch: fake.fetch });
    expect(metadata).toMatchObject({
      issuer: fake.issuer,
      authorization_endpoint: fake.authorizationUrl,
      token_endpoint: fake.tokenUrl,
      revocation_endpoint: fake.revocationUrl,
      introspection_endpoint: fake.introspectionUrl,
      device_authorization_endpoint: fake.deviceAuthorizationUrl,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'none'],
    });
    assertTokenEndpoint(metadata, `${generated.DEFAULT_BASE_URL}${generated.TOKEN_PATH}`);
    const rfc8414 = await discoverAuthorizationServer(generated.DISCOVERY_ISSUER, {
      fetch: fake.fetch,
      wellKnown: 'oauth-authorization-server',
    });
    expect(rfc8414.issuer).toBe(fake.issuer);
  });
});

describe('plugging in and secrets', () => {
  it('serves every endpoint through the node:http listener', async () => {
    const { fake } = setup();
    const { baseUrl, close } = await fake.listen();
    try {
      const web = generated.createTokenClient({ clientId: 'web', clientSecret: SECRET, baseUrl });
      const request = await generated.buildAuthorizationRequest({
        authorizationEndpoint: `${baseUrl}/connect/authorize`,
        clientId: 'web',
        redirectUri: REDIRECT_URI,
        issuer: fake.issuer,
      });
      const callback = await fake.authorize(request.url);
      const tokens = await web.authorizationCode(parseAuthorizationResponse(callback, request));
      const auth = { clientAuthentication: clientSecretPost('web', SECRET) };
      await revokeToken(tokens.refresh_token!, undefined, {
        ...auth,
        endpoint: `${baseUrl}${generated.REVOCATION_PATH}`,
      });
      expect(
        await introspectToken(tokens.access_token, { ...auth, endpoint: `${baseUrl}${generated.INTROSPECTION_PATH}` }),
      ).toEqual({ active: false });
      const device = await requestDeviceAuthorization({
        endpoint: `${baseUrl}${generated.DEVICE_AUTHORIZATION_PATH}`,
        clientAuthentication: publicClient('tv'),
      });
      expect(device.verification_uri).toBe(`${baseUrl}/device`);
      const metadata = await discoverAuthorizationServer(baseUrl);
      expect(metadata.revocation_endpoint).toBe(`${baseUrl}${generated.REVOCATION_PATH}`);
    } finally {
      await close();
    }
  });

  it('never shows tokens, codes, device codes or client secrets in records', async () => {
    const { fake, web, endpoint } = setup();
    const { callback, tokens } = await login(fake, web);
    await introspectToken(tokens.access_token, { ...endpoint, endpoint: fake.introspectionUrl! });
    await revokeToken(tokens.refresh_token!, undefined, { ...endpoint, endpoint: fake.revocationUrl! });
    const device = await requestDeviceAuthorization({
      endpoint: fake.deviceAuthorizationUrl!,
      clientAuthentication: publicClient('tv'),
      fetch: fake.fetch,
    });
    const tv = generated.createTokenClient({ clientId: 'tv', clientAuthentication: 'none', fetch: fake.fetch });
    await rejection(tv.deviceCode({ deviceCode: device.device_code }));
    const printed = inspect(fake.requests, { depth: 10 }) + JSON.stringify(fake.requests);
    for (const secret of [
      SECRET,
      callback.searchParams.get('code')!,
      tokens.access_token,
      tokens.refresh_token!,
      device.device_code,
    ]) {
      expect(printed).not.toContain(secret);
    }
    expect(fake.requests.map((record) => record.endpoint)).toEqual([
      'authorization',
      'token',
      'introspection',
      'revocation',
      'device_authorization',
      'token',
    ]);
    // Still readable for assertions.
    expect(fake.requests[2]!.form.token).toBe(tokens.access_token);
  });
});
