import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OAuth2Server from '@node-oauth/oauth2-server';
import { AWKWARD, SCOPES } from './oidc-server.js';

/**
 * A real @node-oauth/oauth2-server 5.x behind node:http on 127.0.0.1 (port 0), token endpoint at /connect/token,
 * with an in-memory model for the password, client_credentials and refresh_token grants: a second peer that behaves
 * differently from oidc-provider.
 *
 * Observed deviations (5.3.0):
 * - client_secret_basic credentials are NOT form-decoded (it uses the `basic-auth` package as is), against RFC 6749
 *   §2.3.1: an id or secret with reserved characters only works with client_secret_post; with Basic the server
 *   sees the encoded form and answers invalid_client. Credentials made of unreserved characters work either way.
 * - invalid_client is answered with HTTP 401 only when the client used Basic (it then sends WWW-Authenticate);
 *   otherwise with 400 (RFC 6749 §5.2 allows both).
 * - refresh tokens are rotated on every use (alwaysIssueNewRefreshToken) and the old one is revoked.
 */
export const PLAIN_CLIENT = { clientId: 'plain-client', clientSecret: 'plain-secret-0123456789abcdef' };
export const AWKWARD_CLIENT = { clientId: `awkward ${AWKWARD}`, clientSecret: `secret ${AWKWARD} 0123456789` };
export const USER = { username: 'ann@example.com', password: `pa ss ${AWKWARD}` };

interface StoredToken {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken?: string;
  refreshTokenExpiresAt?: Date;
  scope?: string[];
  client: { id: string; grants: string[] };
  user: { id: string };
}

export async function startOAuth2Server(): Promise<{ baseUrl: string; close(): Promise<void>; tokenRequests: () => number }> {
  const clients = [PLAIN_CLIENT, AWKWARD_CLIENT].map((client) => ({ ...client, id: client.clientId, grants: ['password', 'client_credentials', 'refresh_token'] }));
  const accessTokens = new Map<string, StoredToken>();
  const refreshTokens = new Map<string, StoredToken>();
  const model = {
    getClient: async (clientId: string, clientSecret: string | null) => clients.find((c) => c.clientId === clientId && (clientSecret === null || c.clientSecret === clientSecret)) ?? false,
    getUser: async (username: string, password: string) => (username === USER.username && password === USER.password ? { id: 'user-1' } : false),
    getUserFromClient: async () => ({ id: 'service' }),
    validateScope: async (_user: unknown, _client: unknown, scope?: string[]) => (scope ?? []).every((s) => (SCOPES as readonly string[]).includes(s)) ? (scope ?? []) : false,
    generateAccessToken: async () => randomBytes(24).toString('base64url'),
    generateRefreshToken: async () => randomBytes(24).toString('base64url'),
    saveToken: async (token: StoredToken, client: { id: string; grants: string[] }, user: { id: string }) => {
      const saved = { ...token, client, user };
      accessTokens.set(token.accessToken, saved);
      if (token.refreshToken) refreshTokens.set(token.refreshToken, saved);
      return saved;
    },
    getAccessToken: async (accessToken: string) => accessTokens.get(accessToken) ?? false,
    getRefreshToken: async (refreshToken: string) => refreshTokens.get(refreshToken) ?? false,
    revokeToken: async (token: StoredToken) => refreshTokens.delete(token.refreshToken ?? ''),
    verifyScope: async () => true,
  };
  const oauth = new OAuth2Server({ model: model as never, accessTokenLifetime: 3600, alwaysIssueNewRefreshToken: true, allowEmptyState: true });
  let count = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url !== '/connect/token' || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      count += 1;
      const body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const request = new OAuth2Server.Request({ method: req.method, headers: req.headers, query: {}, body });
      const response = new OAuth2Server.Response({ headers: {} });
      oauth
        .token(request, response)
        .catch(() => undefined)
        .finally(() => {
          res.writeHead(response.status ?? 500, { 'content-type': 'application/json', ...(response.headers as Record<string, string>) });
          res.end(JSON.stringify(response.body ?? {}));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokenRequests: () => count,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
