import { cp, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { check, generate } from '../../generator/api.js';
import {
  JOB_OPTIONS,
  TOP_OPTIONS,
  configJsonSchema,
  type CodegenConfig,
  type ImportStyle,
  type JobConfig,
  type PrettierMode,
} from '../../generator/config.js';
import { ROOT, SPEC, removeDir, tempDir } from '../support/generate-to-temp.js';
import { cliIn } from '../support/run-cli.js';

/**
 * Config files (.ts, .mjs, .json), their validation, and configs of several jobs, one linked to another's token
 * client: through the CLI in-process and through the API. The packed package is exercised in test/e2e.
 */
const API_DOC = join(ROOT, 'test/fixtures/jobs/bensoft-api.yaml');
let dir: string;
beforeEach(async () => {
  dir = await tempDir('wcg-config-');
  await cp(SPEC, join(dir, 'spec/wealthcare.yaml'));
  await cp(API_DOC, join(dir, 'spec/bensoft.yaml'));
  await cp(join(ROOT, 'test/fixtures/jobs/bensoft-schemas.yaml'), join(dir, 'spec/bensoft-schemas.yaml'));
});
afterEach(async () => removeDir(dir));

const run = cliIn(() => dir);

const TWO_JOBS = {
  jobs: [
    { name: 'wealthcare', input: 'spec/wealthcare.yaml', output: 'src/wealthcare' },
    { name: 'bensoft', input: 'spec/bensoft.yaml', output: 'src/bensoft', tokenClientFrom: 'wealthcare' },
  ],
} satisfies CodegenConfig;

/** Every file below `folder` (relative to dir), with content. */
async function files(folder: string): Promise<Record<string, string>> {
  const names = await readdir(join(dir, folder)).catch(() => [] as string[]);
  return Object.fromEntries(
    await Promise.all(names.sort().map(async (name) => [name, await readFile(join(dir, folder, name), 'utf8')])),
  );
}

describe('config files', () => {
  it('a TypeScript config typed with defineConfig, imported from the package by name', async () => {
    // The package as a consumer resolves it: node_modules/wealthcare-codegen, through its exports map.
    await mkdir(join(dir, 'node_modules'));
    await symlink(ROOT, join(dir, 'node_modules/wealthcare-codegen'), 'dir');
    await writeFile(
      join(dir, 'wealthcare-codegen.config.ts'),
      `import { defineConfig, type ImportStyle } from 'wealthcare-codegen';
const style: ImportStyle = 'ts';
export default defineConfig({ input: 'spec/wealthcare.yaml', output: 'out', importStyle: style });
`,
    );
    const first = await run('generate');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^out: created /);
    expect((await files('out'))['index.ts']).toContain("from './grants.ts'");
    // The second run answers from the fast path (the API says so).
    const again = await generate({ cwd: dir });
    expect(again.jobs[0]).toMatchObject({ fastPath: true, files: [] });
  });

  it('an .mjs config, and --config naming any of the forms', async () => {
    await writeFile(
      join(dir, 'codegen.config.mjs'),
      "export default { input: 'spec/wealthcare.yaml', output: 'mjs-out', prettier: 'never' };\n",
    );
    expect((await run('generate', '--config', 'codegen.config.mjs')).code).toBe(0);
    expect(Object.keys(await files('mjs-out'))).toContain('client.ts');
  });

  it.each([
    [
      'an unknown key inside a job',
      { jobs: [{ input: 'a.yaml', output: 'a', inptu: 'x' }] },
      /^wealthcare-codegen: wealthcare-codegen\.config\.json#\/jobs\/0\/inptu: unknown key "inptu"\. Known keys: name, input, output, prettier, importStyle, examples, tokenClientFrom\.\n$/,
    ],
    [
      'a wrong type',
      {
        jobs: [
          { input: 'a.yaml', output: 'a' },
          { input: 'b.yaml', output: 'b', importStyle: 'mjs' },
        ],
      },
      /^wealthcare-codegen: wealthcare-codegen\.config\.json#\/jobs\/1\/importStyle: must be one of js, ts, none \(got "mjs"\)\n$/,
    ],
    [
      'a job without output',
      { jobs: [{ input: 'a.yaml' }] },
      /^wealthcare-codegen: wealthcare-codegen\.config\.json#\/jobs\/0: output is required\n$/,
    ],
    [
      'jobs beside a top-level input',
      { input: 'a.yaml', jobs: [{ input: 'a.yaml', output: 'a' }] },
      /#\/input: not together with jobs\. Give each job its own input and output\.\n$/,
    ],
    [
      'two jobs writing one folder',
      {
        jobs: [
          { input: 'a.yaml', output: 'a' },
          { input: 'b.yaml', output: './a' },
        ],
      },
      /#\/jobs\/1\/output: another job writes to the same output folder\n$/,
    ],
    [
      'tokenClientFrom naming no job',
      { jobs: [{ input: 'a.yaml', output: 'a', tokenClientFrom: 'nope' }] },
      /#\/jobs\/0\/tokenClientFrom: names no other job \("nope"\)/,
    ],
    ['jobs not an array', { jobs: {} }, /#\/jobs: must be a non-empty array of jobs\n$/],
  ])('%s is a one-line error with its path, exit 2, nothing written', async (_name, config, message) => {
    await writeFile(join(dir, 'wealthcare-codegen.config.json'), JSON.stringify(config));
    const result = await run('generate');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await readdir(dir)).toEqual(['spec', 'wealthcare-codegen.config.json']);
  });

  it('--import-style overrides the config, and a changed style is not a no-op', async () => {
    await writeFile(
      join(dir, 'wealthcare-codegen.config.json'),
      JSON.stringify({ input: 'spec/wealthcare.yaml', output: 'o' }),
    );
    expect((await run('generate', '--import-style', 'none')).code).toBe(0);
    expect((await files('o'))['index.ts']).toContain("from './grants';");
    const back = await run('generate');
    expect(back.stdout).toMatch(/^o: changed /);
    expect((await files('o'))['index.ts']).toContain("from './grants.js';");
    expect((await run('generate', '--import-style', 'mjs')).stderr).toMatch(/Invalid values:[\s\S]*import-style/);
  });

  it('a TypeScript config that does not run, or exports nothing, is one line too', async () => {
    await writeFile(join(dir, 'wealthcare-codegen.config.ts'), 'export default {{ input: ;\n');
    const broken = await run('generate');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      /^wealthcare-codegen: wealthcare-codegen\.config\.ts: cannot load the config \(.+\)\. Fix the file/,
    );
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    await writeFile(join(dir, 'wealthcare-codegen.config.ts'), 'export const input: string = "x";\n');
    expect((await run('generate')).stderr).toMatch(/config\.ts: has no default export/);
    await writeFile(join(dir, 'wealthcare-codegen.config.ts'), 'export default { prettier: 1 };\n');
    expect((await run('generate')).stderr).toMatch(/config\.ts#\/prettier: must be a non-empty string/);
  });

  it('the committed JSON Schema is the one the option tables give, and names every option', async () => {
    const committed = JSON.parse(await readFile(join(ROOT, 'config.schema.json'), 'utf8'));
    expect(committed).toEqual(configJsonSchema()); // run `npm run config-schema` after changing the tables
    expect(Object.keys(committed.properties)).toEqual([
      '$schema',
      'input',
      'output',
      'prettier',
      'importStyle',
      'examples',
      'jobs',
    ]);
    expect(committed.properties.jobs.items.properties.importStyle.enum).toEqual(['js', 'ts', 'none']);
  });

  it('the documented TypeScript types have exactly the keys and value types of the option tables', () => {
    type Spec = { kind: 'string' } | { kind: 'enum'; values: readonly string[] };
    type ValueOf<S> = S extends { kind: 'enum'; values: readonly (infer V)[] } ? V : string;
    type FromTable<T extends Record<string, Spec>> = { -readonly [K in keyof T]?: ValueOf<T[K]> };
    expectTypeOf<Required<JobConfig>>().toEqualTypeOf<Required<FromTable<typeof JOB_OPTIONS>>>();
    expectTypeOf<Required<Omit<CodegenConfig, 'jobs'>>>().toEqualTypeOf<Required<FromTable<typeof TOP_OPTIONS>>>();
    expectTypeOf<NonNullable<JobConfig['importStyle']>>().toEqualTypeOf<ImportStyle>();
    expectTypeOf<NonNullable<JobConfig['prettier']>>().toEqualTypeOf<PrettierMode>();
    expect(Object.keys(JOB_OPTIONS)).toEqual([
      'name',
      'input',
      'output',
      'prettier',
      'importStyle',
      'examples',
      'tokenClientFrom',
    ]);
  });
});

describe('several jobs in one config', () => {
  it('generates both, the API output using the WealthCare output token client, then answers from each fast path', async () => {
    await writeFile(join(dir, 'wealthcare-codegen.config.json'), JSON.stringify(TWO_JOBS));
    const first = await run('generate');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^src\/wealthcare: created .* \(0 unchanged\) from spec\/wealthcare\.yaml\.$/),
      expect.stringMatching(/^src\/bensoft: created .* \(0 unchanged\) from spec\/bensoft\.yaml\.$/),
    ]);
    const bensoft = await files('src/bensoft');
    // No second token client, no errors.ts of its own: its runtime modules import the other output's errors, so one
    // `instanceof TokenClientError` covers both; its ApiError extends that class.
    expect(Object.keys(bensoft)).toEqual([
      '.wealthcare-codegen.json',
      '.wealthcare-codegen.openapi.json',
      'http.ts',
      'index.ts',
      'operations-runtime.ts',
      'operations.ts',
      'schema.ts',
      'test-kit.ts',
      'testing.ts',
    ]);
    expect(bensoft['operations-runtime.ts']).toContain("} from '../wealthcare/errors.js';");
    expect(bensoft['http.ts']).toContain("} from '../wealthcare/errors.js';");
    expect(bensoft['operations-runtime.ts']).toMatch(/export class ApiError\b.* extends TokenClientError/);
    expect(Object.values(bensoft).join('\n')).not.toMatch(/from '\.\/errors\.js'/);
    expect(JSON.parse(bensoft['.wealthcare-codegen.json']!).inputs).toEqual([
      'spec/bensoft.yaml',
      'spec/bensoft-schemas.yaml',
    ]);

    const again = await generate({ cwd: dir });
    expect(again.jobs.map((job) => [job.name, job.fastPath, job.files])).toEqual([
      ['wealthcare', true, []],
      ['bensoft', true, []],
    ]);
    expect((await run('generate', '--check')).stdout).toBe(
      'src/wealthcare: up to date with spec/wealthcare.yaml (18 files).\nsrc/bensoft: up to date with spec/bensoft.yaml (9 files).\n',
    );
  });

  it('--check reports per job: only the job whose $ref-d file changed is stale', async () => {
    await writeFile(join(dir, 'wealthcare-codegen.config.json'), JSON.stringify(TWO_JOBS));
    expect((await run('generate')).code).toBe(0);
    const schemas = join(dir, 'spec/bensoft-schemas.yaml');
    await writeFile(schemas, (await readFile(schemas, 'utf8')).replace('required: [id, name]', 'required: [id]'));
    const result = await run('generate', '--check');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^src\/wealthcare: up to date with spec\/wealthcare\.yaml/);
    expect(result.stdout).toContain('Index: src/bensoft/schema.ts');
    expect(result.stderr).toMatch(/^src\/bensoft: \d file\(s\) stale: .*schema\.ts \(changed\)/m);
    expect(result.stderr).not.toContain('src/wealthcare');
    const api = await check({ cwd: dir });
    expect(api.jobs.map((job) => [job.name, job.stale])).toEqual([
      ['wealthcare', false],
      ['bensoft', true],
    ]);
  });

  it('a bad document in one job writes no job at all', async () => {
    await writeFile(join(dir, 'wealthcare-codegen.config.json'), JSON.stringify(TWO_JOBS));
    await writeFile(join(dir, 'spec/bensoft.yaml'), 'openapi: 3.1.0\npaths: [\n');
    const result = await run('generate');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^wealthcare-codegen: job "bensoft": spec\/bensoft\.yaml/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await readdir(dir)).not.toContain('src');
  });

  it('tokenClientFrom naming a job whose document has no token endpoint is an error', async () => {
    await expect(
      generate({
        cwd: dir,
        config: {
          jobs: [
            { name: 'a', input: 'spec/bensoft.yaml', output: 'a' },
            { name: 'b', input: 'spec/bensoft.yaml', output: 'b', tokenClientFrom: 'a' },
          ],
        },
      }),
    ).rejects.toThrow(
      /job "b": tokenClientFrom names job "a", whose document \(spec\/bensoft\.yaml\) has no token endpoint/,
    );
    expect(await stat(join(dir, 'a')).catch(() => undefined)).toBeUndefined();
  });

  it('--input/--output with a config of jobs is a usage error', async () => {
    await writeFile(join(dir, 'wealthcare-codegen.config.json'), JSON.stringify(TWO_JOBS));
    const result = await run('generate', '-o', 'x');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--input and --output name one document, but the config lists jobs/);
  });
});
