import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  OAuthError,
  createTokenClient,
  isOAuthError,
  type TokenClient,
  type TokenClientOptions,
} from '../../generated/index.js';
import { startRecordingServer, type RecordedRequest, type ScriptedResponse } from '../support/recording-server.js';

/**
 * Every generated grant helper against a real node:http server: the exact request it sends (method, path, headers,
 * decoded form body) and how the page's error examples map to OAuthError.
 */
const SUCCESS = {
  access_token: 'eyJhbGciOi...',
  token_type: 'Bearer',
  expires_in: 3600,
  scope: 'bensoft_api mbi_api offline_access',
  refresh_token: 'refresh-token-value',
};
let next: ScriptedResponse = { status: 200, body: JSON.stringify(SUCCESS) };
let server: Awaited<ReturnType<typeof startRecordingServer>>;
beforeAll(async () => {
  server = await startRecordingServer(() => next);
});
afterAll(async () => server.close());
beforeEach(() => {
  server.requests.length = 0;
  next = { status: 200, body: JSON.stringify(SUCCESS) };
});

const client = (options: Partial<TokenClientOptions> = {}): TokenClient =>
  createTokenClient({
    clientId: 'client-1',
    clientSecret: 'secret-1',
    baseUrl: server.baseUrl,
    retry: false,
    ...options,
  });
const only = (): RecordedRequest => {
  expect(server.requests).toHaveLength(1);
  return server.requests[0]!;
};

describe('each helper sends exactly one correct request', () => {
  const cases: Array<[string, (c: TokenClient) => Promise<unknown>, Record<string, string[]>]> = [
    [
      'clientCredentials',
      (c) => c.clientCredentials({ scope: 'bensoft_api mbi_api' }),
      { grant_type: ['client_credentials'], scope: ['bensoft_api mbi_api'] },
    ],
    ['clientCredentials without params', (c) => c.clientCredentials(), { grant_type: ['client_credentials'] }],
    [
      'clientCredentials with a scope list',
      (c) => c.clientCredentials({ scope: ['bensoft_api', 'offline_access'] }),
      { grant_type: ['client_credentials'], scope: ['bensoft_api offline_access'] },
    ],
    [
      'authorizationCode',
      (c) =>
        c.authorizationCode({
          code: 'the-code',
          redirectUri: 'https://app.example/cb?x=1&y=2',
          codeVerifier: 'v'.repeat(43),
        }),
      {
        grant_type: ['authorization_code'],
        code: ['the-code'],
        redirect_uri: ['https://app.example/cb?x=1&y=2'],
        code_verifier: ['v'.repeat(43)],
      },
    ],
    [
      'refreshToken',
      (c) => c.refreshToken({ refreshToken: 'rt-1', scope: 'mbi_api' }),
      { grant_type: ['refresh_token'], refresh_token: ['rt-1'], scope: ['mbi_api'] },
    ],
    [
      'password',
      (c) => c.password({ username: 'ann@example.com', password: 'p&ss w=rd+%', scope: 'bensoft_api' }),
      { grant_type: ['password'], username: ['ann@example.com'], password: ['p&ss w=rd+%'], scope: ['bensoft_api'] },
    ],
  ];
  it.each(cases)('%s', async (_name, call, grantFields) => {
    const tokens = await call(client());
    expect(tokens).toMatchObject(SUCCESS);
    const request = only();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/connect/token');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers['accept']).toBe('application/json');
    // The document's first client authentication method is client_secret_post: credentials in the body.
    expect(request.headers['authorization']).toBeUndefined();
    expect(request.form).toEqual({ ...grantFields, client_id: ['client-1'], client_secret: ['secret-1'] });
  });
});

describe('client authentication', () => {
  const awkward = { id: 'wc a+b/c:d e%f&g', secret: 's3 a+b/c:d e%f&g' };
  it('client_secret_basic form-encodes id and secret before Base64 (RFC 6749 §2.3.1)', async () => {
    await client({
      clientId: awkward.id,
      clientSecret: awkward.secret,
      clientAuthentication: 'client_secret_basic',
    }).clientCredentials();
    const request = only();
    const encoded = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);
    expect(request.headers['authorization']).toBe(
      `Basic ${Buffer.from(`${encoded(awkward.id)}:${encoded(awkward.secret)}`).toString('base64')}`,
    );
    expect(request.form).toEqual({ grant_type: ['client_credentials'] });
  });
  it('client_secret_post round-trips awkward characters through the form body', async () => {
    await client({
      clientId: awkward.id,
      clientSecret: awkward.secret,
      clientAuthentication: 'client_secret_post',
    }).clientCredentials();
    expect(only().form).toEqual({
      grant_type: ['client_credentials'],
      client_id: [awkward.id],
      client_secret: [awkward.secret],
    });
  });
  it('none sends only client_id', async () => {
    await createTokenClient({
      clientId: 'public-app',
      clientAuthentication: 'none',
      baseUrl: server.baseUrl,
    }).authorizationCode({ code: 'c', codeVerifier: 'v'.repeat(43) });
    expect(only().form).toEqual({
      grant_type: ['authorization_code'],
      code: ['c'],
      code_verifier: ['v'.repeat(43)],
      client_id: ['public-app'],
    });
  });
  it('a confidential method without a secret is a configuration error', () => {
    expect(() => createTokenClient({ clientId: 'x', baseUrl: server.baseUrl })).toThrow(ConfigurationError);
  });
  it.each([
    ['a missing clientId', { clientId: '' }, /createTokenClient: clientId is required/],
    [
      'an unknown method (from JavaScript)',
      { clientAuthentication: 'private_key_jwt' },
      /clientAuthentication must be client_secret_basic, client_secret_post or none/,
    ],
    [
      'a confidential method without a secret',
      { clientSecret: '' },
      /: clientSecret is missing: client_secret_post needs it/,
    ],
    ['a relative baseUrl', { baseUrl: '/auth' }, /baseUrl must be an absolute http\(s\) URL/],
    [
      'a baseUrl that is not http(s)',
      { baseUrl: 'ftp://auth.example.com' },
      /baseUrl must be an absolute http\(s\) URL/,
    ],
  ])('%s is a one-line ConfigurationError naming the option', (_name, options, message) => {
    const create = () =>
      createTokenClient({
        clientId: 'x',
        clientSecret: 'y',
        baseUrl: server.baseUrl,
        ...(options as Partial<TokenClientOptions>),
      });
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(message);
  });
  it('http: is refused for non-loopback hosts unless allowed explicitly', () => {
    expect(() => createTokenClient({ clientId: 'x', clientSecret: 'y', baseUrl: 'http://auth.example.com' })).toThrow(
      /clear text/,
    );
    expect(() =>
      createTokenClient({
        clientId: 'x',
        clientSecret: 'y',
        baseUrl: 'http://auth.example.com',
        allowInsecureHttp: true,
      }),
    ).not.toThrow();
    // The opt-in is `true` itself, not any truthy value (an environment variable's "false" must not opt in).
    expect(() =>
      createTokenClient({
        clientId: 'x',
        clientSecret: 'y',
        baseUrl: 'http://auth.example.com',
        allowInsecureHttp: 'false' as unknown as boolean,
      }),
    ).toThrow(/clear text/);
    expect(() => createTokenClient({ clientId: 'x', clientSecret: 'y', baseUrl: 'http://localhost:1' })).not.toThrow();
  });
});

describe("the page's error examples become OAuthError", () => {
  const cases: Array<[number, Record<string, string>]> = [
    [400, { error: 'unsupported_grant_type' }],
    [400, { error: 'invalid_grant' }],
    [401, { error: 'invalid_client', error_description: 'Client authentication failed.' }],
  ];
  it.each(cases)('HTTP %i %o', async (status, body) => {
    next = {
      status,
      body: JSON.stringify(body),
      headers: status === 401 ? { 'www-authenticate': 'Basic realm="token"' } : {},
    };
    const error = await client()
      .clientCredentials()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(isOAuthError(error, body.error)).toBe(true);
    expect(isOAuthError(error, 'invalid_scope')).toBe(false);
    const oauth = error as OAuthError;
    expect(oauth).toMatchObject({
      error: body.error,
      errorDescription: body.error_description,
      errorUri: undefined,
      status,
    });
    expect(oauth.wwwAuthenticate).toBe(status === 401 ? 'Basic realm="token"' : undefined);
  });
  it('decides by the body, not the status: an OAuth error body with HTTP 200 is still an OAuthError', async () => {
    next = { status: 200, body: JSON.stringify({ error: 'invalid_grant' }) };
    await expect(client().clientCredentials()).rejects.toBeInstanceOf(OAuthError);
  });
});

describe('response validation', () => {
  it('accepts expires_in as a numeric string and normalises it; keeps unknown members', async () => {
    next = {
      status: 200,
      body: JSON.stringify({
        access_token: 'a',
        token_type: 'bearer',
        expires_in: '120',
        id_token: 'x.y.z',
        custom: 1,
      }),
    };
    const tokens = await client().clientCredentials();
    expect(tokens.expires_in).toBe(120);
    expect(tokens['custom']).toBe(1);
    expect(tokens.token_type).toBe('bearer');
  });
});
