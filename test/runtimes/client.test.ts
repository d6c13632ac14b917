import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ROOT, generateToTemp, removeDir } from '../support/generate-to-temp.js';
import type { ClientScenarioInput } from './client.scenario.js';
import { RUNTIMES, requireAvailable, runInRuntimes, type RuntimeName, type RuntimeResult } from './harness.js';
import { CLIENTS, startScenarioServer, type ScenarioServer } from './scenario-server.js';
import type { Settled } from './settle.js';

/**
 * The README's claim "the output runs on Node, Deno, Bun and in browsers", tested: the generated WealthCare client
 * and one operation of a corpus document's output run unchanged in each runtime (test/runtimes/harness.ts) against
 * a real server on 127.0.0.1. Each runtime runs every scenario in one process; the assertions check both what the
 * runtime saw and what the server received.
 */

const SCENARIOS = join(ROOT, 'test/runtimes');
const CLERK = join(ROOT, '../shared/corpus/clerk.yaml');
const formEncode = (value: string): string => new URLSearchParams([['', value]]).toString().slice(1);

let server: ScenarioServer;
let clerkDir: string | undefined;
let results: Record<RuntimeName, RuntimeResult<Record<string, Settled>>>;

beforeAll(async () => {
  server = await startScenarioServer({ cors: true });
  const clerk = await generateToTemp(CLERK);
  clerkDir = clerk.dir;
  const input: ClientScenarioInput = { serverUrl: server.baseUrl, clients: CLIENTS };
  results = await runInRuntimes<Record<string, Settled>>(join(SCENARIOS, 'client.scenario.ts'), {
    input,
    modules: { clerk: join(clerk.dir, 'index.ts') },
  });
  // The versions tested, in the log of every run (docs/runtimes.md records them).
  console.info(
    `runtimes: ${RUNTIMES.map((name) => {
      const result = results[name];
      return result.status === 'unavailable' ? `${name} unavailable` : result.version;
    }).join(', ')}`,
  );
}, 600_000);

afterAll(async () => {
  await server?.close();
  if (clerkDir) await removeDir(clerkDir);
});

/** What the scenario returned in a runtime; skips (outside CI) or fails (in CI) when the runtime is not installed. */
function valueOf<Output>(result: RuntimeResult<Output>, context: TestContext): Output {
  const ran = requireAvailable(result, context);
  if (ran.status === 'failed')
    throw new Error(
      `${ran.runtime} (${ran.version}): ${ran.error.name}: ${ran.error.message}\n${ran.error.stack ?? ''}\n${ran.log}`,
    );
  return ran.value;
}

const outcomes = (runtime: RuntimeName, context: TestContext): Record<string, Settled> =>
  valueOf(results[runtime], context);

function succeeded(settled: Settled | undefined): unknown {
  if (!settled?.ok) throw new Error(`expected success, got ${JSON.stringify(settled)}`);
  return settled.value;
}

function failed(settled: Settled | undefined): Extract<Settled, { ok: false }> {
  if (settled?.ok !== false) throw new Error(`expected an error, got ${JSON.stringify(settled)}`);
  return settled;
}

describe.each(RUNTIMES)('%s', (runtime) => {
  it('runs the scenarios in that runtime', (context) => {
    outcomes(runtime, context);
    const result = results[runtime];
    expect(result.status === 'passed' && result.detected).toBe(runtime);
    expect(result.status === 'passed' && result.version).toMatch(/\d+\.\d+/);
  });

  it('client_credentials with client_secret_post', (context) => {
    const tokens = succeeded(outcomes(runtime, context)['client_secret_post']);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'bensoft_api' });
    const sent = server
      .requestsOf(runtime, '/connect/token')
      .filter((r) => r.form['client_id'] === CLIENTS.post.id && r.form['grant_type'] === 'client_credentials');
    // The wrong-secret scenario also posts as this client: the right secret was sent once, in the body only.
    const good = sent.filter((r) => r.form['client_secret'] === CLIENTS.post.secret);
    expect(good).toHaveLength(1);
    expect(good[0]!.headers.authorization).toBeUndefined();
    expect((tokens as { access_token: string }).access_token).toMatch(new RegExp(`^cc-${runtime}-`));
  });

  it('client_credentials with client_secret_basic (form-encoded id and secret)', (context) => {
    const tokens = succeeded(outcomes(runtime, context)['client_secret_basic']);
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'bensoft_api mbi_api' });
    const expected = `Basic ${Buffer.from(`${formEncode(CLIENTS.basic.id)}:${formEncode(CLIENTS.basic.secret)}`).toString('base64')}`;
    const sent = server.requestsOf(runtime, '/connect/token').filter((r) => r.headers.authorization === expected);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.form).toEqual({ grant_type: 'client_credentials', scope: 'bensoft_api mbi_api' });
  });

  it('authorization_code with PKCE (S256 from WebCrypto, verified by the server)', (context) => {
    const value = succeeded(outcomes(runtime, context)['authorization_code_pkce']);
    expect(value).toMatchObject({ tokenType: 'Bearer', verifierLength: 64 });
    expect((value as { accessToken: string }).accessToken).toMatch(new RegExp(`^ac-${runtime}-`));
    const exchanges = server
      .requestsOf(runtime, '/connect/token')
      .filter((r) => r.form['grant_type'] === 'authorization_code');
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]!.form['code_verifier']).toMatch(/^[A-Za-z0-9._~-]{64}$/);
  });

  it('an OAuth error (invalid_client) is an OAuthError with its code, status and WWW-Authenticate', (context) => {
    const error = failed(outcomes(runtime, context)['oauth_error']);
    expect(error.name).toBe('OAuthError');
    expect(error.classes).toEqual(['TokenClientError', 'OAuthError']);
    expect(error.fields).toMatchObject({
      error: 'invalid_client',
      errorDescription: 'client authentication failed',
      status: 401,
      // Readable in the browser only because the server exposes the header (Access-Control-Expose-Headers).
      wwwAuthenticate: 'Basic realm="runtime scenarios"',
    });
    expect(error.leaksSecret).toBe(false);
  });

  it('a server that never answers is a TimeoutError', (context) => {
    const error = failed(outcomes(runtime, context)['timeout']);
    expect(error.name).toBe('TimeoutError');
    expect(error.classes).toEqual(['TokenClientError', 'TimeoutError']);
    expect(error.fields).toMatchObject({ timeoutMs: 500 });
    // At most one attempt (retry: false). Under load the 500 ms may run out before the server has read the request.
    expect(server.requestsOf(runtime, '/slow/connect/token').length).toBeLessThanOrEqual(1);
    expect(error.leaksSecret).toBe(false);
  });

  it('a token source makes one request for concurrent callers (single flight)', (context) => {
    const value = succeeded(outcomes(runtime, context)['token_source']) as { tokens: string[]; again: string };
    expect(value.tokens).toHaveLength(5);
    expect(new Set([...value.tokens, value.again]).size).toBe(1);
    expect(server.requestsOf(runtime, '/single/connect/token')).toHaveLength(1);
  });

  it('an operation of the Clerk output sends the token source’s bearer token', (context) => {
    const user = succeeded(outcomes(runtime, context)['operation_bearer']);
    expect(user).toEqual({ object: 'user', id: 'user_2x/y', first_name: 'Ada' });
    const calls = server.requestsOf(runtime, '/api/users/user_2x%2Fy');
    expect(calls).toHaveLength(1);
    const token = (succeeded(outcomes(runtime, context)['token_source']) as { again: string }).again;
    expect(calls[0]!.headers.authorization).toBe(`Bearer ${token}`);
  });
});

describe('chromium: a cross-origin token endpoint without CORS headers', () => {
  let plain: ScenarioServer;
  let result: RuntimeResult<Settled>;
  beforeAll(async () => {
    plain = await startScenarioServer({ cors: false });
    result = (
      await runInRuntimes<Settled>(join(SCENARIOS, 'cors.scenario.ts'), {
        runtimes: ['chromium'],
        input: { serverUrl: plain.baseUrl, clientId: CLIENTS.post.id, clientSecret: CLIENTS.post.secret },
      })
    ).chromium;
  }, 300_000);
  afterAll(() => plain?.close());

  it('is a NetworkError that may have reached the server (it did: the browser only hid the answer)', (context) => {
    const error = failed(valueOf(result, context));
    expect(error.name).toBe('NetworkError');
    expect(error.classes).toEqual(['TokenClientError', 'NetworkError']);
    expect(error.fields).toMatchObject({ mayHaveReachedServer: true });
    expect(error.leaksSecret).toBe(false);
    // The message does not name CORS yet: the browser's TypeError ("Failed to fetch") does not say why.
    expect(plain.requestsOf('chromium', '/connect/token')).toHaveLength(1);
  });
});
