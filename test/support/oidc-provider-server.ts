import { createHash, createPublicKey, generateKeyPairSync, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, {
  type Adapter,
  type AdapterPayload,
  type ClientMetadata,
  type Configuration,
  type JWK,
} from 'oidc-provider';

/**
 * A REAL oidc-provider 8.8.1 running in-process on 127.0.0.1 (port 0) for integration tests. Issuer is
 * `http://127.0.0.1:<port>`, token endpoint `/connect/token`, authorization endpoint `/connect/authorize`.
 *
 * Configuration choices (checked against node_modules/oidc-provider/lib, not guessed):
 * - `scopes` lists `openid offline_access bensoft_api mbi_api`. With `features.resourceIndicators` enabled (its default)
 *   and no `resource` parameter, shared/check_resource.js `filterStatics` keeps ONLY scopes from this static list, so the
 *   API scopes must be in it or client_credentials would silently drop them. Unknown scopes are silently dropped
 *   (no invalid_scope); a static scope missing from the client's `scope` metadata gives invalid_scope.
 * - `accessTokenFormat: 'opaque'` (default): no resource server; tokens are opaque, stored in the adapter.
 *   `accessTokenFormat: 'jwt'`: `defaultResource` resolves every request to {@link API_RESOURCE}, whose
 *   `getResourceServerInfo` has scope `bensoft_api mbi_api`, audience API_RESOURCE and `accessTokenFormat: 'jwt'`
 *   (RS256); `useGrantedResource` returns true so the token endpoint does not require `resource`. Access tokens then
 *   carry ONLY the resource server's scopes (`bensoft_api mbi_api`), not `openid`/`offline_access`.
 * - PKCE: `pkce.required: () => true`, `pkce.methods: ['S256']` (the 8.x form; helpers/defaults.js).
 * - Refresh tokens: `rotateRefreshToken: true`; issued by the default `issueRefreshToken` only when the client allows
 *   the refresh_token grant AND the code carries `offline_access`, which actions/authorization/check_scope.js only keeps
 *   when the authorization request has `prompt=consent` (obtainAuthorizationCode sends it). Reusing a rotated refresh
 *   token gives invalid_grant AND revokes the whole grant (refresh_token.js: `revoke(ctx, grantId)`).
 * - Console noise silenced by configuration: own in-memory adapter, own RSA signing key, cookie keys, explicit TTLs,
 *   devInteractions off, own findAccount / renderError / clientBasedCORS.
 *
 * Client authentication (shared/token_auth.js) — observed and asserted in real-servers.test.ts:
 * - client_secret_basic: the Base64-decoded `id:secret` is split at the FIRST `:`, then each half goes through
 *   `decodeURIComponent(value.replace(/\+/g, '%20'))`, i.e. proper application/x-www-form-urlencoded decoding as
 *   RFC 6749 §2.3.1 requires. So `+` and `%20` are both accepted for a space; a literal `+` must be sent as `%2B`.
 *   Unencoded values containing `%` not followed by two hex digits (like `e%f&g`) make decodeURIComponent throw:
 *   400 invalid_request "client_id and client_secret in the authorization header are not properly encoded".
 *   Unencoded `+` is silently read as a space (→ 401 invalid_client); an unencoded `:` in the id splits wrongly.
 * - Success responses: `cache-control: no-store` but NO `Pragma: no-cache` (RFC 6749 §5.1 asks for both).
 * - Errors: invalid_client is 401 with `WWW-Authenticate: Basic realm="<issuer>", error="invalid_client",
 *   error_description="client authentication failed"` ONLY when an Authorization header was sent; with
 *   client_secret_post it is 401 without WWW-Authenticate. Body is `{ error, error_description }` with ONE generic
 *   description per error code (invalid_grant is always "grant request is invalid"; the detail, e.g. "invalid secret
 *   provided" or "authorization code already consumed", is only in the `grant.error` event). invalid_scope adds a
 *   `scope` member. Every other token endpoint error is 400.
 * - client_secret_basic and client_secret_post are interchangeable: a client registered for one may use the other
 *   (token_auth.js allows both methods whenever a secret is presented).
 * - Client authentication runs before grant_type is looked at (bad client + unknown grant_type → invalid_client).
 * - Reusing an authorization code → invalid_grant AND revokes the tokens already issued for it. A wrong code_verifier
 *   → invalid_grant but does NOT consume the code (the right verifier still works afterwards).
 */

/** Characters RFC 6749 §2.3.1 / Appendix B make awkward: `+`, `/`, `:`, space, `%`, `&`. */
export const AWKWARD = 'a+b/c:d e%f&g';
export const API_SCOPES = ['bensoft_api', 'mbi_api'] as const;
export const ALL_SCOPES = ['openid', 'offline_access', ...API_SCOPES] as const;
export const DEFAULT_REDIRECT_URI = 'https://client.example/callback';
/** Resource indicator used when `accessTokenFormat: 'jwt'`. */
export const API_RESOURCE = 'https://api.wealthcare.test/';
export const DEFAULT_ACCOUNT_ID = 'user-1';

export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none';

export interface TestClient {
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly authMethod: ClientAuthMethod;
}

/** The registered clients. Every id and secret contains {@link AWKWARD}. */
export const OIDC_CLIENTS = {
  /** client_credentials, client_secret_post */
  ccPost: {
    clientId: `wc-cc-post ${AWKWARD}`,
    clientSecret: `s3cret-cc-post ${AWKWARD}-0123456789abcdef0123456789abcdef`,
    authMethod: 'client_secret_post',
  },
  /** client_credentials, client_secret_basic */
  ccBasic: {
    clientId: `wc-cc-basic ${AWKWARD}`,
    clientSecret: `s3cret-cc-basic ${AWKWARD}-0123456789abcdef0123456789abcdef`,
    authMethod: 'client_secret_basic',
  },
  /** authorization_code + refresh_token (PKCE), client_secret_post */
  codePost: {
    clientId: `wc-code-post ${AWKWARD}`,
    clientSecret: `s3cret-code-post ${AWKWARD}-0123456789abcdef0123456789abcdef`,
    authMethod: 'client_secret_post',
  },
  /** authorization_code + refresh_token (PKCE), client_secret_basic */
  codeBasic: {
    clientId: `wc-code-basic ${AWKWARD}`,
    clientSecret: `s3cret-code-basic ${AWKWARD}-0123456789abcdef0123456789abcdef`,
    authMethod: 'client_secret_basic',
  },
  /** authorization_code + refresh_token (PKCE), public client (`none`) */
  codePublic: { clientId: `wc-code-public ${AWKWARD}`, authMethod: 'none' },
} as const satisfies Record<string, TestClient>;

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B): space → `+`, the rest %XX. */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** `Basic <base64(formEncode(id):formEncode(secret))>` exactly as RFC 6749 §2.3.1 prescribes. */
export function basicAuthorization(
  clientId: string,
  clientSecret: string,
  encode: (value: string) => string = formEncode,
): string {
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`, 'utf8').toString('base64')}`;
}

/** A fresh PKCE S256 pair (RFC 7636). */
export function createPkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(32).toString('base64url');
  return { codeVerifier, codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url') };
}

export interface OidcProviderServerOptions {
  /** Lifetime of access tokens from every grant (AccessToken and ClientCredentials). Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of refresh tokens. Default 86400. */
  refreshTokenTtlSeconds?: number;
  /** Lifetime of authorization codes. Default 60. */
  authorizationCodeTtlSeconds?: number;
  /** `opaque` (default) or `jwt` (through a resource server, see the module comment). */
  accessTokenFormat?: 'opaque' | 'jwt';
  /** Redirect URIs registered for the code clients. Default [DEFAULT_REDIRECT_URI]. */
  redirectUris?: readonly string[];
}

export interface ObtainAuthorizationCodeOptions {
  clientId: string;
  codeChallenge: string;
  /** Default: the first registered redirect URI. */
  redirectUri?: string;
  /** Default: `openid offline_access bensoft_api mbi_api`. */
  scope?: string;
  /** Account to log in (sent as `login_hint`). Default {@link DEFAULT_ACCOUNT_ID}. */
  accountId?: string;
  state?: string;
}

/** The authorization endpoint redirected back with `error` instead of a code. */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly error: string,
    readonly errorDescription: string | undefined,
  ) {
    super(`authorization failed: ${error}${errorDescription ? ` (${errorDescription})` : ''}`);
  }
}

export interface OidcProviderServer {
  /** `http://127.0.0.1:<port>` (also the issuer). */
  baseUrl: string;
  issuer: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  /**
   * A protected resource on the same server: GET with `Authorization: Bearer <access token>` → 200
   * `{ sub?, client_id, scope }`, or 401 with `WWW-Authenticate: Bearer error="invalid_token"` once the token is
   * unknown or expired.
   */
  resourceUrl: string;
  provider: Provider;
  clients: typeof OIDC_CLIENTS;
  /** Drives /connect/authorize headlessly (login + consent through the interaction API) and returns the code. */
  obtainAuthorizationCode(options: ObtainAuthorizationCodeOptions): Promise<string>;
  /**
   * Moves the protected resource's clock forward: access tokens are then checked as if `seconds` had passed, so a
   * test of expiry needs neither a sleep nor a TTL short enough to expire before the first call on a loaded machine.
   */
  advanceClock(seconds: number): void;
  close(): Promise<void>;
}

let signingKey: JWK | undefined;
function rsaSigningKey(): JWK {
  signingKey ??= {
    ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JWK),
    kid: 'test-rs256',
    alg: 'RS256',
    use: 'sig',
  };
  return signingKey;
}

/** Per-provider in-memory adapter (the bundled one is module-global, size-capped, and warns on every start). */
export function memoryAdapterFactory(): (name: string) => Adapter {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const indexes = new Map<string, string>();
  const grants = new Map<string, Set<string>>();
  const live = (key: string | undefined): AdapterPayload | undefined => {
    if (key === undefined) return undefined;
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  return (name) => {
    const key = (id: string) => `${name}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        store.set(key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
        if (name === 'Session' && payload.uid) indexes.set(`sessionUid:${payload.uid}`, key(id));
        if (payload.userCode) indexes.set(`userCode:${payload.userCode}`, key(id));
        if (payload.grantId) {
          const set = grants.get(payload.grantId) ?? new Set<string>();
          set.add(key(id));
          grants.set(payload.grantId, set);
        }
      },
      async find(id) {
        return live(key(id));
      },
      async findByUid(uid) {
        return live(indexes.get(`sessionUid:${uid}`));
      },
      async findByUserCode(userCode) {
        return live(indexes.get(`userCode:${userCode}`));
      },
      async consume(id) {
        const payload = live(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const k of grants.get(grantId) ?? []) store.delete(k);
        grants.delete(grantId);
      },
    };
  };
}

function clientMetadata(client: TestClient, redirectUris: readonly string[]): ClientMetadata {
  const code = !client.clientId.startsWith('wc-cc-');
  return {
    client_id: client.clientId,
    ...(client.clientSecret !== undefined ? { client_secret: client.clientSecret } : {}),
    token_endpoint_auth_method: client.authMethod,
    grant_types: code ? ['authorization_code', 'refresh_token'] : ['client_credentials'],
    response_types: code ? ['code'] : [],
    redirect_uris: code ? [...redirectUris] : [],
    scope: code ? ALL_SCOPES.join(' ') : API_SCOPES.join(' '),
  };
}

export async function startOidcProviderServer(options: OidcProviderServerOptions = {}): Promise<OidcProviderServer> {
  const accessTtl = options.accessTokenTtlSeconds ?? 3600;
  const redirectUris = options.redirectUris ?? [DEFAULT_REDIRECT_URI];
  const jwt = options.accessTokenFormat === 'jwt';
  const key = rsaSigningKey();

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  await listen(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const configuration: Configuration = {
    adapter: memoryAdapterFactory(),
    clients: Object.values(OIDC_CLIENTS).map((client) => clientMetadata(client, redirectUris)),
    jwks: { keys: [key] },
    cookies: { keys: [randomBytes(24).toString('hex')] },
    routes: { token: '/connect/token', authorization: '/connect/authorize' },
    scopes: [...ALL_SCOPES],
    pkce: { methods: ['S256'], required: () => true },
    rotateRefreshToken: true,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: jwt
        ? {
            enabled: true,
            defaultResource: () => API_RESOURCE,
            useGrantedResource: () => true,
            getResourceServerInfo: () => ({
              scope: API_SCOPES.join(' '),
              audience: API_RESOURCE,
              accessTokenTTL: accessTtl,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'RS256' } },
            }),
          }
        : { enabled: true },
    },
    ttl: {
      AccessToken: accessTtl,
      ClientCredentials: accessTtl,
      AuthorizationCode: options.authorizationCodeTtlSeconds ?? 60,
      RefreshToken: options.refreshTokenTtlSeconds ?? 86_400,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 86_400,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    clientBasedCORS: () => true,
    renderError: (ctx, out) => {
      ctx.type = 'application/json';
      ctx.body = out;
    },
  };
  const provider = new Provider(baseUrl, configuration);
  const callback = provider.callback();
  const publicKey = createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
  let clockOffsetMs = 0;
  const now = (): number => Date.now() + clockOffsetMs;

  handler = (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/interaction/')) {
      interact(provider, req, res).catch((error: unknown) =>
        sendJson(res, 500, { error: 'server_error', error_description: String(error) }),
      );
    } else if (path === '/api/resource') {
      protectedResource(provider, req, res, jwt ? publicKey : undefined, now).catch((error: unknown) =>
        sendJson(res, 500, { error: String(error) }),
      );
    } else {
      callback(req, res);
    }
  };

  return {
    baseUrl,
    issuer: baseUrl,
    tokenEndpoint: `${baseUrl}/connect/token`,
    authorizationEndpoint: `${baseUrl}/connect/authorize`,
    resourceUrl: `${baseUrl}/api/resource`,
    provider,
    clients: OIDC_CLIENTS,
    obtainAuthorizationCode: (request) => obtainCode(baseUrl, redirectUris[0] ?? DEFAULT_REDIRECT_URI, request),
    advanceClock: (seconds) => void (clockOffsetMs += seconds * 1000),
    close: () => closeServer(server),
  };
}

export function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting, drops keep-alive and in-flight sockets, and resolves once nothing is listening. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Interaction route: logs in the `login_hint` account, then grants every requested scope/claim/resource. */
export async function interact(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const clientId = String(details.params['client_id']);
  if (details.prompt.name === 'login') {
    const hint = details.params['login_hint'];
    const accountId = typeof hint === 'string' && hint !== '' ? hint : DEFAULT_ACCOUNT_ID;
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    return;
  }
  if (details.prompt.name !== 'consent') throw new Error(`unexpected prompt ${details.prompt.name}`);
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error('consent prompt without a session');
  const grant =
    (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
    new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope?.length) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims?.length) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(resource, scopes.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function protectedResource(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  jwtKey: ReturnType<typeof createPublicKey> | undefined,
  now: () => number,
): Promise<void> {
  const reject = (error: string) =>
    sendJson(
      res,
      401,
      { error },
      { 'www-authenticate': error === 'invalid_request' ? 'Bearer' : `Bearer error="${error}"` },
    );
  const match = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return reject('invalid_request');
  const value = match[1];
  if (jwtKey) {
    const [header, payload, signature] = value.split('.');
    if (!header || !payload || signature === undefined) return reject('invalid_token');
    const valid = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      jwtKey,
      Buffer.from(signature, 'base64url'),
    );
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      exp?: number;
      aud?: string | string[];
      sub?: string;
      client_id?: string;
      scope?: string;
    };
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!valid || (claims.exp ?? 0) <= now() / 1000 || !audiences.includes(API_RESOURCE))
      return reject('invalid_token');
    return sendJson(res, 200, { sub: claims.sub, client_id: claims.client_id, scope: claims.scope });
  }
  const token = (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value));
  if (!token || token.isExpired || (token.exp ?? 0) <= now() / 1000) return reject('invalid_token');
  return sendJson(res, 200, {
    sub: 'accountId' in token ? token.accountId : undefined,
    client_id: token.clientId,
    scope: token.scope,
  });
}

/** Follows the authorization redirects with a cookie jar until the redirect URI, and returns the code. */
async function obtainCode(
  baseUrl: string,
  defaultRedirectUri: string,
  request: ObtainAuthorizationCodeOptions,
): Promise<string> {
  const redirectUri = request.redirectUri ?? defaultRedirectUri;
  const cookies = new Map<string, string>();
  const query = new URLSearchParams({
    client_id: request.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: request.scope ?? ALL_SCOPES.join(' '),
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    prompt: 'consent',
    login_hint: request.accountId ?? DEFAULT_ACCOUNT_ID,
    ...(request.state !== undefined ? { state: request.state } : {}),
  });
  let url = `${baseUrl}/connect/authorize?${query}`;
  const target = new URL(redirectUri);
  for (let hop = 0; hop < 20; hop += 1) {
    const current = new URL(url);
    if (current.origin === target.origin && current.pathname === target.pathname) {
      const params = current.searchParams;
      const error = params.get('error');
      if (error) throw new AuthorizationRedirectError(error, params.get('error_description') ?? undefined);
      if (request.state !== undefined && params.get('state') !== request.state) throw new Error('state mismatch');
      const code = params.get('code');
      if (!code) throw new Error(`redirect without code: ${url}`);
      return code;
    }
    if (current.origin !== baseUrl) throw new Error(`unexpected redirect to ${url}`);
    const response = await fetch(url, {
      redirect: 'manual',
      headers: cookies.size ? { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {},
    });
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(';', 1)[0] ?? '';
      const index = pair.indexOf('=');
      if (index <= 0) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = /expires=Thu, 01 Jan 1970/i.test(header) || /max-age=0/i.test(header);
      if (value === '' || expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    const location = response.headers.get('location');
    if (!location)
      throw new Error(`authorization stopped at HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`);
    await response.body?.cancel();
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}
