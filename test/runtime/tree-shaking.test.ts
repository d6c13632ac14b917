import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleApp, gzipSize } from '../../scripts/bench/bundle-app.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The generated runtime stays tree-shakeable: an application bundling one part of generated/index.ts (minified, as
 * `npm run bench` row 5 does) gets none of the others. Top-level code must be free of side effects for this: a
 * `Symbol.for()` call or an object built from one at the top level of client.ts would pull the token client into
 * every bundle.
 */
const bundle = (contents: string, resolveDir = join(ROOT, 'generated')): Promise<string> =>
  bundleApp(contents, resolveDir);

/** Strings only the token client's request code (client.ts, grants.ts) contains. */
const TOKEN_CLIENT = [
  'application/x-www-form-urlencoded',
  'nodejs.util.inspect.custom',
  'client_credentials',
  'access_token',
];

describe('an app importing one part bundles none of the others', () => {
  it.each([
    ['createPkce', "import { createPkce } from './index.js';\nconsole.log(await createPkce());\n", 'S256'],
    [
      'isOAuthError',
      "import { isOAuthError } from './index.js';\nconsole.log(isOAuthError(new Error('x')));\n",
      'extends Error',
    ],
    ['formEncode', "import { formEncode } from './index.js';\nconsole.log(formEncode('a b'));\n", 'URLSearchParams'],
  ])('%s alone leaves the token client out', async (_name, app, present) => {
    const code = await bundle(app);
    expect(code).toContain(present);
    for (const absent of TOKEN_CLIENT) expect(code, absent).not.toContain(absent);
  });

  it('createTokenClient alone leaves PKCE and the token source out', async () => {
    const code = await bundle(
      "import { createTokenClient } from './index.js';\nconsole.log(await createTokenClient({ clientId: 'app', clientSecret: 'secret' }).clientCredentials());\n",
    );
    for (const present of TOKEN_CLIENT) expect(code, present).toContain(present);
    for (const absent of ['crypto.subtle', 'SHA-256', 'ReauthenticationRequiredError', 'invalid_token'])
      expect(code, absent).not.toContain(absent);
  });

  it('a token source that signs out without revokeTokens bundles no revocation code (the revoker is a parameter)', async () => {
    const app = (revoke: string) =>
      bundle(
        `import { createTokenSourceCore } from './token-source.js';\n${revoke}\n` +
          `const source = createTokenSourceCore(async () => ({ access_token: 'a', token_type: 'Bearer' }), { grant: 'client_credentials' });\n` +
          `await source.signOut(revoke);\n`,
        join(ROOT, 'templates/runtime'),
      );
    const without = await app('const revoke = undefined;');
    expect(without).toContain('nodejs.util.inspect.custom');
    for (const absent of ['token_type_hint', 'The revocation endpoint']) expect(without, absent).not.toContain(absent);
    const withRevocation = await app(
      "import { revokeTokens } from './revocation.js';\nimport { publicClient } from './client-auth.js';\n" +
        "const revoke = (tokens) => revokeTokens(tokens, { endpoint: 'https://as.example/revoke', clientAuthentication: publicClient('app') });",
    );
    for (const present of ['token_type_hint', 'The revocation endpoint'])
      expect(withRevocation, present).toContain(present);
  });
});

/**
 * Bench row 5's app (scripts/bench/run.mjs `tokenClientOnly`): what an application that uses only `createTokenClient`
 * ships, minified by esbuild and gzipped at level 9. A size, not a timing: it is the same on every machine.
 * Issue 11's budget is 3072 B (3 KiB). Not met: the bundle was 3604 B before the cuts recorded in
 * docs/performance.md ("Bundle size of the token client"), and this ceiling is what they reached, so that nothing
 * grows it again. Lower it with every saving. (3447 → 3350 B: one Object.assign in the base error class instead of a
 * constructor per class; fetch's refusal to build a request checked by the callers whose headers come from calls,
 * while the token client checks its `headers` option once.)
 */
const ISSUE_BUDGET = 3072;
const CEILING = 3350;

describe('bench row 5: the createTokenClient-only app', () => {
  it(`is at most ${CEILING} B min+gz (issue 11's budget: ${ISSUE_BUDGET} B)`, async () => {
    const code = await bundle(
      "import { createTokenClient } from './index.js';\n\nconst client = createTokenClient({ clientId: 'app', clientSecret: 'secret' });\nconsole.log(await client.clientCredentials({ scope: 'bensoft_api' }));\n",
    );
    const size = gzipSize(code);
    expect(size, `${size} B min+gz`).toBeLessThanOrEqual(CEILING);
    // The check of requests fetch refuses to build (http.ts `unsent`) is not the token client's: it checks its headers.
    expect(code).not.toContain('was not sent');
  });
});
