/**
 * The generated client's scenarios, run as-is in every runtime by test/runtimes/client.test.ts: the WealthCare
 * output (generated/) against the scenario server, and one operation of the Clerk document's output (generated into
 * a temporary folder, handed in as `context.modules.clerk`) with a bearer token from a WealthCare token source.
 * Only web APIs: it must run in Node, Deno, Bun and a browser page alike. Each scenario's outcome is plain JSON.
 */
import {
  NetworkError,
  OAuthError,
  TimeoutError,
  TokenClientError,
  createPkce,
  createTokenClient,
  createTokenSource,
} from '../../generated/index.js';
import type { Scenario } from './harness.js';
import { settle, type Settled } from './settle.js';

export interface ClientScenarioInput {
  /** The scenario server's origin; the runtime's name is the first path segment. */
  serverUrl: string;
  clients: {
    post: { id: string; secret: string };
    basic: { id: string; secret: string };
  };
}

/** The subset of a generated operations module the scenario uses (the Clerk output, generated at test time). */
interface ClerkModule {
  createApiConfig(options: { baseUrl: string; accessToken: { getAccessToken(): Promise<string> } }): unknown;
  getUser(config: unknown, request: { path: { user_id: string } }): Promise<unknown>;
}

const run: Scenario<ClientScenarioInput, Record<string, Settled>> = async (input, { runtime, modules }) => {
  const baseUrl = `${input.serverUrl}/${runtime}`;
  const secrets = [input.clients.post.secret, input.clients.basic.secret];
  const step = (action: () => Promise<unknown>): Promise<Settled> =>
    settle(action, { classes: { TokenClientError, OAuthError, TimeoutError, NetworkError }, secrets });
  const results: Record<string, Settled> = {};
  const post = createTokenClient({
    baseUrl,
    clientId: input.clients.post.id,
    clientSecret: input.clients.post.secret,
    clientAuthentication: 'client_secret_post',
  });

  results['client_secret_post'] = await step(() => post.clientCredentials({ scope: 'bensoft_api' }));

  const basic = createTokenClient({
    baseUrl,
    clientId: input.clients.basic.id,
    clientSecret: input.clients.basic.secret,
    clientAuthentication: 'client_secret_basic',
  });
  results['client_secret_basic'] = await step(() => basic.clientCredentials({ scope: ['bensoft_api', 'mbi_api'] }));

  // Authorization code with PKCE: the verifier and its S256 challenge come from the runtime's WebCrypto; the server
  // recomputes the challenge with node:crypto, so a wrong digest or encoding fails the exchange.
  results['authorization_code_pkce'] = await step(async () => {
    const pkce = await createPkce();
    const redirectUri = 'http://127.0.0.1/callback';
    const authorize = new URL(`${baseUrl}/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: input.clients.post.id,
      redirect_uri: redirectUri,
      code_challenge: pkce.codeChallenge,
      code_challenge_method: pkce.codeChallengeMethod,
      state: 'state-1',
    }).toString();
    const { code } = (await (await fetch(authorize)).json()) as { code: string };
    const tokens = await post.authorizationCode({ code, redirectUri, codeVerifier: pkce.codeVerifier });
    return { tokenType: tokens.token_type, accessToken: tokens.access_token, verifierLength: pkce.codeVerifier.length };
  });

  const wrongSecret = createTokenClient({
    baseUrl,
    clientId: input.clients.post.id,
    clientSecret: `${input.clients.post.secret}-wrong`,
  });
  results['oauth_error'] = await step(() => wrongSecret.clientCredentials());

  const slow = createTokenClient({
    baseUrl: `${baseUrl}/slow`,
    clientId: input.clients.post.id,
    clientSecret: input.clients.post.secret,
    timeoutMs: 500,
    retry: false,
  });
  results['timeout'] = await step(() => slow.clientCredentials());

  // Single flight: five concurrent callers, one token request (the server counts them per runtime).
  const single = createTokenClient({
    baseUrl: `${baseUrl}/single`,
    clientId: input.clients.post.id,
    clientSecret: input.clients.post.secret,
  });
  const source = createTokenSource(single, { grant: 'client_credentials', scope: 'bensoft_api' });
  results['token_source'] = await step(async () => {
    const tokens = await Promise.all(Array.from({ length: 5 }, () => source.getAccessToken()));
    return { tokens, again: await source.getAccessToken() };
  });

  // One operation of the Clerk output, with the token source above as its bearer token provider.
  results['operation_bearer'] = await step(async () => {
    const clerk = modules['clerk'] as ClerkModule;
    const config = clerk.createApiConfig({ baseUrl: `${baseUrl}/api`, accessToken: source });
    return clerk.getUser(config, { path: { user_id: 'user_2x/y' } });
  });
  return results;
};

export default run;
