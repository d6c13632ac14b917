import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSecretPost } from '../../templates/runtime/client-auth.js';
import { createDPoP, type DPoP } from '../../templates/runtime/dpop.js';
import { ConfigurationError } from '../../templates/runtime/errors.js';
import {
  ApiError,
  _send,
  settleApiConfig,
  type AccessTokenProvider,
  type _OperationSpec,
} from '../../templates/runtime/operations-runtime.js';
import { CLIENTS, startOAuthFeaturesServer, type OAuthFeaturesServer } from '../support/oauth-features-server.js';
import { decodeJwt, thrown, tokenRequest } from './support.js';

/**
 * DPoP in the operation functions (issue 13 item 3, RFC 9449 §7): `createApiConfig({ accessToken, dpop })` sends
 * `Authorization: DPoP` with a fresh proof carrying `ath`, keeps the resource's nonce and answers its challenge once.
 * Against oidc-provider 8.8.1 for the tokens and a resource that checks the binding (test/support).
 */
const es256 = () => crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
const GET: _OperationSpec = {
  method: 'get',
  path: '/api/dpop',
  parameters: [],
  accept: 'application/json',
  bearer: 'required',
};

/** A token source's shape: the token, and its type as the source stored it. */
const source = (token: string, tokenType: string): AccessTokenProvider => ({
  getAccessToken: async () => token,
  getTokens: () => ({ tokenType }),
});

describe('operation functions with a DPoP-bound token, against oidc-provider and a resource that checks the binding', () => {
  let server: OAuthFeaturesServer;
  let dpop: DPoP;
  let token: string;
  beforeAll(async () => {
    server = await startOAuthFeaturesServer();
    dpop = createDPoP({ keyPair: await es256() });
    const tokens = await tokenRequest(
      server.tokenEndpoint,
      { grant_type: 'client_credentials', scope: 'api' },
      { clientAuthentication: clientSecretPost(CLIENTS.service.clientId, CLIENTS.service.clientSecret), dpop },
    );
    expect(tokens.token_type).toBe('DPoP');
    token = tokens.access_token;
  });
  afterAll(() => server?.close());
  const resourceCalls = () => server.requests.filter((r) => r.path === '/api/dpop').length;
  const config = (provider: AccessTokenProvider, withDpop = true) =>
    settleApiConfig({ accessToken: provider, ...(withDpop ? { dpop } : {}) }, new URL(server.dpopResourceUrl).origin);

  it('answers the resource nonce challenge once, then reuses the nonce', async () => {
    const api = config(source(token, 'DPoP'));
    const before = resourceCalls();
    expect(await _send(api, GET, {})).toEqual({ client_id: CLIENTS.service.clientId, jkt: await dpop.thumbprint() });
    expect(resourceCalls() - before).toBe(2);
    expect(await _send(api, GET, {})).toEqual({ client_id: CLIENTS.service.clientId, jkt: await dpop.thumbprint() });
    expect(resourceCalls() - before).toBe(3);
  });

  it('takes a function’s tokens as DPoP-bound', async () => {
    expect(
      await _send(
        config(async () => token),
        GET,
        {},
      ),
    ).toMatchObject({ jkt: await dpop.thumbprint() });
  });

  it('refuses to send a DPoP-bound token as Bearer when dpop is missing, before any request', async () => {
    const before = resourceCalls();
    const error = await thrown(() => _send(config(source(token, 'DPoP'), false), GET, {}));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(String(error)).toContain('pass dpop to createApiConfig');
    expect(String(error)).not.toContain(token);
    expect(resourceCalls()).toBe(before);
  });

  it('fails with ApiError 401 when the token is bound to another key (the resource checks)', async () => {
    const thief = createDPoP({ keyPair: await es256() });
    const api = settleApiConfig(
      { accessToken: source(token, 'DPoP'), dpop: thief },
      new URL(server.dpopResourceUrl).origin,
    );
    const error = await thrown(() => _send(api, GET, {}));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
  });
});

describe('operation functions with dpop, wire details', () => {
  const origin = 'http://127.0.0.1:9';
  const recorder = (answer: (calls: number) => Response) => {
    const sent: Headers[] = [];
    const fetchImpl: typeof fetch = async (_url, init) => {
      sent.push(new Headers(init?.headers));
      return answer(sent.length);
    };
    return { sent, fetchImpl };
  };

  it('sends Bearer and no proof when the source’s tokens are of type Bearer', async () => {
    const { sent, fetchImpl } = recorder(() => Response.json({}));
    const dpop = createDPoP({ keyPair: await es256() });
    await _send(
      settleApiConfig({ accessToken: source('t0ken-abc', 'Bearer'), dpop, fetch: fetchImpl }, origin),
      GET,
      {},
    );
    expect(sent[0]!.get('authorization')).toBe('Bearer t0ken-abc');
    expect(sent[0]!.has('dpop')).toBe(false);
  });

  it('retries a use_dpop_nonce challenge exactly once, with a new proof carrying the nonce and ath', async () => {
    const { sent, fetchImpl } = recorder(
      (n) =>
        new Response(null, {
          status: 401,
          headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': `nonce-${n}` },
        }),
    );
    const dpop = createDPoP({ keyPair: await es256() });
    const error = await thrown(() =>
      _send(settleApiConfig({ accessToken: source('t0ken-abc', 'DPoP'), dpop, fetch: fetchImpl }, origin), GET, {}),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(sent).toHaveLength(2);
    const [first, second] = sent.map((headers) => decodeJwt(headers.get('dpop')!).payload);
    expect(second!['jti']).not.toBe(first!['jti']);
    expect(first!['nonce']).toBeUndefined();
    expect(second).toMatchObject({ nonce: 'nonce-1', htm: 'GET', htu: `${origin}/api/dpop` });
    expect(typeof second!['ath']).toBe('string');
    expect(sent[1]!.get('authorization')).toBe('DPoP t0ken-abc');
    expect(dpop.nonceFor(origin)).toBe('nonce-2');
  });

  it('keeps the token and the proof out of the error when the server echoes them', async () => {
    const { fetchImpl } = recorder(() => new Response('x'));
    let echoed = '';
    const echo: typeof fetch = async (url, init) => {
      await fetchImpl(url, init);
      const headers = new Headers(init?.headers);
      echoed = `${headers.get('authorization')} ${headers.get('dpop')}`;
      return new Response(`bad request: ${echoed}`, { status: 400, headers: { 'content-type': 'text/plain' } });
    };
    const dpop = createDPoP({ keyPair: await es256() });
    const error = await thrown(() =>
      _send(settleApiConfig({ accessToken: source('t0ken-abc', 'DPoP'), dpop, fetch: echo }, origin), GET, {}),
    );
    expect(error).toBeInstanceOf(ApiError);
    const shown = `${String(error)} ${(error as ApiError).bodyExcerpt}`;
    expect(shown).toContain('[REDACTED]');
    for (const secret of echoed.split(' ').slice(1)) expect(shown).not.toContain(secret);
  });
});
