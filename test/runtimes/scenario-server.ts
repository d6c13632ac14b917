import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The server the runtime scenarios talk to: a token endpoint that checks client authentication (post and basic)
 * and PKCE as RFC 6749 and RFC 7636 say, an authorization step, a token endpoint that never answers, one that
 * answers slowly (for single flight), and a resource that checks bearer tokens. A node:http server on 127.0.0.1,
 * port 0, in the test process. Every path starts with the runtime's name (`/deno/connect/token`), so runtimes
 * running at the same time keep separate records.
 *
 * CORS: with `cors: true` it answers preflights and allows any loopback origin (the browser page is served from
 * another port), and exposes `WWW-Authenticate`, as a token endpoint meant for browsers must. With `cors: false` it
 * sends no CORS header at all: a browser then refuses the response to the page.
 */

/** The registered clients. Secrets chosen to need form-encoding in Basic credentials (RFC 6749 §2.3.1). */
export const CLIENTS = {
  post: { id: 'runtime-post', secret: 'post-secret-5tA9', method: 'client_secret_post' },
  basic: { id: 'runtime basic:client', secret: 'basic secret+/:é-7Qz', method: 'client_secret_basic' },
} as const;

export interface RecordedRequest {
  runtime: string;
  method: string;
  /** Path without the runtime prefix, e.g. `/connect/token`. */
  path: string;
  headers: IncomingMessage['headers'];
  form: Record<string, string>;
}

const formDecode = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));

export async function startScenarioServer({ cors }: { cors: boolean }) {
  const requests: RecordedRequest[] = [];
  /** Issued access tokens, by runtime. */
  const issued = new Map<string, Set<string>>();
  /** Authorization codes not yet used: code → what the authorization request bound to it. */
  const codes = new Map<string, { runtime: string; clientId: string; redirectUri: string; challenge: string }>();
  const sockets = new Set<Socket>();
  let counter = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const [, runtime = '', ...rest] = url.pathname.split('/');
      const path = `/${rest.join('/')}`;
      const origin = req.headers.origin;
      const corsHeaders: Record<string, string> =
        cors && origin && /^http:\/\/127\.0\.0\.1:\d+$/.test(origin)
          ? {
              'access-control-allow-origin': origin,
              'access-control-expose-headers': 'www-authenticate',
              vary: 'origin',
            }
          : {};
      const send = (status: number, body: object | undefined, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { ...corsHeaders, ...(body ? { 'content-type': 'application/json' } : {}), ...headers });
        res.end(body ? JSON.stringify(body) : undefined);
      };
      if (req.method === 'OPTIONS') {
        // Preflight: not recorded (it is the browser's, not the client's request).
        return send(204, undefined, {
          ...(corsHeaders['access-control-allow-origin']
            ? {
                'access-control-allow-methods': 'GET, POST',
                'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
                'access-control-max-age': '600',
              }
            : {}),
        });
      }
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      requests.push({ runtime, method: req.method ?? '', path, headers: req.headers, form });
      const issue = (kind: string): void => {
        const token = `${kind}-${runtime}-${(counter += 1)}`;
        let tokens = issued.get(runtime);
        if (!tokens) issued.set(runtime, (tokens = new Set()));
        tokens.add(token);
        send(
          200,
          { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: form['scope'] ?? 'bensoft_api' },
          { 'cache-control': 'no-store' },
        );
      };
      const oauthError = (
        status: number,
        error: string,
        description: string,
        headers: Record<string, string> = {},
      ): void => send(status, { error, error_description: description }, { 'cache-control': 'no-store', ...headers });

      // A test shortcut for the browser redirect: the "authorization" answers the code as JSON instead of a 302 to
      // the redirect URI (a redirect would be opaque to fetch in a browser). The binding it records is the real one.
      if (req.method === 'GET' && path === '/authorize') {
        const challenge = url.searchParams.get('code_challenge') ?? '';
        if (url.searchParams.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
          return oauthError(400, 'invalid_request', 'code_challenge must be an S256 challenge');
        const code = `code-${runtime}-${(counter += 1)}`;
        codes.set(code, {
          runtime,
          clientId: url.searchParams.get('client_id') ?? '',
          redirectUri: url.searchParams.get('redirect_uri') ?? '',
          challenge,
        });
        return send(200, { code, state: url.searchParams.get('state') });
      }
      if (req.method === 'POST' && path === '/slow/connect/token') return; // never answers: the client times out
      if (req.method === 'POST' && (path === '/connect/token' || path === '/single/connect/token')) {
        // Client authentication, RFC 6749 §2.3.1: exactly one method, and the one the client is registered with.
        const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
        let clientId = form['client_id'];
        let secret = form['client_secret'];
        let method = secret === undefined ? 'none' : 'client_secret_post';
        if (basic) {
          if (secret !== undefined)
            return oauthError(400, 'invalid_request', 'more than one client authentication method');
          const decoded = Buffer.from(basic[1]!, 'base64').toString('latin1');
          const colon = decoded.indexOf(':');
          clientId = formDecode(decoded.slice(0, colon));
          secret = formDecode(decoded.slice(colon + 1));
          method = 'client_secret_basic';
        }
        const client = Object.values(CLIENTS).find((candidate) => candidate.id === clientId);
        if (!client || client.secret !== secret || client.method !== method)
          return oauthError(401, 'invalid_client', 'client authentication failed', {
            'www-authenticate': 'Basic realm="runtime scenarios"',
          });
        const delay = path === '/single/connect/token' ? 300 : 0; // lets concurrent callers pile up
        if (form['grant_type'] === 'client_credentials') return void setTimeout(() => issue('cc'), delay);
        if (form['grant_type'] === 'authorization_code') {
          const bound = codes.get(form['code'] ?? '');
          codes.delete(form['code'] ?? ''); // single use, RFC 6749 §4.1.2
          // RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) must equal the challenge.
          const verifier = form['code_verifier'] ?? '';
          const computed = createHash('sha256').update(verifier, 'ascii').digest('base64url');
          if (
            !bound ||
            bound.runtime !== runtime ||
            bound.clientId !== client.id ||
            bound.redirectUri !== form['redirect_uri']
          )
            return oauthError(400, 'invalid_grant', 'unknown, used or mismatched code');
          if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || computed !== bound.challenge)
            return oauthError(400, 'invalid_grant', 'PKCE verification failed');
          return issue('ac');
        }
        return oauthError(400, 'unsupported_grant_type', 'grant not offered here');
      }
      // The API of the generated operations (the Clerk document's paths under /api): bearer tokens issued above only.
      if (path.startsWith('/api/')) {
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (!bearer || !issued.get(runtime)?.has(bearer))
          return send(
            401,
            { errors: [{ code: 'authentication_invalid' }] },
            { 'www-authenticate': 'Bearer error="invalid_token"' },
          );
        const user = /^\/api\/users\/([^/]+)$/.exec(path);
        if (req.method === 'GET' && user)
          return send(200, { object: 'user', id: decodeURIComponent(user[1]!), first_name: 'Ada' });
      }
      send(404, { error: 'not_found' });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Every request but preflights, in order. */
    requests,
    /** The requests one runtime made to one path. */
    requestsOf: (runtime: string, path: string) => requests.filter((r) => r.runtime === runtime && r.path === path),
    close: () =>
      new Promise<void>((closed, failed) => {
        server.close((error) => (error ? failed(error) : closed()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

export type ScenarioServer = Awaited<ReturnType<typeof startScenarioServer>>;
