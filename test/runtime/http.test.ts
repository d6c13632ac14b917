import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  ConfigurationError,
  NetworkError,
  TimeoutError,
  TokenClientError,
} from '../../templates/runtime/errors.js';
import {
  excerpt,
  exchange,
  fetchOf,
  formEncode,
  networkError,
  redactMembers,
  redactValues,
  secureUrl,
  unsent,
  unsentOr,
} from '../../templates/runtime/http.js';

/**
 * The HTTP core shared by the token client and the operation functions, tested where it is written: URL safety,
 * one attempt with timeout and caller signal, classification of failures, redaction of excerpts.
 */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/slow') return void setTimeout(() => response.end('late'), 2_000).unref();
    if (request.url === '/reset') return void request.socket.destroy();
    response.setHeader('content-type', 'text/plain');
    response.end(`echo ${request.method} ${request.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const text = async (response: Response): Promise<string> => response.text();

describe('secureUrl: one loopback rule, one message', () => {
  it.each([
    'http://localhost:8080/x',
    'http://127.0.0.1/x',
    'http://127.255.0.9/x',
    'http://[::1]:3000/',
    'https://a.example/',
  ])('accepts %s', (href) => {
    expect(secureUrl(href, false).href).toBe(new URL(href).href);
  });
  it.each(['http://auth.example.com', 'http://127.0.0.1.evil.example', 'http://localhost.example.com', 'http://[::2]'])(
    'refuses http: to %s without allowInsecureHttp',
    (href) => {
      expect(() => secureUrl(href, undefined, 'p: ')).toThrow(
        new ConfigurationError(
          'p: Refusing http: to a non-loopback host (clear text); use https: or allowInsecureHttp: true',
        ),
      );
      expect(secureUrl(href, true).protocol).toBe('http:');
    },
  );
  it.each(['', '/relative', 'ftp://a.example', 'not a url', 'undefined/connect/token'])(
    'refuses %j as not absolute http(s)',
    (href) => {
      expect(() => secureUrl(href, true)).toThrow(/^baseUrl must be an absolute http\(s\) URL$/);
    },
  );
});

describe('fetchOf', () => {
  it('takes the option, else the global fetch, else fails before anything is sent', () => {
    const mine = (async () => new Response()) as typeof fetch;
    expect(fetchOf(mine)).toBe(mine);
    expect(fetchOf(undefined)).toBe(globalThis.fetch);
    const saved = globalThis.fetch;
    try {
      (globalThis as { fetch?: unknown }).fetch = undefined;
      expect(() => fetchOf(undefined, 'x: ')).toThrow(new ConfigurationError('x: no fetch: pass options.fetch'));
    } finally {
      globalThis.fetch = saved;
    }
  });
});

describe('exchange: one attempt with timeout and caller signal', () => {
  it('returns what read makes of the response', async () => {
    expect(await exchange(fetch, `${base}/a`, { method: 'POST' }, 'POST /a', 1_000, undefined, undefined, text)).toBe(
      'echo POST /a',
    );
  });

  it('a signal aborted before sending is an AbortError that says nothing was sent, and fetch is not called', async () => {
    let called = false;
    const spy = (async () => ((called = true), new Response())) as typeof fetch;
    const error = await exchange(spy, base, {}, 'GET /', 1_000, AbortSignal.abort(), undefined, text).catch((e) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ message: 'GET / was aborted by the caller', mayHaveReachedServer: false });
    expect(called).toBe(false);
  });

  it('an abort during the backoff delay sends nothing', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const error = await exchange(fetch, base, {}, 'GET /', 1_000, controller.signal, undefined, text, 5_000).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ name: 'AbortError', mayHaveReachedServer: false });
  });

  it('waits the backoff delay, then sends', async () => {
    expect(await exchange(fetch, `${base}/d`, {}, 'GET /d', 1_000, undefined, undefined, text, 5)).toBe('echo GET /d');
  });

  it('an abort while the request is under way may have reached the server', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await exchange(
      fetch,
      `${base}/slow`,
      {},
      'GET /slow',
      5_000,
      controller.signal,
      undefined,
      text,
    ).catch((e) => e);
    expect(error).toMatchObject({ name: 'AbortError', mayHaveReachedServer: true });
  });

  it('an abort of a later attempt, even before sending, follows attempts the server may have seen', async () => {
    const error = await exchange(fetch, base, {}, 'GET /', 1_000, AbortSignal.abort(), undefined, text, 0, true).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ name: 'AbortError', mayHaveReachedServer: true });
  });

  it('a timeout is a TimeoutError naming the request and the time', async () => {
    const error = await exchange(fetch, `${base}/slow`, {}, 'GET /slow', 50, undefined, undefined, text).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ message: 'GET /slow timed out after 50 ms', timeoutMs: 50 });
  });

  it('the timeout covers reading the body', async () => {
    // Headers arrive, the body never does: like a real fetch, the body stream fails when the signal aborts.
    const stalled = (async (_url: string, init: RequestInit) =>
      new Response(
        new ReadableStream({
          start: (controller) => init.signal!.addEventListener('abort', () => controller.error(init.signal!.reason)),
        }),
      )) as unknown as typeof fetch;
    const error = await exchange(stalled, base, {}, 'GET /', 50, undefined, undefined, text).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('a reset connection is a NetworkError that may have reached the server, with the CORS hint for browsers', async () => {
    const error = await exchange(fetch, `${base}/reset`, {}, 'GET /reset', 1_000, undefined, undefined, text).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.mayHaveReachedServer).toBe(true);
    expect(error.message).toBe(
      'GET /reset: no complete response (in a browser, often CORS: does the server allow this origin?)',
    );
  });

  it('a refused connection is a NetworkError that did not reach the server', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await exchange(
      fetch,
      `http://127.0.0.1:${port}/`,
      {},
      'GET /',
      1_000,
      undefined,
      undefined,
      text,
    ).catch((e) => e);
    expect(error).toMatchObject({ name: 'NetworkError', mayHaveReachedServer: false });
    expect(error.message).toBe('GET /: the server refused the connection');
  });

  it('errors read throws as TokenClientErrors pass through unclassified; other failures are classified', async () => {
    const mine = new TokenClientError('mine');
    expect(
      await exchange(fetch, base, {}, 'GET /', 1_000, undefined, undefined, async () => {
        throw mine;
      }).catch((e) => e),
    ).toBe(mine);
    expect(
      await exchange(fetch, base, {}, 'GET /', 1_000, undefined, undefined, async () => {
        throw new TypeError('body used');
      }).catch((e) => e),
    ).toBeInstanceOf(NetworkError);
  });

  it('keepSignal leaves the caller signal attached (a stream stays cancellable); otherwise it is removed', async () => {
    const attached = new Set<unknown>();
    const signal = {
      aborted: false,
      addEventListener: (_: string, listener: unknown) => attached.add(listener),
      removeEventListener: (_: string, listener: unknown) => attached.delete(listener),
    } as unknown as AbortSignal;
    await exchange(fetch, base, {}, 'GET /', 1_000, signal, undefined, text);
    expect(attached.size).toBe(0);
    await exchange(
      fetch,
      base,
      {},
      'GET /',
      1_000,
      signal,
      undefined,
      async (response, keep) => (keep(), response.body),
    );
    expect(attached.size).toBe(1);
  });
});

describe('unsent: a request fetch refuses to build', () => {
  it("is a NetworkError that nothing was sent, naming fetch's reason without the header value or a cause", async () => {
    const headers = { 'x-note': 'say "hi" private-value\r\nInjected: yes' };
    let calls = 0;
    const counting: typeof fetch = (input, init) => ((calls += 1), fetch(input, init));
    const init = { method: 'POST', headers, body: 'x' };
    const redact = (value: string): string => value.split('secret-token').join('[REDACTED]');
    // exchange itself classifies fetch's refusal as a network failure; unsentOr, which the operation functions and
    // the OAuth endpoints apply to what exchange throws, recognises it.
    const raw = await exchange(counting, `${base}/echo`, init, 'POST /echo', 1_000, undefined, redact, text).catch(
      (e) => e,
    );
    expect(raw).toBeInstanceOf(NetworkError);
    expect(raw.mayHaveReachedServer).toBe(true);
    const error = unsentOr(raw, `${base}/echo`, init, 'POST /echo', redact) as NetworkError;
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.mayHaveReachedServer).toBe(false);
    expect(error.message).toMatch(/^POST \/echo was not sent: .*invalid header value/);
    expect(error.message).not.toMatch(/private-value|hi|Injected/);
    expect(error.cause).toBeUndefined();
  });

  it('names forbidden methods; requests fetch can build (stream bodies never read) are not unsent', () => {
    expect(unsent(base, { method: 'TRACE' }, 'TRACE /')?.message).toMatch(/^TRACE \/ was not sent: .*TRACE/);
    const stream = new ReadableStream({
      pull: () => {
        throw new Error('read');
      },
    });
    expect(unsent(base, { method: 'PUT', body: stream }, 'PUT /')).toBeUndefined();
    expect(stream.locked).toBe(false);
    expect(unsent(base, { method: 'POST', headers: { a: 'b' }, body: 'x' }, 'POST /')).toBeUndefined();
  });

  it('unsentOr passes through what fetch could build, refusals and errors that are not network failures', () => {
    const init = { method: 'POST', headers: { a: 'b' }, body: 'x' };
    const reset = networkError('POST /', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    expect(unsentOr(reset, base, init, 'POST /')).toBe(reset);
    const refused = networkError('POST /', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    expect(unsentOr(refused, base, { method: 'TRACE' }, 'TRACE /')).toBe(refused);
    const timeout = new TimeoutError('POST / timed out after 1 ms', { timeoutMs: 1 });
    expect(unsentOr(timeout, base, { method: 'TRACE' }, 'TRACE /')).toBe(timeout);
    expect(timeout.timeoutMs).toBe(1);
  });
});

describe('networkError: classification and a safe cause', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  it.each([
    ['a refused connection', refused, false],
    [
      'a refusal deep in the cause chain',
      new TypeError('fetch failed', { cause: new Error('x', { cause: refused }) }),
      false,
    ],
    [
      'an AggregateError of refusals (several addresses)',
      new TypeError('fetch failed', { cause: new AggregateError([refused, refused]) }),
      false,
    ],
    ['an AggregateError with one other failure', new AggregateError([refused, new Error('ETIMEDOUT')]), true],
    ['an empty AggregateError', new AggregateError([]), true],
    ['a reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['a thrown string', 'boom', true],
    ['null', null, true],
  ])('%s', (_name, error, mayHaveReachedServer) => {
    expect(networkError('X', error).mayHaveReachedServer).toBe(mayHaveReachedServer);
  });

  it('keeps only the innermost cause: name, redacted message and code', () => {
    const inner = Object.assign(new Error('token=abcdef1234 leaked'), { code: 'EPROTO', request: { secret: 'x' } });
    const error = networkError('X', new TypeError('fetch failed', { cause: inner }), (text) =>
      redactValues(text, ['abcdef1234']),
    );
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).toMatchObject({ name: 'Error', message: 'token=[REDACTED] leaked', code: 'EPROTO' });
    expect(Object.keys(error.cause as object)).toEqual(['name', 'code']);
  });

  it('stops after five links of a cause chain', () => {
    let chain: Error = refused;
    for (let i = 0; i < 8; i += 1) chain = new Error(`link ${i}`, { cause: chain });
    expect(networkError('X', chain).mayHaveReachedServer).toBe(true);
  });
});

describe('redaction and excerpts', () => {
  it('redacts a value in every encoding a server may echo, longest first', () => {
    const secret = 'p@ss wörd"1';
    const echoed = [secret, formEncode(secret), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)].join(
      ' | ',
    );
    expect(redactValues(echoed, [secret, undefined])).toBe('[REDACTED] | [REDACTED] | [REDACTED] | [REDACTED]');
  });

  it('leaves values shorter than 4 characters alone (they would shred the text)', () => {
    expect(redactValues('a abc abcd', ['abc', 'abcd'])).toBe('a abc [REDACTED]');
  });

  it('redacts secret members as JSON (also truncated) and as form fields', () => {
    const names = new Set(['client_secret', 'access_token']);
    expect(redactMembers('{"access_token": "a\\"b", "x": 1}', names)).toBe('{"access_token": "[REDACTED]", "x": 1}');
    expect(redactMembers('{"client_secret":"trunc', names)).toBe('{"client_secret":"[REDACTED]');
    expect(redactMembers('grant_type=x&client_secret=s3&y=1', names)).toBe('grant_type=x&client_secret=[REDACTED]&y=1');
  });

  it('excerpts fold whitespace, cut at 200 characters and are undefined when empty', () => {
    expect(excerpt('  a\n\n b  ', String)).toBe('a b');
    expect(excerpt(' \n ', String)).toBeUndefined();
    const long = excerpt('x'.repeat(300), String)!;
    expect(long).toHaveLength(201);
    expect(long.endsWith('…')).toBe(true);
    expect(excerpt('secret-value here', (text) => redactValues(text, ['secret-value']))).toBe('[REDACTED] here');
  });

  it('formEncode encodes as application/x-www-form-urlencoded', () => {
    expect(formEncode('a b+c&d=é')).toBe('a+b%2Bc%26d%3D%C3%A9');
  });
});
