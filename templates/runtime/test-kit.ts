/**
 * A fake OAuth 2.0 authorization server for consumers' tests: the token endpoint of the document, implemented as the
 * document describes it (grants, required fields, client authentication methods, scopes), answering in the shape of
 * RFC 6749 §5.1 / §5.2, recording every request, with scriptable faults. Where the document declares them it also
 * serves the authorization endpoint (RFC 6749 §4.1, RFC 7636, RFC 9207), revocation (RFC 7009), introspection
 * (RFC 7662), device authorization (RFC 8628) and its metadata (RFC 8414).
 *
 * It depends on nothing but `fetch`'s `Request`/`Response` and WebCrypto, so it runs wherever the generated client
 * runs. Three ways to plug it in, same behaviour: {@link FakeAuthorizationServer.fetch} (inject it as the client's
 * `fetch`), {@link FakeAuthorizationServer.listen} (a `node:http` server on 127.0.0.1, for tests that need a real
 * socket) and {@link FakeAuthorizationServer.mswHandlers} (MSW request handlers; MSW stays the caller's dependency).
 *
 * This module is generic: the generated `testing.ts` binds it to the document with a {@link FakeEndpointSpec}.
 * Nothing here is imported by `index.ts`, so it never reaches an application bundle.
 */

/** How a client proves its identity at the token endpoint (RFC 6749 §2.3.1; names from RFC 7591 §2). */
export type FakeClientAuthenticationMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** One grant of the token endpoint, as the document describes it. */
export interface FakeGrantSpec {
  /** The `grant_type` value on the wire. */
  grantType: string;
  /** Wire names of the fields the grant must carry (by the RFC or the document), `grant_type` and credentials excluded. */
  required: readonly string[];
  /** Whether a success issues a refresh token (the document has the `refresh_token` grant and this grant yields one). */
  issuesRefreshToken: boolean;
}

/** What the generated `testing.ts` knows of the document's token endpoint. */
export interface FakeEndpointSpec {
  /** The document's first absolute server, if any: the base URL the fake answers on in the `fetch` form. */
  defaultBaseUrl?: string;
  /** Path of the token endpoint, appended to the base URL. */
  tokenPath: string;
  /** Client authentication methods the document shows the endpoint accepts. */
  clientAuthentication: readonly FakeClientAuthenticationMethod[];
  grants: readonly FakeGrantSpec[];
  /** Every scope the document names; requests for others are refused with `invalid_scope`. Empty: any scope. */
  scopes: readonly string[];
  /** Members of the document's token response example that the RFC does not define, copied into every success. */
  responseExtras?: Readonly<Record<string, unknown>>;
  /** Names of the parameters and response members whose values are secrets: redacted when a record is inspected. */
  secretParameters: readonly string[];
  /**
   * The document's authorization endpoint (an `authorizationCode` flow's `authorizationUrl`): `url` as the document
   * resolves it, `path` what the fake serves under its base URL (RFC 6749 §4.1.1).
   */
  authorization?: { url: string; path: string };
  /** Path of the document's revocation endpoint (RFC 7009), appended to the base URL. */
  revocationPath?: string;
  /** Path of the document's introspection endpoint (RFC 7662), appended to the base URL. */
  introspectionPath?: string;
  /** Path of the document's device authorization endpoint (RFC 8628), appended to the base URL. */
  deviceAuthorizationPath?: string;
  /** The document has an `openIdConnect` scheme: the fake serves its metadata (RFC 8414, OpenID Connect Discovery). */
  discovery?: boolean;
}

/** A registered client of the fake. */
export interface FakeClient {
  clientId: string;
  /** Absent: a public client, which must authenticate with `none` (RFC 6749 §2.1). */
  clientSecret?: string;
  /** Grants this client may use. Default: every grant of the document. Others: `unauthorized_client`. */
  grants?: readonly string[];
  /** Scopes this client may ask for. Default: every scope of the document. Others: `invalid_scope`. */
  scopes?: readonly string[];
  /**
   * Redirect URIs registered for the authorization endpoint, compared exactly (RFC 9700 §4.1.3). Absent: any
   * absolute `redirect_uri` is accepted (and one must be sent).
   */
  redirectUris?: readonly string[];
}

/** A resource owner for the `password` grant. */
export interface FakeUser {
  username: string;
  password: string;
}

/** Options of {@link createFakeAuthorizationServer}. */
export interface FakeAuthorizationServerOptions {
  clients: readonly FakeClient[];
  /** Resource owners the `password` grant accepts. */
  users?: readonly FakeUser[];
  /** `expires_in` of issued access tokens, in seconds. Default: 3600. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of refresh tokens in seconds; an expired one is `invalid_grant`. Default: 14 days (oidc-provider's). */
  refreshTokenTtlSeconds?: number;
  /** Issue a new refresh token on every refresh and revoke the old one (RFC 9700 §4.14.2). Default: `true`. */
  rotateRefreshTokens?: boolean;
  /** Base URL the fake answers on. Default: the document's server, else `http://127.0.0.1`. */
  baseUrl?: string;
  /** The clock, in milliseconds (tests of expiry pass their own). Default: `Date.now`. */
  now?: () => number;
  /**
   * Answers grants the fake does not implement itself (extension grants such as the device code, or to override a
   * built-in one). Return a token response member set (the fake adds `access_token`, `token_type`, `expires_in` when
   * absent) or an OAuth error.
   */
  grantHandlers?: Readonly<Record<string, (request: FakeGrantRequest) => FakeGrantResult | Promise<FakeGrantResult>>>;
  /** The issuer identifier: `iss` of authorization responses (RFC 9207) and of the metadata. Default: the base URL. */
  issuer?: string;
  /** Refuse an authorization request without a PKCE `code_challenge` (RFC 9700 §2.1.1). Default: `true`. */
  requirePkce?: boolean;
  /**
   * The user's decision at the authorization endpoint when {@link FakeAuthorizationServer.authorize} is not given
   * one (the `node:http` and MSW forms, where no test code runs in between). Default: approve, subject `user`.
   */
  decideAuthorization?: (
    request: FakeAuthorizationRequestInfo,
  ) => FakeAuthorizationDecision | Promise<FakeAuthorizationDecision>;
  /** Token types the revocation endpoint revokes; others: `unsupported_token_type` (RFC 7009 §2.2.1). Default: both. */
  revocableTokenTypes?: readonly ('access_token' | 'refresh_token')[];
  /** Lifetime of device codes in seconds (`expires_in`, RFC 8628 §3.2). Default: 600. */
  deviceCodeTtlSeconds?: number;
  /** Minimum seconds between device-code polls (`interval`); a faster poll answers `slow_down`. Default: 5. */
  deviceIntervalSeconds?: number;
  /** `verification_uri` of device authorizations. Default: `<base URL>/device`. */
  deviceVerificationUri?: string;
}

/** An authorization request as the fake's user sees it (see {@link FakeAuthorizationServerOptions.decideAuthorization}). */
export interface FakeAuthorizationRequestInfo {
  clientId: string;
  redirectUri: string;
  scope: string | undefined;
  /** Every parameter of the request (`state`, `nonce`, `prompt`, `login_hint`, …). */
  parameters: Readonly<Record<string, string>>;
}

/** What the fake's user decides at the authorization endpoint. */
export interface FakeAuthorizationDecision {
  /** `false`: the user declines, the redirect carries `error=access_denied`. Default: `true`. */
  approve?: boolean;
  /** The resource owner: `sub` of introspection answers. Default: `user`. */
  subject?: string;
}

/**
 * The authorization endpoint refused a request without redirecting back, as RFC 6749 §4.1.2.1 requires when the
 * client or the redirect URI cannot be trusted. Thrown by {@link FakeAuthorizationServer.authorize}.
 */
export class FakeAuthorizationRequestError extends Error {
  /** The OAuth error code, e.g. `invalid_request`. */
  readonly error: string;
  constructor(error: string, description: string) {
    super(`The fake authorization endpoint refused the request without redirecting: ${error} (${description})`);
    this.name = 'FakeAuthorizationRequestError';
    this.error = error;
  }
}

/** Which endpoint of the fake a request reached. */
export type FakeEndpointName =
  'token' | 'authorization' | 'revocation' | 'introspection' | 'device_authorization' | 'metadata';

/** A token request as a grant handler sees it: authenticated client and decoded form. */
export interface FakeGrantRequest {
  client: FakeClient;
  grantType: string;
  form: Readonly<Record<string, string>>;
}

/** What a grant handler answers. */
export type FakeGrantResult =
  | { ok: true; response?: Readonly<Record<string, unknown>> }
  | { ok: false; error: string; errorDescription?: string; status?: number };

/** One scripted fault, consumed by the next token request (see {@link FakeAuthorizationServer.failNext}). */
export type FakeFault =
  /** An OAuth error body (RFC 6749 §5.2). Status: 400, or 401 for `invalid_client`. */
  | { error: string; errorDescription?: string; status?: number }
  /** Any status with an optional body and headers, e.g. a 503 HTML page. `retryAfter` sets `Retry-After`. */
  | { status: number; body?: string; headers?: Readonly<Record<string, string>>; retryAfter?: string | number }
  /** Waits this long before answering normally (a slow server; pair it with the client's `timeoutMs`). */
  | { delayMs: number }
  /** Drops the connection without an answer (a network error on the client). */
  | { drop: true }
  /** Answers normally, but the issued access token's `expires_in` is this many seconds. */
  | { expiresIn: number };

/** One request an endpoint of the fake received, decoded. Inspecting or serialising it redacts secrets. */
export interface FakeTokenRequestRecord {
  /** Which endpoint: `token` for token requests. */
  endpoint: FakeEndpointName;
  method: string;
  /** Path of the request URL. */
  path: string;
  /** The `grant_type` sent, if any. */
  grantType: string | undefined;
  /** The client id the request authenticated as (or claimed), if any. */
  clientId: string | undefined;
  /** How the client authenticated: from the `Authorization` header and the body. */
  clientAuthentication: FakeClientAuthenticationMethod | 'both' | undefined;
  /** The form body (the query for a GET), decoded (last value wins). */
  form: Readonly<Record<string, string>>;
  /** Request headers, lower-case names. */
  headers: Readonly<Record<string, string>>;
  /** The status the fake answered, or `'dropped'`. */
  outcome: number | 'dropped';
}

/** What the fake knows of an issued access token (see {@link FakeAuthorizationServer.introspect}). */
export interface FakeTokenInfo {
  active: boolean;
  clientId: string;
  scope: string | undefined;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  /** When it was issued, milliseconds since the epoch. */
  issuedAt: number;
  grantType: string;
  /** The resource owner, for tokens of a user's grant (authorization code, device code). */
  subject?: string;
}

/** Parameters of {@link FakeAuthorizationServer.issueAuthorizationCode}: what the authorization request carried. */
export interface FakeAuthorizationCodeOptions {
  clientId: string;
  redirectUri?: string;
  scope?: string;
  /** The PKCE challenge (RFC 7636 §4.3); when present, the exchange must send the matching `code_verifier`. */
  codeChallenge?: string;
  /** Default: `S256`. `plain` is accepted only when asked for (RFC 7636 §4.2 discourages it). */
  codeChallengeMethod?: 'S256' | 'plain';
  /** Lifetime of the code in seconds. Default: 60 (RFC 6749 §4.1.2 recommends at most 10 minutes). */
  ttlSeconds?: number;
  /** The resource owner who consented. */
  subject?: string;
}

/** The fake server. */
export interface FakeAuthorizationServer {
  /** A `fetch` that answers requests to the token endpoint and rejects every other URL. Inject it as the client's `fetch`. */
  readonly fetch: typeof fetch;
  /** Answers one request (what the three forms share). */
  handle(request: Request): Promise<Response>;
  /** Every token request received, oldest first. */
  readonly requests: readonly FakeTokenRequestRecord[];
  /** The base URL the fake answers on (the listener's, after {@link listen}). */
  readonly baseUrl: string;
  /** The token endpoint's URL. */
  readonly tokenUrl: string;
  /** The issuer identifier (`iss` of authorization responses, RFC 9207). */
  readonly issuer: string;
  /** The authorization endpoint's URL, when the document declares one. */
  readonly authorizationUrl: string | undefined;
  /** The revocation endpoint's URL, when the document declares one. */
  readonly revocationUrl: string | undefined;
  /** The introspection endpoint's URL, when the document declares one. */
  readonly introspectionUrl: string | undefined;
  /** The device authorization endpoint's URL, when the document declares one. */
  readonly deviceAuthorizationUrl: string | undefined;
  /** Whether `url` is one of the fake's endpoints (origin and path compared). */
  serves(url: string | URL): boolean;
  /**
   * The authorization server metadata (RFC 8414 §2) the fake serves at the issuer's well-known URLs when the
   * document has an `openIdConnect` scheme: its endpoints, grants, client authentication methods and scopes.
   */
  metadata(): Record<string, unknown>;
  /**
   * Plays the user at the authorization endpoint (RFC 6749 §4.1.1–4.1.2): checks the request `url` as a server
   * would and returns the URL the user agent is redirected to, with `code` (or `error`), `state` and `iss`: what
   * `parseAuthorizationResponse` takes. Default decision: {@link FakeAuthorizationServerOptions.decideAuthorization}.
   * @throws {FakeAuthorizationRequestError} when the server must not redirect (unknown client, bad redirect URI).
   */
  authorize(url: string | URL, decision?: FakeAuthorizationDecision): Promise<URL>;
  /** The user enters `userCode` (any case, dashes optional) and approves the device (RFC 8628 §3.3). */
  approveDevice(userCode: string, decision?: { subject?: string }): void;
  /** The user enters `userCode` and declines: the next poll answers `access_denied`. */
  denyDevice(userCode: string): void;
  /** Scripts the next token request(s): each call queues one fault, consumed in order. */
  failNext(fault: FakeFault): void;
  /** Issues an authorization code as the authorization endpoint would after the user consented. */
  issueAuthorizationCode(options: FakeAuthorizationCodeOptions): string;
  /** What the fake knows of an access token, or `undefined` when it never issued it. */
  introspect(accessToken: string): FakeTokenInfo | undefined;
  /** Revokes an access or refresh token (RFC 7009 semantics: revoking a refresh token revokes its access tokens). */
  revoke(token: string): void;
  /** Makes an access token expire now: the next resource request with it is answered 401 `invalid_token`. */
  expire(accessToken: string): void;
  /**
   * The resource-server side: checks an `Authorization: Bearer` header against the tokens the fake issued.
   * Returns `undefined` when the token is active (and carries `requiredScope`), else the 401/403 answer
   * (RFC 6750 §3) to send.
   */
  checkBearer(authorization: string | null | undefined, requiredScope?: string): Response | undefined;
  /**
   * A `node:http` request listener with the same behaviour (the types are structural so this module needs no
   * Node types): `createServer(fake.listener)`.
   */
  readonly listener: (request: NodeLikeRequest, response: NodeLikeResponse) => void;
  /** Starts a `node:http` server on 127.0.0.1 (port 0) and points {@link baseUrl} at it. Node, Deno and Bun. */
  listen(): Promise<{ baseUrl: string; close(): Promise<void> }>;
  /**
   * MSW request handlers answering the token endpoint, from the caller's MSW: `server.use(...fake.mswHandlers(msw))`
   * with `import * as msw from 'msw'` (MSW 2).
   */
  mswHandlers<Handler>(msw: MswLike<Handler>): Handler[];
}

/** The part of MSW 2's API the adapter uses. */
export interface MswLike<Handler> {
  http: {
    post(url: string, resolver: (info: { request: Request }) => Promise<Response>): Handler;
    get(url: string, resolver: (info: { request: Request }) => Promise<Response>): Handler;
  };
  HttpResponse: { error(): Response };
}

/** The part of `node:http`'s IncomingMessage the listener uses. */
export interface NodeLikeRequest {
  method?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  socket: { destroy(): void };
}

/** The part of `node:http`'s ServerResponse the listener uses. */
export interface NodeLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: Uint8Array): unknown;
}

/** Thrown (as a network failure would be) by {@link FakeAuthorizationServer.fetch} for a dropped connection. */
const dropped = (): TypeError => new TypeError('fetch failed (the fake authorization server dropped the connection)');

const encoder = new TextEncoder();
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomToken = (prefix: string): string => `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(24)))}`;

const sha256Base64url = async (text: string): Promise<string> =>
  base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))));

/** Compares two strings in time independent of where they differ (secrets must not leak through timing). */
const sameSecret = (a: string, b: string): boolean => {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let difference = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) difference |= x[i]! ^ (y[i % Math.max(y.length, 1)] ?? 0);
  return difference === 0;
};

/** RFC 6749 §2.3.1: the id and secret in HTTP Basic are form-encoded first. */
const formDecode = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));

const splitScope = (scope: string | undefined): string[] => (scope ? scope.split(' ').filter(Boolean) : []);

interface AccessTokenState extends FakeTokenInfo {
  refreshToken: string | undefined;
}
interface RefreshTokenState {
  clientId: string;
  scope: string | undefined;
  active: boolean;
  issuedAt: number;
  expiresAt: number;
  subject: string | undefined;
}
interface DeviceCodeState {
  clientId: string;
  scope: string | undefined;
  userCode: string;
  expiresAt: number;
  /** When the device code was last polled, to answer `slow_down` (RFC 8628 §3.5). */
  lastPolledAt: number | undefined;
  status: 'pending' | 'approved' | 'denied' | 'used';
  subject: string | undefined;
}
interface CodeState {
  subject: string | undefined;
  clientId: string;
  redirectUri: string | undefined;
  scope: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | 'plain';
  expiresAt: number;
  used: boolean;
  /** Tokens issued for it: revoked if the code is replayed (RFC 6749 §4.1.2). */
  issued: string[];
}

class OAuthFailure {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
  ) {}
}

/**
 * Creates a fake authorization server for the document's token endpoint.
 * @param spec What the document says of the endpoint: passed by the generated `testing.ts`.
 * @param options Clients, users and behaviour of this fake.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5 token responses and errors
 */
export function createFakeAuthorizationServerFor(
  spec: FakeEndpointSpec,
  options: FakeAuthorizationServerOptions,
): FakeAuthorizationServer {
  const now = options.now ?? Date.now;
  const deviceInterval = options.deviceIntervalSeconds ?? 5;
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const rotate = options.rotateRefreshTokens ?? true;
  // The token endpoint's secret parameters, plus those of revocation, introspection and device requests.
  const secrets = new Set([...spec.secretParameters, 'token', 'device_code', 'code', 'client_secret', 'password']);
  const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
  const deviceCodes = new Map<string, DeviceCodeState>();
  const userCodes = new Map<string, string>();
  const revocable = new Set(options.revocableTokenTypes ?? ['access_token', 'refresh_token']);
  const clients = new Map(options.clients.map((client) => [client.clientId, client]));
  const accessTokens = new Map<string, AccessTokenState>();
  const refreshTokens = new Map<string, RefreshTokenState>();
  const codes = new Map<string, CodeState>();
  const faults: FakeFault[] = [];
  const requests: FakeTokenRequestRecord[] = [];
  let baseUrl = (options.baseUrl ?? spec.defaultBaseUrl ?? 'http://127.0.0.1').replace(/\/+$/, '');
  const tokenUrl = (): string => `${baseUrl}${spec.tokenPath}`;
  const issuer = (): string => options.issuer ?? baseUrl;
  const under = (path: string | undefined): string | undefined =>
    path === undefined ? undefined : `${baseUrl}${path}`;
  /** Every endpoint the document declares, by full URL (origin and path). */
  const endpoints = (): [FakeEndpointName, string, 'GET' | 'POST'][] => {
    const list: [FakeEndpointName, string | undefined, 'GET' | 'POST'][] = [
      ['token', tokenUrl(), 'POST'],
      ['authorization', under(spec.authorization?.path), 'GET'],
      ['revocation', under(spec.revocationPath), 'POST'],
      ['introspection', under(spec.introspectionPath), 'POST'],
      ['device_authorization', under(spec.deviceAuthorizationPath), 'POST'],
      ...(spec.discovery
        ? [
            ['metadata', wellKnown(issuer(), 'openid-configuration'), 'GET'] as [FakeEndpointName, string, 'GET'],
            ['metadata', wellKnown(issuer(), 'oauth-authorization-server'), 'GET'] as [FakeEndpointName, string, 'GET'],
          ]
        : []),
    ];
    return list.filter((entry): entry is [FakeEndpointName, string, 'GET' | 'POST'] => entry[1] !== undefined);
  };
  /** The endpoint a URL reaches: by origin and path (`fetch`, MSW), or by path only (the listener's own socket). */
  const endpointOf = (url: URL, pathOnly = false): FakeEndpointName | undefined =>
    endpoints().find(([, endpoint]) =>
      pathOnly ? new URL(endpoint).pathname === url.pathname : endpoint === `${url.origin}${url.pathname}`,
    )?.[0];
  const grantSpecs = new Map(spec.grants.map((grant) => [grant.grantType, grant]));

  const redactedRecord = (record: Omit<FakeTokenRequestRecord, 'outcome'>): FakeTokenRequestRecord => {
    const full = { ...record, outcome: 0 as FakeTokenRequestRecord['outcome'] };
    const redact = (): object => ({
      ...full,
      form: Object.fromEntries(
        Object.entries(full.form).map(([name, value]) => [name, secrets.has(name) ? '[redacted]' : value]),
      ),
      headers: { ...full.headers, ...(full.headers.authorization ? { authorization: '[redacted]' } : {}) },
    });
    Object.defineProperty(full, 'toJSON', { value: redact, enumerable: false });
    Object.defineProperty(full, INSPECT, { value: redact, enumerable: false });
    return full;
  };

  const json = (status: number, body: object, headers: Record<string, string> = {}): Response =>
    new Response(JSON.stringify(body), {
      status,
      // RFC 6749 §5.1: token responses must not be cached.
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', ...headers },
    });

  const oauthError = (failure: OAuthFailure, usedBasic: boolean): Response =>
    json(
      failure.status,
      { error: failure.error, error_description: failure.description },
      // RFC 6749 §5.2: a 401 for a client that used the Authorization header names the scheme it must use.
      failure.status === 401 && usedBasic ? { 'www-authenticate': 'Basic realm="token"' } : {},
    );

  const issueTokens = (
    client: FakeClient,
    grantType: string,
    scope: string | undefined,
    withRefresh: boolean,
    expiresIn: number,
    extra: Readonly<Record<string, unknown>> = {},
    subject?: string,
  ): Record<string, unknown> => {
    const accessToken = randomToken('at');
    const refreshToken = withRefresh ? randomToken('rt') : undefined;
    const issuedAt = now();
    accessTokens.set(accessToken, {
      active: true,
      clientId: client.clientId,
      scope,
      expiresAt: issuedAt + expiresIn * 1000,
      issuedAt,
      grantType,
      refreshToken,
      ...(subject !== undefined ? { subject } : {}),
    });
    if (refreshToken) {
      refreshTokens.set(refreshToken, {
        clientId: client.clientId,
        scope,
        active: true,
        issuedAt,
        expiresAt: issuedAt + (options.refreshTokenTtlSeconds ?? 14 * 24 * 3600) * 1000,
        subject,
      });
    }
    return {
      ...spec.responseExtras,
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: expiresIn,
      ...(scope !== undefined ? { scope } : {}),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      ...extra,
    };
  };

  /** RFC 6749 §2.3: exactly one authentication method per request; the client must be one of ours. */
  const authenticate = (
    authorization: string | null,
    form: Record<string, string>,
  ): { client: FakeClient; method: FakeClientAuthenticationMethod } => {
    let basic: { id: string; secret: string } | undefined;
    if (authorization !== null) {
      const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
      const decoded = match ? atob(match[1]!) : undefined;
      const colon = decoded?.indexOf(':') ?? -1;
      if (!decoded || colon < 0) throw new OAuthFailure('invalid_client', 'malformed Authorization header');
      try {
        basic = { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
      } catch {
        throw new OAuthFailure('invalid_client', 'malformed Authorization header');
      }
    }
    if (basic && form.client_secret !== undefined) {
      throw new OAuthFailure('invalid_request', 'more than one client authentication method');
    }
    const method: FakeClientAuthenticationMethod = basic
      ? 'client_secret_basic'
      : form.client_secret !== undefined
        ? 'client_secret_post'
        : 'none';
    const clientId = basic?.id ?? form.client_id;
    if (basic && form.client_id !== undefined && form.client_id !== basic.id) {
      throw new OAuthFailure('invalid_request', 'client_id in the body differs from the authenticated client');
    }
    if (!clientId) throw new OAuthFailure('invalid_client', 'no client authentication');
    if (!spec.clientAuthentication.includes(method)) {
      throw new OAuthFailure('invalid_client', `${method} is not accepted by this endpoint`);
    }
    const client = clients.get(clientId);
    const secret = basic?.secret ?? form.client_secret;
    const valid =
      client !== undefined &&
      (client.clientSecret === undefined
        ? method === 'none'
        : secret !== undefined && sameSecret(secret, client.clientSecret));
    if (!client || !valid) throw new OAuthFailure('invalid_client', 'client authentication failed');
    return { client, method };
  };

  const checkScope = (client: FakeClient, scope: string | undefined): void => {
    for (const name of splitScope(scope)) {
      if ((spec.scopes.length > 0 && !spec.scopes.includes(name)) || (client.scopes && !client.scopes.includes(name))) {
        throw new OAuthFailure('invalid_scope', `scope ${JSON.stringify(name)} is not available to this client`);
      }
    }
  };

  const revokeAccessTokensOf = (refreshToken: string): void => {
    for (const state of accessTokens.values()) if (state.refreshToken === refreshToken) state.active = false;
  };

  const grant = async (
    client: FakeClient,
    grantType: string,
    form: Record<string, string>,
    expiresIn: number,
  ): Promise<Record<string, unknown>> => {
    const described = grantSpecs.get(grantType);
    const issuesRefresh = described?.issuesRefreshToken ?? false;
    const handler = options.grantHandlers?.[grantType];
    if (handler) {
      const result = await handler({ client, grantType, form });
      if (!result.ok) throw new OAuthFailure(result.error, result.errorDescription ?? result.error, result.status);
      const response = result.response ?? {};
      return response.access_token === undefined
        ? issueTokens(client, grantType, form.scope, issuesRefresh, expiresIn, response)
        : { token_type: 'Bearer', ...response };
    }
    switch (grantType) {
      case 'client_credentials':
        checkScope(client, form.scope);
        // RFC 6749 §4.4.3: a refresh token SHOULD NOT be included.
        return issueTokens(client, grantType, form.scope, false, expiresIn);
      case 'password': {
        checkScope(client, form.scope);
        const user = options.users?.find((candidate) => candidate.username === form.username);
        if (!user || !sameSecret(form.password ?? '', user.password)) {
          throw new OAuthFailure('invalid_grant', 'invalid resource owner credentials');
        }
        return issueTokens(client, grantType, form.scope, issuesRefresh, expiresIn);
      }
      case 'authorization_code': {
        const code = codes.get(form.code ?? '');
        if (!code || code.clientId !== client.clientId) throw new OAuthFailure('invalid_grant', 'unknown code');
        if (code.used) {
          // RFC 6749 §4.1.2: a code used twice revokes what it issued.
          for (const token of code.issued) {
            const state = accessTokens.get(token);
            if (state) {
              state.active = false;
              if (state.refreshToken) refreshTokens.get(state.refreshToken)!.active = false;
            }
          }
          throw new OAuthFailure('invalid_grant', 'code already used');
        }
        code.used = true;
        if (code.expiresAt <= now()) throw new OAuthFailure('invalid_grant', 'code expired');
        if (code.redirectUri !== undefined && form.redirect_uri !== code.redirectUri) {
          throw new OAuthFailure('invalid_grant', 'redirect_uri does not match the authorization request');
        }
        if (code.codeChallenge !== undefined) {
          const verifier = form.code_verifier;
          if (verifier === undefined) throw new OAuthFailure('invalid_grant', 'code_verifier is required');
          const derived = code.codeChallengeMethod === 'plain' ? verifier : await sha256Base64url(verifier);
          if (!sameSecret(derived, code.codeChallenge))
            throw new OAuthFailure('invalid_grant', 'PKCE verification failed');
        }
        const response = issueTokens(client, grantType, code.scope, issuesRefresh, expiresIn, {}, code.subject);
        code.issued.push(response.access_token as string);
        return response;
      }
      case 'refresh_token': {
        const presented = form.refresh_token ?? '';
        const state = refreshTokens.get(presented);
        if (!state || !state.active || state.expiresAt <= now() || state.clientId !== client.clientId) {
          throw new OAuthFailure('invalid_grant', 'invalid refresh token');
        }
        // RFC 6749 §6: the new scope must not exceed the original grant.
        const granted = splitScope(state.scope);
        const asked = splitScope(form.scope);
        if (asked.some((name) => !granted.includes(name))) {
          throw new OAuthFailure('invalid_scope', 'scope exceeds the original grant');
        }
        const scope = form.scope ?? state.scope;
        if (!rotate) {
          return issueTokens(client, grantType, scope, false, expiresIn, { refresh_token: presented }, state.subject);
        }
        state.active = false;
        revokeAccessTokensOf(presented);
        return issueTokens(client, grantType, scope, true, expiresIn, {}, state.subject);
      }
      case DEVICE_GRANT: {
        // Without the document's device authorization endpoint, the grant stays a plain extension grant (below).
        if (spec.deviceAuthorizationPath === undefined) {
          return issueTokens(client, grantType, form.scope, issuesRefresh, expiresIn);
        }
        const device = deviceCodes.get(form.device_code ?? '');
        if (!device || device.clientId !== client.clientId)
          throw new OAuthFailure('invalid_grant', 'unknown device code');
        if (device.status === 'used') throw new OAuthFailure('invalid_grant', 'device code already used');
        if (device.expiresAt <= now()) throw new OAuthFailure('expired_token', 'the device code expired');
        // RFC 8628 §3.5: polls closer together than the interval are told to slow down.
        const polledAt = now();
        const tooSoon = device.lastPolledAt !== undefined && polledAt - device.lastPolledAt < deviceInterval * 1000;
        device.lastPolledAt = polledAt;
        if (tooSoon) throw new OAuthFailure('slow_down', `poll at most every ${deviceInterval} seconds`);
        if (device.status === 'pending')
          throw new OAuthFailure('authorization_pending', 'the user has not decided yet');
        const approved = device.status === 'approved';
        device.status = 'used';
        if (!approved) throw new OAuthFailure('access_denied', 'the user declined');
        return issueTokens(client, grantType, device.scope, issuesRefresh, expiresIn, {}, device.subject);
      }
      default:
        // An extension grant the document lists and no handler answers: the fields were checked, so issue tokens.
        return issueTokens(client, grantType, form.scope, issuesRefresh, expiresIn);
    }
  };

  /**
   * What every POST endpoint checks first: a form-encoded POST without repeated parameters (RFC 6749 §3.2), from an
   * authenticated client (recorded).
   */
  const authenticatedForm = (
    request: Request,
    form: Record<string, string>,
    repeated: ReadonlySet<string>,
    record: FakeTokenRequestRecord,
  ): { client: FakeClient; method: FakeClientAuthenticationMethod } => {
    if (request.method !== 'POST') throw new OAuthFailure('invalid_request', 'this endpoint accepts POST only', 405);
    const type = request.headers.get('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
      throw new OAuthFailure('invalid_request', 'the body must be application/x-www-form-urlencoded');
    }
    if (repeated.size > 0) throw new OAuthFailure('invalid_request', `repeated parameter ${[...repeated][0]}`);
    const authenticated = authenticate(request.headers.get('authorization'), form);
    record.clientId = authenticated.client.clientId;
    record.clientAuthentication = authenticated.method;
    return authenticated;
  };

  /** The RFC 9207 / RFC 6749 §4.1.2 redirect: `code` or `error`, the caller's `state`, and `iss`. */
  const redirectTo = (redirectUri: string, parameters: Record<string, string | undefined>): URL => {
    const url = new URL(redirectUri);
    for (const [name, value] of Object.entries({ ...parameters, iss: issuer() }))
      if (value !== undefined) url.searchParams.set(name, value);
    return url;
  };

  /**
   * The authorization endpoint (RFC 6749 §4.1.1–4.1.2.1, RFC 7636 §4.4, RFC 9207): a redirect URL, or a failure
   * that must not be redirected (unknown client, unusable redirect URI).
   */
  const authorizeRequest = async (
    form: Readonly<Record<string, string>>,
    repeated: ReadonlySet<string>,
    decision: FakeAuthorizationDecision | undefined,
  ): Promise<URL | OAuthFailure> => {
    // RFC 6749 §3.1: a repeated parameter makes the request, redirect URI included, untrustworthy.
    if (repeated.size > 0) return new OAuthFailure('invalid_request', `repeated parameter ${[...repeated][0]}`);
    const client = clients.get(form.client_id ?? '');
    if (!client) return new OAuthFailure('invalid_request', 'unknown or missing client_id');
    let redirectUri = form.redirect_uri;
    if (client.redirectUris) {
      if (redirectUri === undefined && client.redirectUris.length === 1) redirectUri = client.redirectUris[0];
      if (redirectUri === undefined || !client.redirectUris.includes(redirectUri)) {
        return new OAuthFailure('invalid_request', 'redirect_uri is not registered for this client');
      }
    }
    if (redirectUri === undefined) return new OAuthFailure('invalid_request', 'redirect_uri is missing');
    try {
      new URL(redirectUri);
    } catch {
      return new OAuthFailure('invalid_request', 'redirect_uri is not an absolute URI');
    }
    const back = (parameters: Record<string, string | undefined>): URL =>
      redirectTo(redirectUri, { ...parameters, state: form.state });
    const refuse = (error: string, description: string): URL => back({ error, error_description: description });
    if (form.response_type !== 'code') {
      return form.response_type === undefined
        ? refuse('invalid_request', 'response_type is missing')
        : refuse('unsupported_response_type', 'only response_type=code is supported');
    }
    if (client.grants && !client.grants.includes('authorization_code')) {
      return refuse('unauthorized_client', 'the client may not use authorization_code');
    }
    try {
      checkScope(client, form.scope);
    } catch (error) {
      return refuse((error as OAuthFailure).error, (error as OAuthFailure).description);
    }
    const challenge = form.code_challenge;
    if (challenge === undefined && (options.requirePkce ?? true)) {
      return refuse('invalid_request', 'code_challenge is required (PKCE, RFC 7636)');
    }
    // RFC 7636 §4.3: without a method the challenge is `plain`, which this server does not accept.
    if (challenge !== undefined && form.code_challenge_method !== 'S256') {
      return refuse('invalid_request', 'code_challenge_method must be S256');
    }
    if (challenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return refuse('invalid_request', 'code_challenge is not a base64url SHA-256 hash');
    }
    const decided =
      decision ??
      (await options.decideAuthorization?.({
        clientId: client.clientId,
        redirectUri,
        scope: form.scope,
        parameters: form,
      })) ??
      {};
    if (decided.approve === false) return refuse('access_denied', 'the user declined');
    const code = fake.issueAuthorizationCode({
      clientId: client.clientId,
      // RFC 6749 §4.1.3: the exchange must repeat redirect_uri exactly when the request carried one.
      ...(form.redirect_uri !== undefined ? { redirectUri: form.redirect_uri } : {}),
      ...(form.scope !== undefined ? { scope: form.scope } : {}),
      ...(challenge !== undefined ? { codeChallenge: challenge, codeChallengeMethod: 'S256' as const } : {}),
      subject: decided.subject ?? 'user',
    });
    return back({ code });
  };

  /** Finds an access or refresh token the fake issued. */
  const findToken = (
    token: string,
  ):
    | { kind: 'access_token'; state: AccessTokenState }
    | { kind: 'refresh_token'; state: RefreshTokenState }
    | undefined => {
    const access = accessTokens.get(token);
    if (access) return { kind: 'access_token', state: access };
    const refresh = refreshTokens.get(token);
    return refresh ? { kind: 'refresh_token', state: refresh } : undefined;
  };

  /** RFC 7662 §2.2: what the fake says of a token to an authenticated client. */
  const introspection = (token: string, client: FakeClient, method: FakeClientAuthenticationMethod): object => {
    const found = findToken(token);
    // oidc-provider's default policy: a public client may introspect only its own tokens.
    if (!found || (method === 'none' && found.state.clientId !== client.clientId)) return { active: false };
    const { state } = found;
    const { expiresAt } = state;
    if (!state.active || expiresAt <= now()) return { active: false };
    return {
      active: true,
      client_id: state.clientId,
      ...(state.scope !== undefined ? { scope: state.scope } : {}),
      ...(found.kind === 'access_token' ? { token_type: 'Bearer' } : {}),
      exp: Math.floor(expiresAt / 1000),
      iat: Math.floor(state.issuedAt / 1000),
      ...(state.subject !== undefined ? { sub: state.subject } : {}),
      iss: issuer(),
    };
  };

  /** RFC 8628 §6.1: eight characters of a consonant alphabet, shown as XXXX-XXXX; entered in any case. */
  const normalizeUserCode = (userCode: string): string => userCode.toUpperCase().replace(/[^A-Z]/g, '');
  const newUserCode = (): string => {
    const alphabet = 'BCDFGHJKLMNPQRSTVWXZ';
    const bytes = crypto.getRandomValues(new Uint8Array(8));
    const code = Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
    return `${code.slice(0, 4)}-${code.slice(4)}`;
  };

  /** Answers the authorization, revocation, introspection, device authorization and metadata endpoints. */
  const answerOther = async (
    endpoint: Exclude<FakeEndpointName, 'token'>,
    request: Request,
    form: Record<string, string>,
    repeated: ReadonlySet<string>,
    record: FakeTokenRequestRecord,
  ): Promise<Response> => {
    if (endpoint === 'metadata') {
      if (request.method !== 'GET') return json(405, { error: 'invalid_request', error_description: 'GET only' });
      return json(200, fake.metadata());
    }
    if (endpoint === 'authorization') {
      if (request.method !== 'GET' && request.method !== 'POST') {
        return json(405, { error: 'invalid_request', error_description: 'GET or POST only' });
      }
      const result = await authorizeRequest(form, repeated, undefined);
      record.clientId = form.client_id;
      // RFC 6749 §4.1.2.1: no redirect to a URI that cannot be trusted; the user sees the error.
      if (!(result instanceof URL)) return oauthError(result, false);
      return new Response(null, { status: 302, headers: { location: result.href, 'cache-control': 'no-store' } });
    }
    const authorization = request.headers.get('authorization');
    try {
      // RFC 7009 §2.1, RFC 7662 §2.1, RFC 8628 §3.1: the client authenticates as at the token endpoint.
      const { client, method } = authenticatedForm(request, form, repeated, record);
      if (endpoint === 'device_authorization') {
        if (client.grants && !client.grants.includes(DEVICE_GRANT)) {
          throw new OAuthFailure('unauthorized_client', 'the client may not use the device grant');
        }
        checkScope(client, form.scope);
        const deviceCode = randomToken('dc');
        const userCode = newUserCode();
        const ttlSeconds = options.deviceCodeTtlSeconds ?? 600;
        deviceCodes.set(deviceCode, {
          clientId: client.clientId,
          scope: form.scope,
          userCode,
          expiresAt: now() + ttlSeconds * 1000,
          lastPolledAt: undefined,
          status: 'pending',
          subject: undefined,
        });
        userCodes.set(normalizeUserCode(userCode), deviceCode);
        const verificationUri = options.deviceVerificationUri ?? `${baseUrl}/device`;
        const complete = new URL(verificationUri);
        complete.searchParams.set('user_code', userCode);
        return json(200, {
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: verificationUri,
          verification_uri_complete: complete.href,
          expires_in: ttlSeconds,
          interval: deviceInterval,
        });
      }
      const token = form.token;
      if (!token) throw new OAuthFailure('invalid_request', 'token is missing');
      if (endpoint === 'introspection') return json(200, introspection(token, client, method));
      // Revocation (RFC 7009 §2.1): an unknown or invalid token is a success (§2.2); the hint only speeds up lookup.
      const found = findToken(token);
      if (found) {
        if (!revocable.has(found.kind)) {
          throw new OAuthFailure('unsupported_token_type', `this server does not revoke ${found.kind}s`);
        }
        if (found.state.clientId !== client.clientId) {
          throw new OAuthFailure('invalid_request', 'the token was issued to another client');
        }
        fake.revoke(token);
      }
      return new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } });
    } catch (error) {
      if (!(error instanceof OAuthFailure)) throw error;
      return oauthError(error, authorization !== null);
    }
  };

  /** Answers a request to one of the fake's endpoints; `'drop'` means: close the connection without answering. */
  const answer = async (request: Request, pathOnly = false): Promise<Response | 'drop'> => {
    const url = new URL(request.url);
    const endpoint = endpointOf(url, pathOnly);
    if (!endpoint) return notFound(request);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    // A GET (the authorization endpoint, metadata) carries its parameters in the query (RFC 6749 §3.1).
    const bodyless = request.method === 'GET' || request.method === 'HEAD';
    const text = bodyless ? url.search.slice(1) : await request.text();
    const params = new URLSearchParams(text);
    const form: Record<string, string> = {};
    const repeated = new Set<string>();
    // forEach, not for-of: the consumer's lib may be DOM without DOM.Iterable.
    params.forEach((value, name) => {
      if (name in form) repeated.add(name);
      form[name] = value;
    });
    const record = redactedRecord({
      endpoint,
      method: request.method,
      path: url.pathname,
      grantType: endpoint === 'token' ? form.grant_type : undefined,
      clientId: form.client_id,
      clientAuthentication: undefined,
      form,
      headers,
    });
    requests.push(record);
    const settle = (response: Response | 'drop'): Response | 'drop' => {
      record.outcome = response === 'drop' ? 'dropped' : response.status;
      return response;
    };
    if (endpoint !== 'token') return settle(await answerOther(endpoint, request, form, repeated, record));

    // One fault per token request, in the order they were queued.
    let expiresIn = ttl;
    const fault = faults.shift();
    if (fault && 'drop' in fault) return settle('drop');
    if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault && 'expiresIn' in fault) expiresIn = fault.expiresIn;
    if (fault && 'error' in fault) {
      return settle(
        oauthError(new OAuthFailure(fault.error, fault.errorDescription ?? fault.error, fault.status), false),
      );
    }
    if (fault && 'status' in fault) {
      const faultHeaders: Record<string, string> = { ...fault.headers };
      if (fault.retryAfter !== undefined) faultHeaders['retry-after'] = String(fault.retryAfter);
      return settle(new Response(fault.body ?? '', { status: fault.status, headers: faultHeaders }));
    }

    const authorization = request.headers.get('authorization');
    try {
      const { client } = authenticatedForm(request, form, repeated, record);
      const grantType = form.grant_type;
      if (!grantType) throw new OAuthFailure('invalid_request', 'grant_type is missing');
      const described = grantSpecs.get(grantType);
      if (!described && !options.grantHandlers?.[grantType]) {
        throw new OAuthFailure('unsupported_grant_type', `${grantType} is not supported`);
      }
      if (client.grants && !client.grants.includes(grantType)) {
        throw new OAuthFailure('unauthorized_client', `the client may not use ${grantType}`);
      }
      const missing = described?.required.find((name) => form[name] === undefined || form[name] === '');
      if (missing) throw new OAuthFailure('invalid_request', `${missing} is missing`);
      return settle(json(200, await grant(client, grantType, form, expiresIn)));
    } catch (error) {
      if (!(error instanceof OAuthFailure)) throw error;
      return settle(oauthError(error, authorization !== null));
    }
  };

  const handle = async (request: Request): Promise<Response> => {
    const response = await answer(request);
    if (response === 'drop') throw dropped();
    return response;
  };

  const fakeFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!endpointOf(url)) {
      throw new TypeError(`fake authorization server: no handler for ${request.method} ${url.origin}${url.pathname}`);
    }
    if (init?.signal?.aborted || request.signal.aborted) throw request.signal.reason ?? init?.signal?.reason;
    return await new Promise<Response>((resolve, reject) => {
      // A caller's signal (the client's timeout) aborts a delayed answer, as it would a real request.
      const abort = (): void => reject(request.signal.reason);
      request.signal.addEventListener('abort', abort, { once: true });
      handle(request)
        .then(resolve, reject)
        .finally(() => request.signal.removeEventListener('abort', abort));
    });
  };

  // The listener owns its socket: requests are matched by path (the Host header may name 127.0.0.1 or localhost).
  const listener = nodeListener(
    () => baseUrl,
    (request) => answer(request, true),
  );

  const fake: FakeAuthorizationServer = {
    fetch: fakeFetch as typeof fetch,
    handle,
    requests,
    get baseUrl() {
      return baseUrl;
    },
    get tokenUrl() {
      return tokenUrl();
    },
    get issuer() {
      return issuer();
    },
    get authorizationUrl() {
      return under(spec.authorization?.path);
    },
    get revocationUrl() {
      return under(spec.revocationPath);
    },
    get introspectionUrl() {
      return under(spec.introspectionPath);
    },
    get deviceAuthorizationUrl() {
      return under(spec.deviceAuthorizationPath);
    },
    serves(url) {
      return endpointOf(new URL(url)) !== undefined;
    },
    metadata() {
      const methods = spec.clientAuthentication;
      return {
        issuer: issuer(),
        token_endpoint: tokenUrl(),
        ...(spec.authorization
          ? {
              authorization_endpoint: fake.authorizationUrl,
              response_types_supported: ['code'],
              code_challenge_methods_supported: ['S256'],
              authorization_response_iss_parameter_supported: true,
            }
          : {}),
        ...(spec.revocationPath
          ? { revocation_endpoint: fake.revocationUrl, revocation_endpoint_auth_methods_supported: methods }
          : {}),
        ...(spec.introspectionPath
          ? { introspection_endpoint: fake.introspectionUrl, introspection_endpoint_auth_methods_supported: methods }
          : {}),
        ...(spec.deviceAuthorizationPath ? { device_authorization_endpoint: fake.deviceAuthorizationUrl } : {}),
        grant_types_supported: spec.grants.map((grant) => grant.grantType),
        token_endpoint_auth_methods_supported: methods,
        ...(spec.scopes.length > 0 ? { scopes_supported: spec.scopes } : {}),
      };
    },
    async authorize(url, decision) {
      const request = new URL(url);
      const endpoint = `${request.origin}${request.pathname}`;
      if (!spec.authorization) throw new TypeError('fake.authorize: the document declares no authorization endpoint');
      if (endpoint !== fake.authorizationUrl && endpoint !== spec.authorization.url) {
        throw new TypeError(`fake.authorize: ${endpoint} is not the authorization endpoint ${fake.authorizationUrl}`);
      }
      const form: Record<string, string> = {};
      const repeated = new Set<string>();
      request.searchParams.forEach((value, name) => {
        if (name in form) repeated.add(name);
        form[name] = value;
      });
      const record = redactedRecord({
        endpoint: 'authorization',
        method: 'GET',
        path: request.pathname,
        grantType: undefined,
        clientId: form.client_id,
        clientAuthentication: undefined,
        form,
        headers: {},
      });
      requests.push(record);
      const result = await authorizeRequest(form, repeated, decision);
      if (!(result instanceof URL)) {
        record.outcome = result.status;
        throw new FakeAuthorizationRequestError(result.error, result.description);
      }
      record.outcome = 302;
      return result;
    },
    approveDevice(userCode, decision) {
      const device = pendingDevice(userCode, 'approveDevice');
      device.status = 'approved';
      device.subject = decision?.subject ?? 'user';
    },
    denyDevice(userCode) {
      pendingDevice(userCode, 'denyDevice').status = 'denied';
    },
    failNext(fault) {
      faults.push(fault);
    },
    issueAuthorizationCode(code) {
      const client = clients.get(code.clientId);
      if (!client) throw new TypeError(`issueAuthorizationCode: unknown client ${JSON.stringify(code.clientId)}`);
      checkScopeOrThrow(client, code.scope);
      const value = randomToken('code');
      codes.set(value, {
        clientId: code.clientId,
        redirectUri: code.redirectUri,
        scope: code.scope,
        codeChallenge: code.codeChallenge,
        codeChallengeMethod: code.codeChallengeMethod ?? 'S256',
        expiresAt: now() + (code.ttlSeconds ?? 60) * 1000,
        subject: code.subject,
        used: false,
        issued: [],
      });
      return value;
    },
    introspect(accessToken) {
      const state = accessTokens.get(accessToken);
      if (!state) return undefined;
      const { refreshToken: _, ...info } = state;
      return { ...info, active: state.active && state.expiresAt > now() };
    },
    revoke(token) {
      const access = accessTokens.get(token);
      if (access) access.active = false;
      const refresh = refreshTokens.get(token);
      if (refresh) {
        refresh.active = false;
        revokeAccessTokensOf(token);
      }
    },
    expire(accessToken) {
      const state = accessTokens.get(accessToken);
      if (state) state.expiresAt = now();
    },
    checkBearer(authorization, requiredScope) {
      const challenge = (status: number, error: string, description: string): Response =>
        new Response(JSON.stringify({ error, error_description: description }), {
          status,
          headers: {
            'content-type': 'application/json',
            // RFC 6750 §3: the challenge names the error.
            'www-authenticate': `Bearer error="${error}", error_description="${description}"`,
          },
        });
      const match = /^Bearer (\S+)$/i.exec(authorization?.trim() ?? '');
      if (!match) return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } });
      const info = fake.introspect(match[1]!);
      if (!info?.active) return challenge(401, 'invalid_token', 'the access token is expired, revoked or unknown');
      if (requiredScope && !splitScope(info.scope).includes(requiredScope)) {
        return challenge(403, 'insufficient_scope', `the access token lacks scope ${requiredScope}`);
      }
      return undefined;
    },
    listener,
    async listen() {
      const started = await listenOnLoopback(listener, baseUrl);
      baseUrl = started.baseUrl;
      return started;
    },
    mswHandlers(msw) {
      return endpoints().map(([, url, method]) =>
        (method === 'GET' ? msw.http.get : msw.http.post).call(msw.http, url, async ({ request }) => {
          const response = await answer(request);
          return response === 'drop' ? msw.HttpResponse.error() : response;
        }),
      );
    },
  };

  /** The pending device authorization of a user code, or a TypeError naming what is wrong (never the code). */
  function pendingDevice(userCode: string, method: string): DeviceCodeState {
    const device = deviceCodes.get(userCodes.get(normalizeUserCode(userCode)) ?? '');
    if (!device) throw new TypeError(`fake.${method}: no device authorization has this user code`);
    if (device.expiresAt <= now()) throw new TypeError(`fake.${method}: the user code expired`);
    if (device.status !== 'pending') throw new TypeError(`fake.${method}: the user already decided`);
    return device;
  }

  function checkScopeOrThrow(client: FakeClient, scope: string | undefined): void {
    try {
      checkScope(client, scope);
    } catch (error) {
      throw new TypeError(`issueAuthorizationCode: ${(error as OAuthFailure).description}`);
    }
  }

  return fake;
}

/**
 * The metadata URL of an issuer (the same rule as discovery.ts's `metadataUrl`, which this module cannot import):
 * RFC 8414 §3.1 inserts the well-known path before the issuer's path, OpenID Connect Discovery §4.1 appends it.
 */
function wellKnown(issuer: string, name: 'openid-configuration' | 'oauth-authorization-server'): string {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}${name === 'openid-configuration' ? `${path}/.well-known/${name}` : `/.well-known/${name}${path}`}`;
}

/** A 404 for paths a fake does not serve, naming the path. */
const notFound = (request: Request): Response =>
  new Response(
    JSON.stringify({ error: 'not_found', error_description: `no handler for ${new URL(request.url).pathname}` }),
    {
      status: 404,
      headers: { 'content-type': 'application/json' },
    },
  );

/**
 * Adapts `answer` to a `node:http` request listener: the body is collected into a `Request` against the current base
 * URL, `'drop'` destroys the socket, anything the answer throws is a bare 500.
 */
function nodeListener(
  base: () => string,
  answer: (request: Request) => Promise<Response | 'drop'>,
): (incoming: NodeLikeRequest, outgoing: NodeLikeResponse) => void {
  return (incoming, outgoing) => {
    const chunks: Uint8Array[] = [];
    incoming.on('data', (chunk) => chunks.push(chunk));
    incoming.on('error', () => incoming.socket.destroy());
    incoming.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const body = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.length, 0));
      chunks.reduce((offset, chunk) => (body.set(chunk, offset), offset + chunk.length), 0);
      const method = incoming.method ?? 'GET';
      const origin = new URL(base()).origin;
      const request = new Request(new URL(incoming.url ?? '/', origin), {
        method,
        headers,
        ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
      });
      answer(request)
        .then(async (response) => {
          if (response === 'drop') return incoming.socket.destroy();
          outgoing.statusCode = response.status;
          response.headers.forEach((value, name) => outgoing.setHeader(name, value));
          outgoing.end(new Uint8Array(await response.arrayBuffer()));
        })
        .catch(() => {
          outgoing.statusCode = 500;
          outgoing.end();
        });
    });
  };
}

/** Serves `listener` with `node:http` on 127.0.0.1 (port 0); the base URL keeps the path of `base`. */
async function listenOnLoopback(
  listener: (incoming: NodeLikeRequest, outgoing: NodeLikeResponse) => void,
  base: string,
): Promise<{ baseUrl: string; close(): Promise<void> }> {
  // Loaded only here, so the module has no static Node dependency (browsers never call listen()). Bundlers fold a
  // constant specifier (esbuild turns 'node:' + 'http' into "node:http" and then fails to resolve it for a browser
  // build), so the specifier is computed at run time; Node 20.16+, Deno and Bun also offer getBuiltinModule.
  const builtin = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process?.getBuiltinModule;
  const specifier = ['node', 'http'].join(':');
  const http = (builtin ? builtin(specifier) : await import(/* @vite-ignore */ specifier)) as {
    createServer(listener: (incoming: NodeLikeRequest, outgoing: NodeLikeResponse) => void): {
      listen(port: number, host: string, callback: () => void): void;
      address(): { port: number } | string | null;
      close(callback: () => void): void;
      closeAllConnections?(): void;
    };
  };
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Operation mocks: one route per operation of the document, answered by a handler or by the document's example.
// ---------------------------------------------------------------------------------------------------------------

/** What the generated mock factory of one operation knows of it. */
export interface MockRouteSpec {
  /** Upper-case HTTP method. */
  method: string;
  /** The path template exactly as in the document, e.g. `/pets/{id}`. */
  path: string;
  /** Whether the operation requires `Authorization: Bearer` (checked when the mock API has an authorization server). */
  bearer: 'required' | 'optional' | 'none';
  /** The default answer: the first success response, its first media type, and the document's example or a sample. */
  response: { status: number; contentType?: string; body?: unknown };
}

/** One call a mocked operation received. */
export interface MockCall<RequestBody = unknown> {
  method: string;
  /** The URL path as received. */
  path: string;
  /** Path parameters by name, percent-decoded. */
  params: Readonly<Record<string, string>>;
  /** Query parameters by name: a string, or a list when the name repeats. */
  query: Readonly<Record<string, string | string[]>>;
  /** Request headers, lower-case names. */
  headers: Readonly<Record<string, string>>;
  /** The body decoded by its content type: JSON, a form as an object, multipart as an object of strings and Files, text, or bytes. */
  body: RequestBody;
}

/** What a handler answers: a status (default: the route's), headers, and a body (encoded as JSON unless a string or bytes). */
export interface MockAnswer<ResponseBody, ErrorBody> {
  status?: number;
  headers?: Readonly<Record<string, string>>;
  body?: ResponseBody | ErrorBody;
}

/** A handler for one operation; it may also return a `Response` for full control. */
export type MockHandler<RequestBody, ResponseBody, ErrorBody> = (
  call: MockCall<RequestBody> & { request: Request },
) => MockAnswer<ResponseBody, ErrorBody> | Response | Promise<MockAnswer<ResponseBody, ErrorBody> | Response>;

/** One mocked operation: made by the generated `mock<Operation>()` factories, passed to {@link createMockApi}. */
export interface OperationMock {
  readonly route: MockRouteSpec;
  /** Every call this operation received, oldest first. */
  readonly calls: readonly MockCall[];
  /** Replaces the handler (e.g. per test). `undefined` restores the default answer. */
  use(handler: MockHandler<never, unknown, unknown> | undefined): void;
}

/**
 * A mocked operation. Generated code calls this with the operation's route and typed handler.
 * @param route What the document says of the operation.
 * @param handler Answers calls; default: the route's default answer.
 */
export function mockOperation<RequestBody, ResponseBody, ErrorBody>(
  route: MockRouteSpec,
  handler?: MockHandler<RequestBody, ResponseBody, ErrorBody>,
): OperationMock {
  const calls: MockCall[] = [];
  let current = handler as MockHandler<unknown, unknown, unknown> | undefined;
  return {
    route,
    calls,
    use(next) {
      current = next as MockHandler<unknown, unknown, unknown> | undefined;
    },
    // Read by createMockApi only.
    [HANDLE]: async (call: MockCall & { request: Request }): Promise<Response> => {
      const { request: _request, ...recorded } = call;
      calls.push(recorded);
      const answer = current ? await current(call) : undefined;
      if (answer instanceof Response) return answer;
      const status = answer?.status ?? route.response.status;
      const body =
        answer && 'body' in answer ? answer.body : answer?.status === undefined ? route.response.body : undefined;
      return encodeAnswer(status, body, route.response.contentType, answer?.headers);
    },
  } as OperationMock;
}

const HANDLE = Symbol('handle');

/** Options of {@link createMockApi}. */
export interface MockApiOptions {
  mocks: readonly OperationMock[];
  /** Base URL the operations are served on. Default: `http://127.0.0.1`. */
  baseUrl?: string;
  /**
   * The fake authorization server whose tokens the API accepts: operations that require a bearer token answer 401
   * `invalid_token` (RFC 6750 §3.1) for a missing, expired or revoked one. Its token endpoint is served by the same
   * `fetch`, so one injected `fetch` serves both.
   */
  authorization?: Pick<FakeAuthorizationServer, 'checkBearer' | 'handle' | 'tokenUrl'> &
    Partial<Pick<FakeAuthorizationServer, 'serves'>>;
}

/** The mocked API. */
export interface MockApi {
  /** Answers the mocked operations (and the authorization server's token endpoint); rejects other URLs. */
  readonly fetch: typeof fetch;
  handle(request: Request): Promise<Response>;
  /** Every call to any mocked operation, oldest first. */
  readonly calls: readonly (MockCall & { operation: string })[];
  readonly baseUrl: string;
  readonly listener: (request: NodeLikeRequest, response: NodeLikeResponse) => void;
  listen(): Promise<{ baseUrl: string; close(): Promise<void> }>;
  /** MSW request handlers for every mocked operation, from the caller's MSW (`import { http, HttpResponse } from 'msw'`). */
  mswHandlers<Handler>(msw: MswAllLike<Handler>): Handler[];
}

/** The part of MSW 2's API the operation adapter uses. */
export interface MswAllLike<Handler> {
  http: { all(url: string, resolver: (info: { request: Request }) => Promise<Response | undefined>): Handler };
}

/** Serves `mocks` as one API. */
export function createMockApi(options: MockApiOptions): MockApi {
  let baseUrl = (options.baseUrl ?? 'http://127.0.0.1').replace(/\/+$/, '');
  const calls: (MockCall & { operation: string })[] = [];
  const routes = options.mocks.map((mock) => ({ mock, pattern: templatePattern(mock.route.path) }));

  const route = async (request: Request): Promise<Response | undefined> => {
    const url = new URL(request.url);
    const authorization = options.authorization;
    if (
      authorization &&
      (authorization.serves ? authorization.serves(url) : `${url.origin}${url.pathname}` === authorization.tokenUrl)
    )
      return authorization.handle(request);
    const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
    if (!url.pathname.startsWith(basePath)) return undefined;
    const path = url.pathname.slice(basePath.length) || '/';
    for (const { mock, pattern } of routes) {
      if (mock.route.method !== request.method) continue;
      const match = pattern.regex.exec(path);
      if (!match) continue;
      if (authorization && mock.route.bearer === 'required') {
        const refused = authorization.checkBearer(request.headers.get('authorization'));
        if (refused) return refused;
      }
      const params: Record<string, string> = {};
      pattern.names.forEach((name, index) => (params[name] = safeDecode(match[index + 1]!)));
      const query = byName(url.searchParams);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => (headers[name] = value));
      const call = {
        method: request.method,
        path: url.pathname,
        params,
        query,
        headers,
        body: await decodeBody(request.clone()),
      };
      calls.push({ ...call, operation: `${mock.route.method} ${mock.route.path}` });
      return (mock as unknown as { [HANDLE]: (call: MockCall & { request: Request }) => Promise<Response> })[HANDLE]({
        ...call,
        request,
      });
    }
    return undefined;
  };

  const handle = async (request: Request): Promise<Response> => (await route(request)) ?? notFound(request);
  const listener = nodeListener(() => baseUrl, handle);
  return {
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const answered = await route(request);
      if (!answered) throw new TypeError(`mock API: no operation matches ${request.method} ${request.url}`);
      return answered;
    }) as typeof fetch,
    handle,
    calls,
    get baseUrl() {
      return baseUrl;
    },
    listener,
    async listen() {
      const started = await listenOnLoopback(listener, baseUrl);
      baseUrl = started.baseUrl;
      return started;
    },
    mswHandlers(msw) {
      // One catch-all handler: the route table decides, and unmatched requests fall through to other handlers.
      return [msw.http.all(`${new URL(baseUrl).origin}/*`, ({ request }) => route(request))];
    },
  };
}

/** `/pets/{id}` → a regex with one group per parameter (a path parameter never spans a `/`). */
function templatePattern(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (/^\{[^}]+\}$/.test(part)) {
        names.push(part.slice(1, -1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), names };
}

const safeDecode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** Entries by name: a value, or a list when the name repeats (query strings, forms, multipart parts). */
function byName<Value>(entries: {
  forEach(callback: (value: Value, name: string) => void): void;
}): Record<string, Value | Value[]> {
  const result: Record<string, Value | Value[]> = {};
  entries.forEach((value, name) => {
    const previous = result[name];
    result[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  });
  return result;
}

/** Decodes a request body by its content type (see {@link MockCall.body}). */
async function decodeBody(request: Request): Promise<unknown> {
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  if (request.body === null) return undefined;
  if (/\bjson\b/.test(type)) {
    const text = await request.text();
    try {
      return text === '' ? undefined : JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return byName(new URLSearchParams(await request.text()));
  }
  if (type.startsWith('multipart/form-data')) {
    return byName(await request.formData());
  }
  if (type.startsWith('text/')) return request.text();
  return new Uint8Array(await request.arrayBuffer());
}

/** Encodes a handler's answer: strings and bytes as they are, anything else as JSON. */
function encodeAnswer(
  status: number,
  body: unknown,
  contentType: string | undefined,
  headers: Readonly<Record<string, string>> | undefined,
): Response {
  const merged = new Headers(headers);
  // 204, 205 and 304 carry no body (RFC 9110 §15.3.5, §15.3.6, §15.4.5).
  if (body === undefined || status === 204 || status === 205 || status === 304) {
    return new Response(null, { status, headers: merged });
  }
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof Blob || body instanceof ArrayBuffer) {
    if (!merged.has('content-type') && contentType) merged.set('content-type', contentType);
    return new Response(body as BodyInit, { status, headers: merged });
  }
  if (!merged.has('content-type'))
    merged.set('content-type', contentType && /\bjson\b/i.test(contentType) ? contentType : 'application/json');
  return new Response(JSON.stringify(body), { status, headers: merged });
}

/** The body type of a generated `<Operation>Request`, as a mock handler receives it (JSON bodies). */
export type RequestBodyOf<R> = R extends { body: infer B }
  ? B
  : R extends { body?: infer B }
    ? B | undefined
    : undefined;

/** A form body as a mock receives it: each field a string, or a list when the name repeats. */
export type DecodedForm = Readonly<Record<string, string | string[]>>;

/** A multipart body as a mock receives it: each part a string or a File, or a list when the name repeats. */
export type DecodedMultipart = Readonly<Record<string, FormDataEntryValue | FormDataEntryValue[]>>;
