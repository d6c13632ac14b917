import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_RESOURCE,
  AuthorizationRedirectError,
  DEFAULT_REDIRECT_URI,
  OIDC_CLIENTS,
  basicAuthorization,
  createPkcePair,
  formEncode,
  startOidcProviderServer,
  type OidcProviderServer,
  type TestClient,
} from './oidc-provider-server.js';
import {
  OAUTH2_CLIENTS,
  OAUTH2_REDIRECT_URI,
  OAUTH2_USER,
  startOAuth2Server,
  type RunningOAuth2Server,
} from './oauth2-server.js';

/**
 * Proves the two real-server harnesses work, with plain fetch, and pins the behaviour each server really has
 * (status codes, error bodies, WWW-Authenticate, Basic decoding) so tests of the generated client can rely on it.
 */

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

const identity = (value: string) => value;

async function postForm(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(params),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Adds client authentication the way the client is registered (post: body, basic: RFC 6749 header, none: id only). */
function withAuth(
  client: TestClient,
  params: Record<string, string>,
): [Record<string, string>, Record<string, string>] {
  switch (client.authMethod) {
    case 'client_secret_basic':
      return [params, { authorization: basicAuthorization(client.clientId, client.clientSecret ?? '') }];
    case 'client_secret_post':
      return [{ ...params, client_id: client.clientId, client_secret: client.clientSecret ?? '' }, {}];
    case 'none':
      return [{ ...params, client_id: client.clientId }, {}];
  }
}

async function callResource(url: string, accessToken: string): Promise<Reply> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A fresh TCP connection (not fetch's keep-alive pool) must be refused: nothing listens on the port any more. */
async function expectClosed(baseUrl: string): Promise<void> {
  const { hostname, port } = new URL(baseUrl);
  const code = await new Promise<string | undefined>((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
  });
  expect(code).toBe('ECONNREFUSED');
}

const INVALID_GRANT = { error: 'invalid_grant', error_description: 'grant request is invalid' };
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'client authentication failed' };

describe('oidc-provider 8.8.1 harness (opaque access tokens)', () => {
  let server: OidcProviderServer;
  beforeAll(async () => {
    server = await startOidcProviderServer();
  });
  afterAll(async () => {
    await server.close();
    await expectClosed(server.baseUrl);
  });

  const clientCredentials = (client: TestClient, scope = 'bensoft_api mbi_api') =>
    postForm(server.tokenEndpoint, ...withAuth(client, { grant_type: 'client_credentials', scope }));

  it('serves its discovery document with the /connect routes', async () => {
    const response = await fetch(`${server.baseUrl}/.well-known/openid-configuration`);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: server.baseUrl,
      token_endpoint: server.tokenEndpoint,
      authorization_endpoint: server.authorizationEndpoint,
      code_challenge_methods_supported: ['S256'],
    });
    expect(discovery['grant_types_supported']).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
  });

  it('client_credentials with client_secret_post succeeds (awkward id and secret in the body)', async () => {
    const reply = await clientCredentials(OIDC_CLIENTS.ccPost);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.headers.get('pragma')).toBeNull(); // RFC 6749 §5.1 also asks for Pragma: no-cache
    expect(reply.body).toEqual({
      access_token: expect.any(String),
      expires_in: 3600,
      token_type: 'Bearer',
      scope: 'bensoft_api mbi_api',
    });
    const resource = await callResource(server.resourceUrl, reply.body['access_token'] as string);
    expect(resource).toMatchObject({
      status: 200,
      body: { client_id: OIDC_CLIENTS.ccPost.clientId, scope: 'bensoft_api mbi_api' },
    });
  });

  it('client_credentials with client_secret_basic succeeds when id and secret are form-urlencoded (RFC 6749 §2.3.1)', async () => {
    const reply = await clientCredentials(OIDC_CLIENTS.ccBasic);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: 'Bearer', scope: 'bensoft_api mbi_api' });
  });

  it('Basic: also accepts %20 for spaces (it form-decodes), rejects unencoded awkward values as invalid_request', async () => {
    const { clientId, clientSecret } = OIDC_CLIENTS.ccBasic;
    const percent = await postForm(
      server.tokenEndpoint,
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization(clientId, clientSecret, encodeURIComponent) },
    );
    expect(percent.status).toBe(200);
    const raw = await postForm(
      server.tokenEndpoint,
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization(clientId, clientSecret, identity) },
    );
    expect(raw.status).toBe(400);
    expect(raw.body).toEqual({
      error: 'invalid_request',
      error_description: 'client_id and client_secret in the authorization header are not properly encoded',
    });
    expect(raw.headers.get('www-authenticate')).toBeNull();
    // A literal `+` left unencoded is form-decoded to a space, so the secret no longer matches.
    const plus = await postForm(
      server.tokenEndpoint,
      { grant_type: 'client_credentials' },
      {
        authorization: basicAuthorization(clientId, clientSecret, (value) => formEncode(value).replaceAll('%2B', '+')),
      },
    );
    expect(plus).toMatchObject({ status: 401, body: INVALID_CLIENT });
  });

  it('does not enforce the registered method between client_secret_basic and client_secret_post', async () => {
    const reply = await postForm(server.tokenEndpoint, {
      grant_type: 'client_credentials',
      client_id: OIDC_CLIENTS.ccBasic.clientId,
      client_secret: OIDC_CLIENTS.ccBasic.clientSecret,
    });
    expect(reply.status).toBe(200);
  });

  it('drops unknown scopes silently, answers invalid_scope (with a scope member) for a static scope the client may not use', async () => {
    const unknown = await clientCredentials(OIDC_CLIENTS.ccPost, 'bensoft_api nonsense');
    expect(unknown.status).toBe(200);
    expect(unknown.body['scope']).toBe('bensoft_api');
    const notAllowed = await clientCredentials(OIDC_CLIENTS.ccPost, 'offline_access');
    expect(notAllowed).toMatchObject({
      status: 400,
      body: { error: 'invalid_scope', error_description: 'requested scope is not allowed', scope: 'offline_access' },
    });
  });

  it('wrong secret → 401 invalid_client; WWW-Authenticate only when Basic was used', async () => {
    const post = await postForm(server.tokenEndpoint, {
      grant_type: 'client_credentials',
      client_id: OIDC_CLIENTS.ccPost.clientId,
      client_secret: 'wrong',
    });
    expect(post.status).toBe(401);
    expect(post.body).toEqual(INVALID_CLIENT);
    expect(post.headers.get('www-authenticate')).toBeNull();

    const basic = await postForm(
      server.tokenEndpoint,
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization(OIDC_CLIENTS.ccBasic.clientId, 'wrong') },
    );
    expect(basic.status).toBe(401);
    expect(basic.body).toEqual(INVALID_CLIENT);
    expect(basic.headers.get('www-authenticate')).toBe(
      `Basic realm="${server.issuer}", error="invalid_client", error_description="client authentication failed"`,
    );
  });

  it('unknown grant_type → 400 unsupported_grant_type (client authentication is checked first)', async () => {
    const reply = await postForm(
      server.tokenEndpoint,
      ...withAuth(OIDC_CLIENTS.ccPost, { grant_type: 'urn:example:unknown' }),
    );
    expect(reply).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: 'unsupported grant_type requested' },
    });
    const badClient = await postForm(server.tokenEndpoint, {
      grant_type: 'urn:example:unknown',
      client_id: OIDC_CLIENTS.ccPost.clientId,
      client_secret: 'wrong',
    });
    expect(badClient).toMatchObject({ status: 401, body: INVALID_CLIENT });
  });

  it('bad refresh token → 400 invalid_grant', async () => {
    const reply = await postForm(
      server.tokenEndpoint,
      ...withAuth(OIDC_CLIENTS.codePost, { grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' }),
    );
    expect(reply).toMatchObject({ status: 400, body: INVALID_GRANT });
  });

  describe.each([
    ['client_secret_post', OIDC_CLIENTS.codePost],
    ['client_secret_basic', OIDC_CLIENTS.codeBasic],
    ['none (public client)', OIDC_CLIENTS.codePublic],
  ] as const)('authorization_code + PKCE + refresh_token, %s', (_name, client) => {
    it('code → tokens → rotated refresh token; the old refresh token is rejected and revokes the grant', async () => {
      const pkce = createPkcePair();
      const code = await server.obtainAuthorizationCode({
        clientId: client.clientId,
        codeChallenge: pkce.codeChallenge,
        accountId: 'ann',
      });
      const tokens = await postForm(
        server.tokenEndpoint,
        ...withAuth(client, {
          grant_type: 'authorization_code',
          code,
          code_verifier: pkce.codeVerifier,
          redirect_uri: DEFAULT_REDIRECT_URI,
        }),
      );
      expect(tokens.status).toBe(200);
      expect(tokens.body).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        id_token: expect.any(String),
        expires_in: 3600,
        token_type: 'Bearer',
        scope: 'openid offline_access bensoft_api mbi_api',
      });
      expect(jwtPayload(tokens.body['id_token'] as string)).toMatchObject({
        sub: 'ann',
        aud: client.clientId,
        iss: server.issuer,
      });
      expect(await callResource(server.resourceUrl, tokens.body['access_token'] as string)).toMatchObject({
        status: 200,
        body: { sub: 'ann', client_id: client.clientId },
      });

      const oldRefreshToken = tokens.body['refresh_token'] as string;
      const refreshed = await postForm(
        server.tokenEndpoint,
        ...withAuth(client, { grant_type: 'refresh_token', refresh_token: oldRefreshToken }),
      );
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).toMatchObject({
        token_type: 'Bearer',
        scope: 'openid offline_access bensoft_api mbi_api',
        expires_in: 3600,
      });
      const newRefreshToken = refreshed.body['refresh_token'] as string;
      expect(newRefreshToken).toEqual(expect.any(String));
      expect(newRefreshToken).not.toBe(oldRefreshToken);

      const reused = await postForm(
        server.tokenEndpoint,
        ...withAuth(client, { grant_type: 'refresh_token', refresh_token: oldRefreshToken }),
      );
      expect(reused).toMatchObject({ status: 400, body: INVALID_GRANT });
      // Reuse detection revoked the whole grant: the rotated token is dead too.
      const afterReuse = await postForm(
        server.tokenEndpoint,
        ...withAuth(client, { grant_type: 'refresh_token', refresh_token: newRefreshToken }),
      );
      expect(afterReuse).toMatchObject({ status: 400, body: INVALID_GRANT });
    });
  });

  it('reused authorization code → invalid_grant, and the tokens issued for it are revoked', async () => {
    const client = OIDC_CLIENTS.codePost;
    const pkce = createPkcePair();
    const code = await server.obtainAuthorizationCode({ clientId: client.clientId, codeChallenge: pkce.codeChallenge });
    const params = {
      grant_type: 'authorization_code',
      code,
      code_verifier: pkce.codeVerifier,
      redirect_uri: DEFAULT_REDIRECT_URI,
    };
    const first = await postForm(server.tokenEndpoint, ...withAuth(client, params));
    expect(first.status).toBe(200);
    const second = await postForm(server.tokenEndpoint, ...withAuth(client, params));
    expect(second).toMatchObject({ status: 400, body: INVALID_GRANT });
    const resource = await callResource(server.resourceUrl, first.body['access_token'] as string);
    expect(resource.status).toBe(401);
    expect(resource.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('wrong code_verifier → invalid_grant; the code is not consumed by the failed attempt', async () => {
    const client = OIDC_CLIENTS.codeBasic;
    const pkce = createPkcePair();
    const code = await server.obtainAuthorizationCode({ clientId: client.clientId, codeChallenge: pkce.codeChallenge });
    const wrong = await postForm(
      server.tokenEndpoint,
      ...withAuth(client, {
        grant_type: 'authorization_code',
        code,
        code_verifier: createPkcePair().codeVerifier,
        redirect_uri: DEFAULT_REDIRECT_URI,
      }),
    );
    expect(wrong).toMatchObject({ status: 400, body: INVALID_GRANT });
    const right = await postForm(
      server.tokenEndpoint,
      ...withAuth(client, {
        grant_type: 'authorization_code',
        code,
        code_verifier: pkce.codeVerifier,
        redirect_uri: DEFAULT_REDIRECT_URI,
      }),
    );
    expect(right.status).toBe(200);
  });

  it('without offline_access in the scope no refresh token is issued', async () => {
    const client = OIDC_CLIENTS.codePublic;
    const pkce = createPkcePair();
    const code = await server.obtainAuthorizationCode({
      clientId: client.clientId,
      codeChallenge: pkce.codeChallenge,
      scope: 'openid bensoft_api',
    });
    const tokens = await postForm(
      server.tokenEndpoint,
      ...withAuth(client, {
        grant_type: 'authorization_code',
        code,
        code_verifier: pkce.codeVerifier,
        redirect_uri: DEFAULT_REDIRECT_URI,
      }),
    );
    expect(tokens.status).toBe(200);
    expect(tokens.body['refresh_token']).toBeUndefined();
    expect(tokens.body['scope']).toBe('openid bensoft_api');
  });

  it('obtainAuthorizationCode reports an authorization error redirect', async () => {
    await expect(
      server.obtainAuthorizationCode({
        clientId: OIDC_CLIENTS.codePost.clientId,
        codeChallenge: createPkcePair().codeChallenge,
        scope: 'openid bensoft_api',
        state: 's1',
      }),
    ).resolves.toEqual(expect.any(String));
    const failure = server.obtainAuthorizationCode({
      clientId: OIDC_CLIENTS.codePost.clientId,
      codeChallenge: 'too-short',
    });
    await expect(failure).rejects.toBeInstanceOf(AuthorizationRedirectError);
    await expect(failure).rejects.toMatchObject({ error: 'invalid_request' });
  });
});

describe('oidc-provider 8.8.1 harness (JWT access tokens via resource indicators, TTL checked by an advanced clock)', () => {
  let server: OidcProviderServer;
  beforeAll(async () => {
    server = await startOidcProviderServer({ accessTokenFormat: 'jwt', accessTokenTtlSeconds: 60 });
  });
  afterAll(async () => {
    await server.close();
    await expectClosed(server.baseUrl);
  });

  it('client_credentials returns a JWT for the API resource carrying the API scopes; it expires after the TTL', async () => {
    const reply = await postForm(
      server.tokenEndpoint,
      ...withAuth(OIDC_CLIENTS.ccBasic, { grant_type: 'client_credentials', scope: 'bensoft_api mbi_api' }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: 'Bearer', expires_in: 60, scope: 'bensoft_api mbi_api' });
    const accessToken = reply.body['access_token'] as string;
    expect(jwtPayload(accessToken)).toMatchObject({
      aud: API_RESOURCE,
      client_id: OIDC_CLIENTS.ccBasic.clientId,
      scope: 'bensoft_api mbi_api',
      iss: server.issuer,
    });
    expect((await callResource(server.resourceUrl, accessToken)).status).toBe(200);
    // The resource's clock, not a sleep: a 2 s TTL with a real wait failed on a loaded machine (the token could
    // expire before its first use, and the wait cost 2 s every run).
    server.advanceClock(61);
    const expired = await callResource(server.resourceUrl, accessToken);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: 'invalid_token' });
  });

  it('code flow: the access token only carries the resource server scopes', async () => {
    const client = OIDC_CLIENTS.codePost;
    const pkce = createPkcePair();
    const code = await server.obtainAuthorizationCode({ clientId: client.clientId, codeChallenge: pkce.codeChallenge });
    const tokens = await postForm(
      server.tokenEndpoint,
      ...withAuth(client, {
        grant_type: 'authorization_code',
        code,
        code_verifier: pkce.codeVerifier,
        redirect_uri: DEFAULT_REDIRECT_URI,
      }),
    );
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({
      scope: 'bensoft_api mbi_api',
      refresh_token: expect.any(String),
      expires_in: 60,
    });
    expect(jwtPayload(tokens.body['access_token'] as string)).toMatchObject({ aud: API_RESOURCE, sub: 'user-1' });
    const refreshed = await postForm(
      server.tokenEndpoint,
      ...withAuth(client, { grant_type: 'refresh_token', refresh_token: tokens.body['refresh_token'] as string }),
    );
    expect(refreshed).toMatchObject({ status: 200, body: { scope: 'bensoft_api mbi_api' } });
  });
});

describe('@node-oauth/oauth2-server 5.3.0 harness', () => {
  let server: RunningOAuth2Server;
  beforeAll(async () => {
    server = await startOAuth2Server();
  });
  afterAll(async () => {
    await server.close();
    await expectClosed(server.baseUrl);
  });

  const post = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    postForm(server.tokenEndpoint, params, headers);
  const awkwardPost = {
    client_id: OAUTH2_CLIENTS.awkward.clientId,
    client_secret: OAUTH2_CLIENTS.awkward.clientSecret,
  };

  it('client_credentials with client_secret_post succeeds (awkward id and secret), no refresh token', async () => {
    const reply = await post({ grant_type: 'client_credentials', scope: 'bensoft_api mbi_api', ...awkwardPost });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.headers.get('pragma')).toBe('no-cache');
    expect(reply.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      scope: 'bensoft_api mbi_api',
    });
    // expires_in = floor((accessTokenExpiresAt - now) / 1000): usually TTL - 1, not the configured TTL.
    expect([3599, 3600]).toContain(reply.body['expires_in']);
    expect(await callResource(server.resourceUrl, reply.body['access_token'] as string)).toMatchObject({
      status: 200,
      body: { client_id: OAUTH2_CLIENTS.awkward.clientId, scope: 'bensoft_api mbi_api' },
    });
    expect(server.requests.at(-1)?.body).toMatchObject({
      grant_type: 'client_credentials',
      client_id: OAUTH2_CLIENTS.awkward.clientId,
    });
  });

  it('client_credentials with client_secret_basic succeeds for a client of unreserved characters', async () => {
    const reply = await post(
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization(OAUTH2_CLIENTS.plain.clientId, OAUTH2_CLIENTS.plain.clientSecret) },
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: 'Bearer', scope: 'bensoft_api mbi_api' });
  });

  it('Basic is NOT form-decoded: RFC-encoded awkward credentials fail, raw ones work only without ":"', async () => {
    const expectRejected = (reply: Reply) => {
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ error: 'invalid_client', error_description: 'Invalid client: client is invalid' });
      expect(reply.headers.get('www-authenticate')).toBe('Basic realm="Service"');
    };
    const { awkward, rawBasic } = OAUTH2_CLIENTS;
    expectRejected(
      await post(
        { grant_type: 'client_credentials' },
        { authorization: basicAuthorization(awkward.clientId, awkward.clientSecret) },
      ),
    );
    expectRejected(
      await post(
        { grant_type: 'client_credentials' },
        { authorization: basicAuthorization(awkward.clientId, awkward.clientSecret, identity) },
      ),
    );
    expectRejected(
      await post(
        { grant_type: 'client_credentials' },
        { authorization: basicAuthorization(rawBasic.clientId, rawBasic.clientSecret) },
      ),
    );
    const raw = await post(
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization(rawBasic.clientId, rawBasic.clientSecret, identity) },
    );
    expect(raw.status).toBe(200);
  });

  it('wrong secret in the body → 400 invalid_client without WWW-Authenticate', async () => {
    const reply = await post({
      grant_type: 'client_credentials',
      client_id: awkwardPost.client_id,
      client_secret: 'wrong',
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: 'invalid_client', error_description: 'Invalid client: client is invalid' });
    expect(reply.headers.get('www-authenticate')).toBeNull();
  });

  it('password grant issues a rotating refresh token; the old one is rejected, the new one still works', async () => {
    const tokens = await post({
      grant_type: 'password',
      username: OAUTH2_USER.username,
      password: OAUTH2_USER.password,
      scope: 'bensoft_api offline_access',
      ...awkwardPost,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      scope: 'bensoft_api offline_access',
    });
    const oldRefreshToken = tokens.body['refresh_token'] as string;
    const refreshed = await post({ grant_type: 'refresh_token', refresh_token: oldRefreshToken, ...awkwardPost });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body['refresh_token']).not.toBe(oldRefreshToken);
    const reused = await post({ grant_type: 'refresh_token', refresh_token: oldRefreshToken, ...awkwardPost });
    expect(reused).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid grant: refresh token is invalid' },
    });
    const next = await post({
      grant_type: 'refresh_token',
      refresh_token: refreshed.body['refresh_token'] as string,
      ...awkwardPost,
    });
    expect(next.status).toBe(200);
  });

  it('wrong password → 400 invalid_grant; unknown scope → 400 invalid_scope', async () => {
    const password = await post({
      grant_type: 'password',
      username: OAUTH2_USER.username,
      password: 'wrong',
      ...awkwardPost,
    });
    expect(password).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid grant: user credentials are invalid' },
    });
    const scope = await post({ grant_type: 'client_credentials', scope: 'openid', ...awkwardPost });
    expect(scope).toMatchObject({
      status: 400,
      body: { error: 'invalid_scope', error_description: 'Invalid scope: Requested scope is invalid' },
    });
  });

  it('bad refresh token → 400 invalid_grant', async () => {
    const reply = await post({ grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token', ...awkwardPost });
    expect(reply).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid grant: refresh token is invalid' },
    });
  });

  it('unknown grant_type → 400 unsupported_grant_type; with a bad client invalid_client comes first', async () => {
    const reply = await post({ grant_type: 'urn:example:unknown', ...awkwardPost });
    expect(reply).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type: `grant_type` is invalid' },
    });
    const badClient = await post({
      grant_type: 'urn:example:unknown',
      client_id: awkwardPost.client_id,
      client_secret: 'wrong',
    });
    expect(badClient).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
  });

  it('authorization_code + PKCE: success, reuse → invalid_grant, wrong verifier → invalid_grant (code burnt), redirect mismatch → invalid_request', async () => {
    const client = OAUTH2_CLIENTS.plain;
    const auth = { authorization: basicAuthorization(client.clientId, client.clientSecret) };
    const pkce = createPkcePair();
    const code = server.issueAuthorizationCode({ clientId: client.clientId, codeChallenge: pkce.codeChallenge });
    const params = {
      grant_type: 'authorization_code',
      code,
      code_verifier: pkce.codeVerifier,
      redirect_uri: OAUTH2_REDIRECT_URI,
    };
    const tokens = await post(params, auth);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ refresh_token: expect.any(String), scope: 'bensoft_api mbi_api' });
    expect(await post(params, auth)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid grant: authorization code is invalid' },
    });

    const code2 = server.issueAuthorizationCode({ clientId: client.clientId, codeChallenge: pkce.codeChallenge });
    const wrong = await post({ ...params, code: code2, code_verifier: createPkcePair().codeVerifier }, auth);
    expect(wrong).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid grant: code verifier is invalid' },
    });
    expect(await post({ ...params, code: code2 }, auth)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });

    const code3 = server.issueAuthorizationCode({ clientId: client.clientId, codeChallenge: pkce.codeChallenge });
    const mismatch = await post({ ...params, code: code3, redirect_uri: 'https://client.example/other' }, auth);
    expect(mismatch).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'Invalid request: `redirect_uri` is invalid' },
    });
  });

  it('a JSON body → 400 invalid_request (mapped by the binding)', async () => {
    const response = await fetch(server.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Invalid request: content must be application/x-www-form-urlencoded',
    });
  });

  it('access token TTL: expires_in is floored; the protected resource rejects the token once expired', async () => {
    const shortLived = await startOAuth2Server({ accessTokenTtlSeconds: 60 });
    try {
      const reply = await postForm(shortLived.tokenEndpoint, { grant_type: 'client_credentials', ...awkwardPost });
      expect(reply.status).toBe(200);
      expect([59, 60]).toContain(reply.body['expires_in']);
      const token = reply.body['access_token'] as string;
      expect((await callResource(shortLived.resourceUrl, token)).status).toBe(200);
      shortLived.advanceClock(61);
      const expired = await callResource(shortLived.resourceUrl, token);
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toBe('Bearer realm="Service",error="invalid_token"');
      expect(expired.body).toEqual({
        error: 'invalid_token',
        error_description: 'Invalid token: access token has expired',
      });
    } finally {
      await shortLived.close();
    }
    await expectClosed(shortLived.baseUrl);
  });
});
