import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../generator/analyze/analyze.js';
import { fakeEndpointSpec } from '../../generator/emit/testing.js';
import { loadDocument } from '../../generator/load/load.js';
import { NetworkError, authorizedFetch, createTokenClient, createTokenSource } from '../../generated/index.js';
import {
  createFakeAuthorizationServerFor,
  createMockApi,
  mockOperation,
  type FakeEndpointSpec,
} from '../../templates/runtime/test-kit.js';
import { join } from 'node:path';
import { buildAuthorizationRequest, parseAuthorizationResponse } from '../../templates/runtime/authorize.js';
import { clientSecretPost } from '../../templates/runtime/client-auth.js';
import { introspectToken } from '../../templates/runtime/introspection.js';
import { revokeToken } from '../../templates/runtime/revocation.js';
import { ROOT, SPEC } from '../support/generate-to-temp.js';

/**
 * The MSW adapters with the real MSW 2 (`setupServer` intercepts the global fetch): the fake's token endpoint and a
 * mocked API operation, no `fetch` injected anywhere. MSW is a devDependency of the tests only; the generated code
 * takes `http`/`HttpResponse` from the caller.
 */
let spec: FakeEndpointSpec;
const server = setupServer();
beforeAll(async () => {
  const ir = analyze(await loadDocument(SPEC, { cwd: ROOT }));
  const endpoint = ir.tokenEndpoints[0]!;
  spec = fakeEndpointSpec(ir, endpoint) as FakeEndpointSpec;
  server.listen({ onUnhandledRequest: 'error' });
});
afterAll(() => server.close());

describe('MSW 2', () => {
  it('serves the token endpoint and a mocked API through the global fetch, faults included', async () => {
    const fake = createFakeAuthorizationServerFor(spec, { clients: [{ clientId: 'app', clientSecret: 's' }] });
    const members = mockOperation<undefined, { name: string }[], unknown>(
      { method: 'GET', path: '/v1/members', bearer: 'required', response: { status: 200, body: [] } },
      () => ({ body: [{ name: 'Ada' }] }),
    );
    const api = createMockApi({ baseUrl: 'https://api.wealthcare.test', mocks: [members], authorization: fake });
    server.use(...fake.mswHandlers({ http, HttpResponse }), ...api.mswHandlers({ http }));

    const client = createTokenClient({ clientId: 'app', clientSecret: 's', retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    const source = createTokenSource(client, { grant: 'client_credentials', scope: 'mbi_api' });
    const call = authorizedFetch(source);
    const response = await call('https://api.wealthcare.test/v1/members');
    expect(await response.json()).toEqual([{ name: 'Ada' }]);
    expect(members.calls[0]?.headers.authorization).toMatch(/^Bearer /);

    // A dropped connection through MSW is a network error; client_credentials retries it.
    fake.failNext({ drop: true });
    await expect(client.clientCredentials()).resolves.toMatchObject({ token_type: 'Bearer' });
    fake.failNext({ drop: true });
    fake.failNext({ drop: true });
    fake.failNext({ drop: true });
    await expect(client.clientCredentials()).rejects.toBeInstanceOf(NetworkError);
    expect(fake.requests.map((request) => request.outcome)).toEqual([
      200,
      'dropped',
      200,
      'dropped',
      'dropped',
      'dropped',
    ]);
  });

  it('serves the authorization, revocation and introspection endpoints of the all-capabilities fixture', async () => {
    const ir = analyze(await loadDocument(join(ROOT, 'test/fixtures/oauth/all-capabilities.yaml'), { cwd: ROOT }));
    const oauthSpec = fakeEndpointSpec(ir, ir.tokenEndpoints[0]!) as FakeEndpointSpec;
    const fake = createFakeAuthorizationServerFor(oauthSpec, {
      clients: [{ clientId: 'web', clientSecret: 's', redirectUris: ['https://app.example/cb'] }],
    });
    server.use(...fake.mswHandlers({ http, HttpResponse }));
    const request = await buildAuthorizationRequest({
      authorizationEndpoint: fake.authorizationUrl!,
      clientId: 'web',
      redirectUri: 'https://app.example/cb',
      issuer: fake.issuer,
    });
    // The global fetch, intercepted by MSW: a GET at the authorization endpoint answers the redirect.
    const answer = await fetch(request.url, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    const grant = parseAuthorizationResponse(answer.headers.get('location')!, request);
    const client = createTokenClient({ clientId: 'web', clientSecret: 's', baseUrl: fake.baseUrl });
    const tokens = await client.authorizationCode(grant);
    const auth = { clientAuthentication: clientSecretPost('web', 's') };
    await revokeToken(tokens.refresh_token!, 'refresh_token', { ...auth, endpoint: fake.revocationUrl! });
    expect(await introspectToken(tokens.access_token, { ...auth, endpoint: fake.introspectionUrl! })).toEqual({
      active: false,
    });
    expect(fake.requests.map((record) => `${record.endpoint} ${record.outcome}`)).toEqual([
      'authorization 302',
      'token 200',
      'revocation 200',
      'introspection 200',
    ]);
  });
});
