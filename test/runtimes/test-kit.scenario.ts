/**
 * The generated test kit's fetch form, run as-is in every runtime by test/runtimes/test-kit.test.ts: the WealthCare
 * client against the WealthCare fake (generated/testing.ts), no server anywhere. Only web APIs (WebCrypto for PKCE
 * and the fake's tokens): it must run in Node, Deno, Bun and a browser page alike. The outcome is plain JSON.
 */
import {
  OAuthError,
  buildAuthorizationRequest,
  createPkce,
  createTokenClient,
  createTokenSource,
  parseAuthorizationResponse,
} from '../../generated/index.js';
import { createFakeAuthorizationServer } from '../../generated/testing.js';
import type { Scenario } from './harness.js';

const run: Scenario<unknown, Record<string, unknown>> = async () => {
  const fake = createFakeAuthorizationServer({ clients: [{ clientId: 'app', clientSecret: 's3cret' }] });
  const client = createTokenClient({
    clientId: 'app',
    clientSecret: 's3cret',
    fetch: fake.fetch,
    clientAuthentication: 'client_secret_basic',
    retry: { baseDelayMs: 1, maxDelayMs: 1 },
  });
  fake.failNext({ status: 503, retryAfter: 0 });
  const issued = await client.clientCredentials({ scope: 'mbi_api' });

  const pkce = await createPkce();
  const code = fake.issueAuthorizationCode({
    clientId: 'app',
    codeChallenge: pkce.codeChallenge,
    scope: 'offline_access',
  });
  const exchanged = await client.authorizationCode({ code, codeVerifier: pkce.codeVerifier });
  const replay = await client.authorizationCode({ code, codeVerifier: pkce.codeVerifier }).then(
    () => 'accepted',
    (error: unknown) => (error instanceof OAuthError ? error.error : `other: ${String(error)}`),
  );

  // The authorization endpoint the document infers: the code flow through the fake's user.
  const request = await buildAuthorizationRequest({
    clientId: 'app',
    redirectUri: 'https://app.example/callback',
    issuer: fake.issuer,
  });
  const viaEndpoint = await client.authorizationCode(
    parseAuthorizationResponse(await fake.authorize(request.url), request),
  );

  const source = createTokenSource(client, { grant: 'client_credentials' });
  const before = fake.requests.length;
  const tokens = await Promise.all([source.getAccessToken(), source.getAccessToken(), source.getAccessToken()]);
  return {
    scope: issued.scope,
    outcomes: fake.requests.slice(0, 2).map((request) => request.outcome),
    basic: fake.requests[1]?.clientAuthentication,
    refresh: typeof exchanged.refresh_token === 'string',
    replay,
    revokedByReplay: fake.introspect(exchanged.access_token)?.active === false,
    authorizeFlow: fake.introspect(viaEndpoint.access_token)?.subject,
    singleFlight: fake.requests.length - before === 1 && new Set(tokens).size === 1,
  };
};
export default run;
