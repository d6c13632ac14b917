import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SPEC, removeDir, tempDir } from '../support/generate-to-temp.js';
import { strictConsumerTsconfig } from '../support/strict-options.js';

/**
 * The consumer workflow end to end, as a user meets it: pack the tool, install the tarball into a fresh project,
 * `init`, `npm run generate`, compile the consumer's code against the client (strict, NodeNext and Bundler), edit
 * the spec, see `npm run check:api` fail with the classification and a diff, regenerate, see it pass.
 * Installs from the npm registry (or the local npm cache): the only network this suite uses.
 */
const exec = promisify(execFile);
const npm = (args: string[], cwd: string) =>
  exec('npm', args, {
    cwd,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
    maxBuffer: 64 * 1024 * 1024,
  });
let work: string;
let consumer: string;

beforeAll(async () => {
  work = await tempDir('wcg-e2e-');
  consumer = join(work, 'consumer');
  await mkdir(join(consumer, 'openapi'), { recursive: true });
  // --ignore-scripts: dist/ is already built (npm ci ran prepare); rebuilding it here would race other suites reading it.
  const { stdout } = await npm(['pack', '--silent', '--ignore-scripts', '--pack-destination', work], ROOT);
  const tarball = join(work, stdout.trim().split('\n').at(-1)!);
  await writeFile(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module', scripts: { build: 'tsc -p tsconfig.json' } }, null, 2)}\n`,
  );
  await cp(SPEC, join(consumer, 'openapi/wealthcare.yaml'));
  await npm(['install', '--prefer-offline', '--save-dev', tarball], consumer);
}, 300_000);
afterAll(async () => removeDir(work));

const tsconfig = (module: string, moduleResolution: string) => ({
  compilerOptions: strictConsumerTsconfig(module, moduleResolution),
  include: ['src'],
});
const APP = `import { createTokenClient, createTokenSource, isOAuthError } from './wealthcare/index.js';
const client = createTokenClient({ clientId: 'id', clientSecret: 'secret' });
const source = createTokenSource(client, { grant: 'client_credentials', scope: ['bensoft_api', 'mbi_api'] });
export async function token(): Promise<string> {
  try {
    return await source.getAccessToken();
  } catch (e) {
    if (isOAuthError(e, 'invalid_client')) throw new Error('bad credentials');
    throw e;
  }
}
`;

describe('a consumer repo', () => {
  it('init, generate, compile, detect drift with a classification, regenerate', async () => {
    const init = await exec(
      join(consumer, 'node_modules/.bin/wealthcare-codegen'),
      ['init', '--input', 'openapi/wealthcare.yaml', '--output', 'src/wealthcare'],
      { cwd: consumer },
    );
    expect(init.stdout).toContain('added script "check:api": wealthcare-codegen generate --check');
    const scripts = JSON.parse(await readFile(join(consumer, 'package.json'), 'utf8')).scripts;
    expect(scripts).toMatchObject({
      build: 'tsc -p tsconfig.json',
      generate: 'wealthcare-codegen generate',
      prebuild: 'wealthcare-codegen generate',
      'check:api': 'wealthcare-codegen generate --check',
    });

    await npm(['run', 'generate'], consumer);
    expect(await readdir(join(consumer, 'src/wealthcare'))).toEqual(
      expect.arrayContaining(['index.ts', 'grants.ts', 'models.ts', '.wealthcare-codegen.json']),
    );

    await writeFile(join(consumer, 'src/app.ts'), APP);
    const tsc = join(consumer, 'node_modules/typescript/bin/tsc');
    for (const [name, config] of [
      ['tsconfig.json', tsconfig('NodeNext', 'NodeNext')],
      ['tsconfig.bundler.json', tsconfig('ESNext', 'Bundler')],
    ] as const) {
      await writeFile(join(consumer, name), JSON.stringify(config, null, 2));
      await exec(process.execPath, [tsc, '-p', name], { cwd: consumer }); // throws with the diagnostics on failure
    }
    expect((await npm(['run', 'check:api'], consumer)).stdout).toContain('up to date');

    const spec = join(consumer, 'openapi/wealthcare.yaml');
    await writeFile(
      spec,
      (await readFile(spec, 'utf8')).replace(
        '      required:\n        - grant_type\n',
        '      required:\n        - grant_type\n        - client_id\n',
      ),
    );
    const drift = await npm(['run', 'check:api'], consumer).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(drift?.code).toBe(1);
    expect(drift?.stdout).toMatch(/BREAKING {2}Request field `client_id` of POST \/connect\/token is now required\./);
    expect(drift?.stdout).toContain('Index: src/wealthcare/');

    await npm(['run', 'generate'], consumer);
    expect((await npm(['run', 'check:api'], consumer)).stdout).toContain('up to date');
  }, 240_000);
});
