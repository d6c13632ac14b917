/**
 * A token endpoint on another origin that sends no CORS headers, called from a browser page: the browser sends
 * the request (a form POST is a CORS "simple" request, so no preflight stops it) but refuses the response to the
 * page, and fetch rejects with a bare TypeError. The client must report a NetworkError that may have reached the
 * server. Run by test/runtimes/client.test.ts in Chromium only (other runtimes have no CORS).
 */
import { NetworkError, OAuthError, TokenClientError, createTokenClient } from '../../generated/index.js';
import type { Scenario } from './harness.js';
import { settle, type Settled } from './settle.js';

const run: Scenario<{ serverUrl: string; clientId: string; clientSecret: string }, Settled> = (input, { runtime }) =>
  settle(
    () =>
      createTokenClient({
        baseUrl: `${input.serverUrl}/${runtime}`,
        clientId: input.clientId,
        clientSecret: input.clientSecret,
        retry: false,
      }).clientCredentials(),
    { classes: { TokenClientError, NetworkError, OAuthError }, secrets: [input.clientSecret] },
  );

export default run;
