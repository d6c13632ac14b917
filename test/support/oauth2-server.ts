import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OAuth2Server from '@node-oauth/oauth2-server';
import { API_SCOPES, AWKWARD, closeServer, listen, sendJson } from './oidc-provider-server.js';

/**
 * A REAL @node-oauth/oauth2-server 5.3.0 behind node:http on 127.0.0.1 (port 0), token endpoint `/connect/token`,
 * with an in-memory model for the password, client_credentials, refresh_token and authorization_code (PKCE) grants.
 * The library has no HTTP binding; this file is one (what express-oauth-server does): form body → `Request`,
 * `server.token()`, `Response` → HTTP (JSON body, the library's headers).
 *
 * Observed behaviour of the library (asserted in real-servers.test.ts):
 * - client_secret_basic: parsed by the `basic-auth` package: Base64-decode, split at the FIRST `:`, NO form/percent
 *   decoding (against RFC 6749 §2.3.1). A form-encoded awkward id/secret reaches the model still encoded
 *   (`a%2Bb%2Fc...`) → invalid_client; a raw one works only if the id has no `:`. Ids/secrets made only of
 *   unreserved characters (`[A-Za-z0-9-._~]`) are the same either way. {@link OAUTH2_CLIENTS.plain} is such a client,
 *   {@link OAUTH2_CLIENTS.rawBasic} has awkward characters but no `:` (works with raw Basic only), and
 *   {@link OAUTH2_CLIENTS.awkward} contains `:` (client_secret_post only; Basic can never work).
 * - Errors: body `{ error, error_description }` where the description is the library's message
 *   (e.g. "Invalid client: client is invalid"). invalid_client is 400 when credentials came in the body and 401 with
 *   `WWW-Authenticate: Basic realm="Service"` when an Authorization header was sent (RFC 6749 §5.2 wants 401 + the
 *   header for Basic; 400 for body credentials is allowed). invalid_grant, invalid_request, invalid_scope,
 *   unauthorized_client and unsupported_grant_type are 400. Model failures become server_error 503.
 * - Client authentication happens BEFORE grant_type is checked, so an unknown grant_type with a bad client gives
 *   invalid_client, with a good client unsupported_grant_type.
 * - A wrong PKCE code_verifier is invalid_grant ("Invalid grant: code verifier is invalid") and the code is revoked
 *   before the check, so the code is dead afterwards. A mismatching redirect_uri is invalid_REQUEST (RFC 6749 §5.2
 *   says invalid_grant).
 * - Refresh tokens rotate (alwaysIssueNewRefreshToken defaults to true); the old one is revoked → invalid_grant
 *   "Invalid grant: refresh token is invalid". Unlike oidc-provider, reuse does not revoke the new token.
 * - `POST` and `content-type: application/x-www-form-urlencoded` are checked OUTSIDE the library's error handling
 *   (the thrown InvalidRequestError does not update `response`); this binding maps any thrown OAuthError itself.
 * - client_credentials never returns a refresh_token.
 * - `expires_in` is `Math.floor((accessTokenExpiresAt - now) / 1000)` at response time, so it is usually TTL - 1
 *   (3599 for 3600), and for a 1 s TTL it is 0 and then OMITTED (BearerTokenType only writes a truthy value).
 * - Success responses carry `cache-control: no-store` and `pragma: no-cache`; error responses carry neither.
 */

export interface OAuth2TestClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

export const OAUTH2_CLIENTS = {
  /** Unreserved characters only: works with client_secret_post and client_secret_basic (encoded = raw). */
  plain: { clientId: 'wc-plain-client', clientSecret: 'plain-secret-0123456789abcdef0123456789' },
  /** Contains `:`: works only with client_secret_post on this server. */
  awkward: { clientId: `wc-client ${AWKWARD}`, clientSecret: `s3cret ${AWKWARD}-0123456789abcdef0123456789` },
  /** Awkward but without `:`: Basic works only if NOT form-encoded (raw), which RFC 6749 forbids. */
  rawBasic: { clientId: 'wc-raw a+b/c d e%f&g', clientSecret: 's3cret a+b/c d e%f&g-0123456789abcdef' },
} as const satisfies Record<string, OAuth2TestClient>;

export const OAUTH2_USER = { username: 'ann@example.com', password: `pa ss ${AWKWARD}`, id: 'user-1' } as const;
export const OAUTH2_ALLOWED_SCOPES = [...API_SCOPES, 'offline_access'] as const;
export const OAUTH2_REDIRECT_URI = 'https://client.example/callback';

export interface OAuth2ServerOptions {
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Default 86400. */
  refreshTokenTtlSeconds?: number;
  /** Default 60. */
  authorizationCodeTtlSeconds?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, string | string[]>;
}

export interface IssueAuthorizationCodeOptions {
  clientId: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  redirectUri?: string;
  /** Space-separated. Default `bensoft_api mbi_api`. */
  scope?: string;
  userId?: string;
}

export interface RunningOAuth2Server {
  baseUrl: string;
  tokenEndpoint: string;
  /**
   * GET with a bearer token, validated by the library's `authenticate()`: 200 `{ user, client_id, scope }` or the
   * library's error (401 + `WWW-Authenticate: Bearer realm="Service",error="invalid_token"` for unknown/expired).
   */
  resourceUrl: string;
  oauth: OAuth2Server;
  clients: typeof OAUTH2_CLIENTS;
  /** Every request to the token endpoint, in order (headers as received, body form-decoded). */
  requests: RecordedRequest[];
  /** Stores an authorization code directly in the model (the library's /authorize needs a user-auth layer). */
  issueAuthorizationCode(options: IssueAuthorizationCodeOptions): string;
  /**
   * Moves the resource server's clock forward: access tokens are then checked as if `seconds` had passed, so a test
   * of expiry needs neither a sleep nor a TTL short enough to expire before the first call on a loaded machine.
   */
  advanceClock(seconds: number): void;
  close(): Promise<void>;
}

type Client = OAuth2Server.Client & { clientSecret: string };
type User = { id: string };
type StoredToken = OAuth2Server.Token & { client: Client; user: User };

export async function startOAuth2Server(options: OAuth2ServerOptions = {}): Promise<RunningOAuth2Server> {
  const clients: Client[] = Object.values(OAUTH2_CLIENTS).map((client) => ({
    id: client.clientId,
    clientSecret: client.clientSecret,
    grants: ['password', 'client_credentials', 'refresh_token', 'authorization_code'],
    redirectUris: [OAUTH2_REDIRECT_URI],
  }));
  const accessTokens = new Map<string, StoredToken>();
  const refreshTokens = new Map<string, StoredToken>();
  const codes = new Map<string, OAuth2Server.AuthorizationCode>();
  const findClient = (id: string) => clients.find((client) => client.id === id);
  let clockOffsetMs = 0;

  const model: OAuth2Server.PasswordModel &
    OAuth2Server.ClientCredentialsModel &
    OAuth2Server.RefreshTokenModel &
    OAuth2Server.AuthorizationCodeModel = {
    // The library passes `clientSecret` undefined for PKCE/public requests; compare exactly otherwise.
    getClient: async (clientId, clientSecret) => {
      const client = findClient(clientId);
      if (!client || (clientSecret !== undefined && clientSecret !== null && client.clientSecret !== clientSecret))
        return false;
      return client;
    },
    getUser: async (username, password) =>
      username === OAUTH2_USER.username && password === OAUTH2_USER.password ? { id: OAUTH2_USER.id } : false,
    getUserFromClient: async (client) => ({ id: `client:${client.id}` }),
    validateScope: async (_user, _client, scope) => {
      if (!scope || scope.length === 0) return [...API_SCOPES];
      return scope.every((s) => (OAUTH2_ALLOWED_SCOPES as readonly string[]).includes(s)) ? scope : false;
    },
    verifyScope: async (token, scope) => scope.every((s) => token.scope?.includes(s) ?? false),
    generateAccessToken: async () => randomBytes(24).toString('base64url'),
    generateRefreshToken: async () => randomBytes(24).toString('base64url'),
    saveToken: async (token, client, user) => {
      const saved: StoredToken = { ...token, client: client as Client, user: user as User };
      accessTokens.set(token.accessToken, saved);
      if (token.refreshToken) refreshTokens.set(token.refreshToken, saved);
      return saved;
    },
    // The library compares the expiry with its own `new Date()`: an advanced clock brings the expiry nearer instead.
    getAccessToken: async (accessToken) => {
      const token = accessTokens.get(accessToken);
      if (!token) return false;
      const expiresAt = token.accessTokenExpiresAt;
      return expiresAt ? { ...token, accessTokenExpiresAt: new Date(expiresAt.getTime() - clockOffsetMs) } : token;
    },
    getRefreshToken: async (refreshToken) => {
      const token = refreshTokens.get(refreshToken);
      return token ? { ...token, refreshToken } : false;
    },
    revokeToken: async (token) => refreshTokens.delete(token.refreshToken),
    getAuthorizationCode: async (code) => codes.get(code) ?? false,
    saveAuthorizationCode: async () => false,
    revokeAuthorizationCode: async (code) => codes.delete(code.authorizationCode),
  };

  const oauth = new OAuth2Server({
    model,
    accessTokenLifetime: options.accessTokenTtlSeconds ?? 3600,
    refreshTokenLifetime: options.refreshTokenTtlSeconds ?? 86_400,
  });
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      sendJson(res, 500, { error: 'binding_error', error_description: String(error) }),
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = parseForm(Buffer.concat(chunks).toString('utf8'));
    const request = new OAuth2Server.Request({
      method: req.method ?? 'GET',
      headers: flattenHeaders(req.headers),
      query: {},
      body,
    });
    const response = new OAuth2Server.Response({ headers: {} });
    if (path === '/connect/token') {
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      try {
        await oauth.token(request, response);
        send(res, response.status ?? 200, response.headers ?? {}, response.body);
      } catch (error) {
        sendError(res, response, error);
      }
    } else if (path === '/api/resource') {
      try {
        const token = await oauth.authenticate(request, response);
        send(
          res,
          200,
          {},
          { user: (token.user as User).id, client_id: (token.client as Client).id, scope: token.scope?.join(' ') },
        );
      } catch (error) {
        sendError(res, response, error);
      }
    } else {
      sendJson(res, 404, { error: 'not_found' });
    }
  }

  await listen(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const codeTtl = options.authorizationCodeTtlSeconds ?? 60;

  return {
    baseUrl,
    tokenEndpoint: `${baseUrl}/connect/token`,
    resourceUrl: `${baseUrl}/api/resource`,
    oauth,
    clients: OAUTH2_CLIENTS,
    requests,
    issueAuthorizationCode(request) {
      const client = findClient(request.clientId);
      if (!client) throw new Error(`unknown client ${request.clientId}`);
      const authorizationCode = randomBytes(24).toString('base64url');
      codes.set(authorizationCode, {
        authorizationCode,
        expiresAt: new Date(Date.now() + codeTtl * 1000),
        redirectUri: request.redirectUri ?? OAUTH2_REDIRECT_URI,
        scope: (request.scope ?? API_SCOPES.join(' ')).split(' '),
        client,
        user: { id: request.userId ?? OAUTH2_USER.id },
        ...(request.codeChallenge !== undefined
          ? { codeChallenge: request.codeChallenge, codeChallengeMethod: request.codeChallengeMethod ?? 'S256' }
          : {}),
      });
      return authorizationCode;
    },
    advanceClock: (seconds) => void (clockOffsetMs += seconds * 1000),
    close: () => closeServer(server),
  };
}

/** Like body-parser's urlencoded: `+` → space, %XX decoded, repeated names become arrays. */
function parseForm(text: string): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = body[name];
    body[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return body;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  sendJson(res, status, body ?? {}, headers);
}

function sendError(res: ServerResponse, response: OAuth2Server.Response, error: unknown): void {
  if (error instanceof OAuth2Server.OAuthError) {
    send(res, error.code, response.headers ?? {}, { error: error.name, error_description: error.message });
  } else {
    send(res, 500, {}, { error: 'server_error', error_description: String(error) });
  }
}
