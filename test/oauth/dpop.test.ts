import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSecretPost } from '../../templates/runtime/client-auth.js';
import {
  calculateJwkThumbprint,
  createDPoP,
  exportPublicJwk,
  fetchWithDPoP,
  isDPoPNonceChallenge,
  type DPoP,
} from '../../templates/runtime/dpop.js';
import { OAuthError } from '../../templates/runtime/client.js';
import { introspectToken } from '../../templates/runtime/introspection.js';
import {
  CLIENTS,
  nodeThumbprint,
  startOAuthFeaturesServer,
  type OAuthFeaturesServer,
} from '../support/oauth-features-server.js';
import { decodeJwt, thrown, tokenRequest } from './support.js';

const es256 = () => crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);

describe('JWK thumbprint (RFC 7638)', () => {
  it('matches the RFC 7638 §3.1 example', async () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(await calculateJwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('agrees with an independent implementation for EC and OKP keys, and ignores private members', async () => {
    const ec = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const ed = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    for (const pair of [ec, ed]) {
      const privateJwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
      const publicJwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
      expect(await calculateJwkThumbprint(privateJwk)).toBe(nodeThumbprint(publicJwk as Record<string, unknown>));
    }
    await expect(calculateJwkThumbprint({ kty: 'oct', k: 'x' })).rejects.toThrow(TypeError);
  });
});

describe('DPoP proofs (RFC 9449 §4.2)', () => {
  it('carries typ, the public jwk, htm, htu without query and fragment, iat, a fresh jti, and ath for resources', async () => {
    const keyPair = await es256();
    const dpop = createDPoP({ keyPair, now: () => 1_700_000_000_000 });
    const first = decodeJwt(await dpop.proof({ method: 'post', url: 'https://as.example/token?a=1#b' }));
    const second = decodeJwt(await dpop.proof({ method: 'GET', url: 'https://rs.example/r', accessToken: 'tok' }));
    expect(first.header).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: await exportPublicJwk(keyPair) });
    expect(first.header['jwk']).not.toHaveProperty('d');
    expect(first.payload).toEqual({
      jti: expect.stringMatching(/^[\w-]{43}$/),
      htm: 'POST',
      htu: 'https://as.example/token',
      iat: 1_700_000_000,
    });
    expect(second.payload['jti']).not.toBe(first.payload['jti']);
    const ath = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('tok'))).toString(
      'base64url',
    );
    expect(second.payload['ath']).toBe(ath);
  });

  it('tokenRequest: a proof for POST in the headers, then a check that keeps the nonce and spots the challenge', async () => {
    const dpop = createDPoP({ keyPair: await es256() });
    const url = 'https://as.example/token';
    const headers: Record<string, string> = { accept: 'application/json' };
    const check = await dpop.tokenRequest(url, headers);
    expect(decodeJwt(headers['dpop']!).payload).toMatchObject({ htm: 'POST', htu: url });
    const challenge = (status: number, error: string, nonce?: string) =>
      new Response(JSON.stringify({ error }), { status, headers: nonce ? { 'dpop-nonce': nonce } : {} });
    expect(await check(challenge(400, 'use_dpop_nonce', 'n-1'))).toBe(true);
    expect(dpop.nonceFor(url)).toBe('n-1');
    expect(await check(challenge(400, 'invalid_grant', 'n-2'))).toBe(false);
    expect(dpop.nonceFor(url)).toBe('n-2');
    // RFC 9449 §8: a challenge carries the nonce to use; without one there is nothing to retry with.
    expect(await check(challenge(400, 'use_dpop_nonce'))).toBe(false);
    expect(await check(new Response('{}', { status: 200, headers: { 'dpop-nonce': 'n-3' } }))).toBe(false);
    expect(dpop.nonceFor(url)).toBe('n-3');
  });

  it('remembers nonces per origin and uses them in later proofs', async () => {
    const dpop = createDPoP({ keyPair: await es256() });
    dpop.rememberNonce('https://as.example/token', new Response(null, { headers: { 'dpop-nonce': 'n-1' } }));
    dpop.rememberNonce('https://as.example/token', new Response(null)); // no nonce: kept
    dpop.rememberNonce('https://rs.example/x', new Response(null, { headers: { 'dpop-nonce': 'bad nonce' } })); // not NQCHAR
    expect(dpop.nonceFor('https://as.example/other')).toBe('n-1');
    expect(dpop.nonceFor('https://rs.example/x')).toBeUndefined();
    expect(decodeJwt(await dpop.proof({ method: 'GET', url: 'https://as.example/x' })).payload['nonce']).toBe('n-1');
    expect(decodeJwt(await dpop.proof({ method: 'GET', url: 'https://rs.example/x' })).payload).not.toHaveProperty(
      'nonce',
    );
    expect(inspect(dpop)).toBe("{ algorithm: 'ES256', origins: [ 'https://as.example' ] }");
  });

  it('recognises both challenge shapes, and nothing without a DPoP-Nonce', async () => {
    const json = { 'content-type': 'application/json', 'dpop-nonce': 'n' };
    expect(await isDPoPNonceChallenge(new Response('{"error":"use_dpop_nonce"}', { status: 400, headers: json }))).toBe(
      true,
    );
    expect(await isDPoPNonceChallenge(new Response('{"error":"invalid_grant"}', { status: 400, headers: json }))).toBe(
      false,
    );
    const www = { 'www-authenticate': 'DPoP error="use_dpop_nonce", algs="ES256"', 'dpop-nonce': 'n' };
    expect(await isDPoPNonceChallenge(new Response(null, { status: 401, headers: www }))).toBe(true);
    expect(
      await isDPoPNonceChallenge(
        new Response(null, { status: 401, headers: { 'www-authenticate': www['www-authenticate'] } }),
      ),
    ).toBe(false);
  });

  it('answers a challenge with exactly one retry (fresh proof), and gives up after a second', async () => {
    const dpop = createDPoP({ keyPair: await es256() });
    const proofs: string[] = [];
    let nonce = 0;
    const challenging: typeof fetch = async (_url, init) => {
      proofs.push(new Headers(init?.headers).get('dpop')!);
      nonce += 1;
      return new Response('{"error":"use_dpop_nonce"}', {
        status: 400,
        headers: { 'content-type': 'application/json', 'dpop-nonce': `n${nonce}` },
      });
    };
    const response = await fetchWithDPoP(
      dpop,
      { method: 'POST', url: 'https://as.example/token', body: new URLSearchParams({ a: 'b' }) },
      { fetch: challenging },
    );
    expect(response.status).toBe(400);
    expect(proofs).toHaveLength(2);
    expect(decodeJwt(proofs[0]!).payload).not.toHaveProperty('nonce');
    expect(decodeJwt(proofs[1]!).payload['nonce']).toBe('n1');
    expect(dpop.nonceFor('https://as.example/')).toBe('n2');
  });
});

describe('DPoP against oidc-provider 8.8.1 (nonces required) and a resource that checks the binding', () => {
  let server: OAuthFeaturesServer;
  let dpop: DPoP;
  beforeAll(async () => {
    server = await startOAuthFeaturesServer();
    dpop = createDPoP({ keyPair: await es256() });
  });
  afterAll(() => server?.close());

  const auth = () => clientSecretPost(CLIENTS.service.clientId, CLIENTS.service.clientSecret);
  const token = () =>
    tokenRequest(
      server.tokenEndpoint,
      { grant_type: 'client_credentials', scope: 'api' },
      { clientAuthentication: auth(), dpop },
    );
  const tokenPosts = () => server.requests.filter((r) => r.path === '/connect/token').length;

  it('gets a DPoP-bound token, answering the nonce challenge once and then reusing the nonce', async () => {
    const before = tokenPosts();
    const tokens = await token();
    expect(tokens.token_type).toBe('DPoP');
    expect(tokenPosts() - before).toBe(2); // challenge + one retry
    await token();
    expect(tokenPosts() - before).toBe(3); // the remembered nonce is accepted at once
    const introspection = await introspectToken(tokens.access_token, {
      endpoint: server.introspectionEndpoint,
      clientAuthentication: auth(),
    });
    expect(introspection).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: await dpop.thumbprint() } });
  });

  it('uses the token at a resource that checks proof, ath, its own nonce and the key binding', async () => {
    const { access_token: accessToken } = await token();
    const before = server.requests.filter((r) => r.path === '/api/dpop').length;
    const response = await fetchWithDPoP(dpop, { method: 'GET', url: `${server.dpopResourceUrl}?q=1`, accessToken });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ client_id: CLIENTS.service.clientId, jkt: await dpop.thumbprint() });
    expect(server.requests.filter((r) => r.path === '/api/dpop').length - before).toBe(2);
  });

  it('a token is useless with another key, and as a Bearer token', async () => {
    const { access_token: accessToken } = await token();
    const thief = createDPoP({ keyPair: await es256() });
    const stolen = await fetchWithDPoP(thief, { method: 'GET', url: server.dpopResourceUrl, accessToken });
    expect(stolen.status).toBe(401);
    expect(stolen.headers.get('www-authenticate')).toContain('not bound to this key');
    const bearer = await fetch(server.dpopResourceUrl, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(bearer.status).toBe(401);
  });

  it('a proof with a stale nonce after the one retry surfaces as the OAuth error', async () => {
    const stale = createDPoP({ keyPair: await es256() });
    let calls = 0;
    const alwaysStale: typeof fetch = async (url, init) => {
      calls += 1;
      const headers = new Headers(init?.headers);
      // Replace the proof's nonce-bearing proof by one without a nonce: the server challenges every time.
      headers.set('dpop', await createDPoP({ keyPair: await es256() }).proof({ method: 'POST', url: String(url) }));
      return fetch(url, { ...init, headers });
    };
    const error = await thrown(async () => {
      const response = await fetchWithDPoP(
        stale,
        {
          method: 'POST',
          url: server.tokenEndpoint,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials' }),
        },
        { fetch: alwaysStale, prepare: auth() },
      );
      const body = (await response.json()) as { error: string };
      throw new OAuthError(body, { status: response.status });
    });
    expect(calls).toBe(2);
    expect((error as OAuthError).error).toBe('use_dpop_nonce');
  });
});
