import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenClient, TokenClientError } from '../../generated/index.js';
import { startRecordingServer, type RecordedRequest, type ScriptedResponse } from '../support/recording-server.js';

/**
 * A hostile server that echoes everything it receives back in its answers. Whatever it echoes, no secret the
 * client sent or received may reach an error's message, String(), inspection, JSON or cause chain.
 */
const SECRET = 'client-secret-VALUE-1';
const PASSWORD = 'password VALUE+2&x=y';
const REFRESH = 'refresh-token-VALUE-3';
const CODE = 'authorization-code-VALUE-4';
const VERIFIER = 'code-verifier-VALUE-5-abcdefghijklmnopqrstuvwxyz0123';
const ACCESS = 'access-token-VALUE-6';
const ALL = [SECRET, PASSWORD, REFRESH, CODE, VERIFIER, ACCESS];
// Encodings a body might carry them in.
const VARIANTS = ALL.flatMap((value) => [
  value,
  encodeURIComponent(value),
  new URLSearchParams([['', value]]).toString().slice(1),
]);

let mode: (request: RecordedRequest) => ScriptedResponse;
let server: Awaited<ReturnType<typeof startRecordingServer>>;
beforeAll(async () => {
  server = await startRecordingServer((request) => mode(request));
});
afterAll(async () => server.close());

const answers: Array<[string, (request: RecordedRequest) => ScriptedResponse]> = [
  [
    'an HTML page echoing the form body',
    (r) => ({ status: 502, headers: { 'content-type': 'text/html' }, body: `<html><pre>${r.rawBody}</pre></html>` }),
  ],
  [
    'a 400 echoing the body as text',
    (r) => ({ status: 400, headers: { 'content-type': 'text/plain' }, body: `bad request: ${r.rawBody}` }),
  ],
  [
    'an OAuth error whose description echoes the secrets',
    (r) => ({
      status: 400,
      body: JSON.stringify({
        error: 'invalid_grant',
        error_description: `rejected ${r.rawBody} ${Object.values(r.form).flat().join(' ')}`,
      }),
    }),
  ],
  [
    'JSON that is not an OAuth error, echoing the form',
    (r) => ({ status: 500, body: JSON.stringify({ received: r.form, password: PASSWORD }) }),
  ],
  [
    'a 200 missing token_type, carrying tokens',
    () => ({ status: 200, body: JSON.stringify({ access_token: ACCESS, refresh_token: REFRESH }) }),
  ],
  [
    'a 200 with truncated JSON carrying tokens',
    () => ({ status: 200, body: `{"access_token":"${ACCESS}","refresh_token":"${REFRESH}","tok` }),
  ],
  [
    'a 200 form-encoded body carrying tokens',
    () => ({
      status: 200,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `access_token=${ACCESS}&refresh_token=${REFRESH}`,
    }),
  ],
  [
    'a redirect echoing the body in its location',
    (r) => ({ status: 302, headers: { location: `https://elsewhere.example/?${r.rawBody}` }, body: '' }),
  ],
];

describe.each(answers)('%s', (_name, answer) => {
  it.each(['client_secret_post', 'client_secret_basic'] as const)(
    'leaks nothing with %s',
    async (clientAuthentication) => {
      mode = answer;
      const client = createTokenClient({
        clientId: 'client',
        clientSecret: SECRET,
        clientAuthentication,
        baseUrl: server.baseUrl,
        retry: false,
      });
      const calls = [
        client.password({ username: 'ann', password: PASSWORD }),
        client.refreshToken({ refreshToken: REFRESH }),
        client.authorizationCode({ code: CODE, codeVerifier: VERIFIER, redirectUri: 'https://app/cb' }),
      ];
      for (const call of calls) {
        const error = await call.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(TokenClientError);
        const views = [
          String(error),
          (error as Error).message,
          inspect(error, { depth: 10, showHidden: true }),
          JSON.stringify(error),
        ];
        for (let cause = (error as Error).cause; cause; cause = (cause as Error).cause)
          views.push(inspect(cause, { showHidden: true }));
        for (const view of views)
          for (const secret of VARIANTS)
            expect(view.includes(secret), `leaked ${secret} in ${view.slice(0, 300)}`).toBe(false);
      }
    },
  );
});

it('inspecting a token response redacts its tokens; JSON keeps them for storage', async () => {
  mode = () => ({
    status: 200,
    body: JSON.stringify({ access_token: ACCESS, token_type: 'Bearer', refresh_token: REFRESH }),
  });
  const tokens = await createTokenClient({ clientId: 'c', clientSecret: SECRET, baseUrl: server.baseUrl }).refreshToken(
    { refreshToken: REFRESH },
  );
  expect(inspect(tokens)).not.toContain(ACCESS);
  expect(inspect(tokens)).not.toContain(REFRESH);
  expect(inspect(tokens)).toContain('[REDACTED]');
  expect(JSON.parse(JSON.stringify(tokens))).toEqual({
    access_token: ACCESS,
    token_type: 'Bearer',
    refresh_token: REFRESH,
  });
  const client = createTokenClient({ clientId: 'c', clientSecret: SECRET, baseUrl: server.baseUrl });
  expect(inspect(client, { showHidden: true, depth: 5 })).not.toContain(SECRET);
  expect(JSON.stringify(client)).not.toContain(SECRET);
});

it('inspection redacts secret members at any depth, inside other objects too, and keeps the rest', async () => {
  const body = {
    access_token: ACCESS,
    token_type: 'Bearer',
    expires_in: '60',
    extra: { id_token: 'nested-id-token-VALUE', list: [{ refresh_token: REFRESH }] },
    note: 'kept',
  };
  mode = () => ({ status: 200, body: JSON.stringify(body) });
  const tokens = await createTokenClient({
    clientId: 'c',
    clientSecret: SECRET,
    baseUrl: server.baseUrl,
  }).clientCredentials();
  for (const view of [inspect(tokens), inspect({ tokens }, { depth: 5 }), inspect([tokens], { showHidden: true })]) {
    for (const secret of [ACCESS, REFRESH, 'nested-id-token-VALUE']) expect(view).not.toContain(secret);
    expect(view).toContain('"note":"kept"');
    expect(view).toContain('"expires_in":60');
  }
  // The response object itself is plain data: its own members only, JSON as received (expires_in normalised).
  expect(Object.keys(tokens)).toEqual(['access_token', 'token_type', 'expires_in', 'extra', 'note']);
  expect(JSON.parse(JSON.stringify(tokens))).toEqual({ ...body, expires_in: 60 });
});
