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
let tarball: string;
let installOutput: string;

beforeAll(async () => {
  work = await tempDir('wcg-e2e-');
  consumer = join(work, 'consumer');
  await mkdir(join(consumer, 'openapi'), { recursive: true });
  // --ignore-scripts: dist/ is already built (the global setup, test/support/global-setup.ts); rebuilding it here would race other suites reading it.
  const { stdout } = await npm(['pack', '--silent', '--ignore-scripts', '--pack-destination', work], ROOT);
  tarball = join(work, stdout.trim().split('\n').at(-1)!);
  await writeFile(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module', scripts: { build: 'tsc -p tsconfig.json' } }, null, 2)}\n`,
  );
  await cp(SPEC, join(consumer, 'openapi/wealthcare.yaml'));
  const installed = await npm(['install', '--prefer-offline', '--save-dev', tarball], consumer);
  installOutput = `${installed.stdout}\n${installed.stderr}`;
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

describe('the packed tarball', () => {
  it('ships a LICENSE and no build cache, and installs without a warning about this package', async () => {
    const { stdout } = await exec('tar', ['-tzf', tarball]);
    const entries = stdout.split('\n');
    expect(entries).toContain('package/LICENSE');
    expect(await readFile(join(consumer, 'node_modules/wealthcare-codegen/LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(entries).toContain('package/config.schema.json');
    expect(entries).toContain('package/dist/index.d.ts');
    expect(entries.filter((entry) => entry.includes('tsbuildinfo'))).toEqual([]);
    // npm 11 warns about install scripts (a `prepare` script included) of packages not approved by allowScripts.
    const ours = installOutput.split('\n').filter((line) => /warn/i.test(line) && line.includes('wealthcare-codegen'));
    expect(ours).toEqual([]);
    const manifest = JSON.parse(await readFile(join(consumer, 'node_modules/wealthcare-codegen/package.json'), 'utf8'));
    expect(Object.keys(manifest.scripts)).not.toEqual(expect.arrayContaining(['prepare']));
  });
});

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

  it('a two-document TypeScript config: the API document uses the WealthCare token source; the API by name', async () => {
    await mkdir(join(consumer, 'openapi'), { recursive: true });
    await cp(join(ROOT, 'test/fixtures/jobs/bensoft-api.yaml'), join(consumer, 'openapi/bensoft.yaml'));
    await cp(join(ROOT, 'test/fixtures/jobs/bensoft-schemas.yaml'), join(consumer, 'openapi/bensoft-schemas.yaml'));
    // Takes precedence over the JSON config init wrote (the .ts form is looked up first).
    await writeFile(
      join(consumer, 'wealthcare-codegen.config.ts'),
      `import { defineConfig } from 'wealthcare-codegen';

export default defineConfig({
  jobs: [
    { name: 'wealthcare', input: 'openapi/wealthcare.yaml', output: 'src/wealthcare' },
    { name: 'bensoft', input: 'openapi/bensoft.yaml', output: 'src/bensoft', tokenClientFrom: 'wealthcare' },
  ],
});
`,
    );
    const generated = await npm(['run', 'generate'], consumer);
    expect(generated.stdout).toMatch(/src\/bensoft: created /);
    expect(await readdir(join(consumer, 'src/bensoft'))).not.toContain('errors.ts');
    await writeFile(
      join(consumer, 'src/members.ts'),
      `import { createTokenClient, createTokenSource, TokenClientError } from './wealthcare/index.js';
import { createApiConfig, getMember, isApiError, type GetMemberResponse } from './bensoft/index.js';
import type { CheckResult } from 'wealthcare-codegen';

const source = createTokenSource(createTokenClient({ clientId: 'id', clientSecret: 'secret' }), {
  grant: 'client_credentials',
  scope: ['bensoft_api'],
});
const api = createApiConfig({ accessToken: source });
export async function member(id: string): Promise<GetMemberResponse | undefined> {
  try {
    return await getMember(api, { path: { memberId: id } });
  } catch (e) {
    if (isApiError(e, 404)) return undefined;
    // One error hierarchy for both outputs.
    if (e instanceof TokenClientError) throw new Error(e.message);
    throw e;
  }
}
export const stale = (result: CheckResult): boolean => result.stale;
`,
    );
    const tsc = join(consumer, 'node_modules/typescript/bin/tsc');
    for (const name of ['tsconfig.json', 'tsconfig.bundler.json'])
      await exec(process.execPath, [tsc, '-p', name], { cwd: consumer }); // both strict configs of the first test

    const checked = await npm(['run', 'check:api'], consumer);
    expect(checked.stdout).toContain('src/wealthcare: up to date with openapi/wealthcare.yaml');
    expect(checked.stdout).toContain('src/bensoft: up to date with openapi/bensoft.yaml');

    // The programmatic API, imported by name from the installed package.
    await writeFile(
      join(consumer, 'api.mjs'),
      "import { check } from 'wealthcare-codegen';\nconst r = await check();\nconsole.log(JSON.stringify(r.jobs.map((j) => [j.name, j.stale, j.fastPath])));\n",
    );
    const api = await exec(process.execPath, ['api.mjs'], { cwd: consumer });
    expect(JSON.parse(api.stdout)).toEqual([
      ['wealthcare', false, true],
      ['bensoft', false, true],
    ]);
  }, 240_000);
});
