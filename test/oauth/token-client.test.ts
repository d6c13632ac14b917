import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizedFetch, createTokenClient, createTokenSource } from '../../generated/index.js';
import { clientSecretJwt, clientSecretPost, privateKeyJwt } from '../../templates/runtime/client-auth.js';
import { OAuthError } from '../../templates/runtime/client.js';
import { createDPoP, fetchWithDPoP } from '../../templates/runtime/dpop.js';
import { introspectToken } from '../../templates/runtime/introspection.js';
import {
  CLIENTS,
  jwtClientKeys,
  startOAuthFeaturesServer,
  type OAuthFeaturesServer,
} from '../support/oauth-features-server.js';
import { decodeJwt, thrown } from './support.js';

/**
 * The token client (createTokenClient of the generated WealthCare output) with JWT client authentication and DPoP,
 * against oidc-provider 8.8.1: the function passed as `clientAuthentication` runs once per attempt, `dpop` adds a
 * proof per attempt and answers the nonce challenge with one attempt the retry policy does not count.
 */
let server: OAuthFeaturesServer;
beforeAll(async () => {
  server = await startOAuthFeaturesServer();
});
afterAll(() => server?.close());

const es256 = () => crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
const tokenPosts = () => server.requests.filter((r) => r.path === '/connect/token').length;

/** A fetch that records each attempt's form and DPoP header, and answers the first `failures` with a 503. */
function recordingFetch(failures = 0) {
  const sent: Array<{ form: URLSearchParams; dpop: string | null }> = [];
  const fetchImpl: typeof fetch = async (url, init) => {
    sent.push({ form: new URLSearchParams(String(init?.body)), dpop: new Headers(init?.headers).get('dpop') });
    if (sent.length <= failures) return new Response('busy', { status: 503, headers: { 'retry-after': '0' } });
    return fetch(url, init);
  };
  return { sent, fetchImpl };
}

describe('createTokenClient with JWT client authentication', () => {
  for (const client of ['rs256', 'es256', 'eddsa'] as const) {
    it(`private_key_jwt (${client}) obtains a token`, async () => {
      const key = (await jwtClientKeys())[client].privateKey;
      const tokens = await createTokenClient({
        clientId: CLIENTS[client].clientId,
        baseUrl: server.issuer,
        clientAuthentication: privateKeyJwt({ clientId: CLIENTS[client].clientId, key }),
      }).clientCredentials({ scope: 'api' });
      expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'api' });
    });
  }

  it('client_secret_jwt obtains a token and never sends the secret', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const { clientId, clientSecret } = CLIENTS.hs256;
    const client = createTokenClient({
      clientId,
      baseUrl: server.issuer,
      fetch: fetchImpl,
      clientAuthentication: clientSecretJwt({ clientId, clientSecret }),
    });
    expect((await client.clientCredentials({ scope: 'api' })).access_token).toEqual(expect.any(String));
    expect(sent[0]!.form.get('client_secret')).toBeNull();
    expect(sent[0]!.form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  });

  it('signs a fresh assertion for every retry, which the server accepts', async () => {
    const { sent, fetchImpl } = recordingFetch(2);
    const key = (await jwtClientKeys()).es256.privateKey;
    const tokens = await createTokenClient({
      clientId: CLIENTS.es256.clientId,
      baseUrl: server.issuer,
      fetch: fetchImpl,
      retry: { retries: 2, baseDelayMs: 1 },
      clientAuthentication: privateKeyJwt({ clientId: CLIENTS.es256.clientId, key }),
    }).clientCredentials({ scope: 'api' });
    expect(tokens.token_type).toBe('Bearer');
    const jtis = sent.map(({ form }) => decodeJwt(form.get('client_assertion')!).payload['jti']);
    expect(jtis).toHaveLength(3);
    expect(new Set(jtis).size).toBe(3);
  });

  it('a wrong secret is the server’s invalid_client, with neither secret nor assertion in the error', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const error = await thrown(() =>
      createTokenClient({
        clientId: CLIENTS.hs256.clientId,
        baseUrl: server.issuer,
        fetch: fetchImpl,
        clientAuthentication: clientSecretJwt({ clientId: CLIENTS.hs256.clientId, clientSecret: 'y'.repeat(48) }),
      }).clientCredentials({ scope: 'api' }),
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('invalid_client');
    const shown = `${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`;
    expect(shown).not.toContain('y'.repeat(48));
    expect(shown).not.toContain(sent[0]!.form.get('client_assertion')!.split('.')[2]);
  });

  it('still refuses an unknown method name, naming the function form as the alternative', () => {
    expect(() =>
      createTokenClient({
        clientId: 'c',
        baseUrl: server.issuer,
        clientAuthentication: 'private_key_jwt' as never,
      }),
    ).toThrow(/or none, or a function/);
  });
});

describe('createTokenClient with DPoP (oidc-provider requires nonces)', () => {
  const service = () => ({
    clientId: CLIENTS.service.clientId,
    clientSecret: CLIENTS.service.clientSecret,
    clientAuthentication: 'client_secret_post' as const,
    baseUrl: server.issuer,
  });

  it('gets a DPoP-bound token: the nonce challenge costs one attempt the retry policy does not count', async () => {
    const dpop = createDPoP({ keyPair: await es256() });
    const { sent, fetchImpl } = recordingFetch();
    const client = createTokenClient({ ...service(), dpop, fetch: fetchImpl, retry: false });
    const before = tokenPosts();
    const tokens = await client.clientCredentials({ scope: 'api' });
    expect(tokens.token_type).toBe('DPoP');
    expect(tokenPosts() - before).toBe(2);
    // Two different proofs; the second carries the server's nonce.
    expect(sent.map(({ dpop: proof }) => proof)).toHaveLength(2);
    expect(decodeJwt(sent[0]!.dpop!).payload['nonce']).toBeUndefined();
    expect(decodeJwt(sent[1]!.dpop!).payload['nonce']).toBe(dpop.nonceFor(server.tokenEndpoint));
    expect(decodeJwt(sent[1]!.dpop!).payload).toMatchObject({ htm: 'POST', htu: server.tokenEndpoint });
    // The nonce is remembered: the next request needs one attempt.
    await client.clientCredentials({ scope: 'api' });
    expect(tokenPosts() - before).toBe(3);
    const introspection = await introspectToken(tokens.access_token, {
      endpoint: server.introspectionEndpoint,
      clientAuthentication: clientSecretPost(CLIENTS.service.clientId, CLIENTS.service.clientSecret),
    });
    expect(introspection).toMatchObject({ active: true, cnf: { jkt: await dpop.thumbprint() } });
    const resource = await fetchWithDPoP(dpop, {
      method: 'GET',
      url: server.dpopResourceUrl,
      accessToken: tokens.access_token,
    });
    expect(resource.status).toBe(200);
  });

  it('with private_key_jwt, the nonce retry carries a fresh assertion too', async () => {
    const dpop = createDPoP({ keyPair: await es256() });
    const { sent, fetchImpl } = recordingFetch();
    const key = (await jwtClientKeys()).rs256.privateKey;
    const tokens = await createTokenClient({
      clientId: CLIENTS.rs256.clientId,
      baseUrl: server.issuer,
      fetch: fetchImpl,
      dpop,
      clientAuthentication: privateKeyJwt({ clientId: CLIENTS.rs256.clientId, key }),
    }).clientCredentials({ scope: 'api' });
    expect(tokens.token_type).toBe('DPoP');
    expect(sent).toHaveLength(2);
    expect(sent[0]!.form.get('client_assertion')).not.toBe(sent[1]!.form.get('client_assertion'));
  });

  it('the token source keeps the binding: authorizedFetch sends Authorization: DPoP and a proof with ath', async () => {
    const dpop = createDPoP({ keyPair: await es256() });
    const client = createTokenClient({ ...service(), dpop });
    const source = createTokenSource(client, { grant: 'client_credentials', scope: 'api' });
    const api = authorizedFetch(source, fetch, dpop);
    const before = server.requests.filter((r) => r.path === '/api/dpop').length;
    const response = await api(server.dpopResourceUrl);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ client_id: CLIENTS.service.clientId, jkt: await dpop.thumbprint() });
    // The resource's nonce challenge, answered once; then the remembered nonce is accepted at once.
    expect(server.requests.filter((r) => r.path === '/api/dpop').length - before).toBe(2);
    expect((await api(server.dpopResourceUrl)).status).toBe(200);
    expect(server.requests.filter((r) => r.path === '/api/dpop').length - before).toBe(3);
    // Without the key, a DPoP token is refused rather than sent as a bearer token.
    await expect(authorizedFetch(source)(server.dpopResourceUrl)).rejects.toThrow(/cannot be sent as a bearer token/);
  });

  it('a second nonce challenge is not answered: the OAuth error surfaces after exactly two attempts', async () => {
    const dpop = createDPoP({ keyPair: await es256() });
    let calls = 0;
    const forgetful: typeof fetch = async (url, init) => {
      calls += 1;
      // A proof without the nonce: the server challenges every attempt.
      const headers = new Headers(init?.headers);
      headers.set('dpop', await createDPoP({ keyPair: await es256() }).proof({ method: 'POST', url: String(url) }));
      return fetch(url, { ...init, headers });
    };
    const error = await thrown(() =>
      createTokenClient({ ...service(), dpop, fetch: forgetful }).clientCredentials({ scope: 'api' }),
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('use_dpop_nonce');
    expect(calls).toBe(2);
  });
});
