import { connect } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY,
  AbortError,
  InvalidResponseError,
  NetworkError,
  OAuthError,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  createTokenClient,
  type TokenClient,
  type TokenClientOptions,
} from '../../generated/index.js';
import {
  htmlPage,
  json,
  ok,
  refusedBaseUrl,
  startFaultServer,
  throttled,
  truncatedJson,
} from '../support/fault-server.js';

/**
 * Faults on the wire → the right typed error and the right number of attempts, per grant. Timings are small and
 * configurable (baseDelayMs 1, timeouts of a few hundred ms); nothing asserts how long anything took.
 */
let server: Awaited<ReturnType<typeof startFaultServer>>;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => server.close());
beforeEach(() => server.reset());

const client = (options: Partial<TokenClientOptions> = {}): TokenClient =>
  createTokenClient({
    clientId: 'c',
    clientSecret: 's3cret-value',
    baseUrl: server.baseUrl,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 2000,
    ...options,
  });
const HTML_502 = {
  kind: 'respond',
  status: 502,
  body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
  headers: { 'content-type': 'text/html' },
} as const;
/** Every error these tests saw, swept for secrets at the end. */
const seen: unknown[] = [];
/** A settled call: `error` is set when it rejected, `value` when it resolved. */
interface Outcome {
  value?: unknown;
  error?: unknown;
}
const outcome = (promise: Promise<unknown>): Promise<Outcome> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => {
      seen.push(error);
      return { error };
    },
  );
const SECRETS = ['s3cret-value', 'rt-value', 'code-value', 'partial'];

describe('each fault becomes the right typed error', () => {
  it('an HTML 502 page → ServerError with status and excerpt, after the retries client_credentials allows', async () => {
    server.script(HTML_502, HTML_502, HTML_502);
    const { error } = (await outcome(client().clientCredentials())) as { error: ServerError };
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502, contentType: 'text/html' });
    expect(error.bodyExcerpt).toContain('502 Bad Gateway');
    expect(error.message).toMatch(/HTTP 502 with an HTML page/);
    expect(server.requests).toHaveLength(3);
  });

  it('truncated JSON with 200 → InvalidResponseError, not retried', async () => {
    server.script({
      kind: 'respond',
      status: 200,
      body: '{"access_token":"abc","token_ty',
      headers: { 'content-type': 'application/json' },
    });
    const { error } = await outcome(client().clientCredentials());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).status).toBe(200);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [{ token_type: 'Bearer' }, /access_token is missing/],
    [{ access_token: 'a' }, /token_type is missing/],
    [{ access_token: 'a', token_type: 'Bearer', expires_in: 'soon' }, /expires_in/],
    [{ access_token: 'a', token_type: 'Bearer', refresh_token: 42 }, /refresh_token is not a string/],
    [['not', 'an', 'object'], /not a JSON object/],
  ])('a 200 with an invalid body %j → InvalidResponseError', async (body, message) => {
    server.script(ok(body as object));
    const { error } = await outcome(client().clientCredentials());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(message);
  });

  it('a response that never comes → TimeoutError (per attempt), not retried', async () => {
    server.script({ kind: 'hang' });
    // Long enough for the request to reach the server on a loaded machine: the count below needs it there.
    const { error } = await outcome(client({ timeoutMs: 1000 }).clientCredentials());
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(1000);
    expect(server.requests).toHaveLength(1);
  });

  it("the caller's signal → AbortError, also while waiting to retry", async () => {
    server.script({ kind: 'hang' });
    const controller = new AbortController();
    const pending = outcome(client().clientCredentials({}, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect((await pending).error).toBeInstanceOf(AbortError);
    server.script(json(503, {}, { 'retry-after': '30' }));
    const during = new AbortController();
    const waiting = outcome(
      client({ retry: { retries: 2, baseDelayMs: 1, maxRetryAfterMs: 60_000 } }).clientCredentials(
        {},
        { signal: during.signal },
      ),
    );
    setTimeout(() => during.abort(), 100);
    expect((await waiting).error).toBeInstanceOf(AbortError);
  });

  it('a connection reset mid-body → NetworkError that may have reached the server', async () => {
    server.script(
      { kind: 'reset-mid-body', status: 200, partialBody: '{"access_token":"partial' },
      { kind: 'reset-mid-body', status: 200, partialBody: '{' },
      { kind: 'reset' },
    );
    const { error } = await outcome(client().clientCredentials());
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).mayHaveReachedServer).toBe(true);
    expect(server.requests).toHaveLength(3); // client_credentials is replayable: 1 + 2 retries
  });

  it('a redirect is not followed → UnexpectedResponseError', async () => {
    server.script({ kind: 'respond', status: 307, body: '', headers: { location: 'https://elsewhere.example/token' } });
    const { error } = await outcome(client().clientCredentials());
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as Error).message).toMatch(/redirect/);
    expect(server.requests).toHaveLength(1);
  });

  it('a redirect whose body is an OAuth error object is an OAuthError (decided by the body), still not followed', async () => {
    server.script(
      json(
        302,
        { error: 'invalid_request', error_description: 'moved' },
        { location: 'https://elsewhere.example/token' },
      ),
    );
    const { error } = await outcome(client().clientCredentials());
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ error: 'invalid_request', errorDescription: 'moved', status: 302 });
    expect(server.requests).toHaveLength(1);
  });

  it('errors without a cause have no cause property, and a response error carries no secret in its excerpt', async () => {
    server.script(json(400, { error: 'invalid_grant', echo: 'rt-value' }));
    const { error } = await outcome(client().refreshToken({ refreshToken: 'rt-value' }));
    expect(error).toBeInstanceOf(OAuthError);
    expect(Object.hasOwn(error as object, 'cause')).toBe(false);
    expect((error as OAuthError).bodyExcerpt).toBe('{"error":"invalid_grant","echo":"[REDACTED]"}');
  });
});

describe("timeouts and the caller's signal", () => {
  it('an already-aborted signal sends nothing', async () => {
    const { error } = await outcome(client().clientCredentials({}, { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(0);
  });

  it('the timeout is per attempt: a Retry-After backoff longer than timeoutMs does not time out the retry', async () => {
    server.script(throttled(503, '1'));
    // Under the 1000 ms backoff, with room for the retry itself to answer on a loaded machine.
    const tokens = await client({
      timeoutMs: 900,
      retry: { retries: 1, baseDelayMs: 1, maxRetryAfterMs: 2000 },
    }).clientCredentials();
    expect(tokens.access_token).toBe('fallback-token');
    expect(server.attempts).toBe(2);
  });

  it("a per-call timeoutMs overrides the client's", async () => {
    server.script({ kind: 'hang' });
    const { error } = await outcome(client({ timeoutMs: 60_000 }).clientCredentials({}, { timeoutMs: 100 }));
    expect(error).toMatchObject({ name: 'TimeoutError', timeoutMs: 100 });
  });

  it("a successful call leaves no timer and no listener on the caller's signal behind", async () => {
    const controller = new AbortController();
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((type: string, listener: EventListener) => (
      added.push(listener),
      add(type, listener)
    )) as typeof add;
    controller.signal.removeEventListener = ((type: string, listener: EventListener) => (
      removed.push(listener),
      remove(type, listener)
    )) as typeof remove;
    const timers = new Set<unknown>();
    const { setTimeout: set, clearTimeout: clear } = globalThis;
    // Only the client's own timer is tracked: it is the one set to this call's unusual timeoutMs.
    globalThis.setTimeout = ((handler: () => void, ms?: number) => {
      const timer = set(() => (timers.delete(timer), handler()), ms);
      if (ms === 12_345) timers.add(timer);
      return timer;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((timer: ReturnType<typeof setTimeout>) => (
      timers.delete(timer),
      clear(timer)
    )) as typeof clearTimeout;
    try {
      const pending = client().clientCredentials({}, { signal: controller.signal, timeoutMs: 12_345 });
      expect(timers.size).toBe(1);
      await pending;
    } finally {
      Object.assign(globalThis, { setTimeout: set, clearTimeout: clear });
    }
    expect(added).toHaveLength(1);
    expect(removed).toEqual(added);
    expect(timers.size).toBe(0);
  });
});

describe('refused connections, as Node reports them', () => {
  // Happy eyeballs: every address refused → an AggregateError carrying the first error's code, under fetch's TypeError.
  const refusedEverywhere = (): Error =>
    new TypeError('fetch failed', {
      cause: Object.assign(
        new AggregateError([
          Object.assign(new Error('connect ECONNREFUSED ::1:1'), { code: 'ECONNREFUSED' }),
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
        ]),
        { code: 'ECONNREFUSED' },
      ),
    });

  it('are retried even for authorization_code (nothing was sent), then surface as NetworkError', async () => {
    let attempts = 0;
    const refusing: typeof fetch = async () => {
      attempts += 1;
      throw refusedEverywhere();
    };
    const { error } = await outcome(client({ fetch: refusing }).authorizationCode({ code: 'code-value' }));
    expect(attempts).toBe(3);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({
      mayHaveReachedServer: false,
      message: 'POST /connect/token: the server refused the connection',
    });
    expect((error as Error).cause).toMatchObject({ name: 'AggregateError', code: 'ECONNREFUSED' });
  });

  it('a reset is not a refusal: authorization_code is not replayed', async () => {
    let attempts = 0;
    const resetting: typeof fetch = async () => {
      attempts += 1;
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      });
    };
    const { error } = await outcome(client({ fetch: resetting }).authorizationCode({ code: 'code-value' }));
    expect(attempts).toBe(1);
    expect(error).toMatchObject({ mayHaveReachedServer: true });
    expect((error as Error).cause).toMatchObject({
      name: 'Error',
      code: 'UND_ERR_SOCKET',
      message: 'other side closed',
    });
  });
});

describe('retries: only when the server cannot have used the grant', () => {
  it('429 with Retry-After: 0, then success → 2 attempts', async () => {
    server.script(json(429, { error: 'slow_down' }, { 'retry-after': '0' }));
    const tokens = await client().clientCredentials();
    expect(tokens.access_token).toBe('fallback-token');
    expect(server.requests).toHaveLength(2);
  });

  it('a Retry-After longer than maxRetryAfterMs is not waited for', async () => {
    server.script(json(503, {}, { 'retry-after': '120' }));
    const { error } = await outcome(
      client({ retry: { retries: 2, baseDelayMs: 1, maxRetryAfterMs: 1000 } }).clientCredentials(),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('503 then success → retried for every grant but authorization_code', async () => {
    server.script(json(503, {}));
    await client().refreshToken({ refreshToken: 'rt-value' });
    expect(server.requests).toHaveLength(2);
    server.reset();
    server.script(json(503, {}));
    const { error } = await outcome(client().authorizationCode({ code: 'code-value', codeVerifier: 'v'.repeat(43) }));
    expect(error).toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1); // a code is never replayed once sent
  });

  it('500 and resets: retried for client_credentials and password, never for refresh_token', async () => {
    server.script(json(500, {}));
    await client().password({ username: 'u', password: 'p' });
    expect(server.requests).toHaveLength(2);
    server.reset();
    server.script(json(500, {}));
    expect((await outcome(client().refreshToken({ refreshToken: 'rt-value' }))).error).toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);
    server.reset();
    server.script({ kind: 'reset' });
    expect((await outcome(client().refreshToken({ refreshToken: 'rt-value' }))).error).toBeInstanceOf(NetworkError);
    expect(server.requests).toHaveLength(1);
  });

  it('OAuth error bodies are never retried', async () => {
    server.script(json(400, { error: 'invalid_grant' }), json(400, { error: 'invalid_grant' }));
    expect((await outcome(client().password({ username: 'u', password: 'p' }))).error).toBeInstanceOf(OAuthError);
    expect(server.requests).toHaveLength(1);
  });

  it('a refused connection is retried for every grant, authorization_code included, then surfaces as NetworkError', async () => {
    const baseUrl = await refusedBaseUrl();
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts += 1;
      return fetch(input, init);
    };
    const { error } = await outcome(client({ baseUrl, fetch: counting }).authorizationCode({ code: 'code-value' }));
    expect(attempts).toBe(3);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).mayHaveReachedServer).toBe(false);
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('without a retry option the default policy retries (DEFAULT_RETRY: 2 retries)', async () => {
    // Retry-After: 0 keeps the default backoff out of the test's time.
    const unavailable = () => json(503, {}, { 'retry-after': '0' });
    server.script(unavailable(), unavailable(), unavailable());
    const defaults = createTokenClient({ clientId: 'c', clientSecret: 's3cret-value', baseUrl: server.baseUrl });
    const { error } = await outcome(defaults.clientCredentials());
    expect(error).toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1 + DEFAULT_RETRY.retries);
  });

  it('retries: 0 and retry: false disable retrying', async () => {
    server.script(json(503, {}), json(503, {}));
    await outcome(client({ retry: false }).clientCredentials());
    await outcome(client({ retry: { retries: 0 } }).clientCredentials());
    expect(server.requests).toHaveLength(2);
  });

  it('attempts are bounded by retries', async () => {
    server.script(json(503, {}), json(503, {}), json(503, {}), json(503, {}), json(503, {}));
    await outcome(client({ retry: { retries: 3, baseDelayMs: 1 } }).clientCredentials());
    expect(server.requests).toHaveLength(4);
  });
});

describe('retry rules per grant, fault by fault', () => {
  const ccClient = () => client();
  type Call = 'clientCredentials' | 'refreshToken' | 'authorizationCode';
  const call = (name: Call) =>
    name === 'clientCredentials'
      ? ccClient().clientCredentials()
      : name === 'refreshToken'
        ? ccClient().refreshToken({ refreshToken: 'rt-value' })
        : ccClient().authorizationCode({ code: 'code-value', codeVerifier: 'v'.repeat(43) });
  // [grant, fault, expected error class, attempts with retries: 2 when the fault repeats]
  const table: Array<[Call, string, () => ReturnType<typeof htmlPage>, new (...args: never[]) => Error, number]> = [
    ['clientCredentials', 'HTML 502', () => htmlPage(502, 'Bad Gateway'), ServerError, 3],
    ['clientCredentials', '503', () => json(503, {}), ServerError, 3],
    ['clientCredentials', '429 Retry-After: 0', () => throttled(429, '0'), OAuthError, 3],
    ['clientCredentials', 'reset before answering', () => ({ kind: 'reset' }), NetworkError, 3],
    ['refreshToken', '429 Retry-After: 0', () => throttled(429, '0'), OAuthError, 3],
    ['refreshToken', '503', () => json(503, {}), ServerError, 3],
    ['refreshToken', 'HTML 502', () => htmlPage(502, 'Bad Gateway'), ServerError, 1],
    ['refreshToken', '500', () => json(500, {}), ServerError, 1],
    [
      'refreshToken',
      'reset mid-body',
      () => ({ kind: 'reset-mid-body', status: 200, partialBody: '{"access_token":"' }),
      NetworkError,
      1,
    ],
    ['authorizationCode', '503', () => json(503, {}), ServerError, 1],
    ['authorizationCode', '429 Retry-After: 0', () => throttled(429, '0'), OAuthError, 1],
    ['authorizationCode', 'HTML 502', () => htmlPage(502, 'Bad Gateway'), ServerError, 1],
    [
      'authorizationCode',
      'reset mid-body',
      () => ({ kind: 'reset-mid-body', status: 200, partialBody: '{"access_token":"' }),
      NetworkError,
      1,
    ],
    [
      'clientCredentials',
      'invalid_client 401',
      () => json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic' }),
      OAuthError,
      1,
    ],
    ['refreshToken', 'invalid_grant 400', () => json(400, { error: 'invalid_grant' }), OAuthError, 1],
    [
      'clientCredentials',
      'truncated JSON',
      () => truncatedJson({ access_token: 'partial-access', token_type: 'Bearer' }),
      InvalidResponseError,
      1,
    ],
  ];
  it.each(table)('%s, %s every time → %o after %i attempt(s)', async (name, _label, fault, errorClass, attempts) => {
    server.script(fault(), fault(), fault(), fault());
    const { error } = await outcome(call(name));
    expect(error).toBeInstanceOf(errorClass);
    expect(server.attempts).toBe(attempts);
    expect(server.requests.every((r) => r.method === 'POST' && r.path === '/connect/token')).toBe(true);
  });

  it('a retried request resends the same form body', async () => {
    server.script(json(503, {}));
    await ccClient().refreshToken({ refreshToken: 'rt-value' });
    expect(server.requests.map((r) => r.form)).toEqual([server.requests[0]!.form, server.requests[0]!.form]);
    expect(server.requests[0]!.form).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'rt-value' });
  });

  it('a hang is a TimeoutError for refresh_token too, with one attempt', async () => {
    server.script({ kind: 'hang' }, { kind: 'hang' });
    const { error } = await outcome(client({ timeoutMs: 1000 }).refreshToken({ refreshToken: 'rt-value' }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.attempts).toBe(1);
  });

  it('a body that stops arriving (headers sent, no end) times out as well', async () => {
    server.script(
      { kind: 'stall-mid-body', status: 200, partialBody: '{"access_token":"partial' },
      { kind: 'stall-mid-body', status: 200, partialBody: '{' },
    );
    // Long enough for the headers to arrive first on a loaded machine: the count below needs the attempt there.
    const { error } = await outcome(client({ timeoutMs: 1000 }).clientCredentials());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.attempts).toBe(1);
  });
});

describe('Retry-After is read from the header', () => {
  it('Retry-After: 1 (1000 ms) is over a maxRetryAfterMs of 999 → no retry', async () => {
    server.script(throttled(429, '1'));
    const { error } = await outcome(
      client({ retry: { retries: 2, baseDelayMs: 1, maxRetryAfterMs: 999 } }).clientCredentials(),
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('slow_down');
    expect(server.attempts).toBe(1);
  });

  it('Retry-After: 1 within a maxRetryAfterMs of 1000 → waited for, then retried', async () => {
    server.script(throttled(503, '1'));
    await client({ retry: { retries: 2, baseDelayMs: 1, maxRetryAfterMs: 1000 } }).clientCredentials();
    expect(server.attempts).toBe(2);
  });

  it('an HTTP-date Retry-After in the past means now', async () => {
    server.script(throttled(503, new Date(Date.now() - 60_000).toUTCString()));
    await client({ retry: { retries: 1, baseDelayMs: 1, maxRetryAfterMs: 0 } }).clientCredentials();
    expect(server.attempts).toBe(2);
  });

  it('an HTTP-date Retry-After an hour ahead is over the limit → no retry', async () => {
    server.script(throttled(503, new Date(Date.now() + 3_600_000).toUTCString()));
    expect((await outcome(client().clientCredentials())).error).toBeInstanceOf(ServerError);
    expect(server.attempts).toBe(1);
  });
});

describe('the fault server', () => {
  it('close() leaves nothing listening, even with a hanging request open', async () => {
    const own = await startFaultServer({ kind: 'hang' });
    const pending = outcome(
      createTokenClient({
        clientId: 'c',
        clientSecret: 's3cret-value',
        baseUrl: own.baseUrl,
        retry: false,
        timeoutMs: 5000,
      }).clientCredentials(),
    );
    await expect.poll(() => own.attempts).toBe(1);
    await own.close();
    expect((await pending).error).toBeInstanceOf(NetworkError);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(own.port, '127.0.0.1');
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});

// Runs last (tests of a file run in order).
it('secret sweep: no error above shows the client secret, refresh token or code (message, String, inspect, JSON, causes)', () => {
  expect(seen.length).toBeGreaterThan(20);
  for (const error of seen) {
    const views = [String(error), inspect(error, { depth: 10 }), JSON.stringify(error) ?? '', (error as Error).message];
    for (let cause = (error as Error).cause; cause !== undefined && cause !== null; cause = (cause as Error).cause)
      views.push(String(cause), inspect(cause, { depth: 10 }));
    for (const view of views) for (const secret of SECRETS) expect(view).not.toContain(secret);
  }
});
