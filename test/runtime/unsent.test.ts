import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError, createTokenClient } from '../../generated/index.js';
import { startRecordingServer } from '../support/recording-server.js';

/**
 * Issue 18: a token request that fetch refuses to build (here a header value with a line break, from the
 * client's `headers` option) reached no server. The error says so — `mayHaveReachedServer: false`, a message
 * naming the cause without the value — and is not retried, since every retry would be refused the same way.
 */
let server: Awaited<ReturnType<typeof startRecordingServer>>;
beforeAll(async () => {
  server = await startRecordingServer(() => ({ status: 200, body: '{"access_token":"a","token_type":"Bearer"}' }));
});
afterAll(async () => server.close());

describe('a token request fetch refuses to build', () => {
  it('is a NetworkError with mayHaveReachedServer false, named cause, no retry, no header value in the message', async () => {
    let calls = 0;
    const client = createTokenClient({
      clientId: 'c',
      clientSecret: 's3cret-value',
      baseUrl: server.baseUrl,
      headers: { 'x-note': 'private-value\r\nInjected: yes' },
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    const error = (await client.clientCredentials().catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.mayHaveReachedServer).toBe(false);
    // Named like every message of the HTTP core the token client shares with the operations: method and path.
    expect(error.message).toMatch(/^POST \/connect\/token was not sent: .*invalid header value/);
    expect(error.message).not.toContain('private-value');
    expect(calls).toBe(1);
    expect(server.requests).toHaveLength(0);
  });
});
