import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuthorizationRequest, parseAuthorizationResponse } from '../../templates/runtime/authorize.js';
import { clientSecretPost } from '../../templates/runtime/client-auth.js';
import {
  ConfigurationError,
  InvalidResponseError,
  NetworkError,
  ServerError,
  TimeoutError,
} from '../../templates/runtime/errors.js';
import { OAuthError } from '../../templates/runtime/client.js';
import { introspectToken } from '../../templates/runtime/introspection.js';
import { revokeToken, revokeTokens } from '../../templates/runtime/revocation.js';
import {
  ReauthenticationRequiredError,
  createTokenClient,
  createTokenSource,
  tokensFromResponse,
} from '../../generated/index.js';
import { closeServer, listen } from '../support/oidc-provider-server.js';
import {
  CLIENTS,
  REDIRECT_URI,
  startOAuthFeaturesServer,
  type OAuthFeaturesServer,
} from '../support/oauth-features-server.js';
import { thrown, tokenRequest, type Tokens } from './support.js';

describe('revocation and introspection against oidc-provider 8.8.1', () => {
  let server: OAuthFeaturesServer;
  beforeAll(async () => {
    server = await startOAuthFeaturesServer();
  });
  afterAll(() => server?.close());
  const auth = () => clientSecretPost(CLIENTS.web.clientId, CLIENTS.web.clientSecret);

  async function login(): Promise<Tokens> {
    const request = await buildAuthorizationRequest({
      authorizationEndpoint: server.authorizationEndpoint,
      clientId: CLIENTS.web.clientId,
      redirectUri: REDIRECT_URI,
      scope: 'openid offline_access api',
      issuer: server.issuer,
      extraParameters: { prompt: 'consent' },
    });
    const grant = parseAuthorizationResponse(await server.authorize(request.url), request);
    return tokenRequest(
      server.tokenEndpoint,
      {
        grant_type: 'authorization_code',
        code: grant.code,
        redirect_uri: grant.redirectUri,
        code_verifier: grant.codeVerifier,
      },
      { clientAuthentication: auth() },
    );
  }
  const refresh = (refreshToken: string) =>
    tokenRequest(
      server.tokenEndpoint,
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      { clientAuthentication: auth() },
    );
  const introspect = (token: string) =>
    introspectToken(token, { endpoint: server.introspectionEndpoint, clientAuthentication: auth() });

  it('introspects a live access token and refresh token', async () => {
    const tokens = await login();
    expect(await introspect(tokens.access_token)).toMatchObject({
      active: true,
      client_id: CLIENTS.web.clientId,
      sub: 'user-1',
      token_type: 'Bearer',
    });
    const viaHint = await introspectToken(tokens.refresh_token!, {
      endpoint: server.introspectionEndpoint,
      clientAuthentication: auth(),
      tokenTypeHint: 'refresh_token',
    });
    expect(viaHint).toMatchObject({ active: true, client_id: CLIENTS.web.clientId, sub: 'user-1' });
    expect(await introspect('not-a-token')).toEqual({ active: false });
  });

  it('revoking the refresh token makes it unusable and introspection inactive', async () => {
    const tokens = await login();
    await revokeToken(tokens.refresh_token!, 'refresh_token', {
      endpoint: server.revocationEndpoint,
      clientAuthentication: auth(),
    });
    expect(await introspect(tokens.refresh_token!)).toEqual({ active: false });
    const error = await thrown(() => refresh(tokens.refresh_token!));
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('invalid_grant');
    // RFC 7009 §2.2: revoking an already revoked (or unknown) token is a success.
    await revokeToken(tokens.refresh_token!, undefined, {
      endpoint: server.revocationEndpoint,
      clientAuthentication: auth(),
    });
  });

  it('revokeTokens (what signOut does) revokes the refresh token, then the access token', async () => {
    const tokens = await login();
    const before = server.requests.length;
    await revokeTokens(
      { refreshToken: tokens.refresh_token, accessToken: tokens.access_token },
      { endpoint: server.revocationEndpoint, clientAuthentication: auth() },
    );
    expect(server.requests.slice(before).map((r) => r.path)).toEqual(['/connect/revocation', '/connect/revocation']);
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    expect(await introspect(tokens.refresh_token!)).toEqual({ active: false });
  });

  /** A refresh_token source of the generated WealthCare client, seeded with a login's tokens, over this server. */
  const signedIn = async () => {
    const tokens = await login();
    const client = createTokenClient({
      clientId: CLIENTS.web.clientId,
      clientSecret: CLIENTS.web.clientSecret,
      clientAuthentication: 'client_secret_post',
      baseUrl: server.issuer,
    });
    return createTokenSource(client, { grant: 'refresh_token', initialTokens: tokensFromResponse({ ...tokens }) });
  };
  /** Revocation options whose fetch records each request's form (token and hint). */
  const recording = (clientAuthentication = auth()) => {
    const forms: URLSearchParams[] = [];
    const fetchImpl: typeof fetch = (url, init) => {
      forms.push(new URLSearchParams(String(init?.body)));
      return fetch(url, init);
    };
    return { forms, options: { endpoint: server.revocationEndpoint, clientAuthentication, fetch: fetchImpl } };
  };

  it('signOut revokes the source’s refresh token, then its access token, and clears the source', async () => {
    const source = await signedIn();
    // A refresh through the source first: with rotation on, the token signOut must revoke is the rotated one.
    await source.getAccessToken({ forceRefresh: true });
    const held = source.getTokens()!;
    const { forms, options } = recording();
    await source.signOut((tokens) => revokeTokens(tokens, options));
    expect(forms.map((form) => [form.get('token'), form.get('token_type_hint')])).toEqual([
      [held.refreshToken, 'refresh_token'],
      [held.accessToken, 'access_token'],
    ]);
    expect(source.getTokens()).toBeUndefined();
    await expect(source.getAccessToken()).rejects.toBeInstanceOf(ReauthenticationRequiredError);
    // At the server: the refresh token no longer works, and neither token is active.
    const error = await thrown(() => refresh(held.refreshToken!));
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('invalid_grant');
    expect(await introspect(held.refreshToken!)).toEqual({ active: false });
    expect(await introspect(held.accessToken!)).toEqual({ active: false });
  });

  it('signOut clears the source when revocation fails and throws the failure, naming no token', async () => {
    const source = await signedIn();
    const held = source.getTokens()!;
    const { forms, options } = recording(clientSecretPost(CLIENTS.web.clientId, 'wrong-secret-value'));
    const error = await thrown(() => source.signOut((tokens) => revokeTokens(tokens, options)));
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('invalid_client');
    // Both were attempted; the source is cleared; the tokens are still valid at the server (nothing was revoked).
    expect(forms.map((form) => form.get('token_type_hint'))).toEqual(['refresh_token', 'access_token']);
    expect(source.getTokens()).toBeUndefined();
    await expect(source.getAccessToken()).rejects.toBeInstanceOf(ReauthenticationRequiredError);
    expect(await introspect(held.refreshToken!)).toMatchObject({ active: true });
    for (const text of [String(error), inspect(error), JSON.stringify(error), inspect(source)]) {
      expect(text).not.toContain(held.refreshToken);
      expect(text).not.toContain(held.accessToken);
      expect(text).not.toContain('wrong-secret-value');
    }
  });

  it('a wrong client secret is invalid_client, and no token or secret appears in the error', async () => {
    const tokens = await login();
    const error = await thrown(() =>
      revokeToken(tokens.access_token, 'access_token', {
        endpoint: server.revocationEndpoint,
        clientAuthentication: clientSecretPost(CLIENTS.web.clientId, 'wrong-secret-value'),
      }),
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as Error).message).toMatch(/^The revocation endpoint answered invalid_client/);
    for (const text of [inspect(error), JSON.stringify(error), String((error as OAuthError).bodyExcerpt)]) {
      expect(text).not.toContain(tokens.access_token);
      expect(text).not.toContain('wrong-secret-value');
    }
  });
});

describe('endpoint failures are classified and redacted', () => {
  const secretToken = 'tok-0123456789-secret';
  let url: string;
  let answer: (res: import('node:http').ServerResponse) => void = () => {};
  const fake = createServer((_req, res) => answer(res));
  beforeAll(async () => {
    await listen(fake);
    url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/revoke`;
  });
  afterAll(() => closeServer(fake));
  const options = () => ({ endpoint: url, clientAuthentication: clientSecretPost('c', 'client-secret-value') });

  it('a 5xx page echoing the token is a ServerError with the token redacted', async () => {
    answer = (res) =>
      res
        .writeHead(502, { 'content-type': 'text/html' })
        .end(`<p>bad gateway for token=${secretToken}&client_secret=client-secret-value</p>`);
    const error = await thrown(() => revokeToken(secretToken, 'access_token', options()));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).bodyExcerpt).toContain('[REDACTED]');
    expect(inspect(error)).not.toContain(secretToken);
    expect(inspect(error)).not.toContain('client-secret-value');
  });

  it('introspection without a boolean active is an InvalidResponseError; a slow server a TimeoutError', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"active":"yes"}');
    expect(await thrown(() => introspectToken(secretToken, options()))).toBeInstanceOf(InvalidResponseError);
    answer = () => {};
    const timeout = await thrown(() => introspectToken(secretToken, { ...options(), timeoutMs: 50 }));
    expect(timeout).toBeInstanceOf(TimeoutError);
    // The HTTP core's message (http.ts `exchange`), labelled with the request like the token client's.
    expect((timeout as Error).message).toBe(`POST ${new URL(url).pathname} timed out after 50 ms`);
  });

  it('http: to a remote host is refused before anything is sent', async () => {
    const error = await thrown(() =>
      revokeToken('t', undefined, { ...options(), endpoint: 'http://as.example/revoke' }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    // The HTTP core's rule and message (http.ts `secureUrl`), naming the function and its option.
    expect((error as Error).message).toBe(
      'revokeToken: Refusing http: to a non-loopback host (clear text); use https: or allowInsecureHttp: true',
    );
    expect(await thrown(() => introspectToken('t', { ...options(), endpoint: '/relative' }))).toMatchObject({
      message: 'introspectToken: endpoint must be an absolute http(s) URL',
    });
  });

  it('a refused connection is classified by the HTTP core: nothing was sent, no secret in the cause', async () => {
    const closed = createServer();
    await listen(closed);
    const port = (closed.address() as AddressInfo).port;
    await closeServer(closed);
    const error = await thrown(() =>
      revokeToken(secretToken, 'refresh_token', { ...options(), endpoint: `http://127.0.0.1:${port}/revoke` }),
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({
      message: 'POST /revoke: the server refused the connection',
      mayHaveReachedServer: false,
    });
    expect(inspect(error)).not.toContain(secretToken);
  });
});
