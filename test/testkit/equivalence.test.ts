import { join } from 'node:path';
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
import { buildAuthorizationRequest, parseAuthorizationResponse } from '../../templates/runtime/authorize.js';
import { clientSecretPost } from '../../templates/runtime/client-auth.js';
import { introspectToken } from '../../templates/runtime/introspection.js';
import { revokeToken } from '../../templates/runtime/revocation.js';
import {
  CLIENTS as FEATURE_CLIENTS,
  REDIRECT_URI as FEATURE_REDIRECT_URI,
  startOAuthFeaturesServer,
  type OAuthFeaturesServer,
} from '../support/oauth-features-server.js';
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

/**
 * Revocation (RFC 7009) and introspection (RFC 7662): the fake bound to the all-capabilities fixture and
 * oidc-provider with those features on, both over real sockets, driven by the same runtime helpers and the generated
 * token client. Outcomes are compared as shapes: which members an introspection answer has, which error a refusal
 * carries. (Subjects and paths differ by configuration, not behaviour.)
 */
describe('revocation and introspection', () => {
  let server: OAuthFeaturesServer;
  let capable: FakeAuthorizationServer;
  let closeCapable: () => Promise<void>;
  beforeAll(async () => {
    const ir = analyze(await loadDocument(join(ROOT, 'test/fixtures/oauth/all-capabilities.yaml'), { cwd: ROOT }));
    const spec = fakeEndpointSpec(ir, ir.tokenEndpoints[0]!) as FakeEndpointSpec;
    capable = createFakeAuthorizationServerFor(spec, {
      clients: [
        { clientId: FEATURE_CLIENTS.web.clientId, clientSecret: FEATURE_CLIENTS.web.clientSecret },
        { clientId: FEATURE_CLIENTS.service.clientId, clientSecret: FEATURE_CLIENTS.service.clientSecret },
      ],
    });
    [server, { close: closeCapable }] = await Promise.all([startOAuthFeaturesServer(), capable.listen()]);
  });
  afterAll(async () => Promise.all([server?.close(), closeCapable?.()]));

  interface FeatureBackend {
    tokenBaseUrl: string;
    revocation: string;
    introspection: string;
    issuer: string;
    /** The scope the backend needs for a refresh token (oidc-provider: offline_access with openid). */
    scope: string;
    authorize(url: URL): Promise<URL>;
  }
  const featureBackends: Record<'oidc-provider' | 'fake', () => FeatureBackend> = {
    'oidc-provider': () => ({
      tokenBaseUrl: server.issuer,
      revocation: server.revocationEndpoint,
      introspection: server.introspectionEndpoint,
      issuer: server.issuer,
      scope: 'openid offline_access api',
      authorize: (url) => server.authorize(url),
    }),
    fake: () => ({
      tokenBaseUrl: capable.baseUrl,
      revocation: capable.revocationUrl!,
      introspection: capable.introspectionUrl!,
      issuer: capable.issuer,
      scope: 'openid api',
      authorize: (url) => capable.authorize(url),
    }),
  };

  type Shape = string;
  /** An introspection answer as its shape: active, and which RFC 7662 members it has. */
  const shape = (answer: Record<string, unknown>): Shape =>
    answer['active'] === true
      ? `active ${['client_id', 'scope', 'token_type', 'exp', 'iat', 'sub', 'iss'].filter((name) => name in answer).join(' ')} ${String(answer['token_type'] ?? '')}`
      : `inactive ${Object.keys(answer).length}`;
  const settle = async (call: Promise<unknown>): Promise<Shape> => {
    try {
      const result = await call;
      return result === undefined ? 'ok' : shape(result as Record<string, unknown>);
    } catch (error) {
      if (error instanceof OAuthError) return `${error.error} ${error.status ?? 0}`;
      throw error;
    }
  };

  async function scenario(backend: FeatureBackend): Promise<Shape[]> {
    const { web, service } = FEATURE_CLIENTS;
    const auth = clientSecretPost(web.clientId, web.clientSecret);
    const tokens = createTokenClient({
      clientId: web.clientId,
      clientSecret: web.clientSecret,
      clientAuthentication: 'client_secret_post',
      baseUrl: backend.tokenBaseUrl,
    });
    const login = async () => {
      const request = await buildAuthorizationRequest({
        authorizationEndpoint: `${backend.tokenBaseUrl}/connect/authorize`,
        clientId: web.clientId,
        redirectUri: FEATURE_REDIRECT_URI,
        scope: backend.scope,
        issuer: backend.issuer,
        extraParameters: { prompt: 'consent' },
      });
      return tokens.authorizationCode(parseAuthorizationResponse(await backend.authorize(request.url), request));
    };
    const introspect = (token: string, clientAuthentication = auth) =>
      introspectToken(token, { endpoint: backend.introspection, clientAuthentication });
    const revoke = (token: string, clientAuthentication = auth) =>
      revokeToken(token, undefined, { endpoint: backend.revocation, clientAuthentication });

    const first = await login();
    const serviceTokens = await createTokenClient({
      clientId: service.clientId,
      clientSecret: service.clientSecret,
      clientAuthentication: 'client_secret_post',
      baseUrl: backend.tokenBaseUrl,
    }).clientCredentials({ scope: 'api' as never });
    const outcomes = [
      await settle(introspect(first.access_token)),
      await settle(introspect(first.refresh_token!)),
      await settle(introspect('never-issued')),
      await settle(revoke('never-issued')),
      await settle(revoke(first.refresh_token!, clientSecretPost(web.clientId, 'wrong-secret'))),
      await settle(revoke(serviceTokens.access_token)),
      // Revoking the refresh token: refresh refused, both tokens inactive.
      await settle(revoke(first.refresh_token!)),
      await settle(tokens.refreshToken({ refreshToken: first.refresh_token! })),
      await settle(introspect(first.refresh_token!)),
      await settle(introspect(first.access_token)),
    ];
    // A second login after the first grant is gone (oidc-provider's session would otherwise reuse that grant, whose
    // revocation takes every token of it along: the fake models one grant per code).
    const second = await login();
    return [
      ...outcomes,
      // Revoking an access token alone: it is inactive, the refresh token still works.
      await settle(revoke(second.access_token)),
      await settle(introspect(second.access_token)),
      await settle(introspect(second.refresh_token!)),
      // Compared as success only: oidc-provider also answers an id_token, which the fake does not issue.
      await settle(tokens.refreshToken({ refreshToken: second.refresh_token! }).then(() => undefined)),
    ];
  }

  it('has the same outcomes against the fake and oidc-provider', async () => {
    const seen: Record<string, Shape[]> = {};
    for (const [label, make] of Object.entries(featureBackends)) seen[label] = await scenario(make());
    expect(seen.fake).toEqual(seen['oidc-provider']);
    expect(seen.fake).toContain('invalid_client 401');
    expect(seen.fake!.filter((outcome) => outcome.startsWith('active')).length).toBe(3);
  });
});
