import { execFile } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SPEC, generateToTemp, removeDir, tempDir } from '../support/generate-to-temp.js';

/**
 * The no-op path of prebuild hooks and CI gates: when nothing changed, `generate` and `generate --check` answer from
 * the manifest without loading the heavy modules. This tests behaviour (which modules load), not time.
 */
const run = promisify(execFile);
const HEAVY = [
  '/node_modules/typescript/',
  '/node_modules/ts-morph/',
  '/node_modules/openapi-typescript/',
  '/node_modules/prettier/',
  '/node_modules/@redocly/',
  '/node_modules/handlebars/',
];
let dir: string;
beforeAll(async () => {
  dir = await tempDir('wcg-noop-');
  await cp(SPEC, join(dir, 'spec/wealthcare-access.openapi.yaml'));
  await run(process.execPath, [join(ROOT, 'bin/wealthcare-codegen.js'), 'generate'], { cwd: dir });
});
afterAll(async () => removeDir(dir));

async function cliLoading(...argv: string[]): Promise<{ stdout: string; code: number; loaded: string[] }> {
  const record = join(dir, `imports-${Math.random().toString(36).slice(2)}.txt`);
  await writeFile(record, '');
  let stdout = '';
  let code = 0;
  try {
    ({ stdout } = await run(
      process.execPath,
      ['--import', join(ROOT, 'test/support/record-imports.mjs'), join(ROOT, 'bin/wealthcare-codegen.js'), ...argv],
      {
        cwd: dir,
        env: { ...process.env, RECORD_IMPORTS_FILE: record },
      },
    ));
  } catch (error) {
    ({ stdout = '', code = 1 } = error as { stdout?: string; code?: number });
  }
  const loaded = (await readFile(record, 'utf8')).split('\n').filter(Boolean);
  await rm(record);
  return { stdout, code, loaded };
}
const heavyIn = (loaded: string[]) => HEAVY.filter((marker) => loaded.some((url) => url.includes(marker)));

describe('the no-op path', () => {
  it.each([[['generate']], [['generate', '--check']], [['--check', '-o', 'generated']]])(
    '%j loads none of the heavy modules',
    async (argv) => {
      const result = await cliLoading(...argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/nothing changed|up to date/);
      expect(result.loaded.some((url) => url.includes('/dist/cli.js'))).toBe(true);
      expect(heavyIn(result.loaded)).toEqual([]);
    },
  );

  it('runs the whole pipeline as soon as an input changes, and still finds the output fresh when it is', async () => {
    const spec = join(dir, 'spec/wealthcare-access.openapi.yaml');
    const original = await readFile(spec, 'utf8');
    // A comment changes the document's bytes, not its meaning: the pipeline runs and finds nothing stale.
    await writeFile(spec, `${original}# a comment\n`);
    try {
      const result = await cliLoading('generate', '--check');
      expect(heavyIn(result.loaded)).toEqual(
        expect.arrayContaining(['/node_modules/ts-morph/', '/node_modules/openapi-typescript/']),
      );
      // From dist/, models.ts is built in a worker thread (emit/models-job.ts).
      expect(result.loaded.some((url) => url.endsWith('/dist/emit/models-worker.js'))).toBe(true);
      expect(result.code).toBe(1); // the header's SHA-256 changed
    } finally {
      await writeFile(spec, original);
    }
  });

  it('the worker thread builds the same models.ts as the in-process path the other tests use', async () => {
    const { files, dir: inProcess } = await generateToTemp(SPEC);
    try {
      expect(await readFile(join(dir, 'generated/models.ts'), 'utf8')).toBe(files.get('models.ts'));
    } finally {
      await removeDir(inProcess);
    }
  });

  it('does not trust the manifest when a generated file was edited', async () => {
    const file = join(dir, 'generated/pkce.ts');
    const original = await readFile(file, 'utf8');
    await writeFile(file, `${original}// edited\n`);
    try {
      const result = await cliLoading('generate', '--check');
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('-// edited');
    } finally {
      await writeFile(file, original);
    }
  });
});
