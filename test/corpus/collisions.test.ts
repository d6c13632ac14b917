import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, generateDocument, strictDiagnostics } from '../fixtures/operations/support.js';
import { removeDir } from '../support/generate-to-temp.js';

/**
 * Names that camelCase alike resolve deterministically: operations get numbered names (an exact operationId keeps
 * its spelling), while schemas, parameters and enum values are never turned into identifiers at all: they stay
 * string keys and string literal types, so `Etc/GMT+1` and `Etc/GMT-1` cannot collide.
 */
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

describe('collisions', () => {
  it('resolve the same way on every run, and the output compiles', async () => {
    const first = await generateDocument(join(FIXTURES, 'collisions.yaml'));
    const second = await generateDocument(join(FIXTURES, 'collisions.yaml'));
    dirs.push(first.dir, second.dir);
    for (const name of ['schema.ts', 'operations.ts', 'index.ts', 'errors.ts'])
      expect(second.files.get(name)).toBe(first.files.get(name));
    expect(
      first.result.ir.operations.map((operation) => `${operation.operationId} → ${operation.functionName}`),
    ).toEqual([
      'get-user-profile → getUserProfile2',
      'get_user_profile → getUserProfile3',
      'GetUserProfile → getUserProfile4',
      'getUserProfile → getUserProfile',
    ]);
    const consumer = `
import { createApiConfig, getUserProfile2, getUserProfile3, type components } from './index.js';
const api = createApiConfig({ baseUrl: 'https://example.test' });
export async function use(): Promise<void> {
  const a: components['schemas']['user_profile'] = await getUserProfile2(api, { query: { tz: 'Etc/GMT+1', user_id: 'x', userId: 'y' } });
  const c: components['schemas']['user-profile'] = await getUserProfile3(api, { body: { b: 1 } });
  const zones: Array<components['schemas']['TimeZone']> = ['Etc/GMT+1', 'Etc/GMT-1', 'Etc/GMT_1', 'etc/gmt+1'];
  void [a.a, c.c, zones];
}
`;
    expect(strictDiagnostics(first.dir, consumer)).toEqual([]);
    const misuse = `import type { components } from './index.js';\nconst zone: components['schemas']['TimeZone'] = 'Etc/GMT+2';\nvoid zone;\n`;
    expect(strictDiagnostics(first.dir, misuse).join('\n')).toMatch(/Etc\/GMT\+2/);
  }, 300_000);
});
