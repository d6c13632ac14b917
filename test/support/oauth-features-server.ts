import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey as NodeJwk } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata, type Configuration, type JWK } from 'oidc-provider';
import { closeServer, interact, listen, memoryAdapterFactory, sendJson } from './oidc-provider-server.js';

/**
 * A REAL oidc-provider 8.8.1 in-process on 127.0.0.1 (port 0) with the issue-13 features on: PKCE (S256,
 * required), RFC 9207 `iss` (always sent by 8.x; advertised in discovery), DPoP (RFC 9449) with server nonces
 * REQUIRED at the token endpoint, revocation (RFC 7009), introspection (RFC 7662), the device flow (RFC 8628),
 * client_credentials, and JWT client authentication (RFC 7523: private_key_jwt RS256/ES256/EdDSA,
 * client_secret_jwt HS256). Routes are IdentityServer's (`/connect/...`). Issuer: `http://127.0.0.1:<port>`.
 *
 * Checked against node_modules/oidc-provider/lib:
 * - A client_assertion's `aud` may be the endpoint URL, the issuer or the token endpoint (shared/token_jwt_auth.js);
 *   a reused `jti` is refused ("client assertion tokens must only be used once").
 * - DPoP: with `requireNonce: () => true` a proof without the current nonce gets 400 `use_dpop_nonce` and a
 *   `DPoP-Nonce` header; the access token then carries `jkt` (the key's RFC 7638 thumbprint), and introspection
 *   answers `cnf.jkt` and `token_type: DPoP`.
 * - Device flow: GET /connect/device?user_code=… answers an auto-submitting form with an `xsrf` value; POSTing it
 *   with `confirm=yes` starts the login/consent interactions (answered by `interact`), `abort=yes` makes the
 *   device code's next poll answer access_denied.
 * - Authorization: an authorization request with `login_hint=deny` is answered by the interaction with
 *   `access_denied` (see {@link startOAuthFeaturesServer}).
 */

export const SCOPES = ['openid', 'offline_access', 'api'] as const;
export const REDIRECT_URI = 'https://client.example/callback';

/** The client keys of the JWT client authentication tests, generated once per process. */
export interface JwtClientKeys {
  rs256: CryptoKeyPair;
  es256: CryptoKeyPair;
  eddsa: CryptoKeyPair;
}

export const CLIENTS = {
  /** authorization_code + refresh_token, client_secret_post. */
  web: { clientId: 'web-app', clientSecret: 'web-secret-0123456789abcdef0123456789abcdef' },
  /** client_credentials with private_key_jwt, one per algorithm. */
  rs256: { clientId: 'jwt-rs256' },
  es256: { clientId: 'jwt-es256' },
  eddsa: { clientId: 'jwt-eddsa' },
  /** client_credentials with client_secret_jwt (HS256: the secret must be at least 32 bytes). */
  hs256: { clientId: 'jwt-hs256', clientSecret: 'hs256-secret-0123456789abcdef0123456789abcdef' },
  /** device_code + refresh_token, public client. */
  device: { clientId: 'tv-app' },
  /** client_credentials, client_secret_post (DPoP and introspection). */
  service: { clientId: 'service', clientSecret: 'service-secret-0123456789abcdef0123456789ab' },
} as const;

export interface OAuthFeaturesServer {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  introspectionEndpoint: string;
  deviceAuthorizationEndpoint: string;
  /**
   * A resource that requires a DPoP-bound access token: `Authorization: DPoP <token>` and a valid proof (signature
   * by the proof's `jwk`, `typ`, `htm`, `htu`, fresh `iat`, unused `jti`, `ath`, and its own nonce: without it a
   * 401 `WWW-Authenticate: DPoP error="use_dpop_nonce"` challenge) whose key thumbprint is the token's `jkt`.
   * 200 `{ client_id, jkt }` on success.
   */
  dpopResourceUrl: string;
  provider: Provider;
  /** Every request the server received: method and path, in order. */
  requests: { method: string; path: string }[];
  /** Follows an authorization URL like a browser (cookies, redirects) until the redirect URI; returns that URL. */
  authorize(url: URL | string): Promise<URL>;
  /** The user enters `userCode` and approves (or declines) the device, through the interaction API. */
  approveDevice(userCode: string, decision?: 'approve' | 'deny'): Promise<void>;
  close(): Promise<void>;
}

let keys: Promise<JwtClientKeys> | undefined;
/** One set of client key pairs per process (RSA generation is slow). */
export function jwtClientKeys(): Promise<JwtClientKeys> {
  const generate = (params: RsaHashedKeyGenParams | EcKeyGenParams | { name: 'Ed25519' }) =>
    crypto.subtle.generateKey(params, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
  keys ??= Promise.all([
    generate({
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    }),
    generate({ name: 'ECDSA', namedCurve: 'P-256' }),
    generate({ name: 'Ed25519' }),
  ]).then(([rs256, es256, eddsa]) => ({ rs256, es256, eddsa }));
  return keys;
}

async function publicJwk(pair: CryptoKeyPair, kid: string): Promise<JWK> {
  // Node's WebCrypto exports Ed25519 keys with the fully-specified `alg: 'Ed25519'` (RFC 9864), which
  // oidc-provider 8.8.1 does not match against `EdDSA` ("no applicable key found"): publish the key without alg.
  const { alg: _alg, key_ops: _ops, ext: _ext, ...jwk } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { ...(jwk as JWK), kid };
}

export async function startOAuthFeaturesServer(): Promise<OAuthFeaturesServer> {
  const clientKeys = await jwtClientKeys();
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const requests: { method: string; path: string }[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: (req.url ?? '/').split('?')[0] ?? '/' });
    handler(req, res);
  });
  await listen(server);
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const jwtClient = async (
    clientId: string,
    pair: CryptoKeyPair,
    alg: NonNullable<ClientMetadata['token_endpoint_auth_signing_alg']>,
  ): Promise<ClientMetadata> => ({
    client_id: clientId,
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: alg,
    jwks: { keys: [await publicJwk(pair, `${clientId}-key`)] },
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: 'api',
  });
  const clients: ClientMetadata[] = [
    {
      client_id: CLIENTS.web.clientId,
      client_secret: CLIENTS.web.clientSecret,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: SCOPES.join(' '),
    },
    await jwtClient(CLIENTS.rs256.clientId, clientKeys.rs256, 'RS256'),
    await jwtClient(CLIENTS.es256.clientId, clientKeys.es256, 'ES256'),
    await jwtClient(CLIENTS.eddsa.clientId, clientKeys.eddsa, 'EdDSA'),
    {
      client_id: CLIENTS.hs256.clientId,
      client_secret: CLIENTS.hs256.clientSecret,
      token_endpoint_auth_method: 'client_secret_jwt',
      token_endpoint_auth_signing_alg: 'HS256',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api',
    },
    {
      client_id: CLIENTS.device.clientId,
      token_endpoint_auth_method: 'none',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      response_types: [],
      redirect_uris: [],
      scope: SCOPES.join(' '),
    },
    {
      client_id: CLIENTS.service.clientId,
      client_secret: CLIENTS.service.clientSecret,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api',
    },
  ];
  const silent = async (ctx: { body: unknown }, form: string) => {
    ctx.body = `<!DOCTYPE html><html><body>${form}</body></html>`;
  };
  const configuration: Configuration = {
    adapter: memoryAdapterFactory(),
    clients,
    jwks: { keys: [await rsaJwk()] },
    cookies: { keys: [randomBytes(24).toString('hex')] },
    routes: {
      authorization: '/connect/authorize',
      token: '/connect/token',
      revocation: '/connect/revocation',
      introspection: '/connect/introspect',
      device_authorization: '/connect/deviceauthorization',
      code_verification: '/connect/device',
      userinfo: '/connect/userinfo',
      jwks: '/.well-known/openid-configuration/jwks',
    },
    scopes: [...SCOPES],
    pkce: { methods: ['S256'], required: () => true },
    rotateRefreshToken: true,
    clientAuthMethods: ['none', 'client_secret_post', 'client_secret_basic', 'client_secret_jwt', 'private_key_jwt'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      // A client may introspect only its own tokens (the default allows any confidential client, noisily).
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      resourceIndicators: { enabled: false },
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: (ctx, form) => silent(ctx, form),
        userCodeConfirmSource: (ctx, form) => silent(ctx, form),
        successSource: async (ctx) => {
          ctx.body = 'device approved';
        },
      },
    },
    ttl: {
      AccessToken: 3600,
      ClientCredentials: 3600,
      AuthorizationCode: 60,
      RefreshToken: 86_400,
      DeviceCode: 600,
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
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  const resourceNonce = randomBytes(16).toString('base64url');
  const seenJti = new Set<string>();

  handler = (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const fail = (error: unknown) => sendJson(res, 500, { error: 'server_error', error_description: String(error) });
    if (path.startsWith('/interaction/')) denyOrInteract(provider, req, res).catch(fail);
    else if (path === '/api/dpop')
      dpopResource(provider, req, res, `${issuer}/api/dpop`, resourceNonce, seenJti).catch(fail);
    else callback(req, res);
  };

  const browser = new CookieBrowser(issuer);
  return {
    issuer,
    authorizationEndpoint: `${issuer}/connect/authorize`,
    tokenEndpoint: `${issuer}/connect/token`,
    revocationEndpoint: `${issuer}/connect/revocation`,
    introspectionEndpoint: `${issuer}/connect/introspect`,
    deviceAuthorizationEndpoint: `${issuer}/connect/deviceauthorization`,
    dpopResourceUrl: `${issuer}/api/dpop`,
    provider,
    requests,
    authorize: async (url) => (await browser.followUntil(new URL(url), new URL(REDIRECT_URI))) as URL,
    approveDevice: (userCode, decision = 'approve') => approveDevice(browser, issuer, userCode, decision),
    close: () => closeServer(server),
  };
}

async function rsaJwk(): Promise<JWK> {
  const pair = await jwtClientKeys();
  // The server's own signing key (ID tokens): any RSA key will do; reuse the RS256 client pair's private half.
  return { ...((await crypto.subtle.exportKey('jwk', pair.rs256.privateKey)) as JWK), kid: 'server', use: 'sig' };
}

/** `login_hint=deny` → the user declines (access_denied); anything else is logged in and consents. */
async function denyOrInteract(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.params['login_hint'] === 'deny') {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User denied' });
    return;
  }
  await interact(provider, req, res);
}

/** A user agent with a cookie jar that follows redirects by hand. */
class CookieBrowser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly origin: string) {}

  async request(url: URL, init: { method?: string; form?: URLSearchParams } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers['cookie'] = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.form ? { body: init.form.toString() } : {}),
    });
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(';', 1)[0] ?? '';
      const index = pair.indexOf('=');
      if (index <= 0) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects from `start` until `target`'s origin and path (returning that URL), or a final page. */
  async followUntil(start: URL, target: URL | undefined): Promise<URL | Response> {
    let url = start;
    for (let hop = 0; hop < 20; hop += 1) {
      if (target && url.origin === target.origin && url.pathname === target.pathname) return url;
      if (url.origin !== this.origin) throw new Error(`unexpected redirect to ${url.origin}`);
      const current = await this.request(url);
      const location = current.headers.get('location');
      if (!location) {
        if (!target) return current;
        throw new Error(`stopped at HTTP ${current.status}: ${(await current.text()).slice(0, 300)}`);
      }
      await current.body?.cancel();
      url = new URL(location, url);
    }
    throw new Error('too many redirects');
  }
}

async function approveDevice(
  browser: CookieBrowser,
  issuer: string,
  userCode: string,
  decision: 'approve' | 'deny',
): Promise<void> {
  const page = await browser.request(new URL(`/connect/device?user_code=${encodeURIComponent(userCode)}`, issuer));
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!xsrf) throw new Error(`no xsrf on the device page (HTTP ${page.status})`);
  const form = new URLSearchParams({
    xsrf,
    user_code: userCode,
    ...(decision === 'approve' ? { confirm: 'yes' } : { abort: 'yes' }),
  });
  const answer = await browser.request(new URL('/connect/device', issuer), { method: 'POST', form });
  if (decision === 'deny') {
    await answer.body?.cancel();
    return;
  }
  const location = answer.headers.get('location');
  if (!location) throw new Error(`device confirmation did not start the interaction (HTTP ${answer.status})`);
  const final = (await browser.followUntil(new URL(location, issuer), undefined)) as Response;
  const text = await final.text();
  if (text !== 'device approved')
    throw new Error(`device approval ended with HTTP ${final.status}: ${text.slice(0, 300)}`);
}

/** RFC 7638 thumbprint, written here independently of templates/runtime/dpop.ts so a bug there cannot hide. */
export function nodeThumbprint(jwk: Record<string, unknown>): string {
  const members =
    jwk['kty'] === 'RSA' ? ['e', 'kty', 'n'] : jwk['kty'] === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['crv', 'kty', 'x'];
  const canonical = `{${members.map((name) => `"${name}":"${String(jwk[name])}"`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Verifies a DPoP proof and its binding to the access token the way a resource server must (RFC 9449 §4.3, §7). */
async function dpopResource(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  nonce: string,
  seenJti: Set<string>,
): Promise<void> {
  const reject = (error: string, description: string, extra: Record<string, string> = {}) =>
    sendJson(
      res,
      401,
      { error, error_description: description },
      {
        'www-authenticate': `DPoP error="${error}", error_description="${description}", algs="ES256 RS256 PS256 EdDSA"`,
        ...extra,
      },
    );
  const token = /^DPoP (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const proof = req.headers['dpop'];
  if (!token || typeof proof !== 'string') return reject('invalid_token', 'DPoP token and proof required');
  const [h, p, s] = proof.split('.');
  if (!h || !p || !s) return reject('invalid_dpop_proof', 'malformed');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { typ?: string; alg?: string; jwk?: NodeJwk };
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  if (header.typ !== 'dpop+jwt' || !header.jwk || 'd' in header.jwk) return reject('invalid_dpop_proof', 'header');
  const key = createPublicKey({ key: header.jwk, format: 'jwk' });
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  const valid =
    header.alg === 'ES256'
      ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
      : header.alg === 'EdDSA'
        ? verify(null, data, key, signature)
        : header.alg === 'PS256'
          ? verify('sha256', data, { key, padding: 6, saltLength: 32 }, signature)
          : verify('sha256', data, key, signature);
  if (!valid) return reject('invalid_dpop_proof', 'signature');
  if (claims['htm'] !== req.method || claims['htu'] !== url) return reject('invalid_dpop_proof', 'htm/htu');
  if (Math.abs(Number(claims['iat']) - Date.now() / 1000) > 60) return reject('invalid_dpop_proof', 'iat');
  if (typeof claims['jti'] !== 'string' || seenJti.has(claims['jti'])) return reject('invalid_dpop_proof', 'jti');
  seenJti.add(claims['jti']);
  if (claims['ath'] !== createHash('sha256').update(token).digest('base64url'))
    return reject('invalid_dpop_proof', 'ath');
  if (claims['nonce'] !== nonce) return reject('use_dpop_nonce', 'nonce required', { 'dpop-nonce': nonce });
  const stored = (await provider.AccessToken.find(token)) ?? (await provider.ClientCredentials.find(token));
  if (!stored || stored.isExpired) return reject('invalid_token', 'unknown token');
  const jkt = nodeThumbprint(header.jwk as Record<string, unknown>);
  if (stored.jkt !== jkt) return reject('invalid_token', 'token not bound to this key');
  sendJson(res, 200, { client_id: stored.clientId, jkt });
}
