import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, generateToTemp, removeDir, tempDir } from '../support/generate-to-temp.js';
import { compileWithConsumer as compile } from '../support/compile-output.js';

/**
 * The token source's document-specific part (grants.ts: `TokenSourceGrant`, `createTokenSource` and its renewal
 * step) for documents whose grants differ: only refresh_token, and none a source can repeat (authorization_code
 * only). Each output compiles strictly with a consumer, and the runtime module token-source.ts is copied verbatim.
 */
const VARIANT = join(ROOT, 'test/fixtures/variants/no-refresh-token.yaml');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

/** no-refresh-token.yaml with `grant_type` limited to `grants` (rule 1 of grant detection) and a refresh_token field. */
async function variant(grants: string[]): Promise<string> {
  const dir = await tempDir('wcg-tsource-');
  dirs.push(dir);
  const text = (await readFile(VARIANT, 'utf8'))
    .replace(
      /        grant_type:\n          type: string\n/,
      `        grant_type:\n          type: string\n          enum: [${grants.join(', ')}]\n`,
    )
    .replace(
      /        scope:\n          type: string\n/,
      `        refresh_token:\n          type: string\n          description: The refresh token.\n$&`,
    );
  expect(text).toContain('        refresh_token:\n');
  expect(text).toContain('enum: [');
  const input = join(dir, 'spec.yaml');
  await writeFile(input, text);
  const out = await generateToTemp(input);
  dirs.push(out.dir);
  return out.dir;
}

describe('the token source for other sets of grants', () => {
  it('refresh_token only: the source takes grant refresh_token and nothing else', async () => {
    const dir = await variant(['authorization_code', 'refresh_token']);
    const grants = await readFile(join(dir, 'grants.ts'), 'utf8');
    expect(grants).toMatch(/case 'refresh_token':/);
    expect(grants).not.toMatch(/case 'client_credentials':/);
    const copy = await readFile(join(dir, 'token-source.ts'), 'utf8');
    const source = await readFile(join(ROOT, 'templates/runtime/token-source.ts'), 'utf8');
    expect(copy.endsWith(source)).toBe(true);
    expect(
      compile(
        dir,
        `import { createTokenClient, createTokenSource, type TokenSourceOptions } from './index.js';
const client = createTokenClient({ clientId: 'app', clientSecret: 'secret' });
const source = createTokenSource(client, { grant: 'refresh_token', refreshToken: 'r', skewSeconds: 10 });
export const token: Promise<string> = source.getAccessToken();
// @ts-expect-error the document has no client_credentials grant
export const wrong: TokenSourceOptions = { grant: 'client_credentials' };
`,
      ),
    ).toEqual([]);
  });

  it('no grant a source can repeat: TokenSourceGrant is never, and the output still compiles strictly', async () => {
    const dir = await variant(['authorization_code']);
    const grants = await readFile(join(dir, 'grants.ts'), 'utf8');
    expect(grants).toMatch(/export type TokenSourceGrant = never;/);
    expect(grants).not.toMatch(/switch \(options\.grant\)/);
    expect(
      compile(
        dir,
        `import { tokensFromResponse, type StoredTokens, type TokenSourceGrant } from './index.js';
export const none: [TokenSourceGrant] extends [never] ? true : false = true;
export const stored: StoredTokens = tokensFromResponse({ access_token: 'a', token_type: 'Bearer' }, 0);
`,
      ),
    ).toEqual([]);
  });
});
