import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real oidc-provider 8.8.1 on 127.0.0.1 (port 0), token endpoint at /connect/token as in the WealthCare
 * document, for integration tests of the generated client. Authorization codes are obtained headlessly through the
 * provider's interaction API (login and consent are granted by a tiny interaction route, no browser).
 *
 * Observed behaviour (oidc-provider 8.8.1):
 * - client_secret_basic: credentials are form-decoded (`+` → space, then percent-decoding) as RFC 6749 §2.3.1 says.
 * - invalid_client is answered with HTTP 401 and a JSON body; invalid_grant and unsupported_grant_type with 400.
 * - a refresh token that was already rotated is rejected with invalid_grant and revokes the grant (the whole chain).
 */

/** A client id and secret with every character RFC 6749 §2.3.1 makes awkward. */
export const AWKWARD = 'a+b/c:d e%f&g';
export const SCOPES = ['bensoft_api', 'mbi_api', 'offline_access'] as const;
export const REDIRECT_URI = 'https://app.example/callback';

export interface OidcClient {
  clientId: string;
  clientSecret?: string;
  method: 'client_secret_post' | 'client_secret_basic' | 'none';
}

/** Clients, one per grant family and client authentication method. */
export const OIDC_CLIENTS = {
  ccPost: { clientId: `cc-post ${AWKWARD}`, clientSecret: `secret-cc-post ${AWKWARD} 0123456789abcdef0123456789`, method: 'client_secret_post' },
  ccBasic: { clientId: `cc-basic ${AWKWARD}`, clientSecret: `secret-cc-basic ${AWKWARD} 0123456789abcdef0123456789`, method: 'client_secret_basic' },
  codePost: { clientId: `code-post ${AWKWARD}`, clientSecret: `secret-code-post ${AWKWARD} 0123456789abcdef01234567`, method: 'client_secret_post' },
  codeBasic: { clientId: `code-basic ${AWKWARD}`, clientSecret: `secret-code-basic ${AWKWARD} 0123456789abcdef0123456`, method: 'client_secret_basic' },
  codePublic: { clientId: `code-public ${AWKWARD}`, method: 'none' },
} as const satisfies Record<string, OidcClient>;

export interface OidcServer {
  baseUrl: string;
  provider: Provider;
  /** Runs the authorization request and interactions headlessly; returns the authorization code. */
  obtainAuthorizationCode(options: { client: OidcClient; codeChallenge: string; scope?: string }): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the provider.
 * @param options.accessTokenTtlSeconds Lifetime of access tokens (short in lifecycle tests).
 */
export async function startOidcServer(options: { accessTokenTtlSeconds?: number } = {}): Promise<OidcServer> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const clients = Object.values(OIDC_CLIENTS).map((client) => {
    const code = client.clientId.startsWith('code');
    return {
      client_id: client.clientId,
      ...('clientSecret' in client ? { client_secret: client.clientSecret } : {}),
      token_endpoint_auth_method: client.method,
      grant_types: code ? ['authorization_code', 'refresh_token'] : ['client_credentials'],
      response_types: code ? ['code'] : [],
      redirect_uris: code ? [REDIRECT_URI] : [],
      scope: ['openid', ...SCOPES].join(' '),
    };
  });
  const provider = new Provider(baseUrl, {
    clients,
    routes: { token: '/connect/token', authorization: '/connect/authorize' },
    scopes: ['openid', ...SCOPES],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: { enabled: false },
    },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
      ClientCredentials: options.accessTokenTtlSeconds ?? 3600,
      // Explicit values silence the provider's notices about its defaults.
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      IdToken: 3600,
      RefreshToken: 86_400,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    cookies: { keys: ['test-cookie-key-0123456789'] },
  });
  // Loopback http: the provider must not insist on https for redirects it issues to itself.
  provider.proxy = true;
  const callback = provider.callback();
  handler = (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      void interact(provider, req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    callback(req, res);
  };

  return {
    baseUrl,
    provider,
    obtainAuthorizationCode: (request) => obtainCode(baseUrl, request),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Logs the test user in and grants every requested scope. */
async function interact(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: 'user-1' } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params['client_id'] as string });
  grant.addOIDCScope(String(details.params['scope']));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/** Follows the authorization redirects with a cookie jar until the redirect URI, and returns the code. */
async function obtainCode(baseUrl: string, request: { client: OidcClient; codeChallenge: string; scope?: string }): Promise<string> {
  const cookies = new Map<string, string>();
  const query = new URLSearchParams({
    client_id: request.client.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: request.scope ?? `openid ${SCOPES.join(' ')}`,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    prompt: 'consent',
  });
  let url = `${baseUrl}/connect/authorize?${query}`;
  for (let hop = 0; hop < 10; hop += 1) {
    if (url.startsWith(REDIRECT_URI)) {
      const params = new URL(url).searchParams;
      const code = params.get('code');
      if (!code) throw new Error(`authorization failed: ${params.get('error')} ${params.get('error_description')}`);
      return code;
    }
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const index = pair!.indexOf('=');
      cookies.set(pair!.slice(0, index), pair!.slice(index + 1));
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`authorization stopped at HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}
