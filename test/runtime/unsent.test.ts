import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, createTokenClient } from '../../generated/index.js';
import { startRecordingServer } from '../support/recording-server.js';

/**
 * Issue 18: a token request that fetch would refuse to build (here a header value with a line break, from the
 * client's `headers` option) must say that nothing was sent. The token client's own headers are always valid, so the
 * only such request comes from its `headers` option: createTokenClient checks it once (as fetch would, with the
 * Headers constructor) and refuses it as a ConfigurationError, before any request and without the value. The operation
 * functions and the other OAuth endpoints, whose headers come from each call, go through http.ts `unsentOr` instead
 * (test/runtime/http.test.ts, test/emit/operations-wire.test.ts).
 */
let server: Awaited<ReturnType<typeof startRecordingServer>>;
beforeAll(async () => {
  server = await startRecordingServer(() => ({ status: 200, body: '{"access_token":"a","token_type":"Bearer"}' }));
});
afterAll(async () => server.close());

describe('a token client whose headers fetch would refuse', () => {
  it('is refused by createTokenClient as a ConfigurationError, without the value, and sends nothing', () => {
    let calls = 0;
    const create = (): unknown =>
      createTokenClient({
        clientId: 'c',
        clientSecret: 's3cret-value',
        baseUrl: server.baseUrl,
        headers: { 'x-note': 'private-value\r\nInjected: yes' },
        fetch: (input, init) => {
          calls += 1;
          return fetch(input, init);
        },
      });
    let error: unknown;
    try {
      create();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe('createTokenClient: headers holds an invalid header name or value');
    expect(calls).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it('an invalid header name is refused the same way; valid headers are sent', async () => {
    expect(() => createTokenClient({ clientId: 'c', clientSecret: 's', headers: { 'bad name': 'v' } })).toThrow(
      ConfigurationError,
    );
    const client = createTokenClient({
      clientId: 'c',
      clientSecret: 's3cret-value',
      baseUrl: server.baseUrl,
      headers: { 'user-agent': 'app/1.0' },
    });
    await client.clientCredentials();
    expect(server.requests.at(-1)?.headers['user-agent']).toBe('app/1.0');
  });
});
