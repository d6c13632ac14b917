// Prism's mock in a child process (started by prism.ts): `node --unhandled-rejections=warn prism-child.mjs <document>`.
// Prism 5.16 crashes on some parameter styles with a rejection nobody handles, and the request then never gets an
// answer; in the test process that rejection would fail the whole run, here it only costs that one request.
// Prints `LISTENING <base URL>` once it listens on 127.0.0.1 (port chosen by the OS); ends when stdin closes.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { getHttpOperationsFromSpec } = require('@stoplight/prism-http');
const { createServer } = require('@stoplight/prism-http-server');
const { createLogger } = require('@stoplight/prism-core');

process.on('unhandledRejection', (error) => {
  process.stderr.write(`PRISM-CRASH ${error instanceof Error ? error.message : String(error)}\n`);
});
const operations = await getHttpOperationsFromSpec(process.argv[2]);
const server = createServer(operations, {
  cors: false,
  components: { logger: createLogger('conformance', { level: 'silent' }) },
  // As `prism mock` runs: requests and security validated, static examples (no random data), not a proxy. Its own
  // answers are not validated: they come from the document's examples, which are the document's business.
  config: {
    isProxy: false,
    validateRequest: true,
    validateResponse: false,
    checkSecurity: true,
    errors: false,
    upstreamProxy: undefined,
    mock: { dynamic: false },
  },
});
const baseUrl = await server.listen(0, '127.0.0.1');
process.stdout.write(`LISTENING ${baseUrl} ${operations.length}\n`);
process.stdin.resume();
process.stdin.on('end', () => server.close().then(() => process.exit(0)));
