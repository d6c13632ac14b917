import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPkce,
  createTokenClient,
  isOAuthError,
  type ClientAuthentication,
  type OAuthError,
  type TokenResponse,
} from '../../generated/index.js';
// A client generated from a variant whose grant_type enum adds device_code: used to send a grant the servers lack.
import { createTokenClient as createDeviceCapableClient } from '../__file_snapshots__/grant-type-enum-with-device-code/index.js';
import {
  OAUTH2_CLIENTS,
  OAUTH2_REDIRECT_URI,
  OAUTH2_USER,
  startOAuth2Server,
  type OAuth2TestClient,
  type RunningOAuth2Server,
} from '../support/oauth2-server.js';
import {
  DEFAULT_REDIRECT_URI,
  OIDC_CLIENTS,
  startOidcProviderServer,
  type OidcProviderServer,
  type TestClient,
} from '../support/oidc-provider-server.js';

/**
 * The generated client (generated/, from spec/wealthcare-access.openapi.yaml) against two real OAuth 2.0 servers on
 * loopback: oidc-provider (test/support/oidc-provider-server.ts) and @node-oauth/oauth2-server
 * (test/support/oauth2-server.ts; the servers' observed behaviour is pinned in test/support/real-servers.test.ts).
 * Every client id and secret contains `a+b/c:d e%f&g`. Every error the suite provokes is collected and swept for
 * secrets at the end.
 */
const secrets = new Set<string>();
const errors: unknown[] = [];
const remember = (...values: Array<string | undefined>) => values.forEach((value) => value && secrets.add(value));
const rememberTokens = (tokens: TokenResponse) =>
  remember(tokens.access_token, tokens.refresh_token, tokens['id_token'] as string | undefined);
async function failure(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  errors.push(error);
  // By name: the device-capable client below has its own copy of the error classes.
  expect((error as Error).name).toBe('OAuthError');
  return error as OAuthError;
}

let oidc: OidcProviderServer;
let o2: RunningOAuth2Server;
beforeAll(async () => {
  [oidc, o2] = await Promise.all([startOidcProviderServer(), startOAuth2Server()]);
  for (const client of [...Object.values(OIDC_CLIENTS), ...Object.values(OAUTH2_CLIENTS)])
    remember('clientSecret' in client ? client.clientSecret : undefined);
  remember(OAUTH2_USER.password);
});
afterAll(async () => {
  await Promise.all([oidc?.close(), o2?.close()]);
});

const oidcClient = (client: TestClient, overrides: { clientSecret?: string } = {}) =>
  createTokenClient({
    clientId: client.clientId,
    clientAuthentication: client.authMethod,
    baseUrl: oidc.baseUrl,
    retry: false,
    ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
    ...overrides,
  });

/** oidc-provider: headless /connect/authorize; oauth2-server: stored in its model (its /authorize needs a login layer). */
type IssueCode = (clientId: string, codeChallenge: string) => string | Promise<string>;
const fromOidc: IssueCode = (clientId, codeChallenge) => oidc.obtainAuthorizationCode({ clientId, codeChallenge });
const fromO2: IssueCode = (clientId, codeChallenge) => o2.issueAuthorizationCode({ clientId, codeChallenge });

async function codeFlow(client: { clientId: string }, issue: IssueCode = fromOidc) {
  const pkce = await createPkce();
  remember(pkce.codeVerifier);
  const code = await issue(client.clientId, pkce.codeChallenge);
  remember(code);
  return { code, pkce };
}

describe('oidc-provider', () => {
  it.each([OIDC_CLIENTS.ccPost, OIDC_CLIENTS.ccBasic])(
    'client_credentials with $authMethod and an id and secret full of reserved characters',
    async (client) => {
      const tokens = await oidcClient(client).clientCredentials({ scope: ['bensoft_api', 'mbi_api'] });
      rememberTokens(tokens);
      expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'bensoft_api mbi_api', expires_in: 3600 });
    },
  );

  it.each([OIDC_CLIENTS.codePost, OIDC_CLIENTS.codeBasic, OIDC_CLIENTS.codePublic])(
    'authorization_code + PKCE with $authMethod, then a rotating refresh',
    async (client) => {
      const { code, pkce } = await codeFlow(client);
      const tokenClient = oidcClient(client);
      const tokens = await tokenClient.authorizationCode({
        code,
        redirectUri: DEFAULT_REDIRECT_URI,
        codeVerifier: pkce.codeVerifier,
      });
      rememberTokens(tokens);
      expect(tokens.refresh_token).toEqual(expect.any(String));
      expect(tokens.scope).toContain('offline_access');
      const refreshed = await tokenClient.refreshToken({ refreshToken: tokens.refresh_token! });
      rememberTokens(refreshed);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      // Rotation: the old refresh token is now invalid.
      const reused = await failure(tokenClient.refreshToken({ refreshToken: tokens.refresh_token! }));
      expect(reused.error).toBe('invalid_grant');
    },
  );

  it('wrong secret → invalid_client (401), decided by the body', async () => {
    const error = await failure(
      oidcClient(OIDC_CLIENTS.ccPost, { clientSecret: 'wrong-secret-value' }).clientCredentials(),
    );
    expect(error).toMatchObject({ error: 'invalid_client', status: 401, wwwAuthenticate: undefined });
    const basic = await failure(
      oidcClient(OIDC_CLIENTS.ccBasic, { clientSecret: 'wrong-secret-value' }).clientCredentials(),
    );
    expect(basic).toMatchObject({ error: 'invalid_client', status: 401 });
    // oidc-provider accepts either method from any client, but challenges only an Authorization header: Basic was sent.
    expect(basic.wwwAuthenticate).toMatch(/^Basic /);
  });

  it('a reused authorization code → invalid_grant', async () => {
    const client = OIDC_CLIENTS.codePost;
    const { code, pkce } = await codeFlow(client);
    rememberTokens(
      await oidcClient(client).authorizationCode({
        code,
        redirectUri: DEFAULT_REDIRECT_URI,
        codeVerifier: pkce.codeVerifier,
      }),
    );
    const error = await failure(
      oidcClient(client).authorizationCode({
        code,
        redirectUri: DEFAULT_REDIRECT_URI,
        codeVerifier: pkce.codeVerifier,
      }),
    );
    expect(isOAuthError(error, 'invalid_grant')).toBe(true);
    expect(error.status).toBe(400);
  });

  it('a wrong code_verifier → invalid_grant', async () => {
    const client = OIDC_CLIENTS.codeBasic;
    const { code } = await codeFlow(client);
    const other = await createPkce();
    remember(other.codeVerifier);
    const error = await failure(
      oidcClient(client).authorizationCode({
        code,
        redirectUri: DEFAULT_REDIRECT_URI,
        codeVerifier: other.codeVerifier,
      }),
    );
    expect(error.error).toBe('invalid_grant');
  });

  it('an unsupported grant → unsupported_grant_type', async () => {
    const client = OIDC_CLIENTS.ccPost;
    const deviceClient = createDeviceCapableClient({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      baseUrl: oidc.baseUrl,
      retry: false,
    });
    remember('device-code-secret-value');
    const error = await failure(deviceClient.deviceCode({ deviceCode: 'device-code-secret-value' }));
    expect(error).toMatchObject({ error: 'unsupported_grant_type', status: 400 });
  });

  it('a bad refresh token → invalid_grant', async () => {
    remember('not-a-refresh-token-value');
    const error = await failure(
      oidcClient(OIDC_CLIENTS.codePost).refreshToken({ refreshToken: 'not-a-refresh-token-value' }),
    );
    expect(error.error).toBe('invalid_grant');
  });
});

describe('@node-oauth/oauth2-server', () => {
  const o2Client = (client: OAuth2TestClient, clientAuthentication: ClientAuthentication) =>
    createTokenClient({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      clientAuthentication,
      baseUrl: o2.baseUrl,
      retry: false,
    });
  const { awkward: AWKWARD_CLIENT, plain: PLAIN_CLIENT } = OAUTH2_CLIENTS;
  const USER = { username: OAUTH2_USER.username, password: OAUTH2_USER.password };
  const cases: Array<[string, OAuth2TestClient, ClientAuthentication]> = [
    ['awkward credentials, client_secret_post', AWKWARD_CLIENT, 'client_secret_post'],
    ['plain credentials, client_secret_basic', PLAIN_CLIENT, 'client_secret_basic'],
    ['plain credentials, client_secret_post', PLAIN_CLIENT, 'client_secret_post'],
  ];
  it.each(cases)('password, refresh_token (rotating) and client_credentials with %s', async (_name, client, method) => {
    const tokenClient = o2Client(client, method);
    const tokens = await tokenClient.password({ ...USER, scope: 'bensoft_api offline_access' });
    rememberTokens(tokens);
    expect(o2.requests.at(-1)?.headers.authorization !== undefined).toBe(method === 'client_secret_basic');
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'bensoft_api offline_access' });
    const refreshed = await tokenClient.refreshToken({ refreshToken: tokens.refresh_token! });
    rememberTokens(refreshed);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await failure(tokenClient.refreshToken({ refreshToken: tokens.refresh_token! }))).error).toBe(
      'invalid_grant',
    );
    const service = await tokenClient.clientCredentials({ scope: 'mbi_api' });
    rememberTokens(service);
    expect(service.scope).toBe('mbi_api');
  });

  it.each(cases)('authorization_code + PKCE with %s; the code cannot be used twice', async (_name, client, method) => {
    const tokenClient = o2Client(client, method);
    const { code, pkce } = await codeFlow(client, fromO2);
    const tokens = await tokenClient.authorizationCode({
      code,
      redirectUri: OAUTH2_REDIRECT_URI,
      codeVerifier: pkce.codeVerifier,
    });
    rememberTokens(tokens);
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      scope: 'bensoft_api mbi_api',
      refresh_token: expect.any(String),
    });
    const reused = await failure(
      tokenClient.authorizationCode({ code, redirectUri: OAUTH2_REDIRECT_URI, codeVerifier: pkce.codeVerifier }),
    );
    expect(reused).toMatchObject({ error: 'invalid_grant', status: 400 });
  });

  it('a wrong code_verifier → invalid_grant, and the code is burnt by the attempt', async () => {
    const tokenClient = o2Client(PLAIN_CLIENT, 'client_secret_basic');
    const { code, pkce } = await codeFlow(PLAIN_CLIENT, fromO2);
    const other = await createPkce();
    remember(other.codeVerifier);
    expect(
      (
        await failure(
          tokenClient.authorizationCode({ code, redirectUri: OAUTH2_REDIRECT_URI, codeVerifier: other.codeVerifier }),
        )
      ).error,
    ).toBe('invalid_grant');
    expect(
      (
        await failure(
          tokenClient.authorizationCode({ code, redirectUri: OAUTH2_REDIRECT_URI, codeVerifier: pkce.codeVerifier }),
        )
      ).error,
    ).toBe('invalid_grant');
  });

  it('deviates from RFC 6749 §2.3.1: Basic credentials are not form-decoded, so awkward ones fail; post works', async () => {
    const error = await failure(o2Client(AWKWARD_CLIENT, 'client_secret_basic').clientCredentials());
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
    expect(error.wwwAuthenticate).toMatch(/^Basic/);
  });

  it('errors: wrong password → invalid_grant, wrong secret → invalid_client (400 without Basic), unknown grant → unsupported_grant_type', async () => {
    remember('wrong password value');
    expect(
      (
        await failure(
          o2Client(PLAIN_CLIENT, 'client_secret_post').password({
            username: USER.username,
            password: 'wrong password value',
          }),
        )
      ).error,
    ).toBe('invalid_grant');
    const wrongSecret = await failure(
      o2Client({ ...PLAIN_CLIENT, clientSecret: 'wrong-secret-value' }, 'client_secret_post').clientCredentials(),
    );
    expect(wrongSecret).toMatchObject({ error: 'invalid_client', status: 400 });
    const deviceClient = createDeviceCapableClient({ ...PLAIN_CLIENT, baseUrl: o2.baseUrl, retry: false });
    expect((await failure(deviceClient.deviceCode({ deviceCode: 'device-code-secret-value' }))).error).toBe(
      'unsupported_grant_type',
    );
  });
});

describe('secret safety across every error of this suite', () => {
  it('no secret, code, verifier or token appears in message, String, inspect, JSON or the cause chain', () => {
    expect(errors.length).toBeGreaterThanOrEqual(12);
    expect(secrets.size).toBeGreaterThanOrEqual(20);
    for (const error of errors) {
      const views = [String(error), inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)];
      for (let cause = (error as Error).cause; cause; cause = (cause as Error).cause)
        views.push(inspect(cause, { depth: 10, showHidden: true }));
      for (const view of views)
        for (const secret of secrets)
          expect(view.includes(secret), `a secret leaked into: ${view.slice(0, 200)}`).toBe(false);
    }
  });
});
