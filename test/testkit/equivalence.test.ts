import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../generator/analyze/analyze.js';
import { fakeEndpointSpec } from '../../generator/emit/testing.js';
import { loadDocument } from '../../generator/load/load.js';
import { OAuthError, createPkce, createTokenClient, type TokenResponse } from '../../generated/index.js';
import {
  createFakeAuthorizationServerFor,
  type FakeAuthorizationServer,
  type FakeEndpointSpec,
} from '../../templates/runtime/test-kit.js';
import { ROOT, SPEC } from '../support/generate-to-temp.js';
import {
  DEFAULT_REDIRECT_URI,
  OIDC_CLIENTS,
  startOidcProviderServer,
  type OidcProviderServer,
  type TestClient,
} from '../support/oidc-provider-server.js';

/**
 * Equivalence: the same client scenarios against the fake authorization server and against oidc-provider (a real
 * server, in-process on 127.0.0.1) give the same outcomes: success shapes, error codes, retry decisions. If the fake
 * drifts from what real servers do, consumers' tests would pass against it and fail in production.
 */
interface Backend {
  baseUrl: string;
  issueCode(clientId: string, codeChallenge: string): Promise<string>;
  tokenRequests(): number;
}

let oidc: OidcProviderServer;
let fake: FakeAuthorizationServer;
let closeFake: () => Promise<void>;
let oidcRequests = 0;
const backends: Record<'oidc-provider' | 'fake', () => Backend> = {
  'oidc-provider': () => ({
    baseUrl: oidc.baseUrl,
    issueCode: (clientId, codeChallenge) => oidc.obtainAuthorizationCode({ clientId, codeChallenge }),
    tokenRequests: () => oidcRequests,
  }),
  fake: () => ({
    baseUrl: fake.baseUrl,
    issueCode: async (clientId, codeChallenge) =>
      fake.issueAuthorizationCode({
        clientId,
        codeChallenge,
        redirectUri: DEFAULT_REDIRECT_URI,
        scope: 'offline_access bensoft_api mbi_api',
      }),
    tokenRequests: () => fake.requests.length,
  }),
};

beforeAll(async () => {
  const ir = analyze(await loadDocument(SPEC, { cwd: ROOT }));
  const endpoint = ir.tokenEndpoints[0]!;
  const spec = fakeEndpointSpec(ir, endpoint) as FakeEndpointSpec;
  fake = createFakeAuthorizationServerFor(spec, {
    clients: Object.values(OIDC_CLIENTS).map((client: TestClient) => ({
      clientId: client.clientId,
      ...(client.clientSecret !== undefined ? { clientSecret: client.clientSecret } : {}),
    })),
  });
  [oidc, { close: closeFake }] = await Promise.all([startOidcProviderServer(), fake.listen()]);
});
afterAll(async () => Promise.all([oidc?.close(), closeFake?.()]));

/** Counts the token requests that reach oidc-provider, through the client's fetch. */
const countingFetch: typeof fetch = (input, init) => {
  if (String(input instanceof Request ? input.url : input).includes(new URL(oidc.baseUrl).host)) oidcRequests++;
  return fetch(input, init);
};

type Outcome =
  { ok: true; tokenType: string; refresh: boolean; expiresIn: boolean } | { error: string; status: number };
async function outcome(call: Promise<TokenResponse>): Promise<Outcome> {
  try {
    const tokens = await call;
    return {
      ok: true,
      tokenType: tokens.token_type.toLowerCase(),
      refresh: tokens.refresh_token !== undefined,
      expiresIn: typeof tokens.expires_in === 'number',
    };
  } catch (error) {
    if (error instanceof OAuthError) return { error: error.error, status: error.status ?? 0 };
    throw error;
  }
}

const client = (backend: Backend, test: TestClient, overrides: { clientSecret?: string } = {}) =>
  createTokenClient({
    clientId: test.clientId,
    clientAuthentication: test.authMethod,
    baseUrl: backend.baseUrl,
    fetch: countingFetch,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    ...(test.clientSecret !== undefined ? { clientSecret: test.clientSecret } : {}),
    ...overrides,
  });

/** Each scenario returns the outcomes it saw, in order; both backends must see the same list. */
const scenarios: Record<string, (backend: Backend) => Promise<Outcome[]>> = {
  'client_credentials, post and basic': async (backend) => [
    await outcome(client(backend, OIDC_CLIENTS.ccPost).clientCredentials()),
    await outcome(client(backend, OIDC_CLIENTS.ccBasic).clientCredentials()),
  ],
  'a wrong secret, post and basic': async (backend) => [
    await outcome(client(backend, OIDC_CLIENTS.ccPost, { clientSecret: 'wrong' }).clientCredentials()),
    await outcome(client(backend, OIDC_CLIENTS.ccBasic, { clientSecret: 'wrong' }).clientCredentials()),
  ],
  'authorization_code with PKCE, then the code replayed': async (backend) => {
    const pkce = await createPkce();
    const code = await backend.issueCode(OIDC_CLIENTS.codePost.clientId, pkce.codeChallenge);
    const tokens = client(backend, OIDC_CLIENTS.codePost);
    const exchange = () =>
      tokens.authorizationCode({ code, redirectUri: DEFAULT_REDIRECT_URI, codeVerifier: pkce.codeVerifier });
    return [await outcome(exchange()), await outcome(exchange())];
  },
  'a wrong code_verifier': async (backend) => {
    const pkce = await createPkce();
    const other = await createPkce();
    const code = await backend.issueCode(OIDC_CLIENTS.codeBasic.clientId, pkce.codeChallenge);
    return [
      await outcome(
        client(backend, OIDC_CLIENTS.codeBasic).authorizationCode({
          code,
          redirectUri: DEFAULT_REDIRECT_URI,
          codeVerifier: other.codeVerifier,
        }),
      ),
    ];
  },
  'a public client, then refresh-token rotation': async (backend) => {
    const pkce = await createPkce();
    const code = await backend.issueCode(OIDC_CLIENTS.codePublic.clientId, pkce.codeChallenge);
    const tokens = client(backend, OIDC_CLIENTS.codePublic);
    const first = await tokens.authorizationCode({
      code,
      redirectUri: DEFAULT_REDIRECT_URI,
      codeVerifier: pkce.codeVerifier,
    });
    return [
      await outcome(tokens.refreshToken({ refreshToken: first.refresh_token! })),
      await outcome(tokens.refreshToken({ refreshToken: first.refresh_token! })),
      await outcome(tokens.refreshToken({ refreshToken: 'never-issued' })),
    ];
  },
};

describe.each(Object.keys(scenarios))('%s', (name) => {
  it('has the same outcomes and the same number of requests against the fake and oidc-provider', async () => {
    const seen: Record<string, { outcomes: Outcome[]; requests: number }> = {};
    for (const [label, make] of Object.entries(backends)) {
      const backend = make();
      const before = backend.tokenRequests();
      const outcomes = await scenarios[name]!(backend);
      seen[label] = { outcomes, requests: backend.tokenRequests() - before };
    }
    expect(seen.fake).toEqual(seen['oidc-provider']);
    expect(seen.fake!.outcomes.length).toBeGreaterThan(0);
  });
});
