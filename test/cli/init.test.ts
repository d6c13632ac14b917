import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../generator/cli.js';
import { removeDir, tempDir } from '../support/generate-to-temp.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('wcg-init-');
});
afterEach(async () => removeDir(dir));

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { cwd: dir, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}
const readJson = async (name: string) => JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, any>;

describe('init', () => {
  it('writes the config and adds the three scripts, saying what it did', async () => {
    await writeFile(
      join(dir, 'package.json'),
      '{\n    "name": "consumer",\n    "scripts": {\n        "build": "tsc"\n    }\n}\n',
    );
    const result = await run('init', '--input', 'openapi/wealthcare.yaml', '--output', 'src/wealthcare');
    expect(result.code).toBe(0);
    expect(await readJson('wealthcare-codegen.config.json')).toEqual({
      input: 'openapi/wealthcare.yaml',
      output: 'src/wealthcare',
    });
    const pkg = await readJson('package.json');
    expect(pkg.scripts).toEqual({
      build: 'tsc',
      generate: 'wealthcare-codegen generate',
      prebuild: 'wealthcare-codegen generate',
      'check:api': 'wealthcare-codegen generate --check',
    });
    // The file keeps its 4-space indentation.
    expect(await readFile(join(dir, 'package.json'), 'utf8')).toMatch(/^\{\n {4}"name"/);
    expect(result.stdout).toContain(
      'wrote wealthcare-codegen.config.json: input openapi/wealthcare.yaml, output src/wealthcare',
    );
    expect(result.stdout).toContain('added script "check:api": wealthcare-codegen generate --check');
    expect(result.stdout).toContain('note: openapi/wealthcare.yaml does not exist yet');
  });

  it('never clobbers existing scripts or config, and is idempotent', async () => {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'c', scripts: { prebuild: 'node clean.js' } }));
    await writeFile(join(dir, 'wealthcare-codegen.config.json'), '{"input":"mine.yaml"}\n');
    const first = await run('init');
    expect(first.stdout).toContain('kept script "prebuild": node clean.js');
    expect(first.stdout).toContain('kept wealthcare-codegen.config.json (it exists; use --force to replace it)');
    expect((await readJson('package.json')).scripts.prebuild).toBe('node clean.js');
    expect(await readFile(join(dir, 'wealthcare-codegen.config.json'), 'utf8')).toBe('{"input":"mine.yaml"}\n');
    const before = await readFile(join(dir, 'package.json'), 'utf8');
    const second = await run('init');
    expect(second.stdout).toContain('script "generate" is already set up');
    expect(await readFile(join(dir, 'package.json'), 'utf8')).toBe(before);
  });

  it('after keeping an existing config, describes the kept config, not the options it ignored', async () => {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'c' }));
    await mkdir(join(dir, 'api'));
    await writeFile(join(dir, 'api/mine.yaml'), 'openapi: 3.1.0\n');
    await writeFile(
      join(dir, 'wealthcare-codegen.config.json'),
      JSON.stringify({ input: 'api/mine.yaml', output: 'src/client' }),
    );
    const result = await run('init', '--input', 'openapi/other.yaml', '--output', 'src/x');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'kept wealthcare-codegen.config.json (it exists; use --force to replace it): input api/mine.yaml, output src/client\n',
    );
    expect(result.stdout).toContain('note: --input/--output were not used; edit wealthcare-codegen.config.json');
    expect(result.stdout).toContain('next: npm run generate, commit src/client/, and run npm run check:api in CI');
    expect(result.stdout).not.toContain('other.yaml');
    expect(result.stdout).not.toContain('src/x');
  });

  it('keeps a TypeScript config of several jobs and describes each; an invalid kept config is named', async () => {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'c' }));
    await writeFile(
      join(dir, 'wealthcare-codegen.config.mjs'),
      "export default { jobs: [{ input: 'a.yaml', output: 'gen/a' }, { input: 'b.yaml', output: 'gen/b' }] };\n",
    );
    const result = await run('init', '--force');
    expect(result.stdout).toContain(
      'kept wealthcare-codegen.config.mjs (it exists; init writes only JSON): input a.yaml, output gen/a; input b.yaml, output gen/b\n',
    );
    expect(result.stdout).toContain(
      'note: a.yaml does not exist yet; put the OpenAPI document there (or edit wealthcare-codegen.config.mjs)',
    );
    expect(result.stdout).toContain('commit gen/a/, gen/b/,');
    expect(await readdir(dir)).not.toContain('wealthcare-codegen.config.json');

    await writeFile(join(dir, 'wealthcare-codegen.config.mjs'), "export default { inptu: 'x' };\n");
    const invalid = await run('init');
    expect(invalid.stdout).toContain(
      'note: wealthcare-codegen.config.mjs is not valid: wealthcare-codegen.config.mjs#/inptu: unknown key',
    );
    expect(invalid.stdout).toContain('next: fix wealthcare-codegen.config.mjs, then npm run generate');
  });

  it('fails with one line and exit 2 without a package.json', async () => {
    const result = await run('init');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no package\.json here\. Run init in the root of your project/);
  });
});
