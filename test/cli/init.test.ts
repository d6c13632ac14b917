import { readFile, writeFile } from 'node:fs/promises';
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

  it('fails with one line and exit 2 without a package.json', async () => {
    const result = await run('init');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no package\.json here\. Run init in the root of your project/);
  });
});
