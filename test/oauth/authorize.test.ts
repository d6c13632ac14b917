import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizationResponseError,
  InvalidAuthorizationResponseError,
  buildAuthorizationRequest,
  parseAuthorizationResponse,
  type AuthorizationRequest,
} from '../../templates/runtime/authorize.js';
import { clientSecretPost } from '../../templates/runtime/client-auth.js';
import { ConfigurationError, TokenClientError } from '../../templates/runtime/errors.js';
import { OAuthError } from '../../templates/runtime/client.js';
import {
  CLIENTS,
  REDIRECT_URI,
  startOAuthFeaturesServer,
  type OAuthFeaturesServer,
} from '../support/oauth-features-server.js';
import { thrown, tokenRequest } from './support.js';

const ENDPOINT = 'https://as.example/connect/authorize?tenant=a';
const base = { authorizationEndpoint: ENDPOINT, clientId: 'app', redirectUri: 'https://app.example/cb' };

describe('buildAuthorizationRequest', () => {
  it('builds a code + PKCE S256 request, keeps the endpoint query, and generates fresh values', async () => {
    const a = await buildAuthorizationRequest({
      ...base,
      scope: ['openid', 'api'],
      extraParameters: { prompt: 'login' },
    });
    const b = await buildAuthorizationRequest({ ...base, scope: 'openid api' });
    const params = a.url.searchParams;
    expect(`${a.url.origin}${a.url.pathname}`).toBe('https://as.example/connect/authorize');
    expect(Object.fromEntries(params)).toMatchObject({
      tenant: 'a',
      response_type: 'code',
      client_id: 'app',
      redirect_uri: 'https://app.example/cb',
      scope: 'openid api',
      state: a.state,
      nonce: a.nonce,
      code_challenge_method: 'S256',
      prompt: 'login',
    });
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(a.codeVerifier));
    expect(params.get('code_challenge')).toBe(Buffer.from(digest).toString('base64url'));
    expect(a.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.has('code_verifier')).toBe(false);
    for (const name of ['state', 'codeVerifier', 'nonce'] as const) expect(a[name]).not.toBe(b[name]);
  });

  it('sends a nonce only for openid scopes unless told', async () => {
    const plain = await buildAuthorizationRequest({ ...base, scope: 'api' });
    expect(plain.nonce).toBeUndefined();
    expect(plain.url.searchParams.has('nonce')).toBe(false);
    expect((await buildAuthorizationRequest({ ...base, scope: 'api', nonce: true })).nonce).toMatch(/^[\w-]{43}$/);
  });

  it('refuses reserved extra parameters, http to remote hosts, and missing options', async () => {
    const reserved = await thrown(() =>
      buildAuthorizationRequest({ ...base, extraParameters: { state: 'x', code_challenge: 'y' } }),
    );
    expect(reserved).toBeInstanceOf(ConfigurationError);
    expect((reserved as Error).message).toContain('state, code_challenge');
    expect(
      await thrown(() => buildAuthorizationRequest({ ...base, authorizationEndpoint: 'http://as.example/a' })),
    ).toBeInstanceOf(ConfigurationError);
    await expect(
      buildAuthorizationRequest({ ...base, authorizationEndpoint: 'http://127.0.0.1:1/a' }),
    ).resolves.toBeDefined();
    expect(await thrown(() => buildAuthorizationRequest({ ...base, clientId: '' }))).toBeInstanceOf(ConfigurationError);
    expect(await thrown(() => buildAuthorizationRequest({ ...base, requireIssuer: true }))).toBeInstanceOf(
      ConfigurationError,
    );
  });

  it('never shows the verifier in inspect or JSON, and a JSON round trip is refused with a hint', async () => {
    const request = await buildAuthorizationRequest({ ...base, scope: 'openid' });
    for (const text of [inspect(request), JSON.stringify(request)]) {
      expect(text).not.toContain(request.codeVerifier);
      expect(text).toContain(request.state);
    }
    const revived = JSON.parse(JSON.stringify(request)) as AuthorizationRequest;
    const error = await thrown(() =>
      parseAuthorizationResponse(`https://app.example/cb?code=c&state=${request.state}`, revived),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('persist the members');
  });
});

describe('parseAuthorizationResponse', () => {
  const expected = { state: 's'.repeat(43), codeVerifier: 'v'.repeat(43), redirectUri: 'https://app.example/cb' };
  const cb = (query: string) => `https://app.example/cb?${query}`;
  const reason = async (url: string, exp: Parameters<typeof parseAuthorizationResponse>[1] = expected) =>
    ((await thrown(() => parseAuthorizationResponse(url, exp))) as InvalidAuthorizationResponseError).reason;

  it('returns exactly what authorizationCode() takes, and reads the fragment when the query is empty', () => {
    const result = parseAuthorizationResponse(cb(`code=abc&state=${expected.state}`), expected);
    expect({ ...result }).toEqual({
      code: 'abc',
      redirectUri: expected.redirectUri,
      codeVerifier: expected.codeVerifier,
    });
    expect(parseAuthorizationResponse(`https://app.example/cb#code=f&state=${expected.state}`, expected).code).toBe(
      'f',
    );
    expect(inspect(result)).not.toContain('abc');
    expect(JSON.stringify(result)).not.toContain(expected.codeVerifier);
  });

  it('refuses a callback that is not a URL without echoing it (it holds the code)', async () => {
    const error = await thrown(() => parseAuthorizationResponse('/cb?code=secret-code-123', expected));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(inspect(error)).not.toContain('secret-code-123');
  });

  it('refuses a wrong or missing state, both code and error, no code, and repeated parameters', async () => {
    expect(await reason(cb('code=a&state=t'))).toBe('state_mismatch');
    expect(await reason(cb('code=a'))).toBe('state_mismatch');
    expect(await reason(cb(`code=a&error=x&state=${expected.state}`))).toBe('code_and_error');
    expect(await reason(cb(`state=${expected.state}`))).toBe('code_missing');
    expect(await reason(cb(`code=a&code=b&state=${expected.state}`))).toBe('repeated_parameter');
  });

  it('checks iss when sent (also on errors) and when required', async () => {
    const withIssuer = { ...expected, issuer: 'https://as.example' };
    const ok = parseAuthorizationResponse(
      cb(`code=a&state=${expected.state}&iss=https%3A%2F%2Fas.example`),
      withIssuer,
    );
    expect(ok.iss).toBe('https://as.example');
    expect(await reason(cb(`code=a&state=${expected.state}&iss=https%3A%2F%2Fevil.example`), withIssuer)).toBe(
      'issuer_mismatch',
    );
    expect(
      await reason(cb(`error=access_denied&state=${expected.state}&iss=https%3A%2F%2Fevil.example`), withIssuer),
    ).toBe('issuer_mismatch');
    expect(await reason(cb(`code=a&state=${expected.state}&iss=x`))).toBe('issuer_mismatch');
    expect(await reason(cb(`code=a&state=${expected.state}`), { ...withIssuer, requireIssuer: true })).toBe(
      'issuer_missing',
    );
  });

  it('turns error, error_description and error_uri into an AuthorizationResponseError', async () => {
    const error = await thrown(() =>
      parseAuthorizationResponse(
        cb(
          `error=access_denied&error_description=no+thanks&error_uri=https%3A%2F%2Fas.example%2Fe&state=${expected.state}`,
        ),
        expected,
      ),
    );
    expect(error).toBeInstanceOf(AuthorizationResponseError);
    expect(error).toBeInstanceOf(TokenClientError);
    expect(error).toMatchObject({
      error: 'access_denied',
      errorDescription: 'no thanks',
      errorUri: 'https://as.example/e',
    });
    expect((error as Error).message).toBe('The authorization server answered access_denied: no thanks');
  });
});

describe('the authorization-code flow against oidc-provider 8.8.1', () => {
  let server: OAuthFeaturesServer;
  beforeAll(async () => {
    server = await startOAuthFeaturesServer();
  });
  afterAll(() => server?.close());

  const start = (extra: Record<string, string> = {}) =>
    buildAuthorizationRequest({
      authorizationEndpoint: server.authorizationEndpoint,
      clientId: CLIENTS.web.clientId,
      redirectUri: REDIRECT_URI,
      scope: 'openid offline_access api',
      issuer: server.issuer,
      requireIssuer: true,
      extraParameters: { prompt: 'consent', ...extra },
    });

  it('logs in headlessly, checks state and iss, and exchanges the code with the verifier', async () => {
    const request = await start();
    const callback = await server.authorize(request.url);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
    const grant = parseAuthorizationResponse(callback, request);
    const tokens = await tokenRequest(
      server.tokenEndpoint,
      {
        grant_type: 'authorization_code',
        code: grant.code,
        redirect_uri: grant.redirectUri,
        code_verifier: grant.codeVerifier,
      },
      { clientAuthentication: clientSecretPost(CLIENTS.web.clientId, CLIENTS.web.clientSecret) },
    );
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const idToken = JSON.parse(Buffer.from(tokens.id_token!.split('.')[1]!, 'base64url').toString()) as {
      nonce?: string;
    };
    expect(idToken.nonce).toBe(request.nonce);
  });

  it('the server refuses a code exchanged with another verifier (so the verifier is what PKCE binds)', async () => {
    const request = await start();
    const grant = parseAuthorizationResponse(await server.authorize(request.url), request);
    const error = await thrown(() =>
      tokenRequest(
        server.tokenEndpoint,
        {
          grant_type: 'authorization_code',
          code: grant.code,
          redirect_uri: grant.redirectUri,
          code_verifier: 'x'.repeat(43),
        },
        { clientAuthentication: clientSecretPost(CLIENTS.web.clientId, CLIENTS.web.clientSecret) },
      ),
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('invalid_grant');
  });

  it('refuses a state mismatch, an iss mismatch, and reports access_denied', async () => {
    const request = await start();
    const callback = await server.authorize(request.url);
    const other = await start();
    const state = await thrown(() => parseAuthorizationResponse(callback, { ...request, state: other.state }));
    expect(state).toMatchObject({ reason: 'state_mismatch' });
    const iss = await thrown(() => parseAuthorizationResponse(callback, { ...request, issuer: 'http://127.0.0.1:1' }));
    expect(iss).toMatchObject({ reason: 'issuer_mismatch' });

    const denied = await start({ login_hint: 'deny' });
    const deniedCallback = await server.authorize(denied.url);
    const error = await thrown(() => parseAuthorizationResponse(deniedCallback, denied));
    expect(error).toBeInstanceOf(AuthorizationResponseError);
    expect(error).toMatchObject({ error: 'access_denied', errorDescription: 'End-User denied' });
  });
});
