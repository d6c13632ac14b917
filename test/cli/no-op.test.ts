import { execFile, execFileSync } from 'node:child_process';
import { appendFile, cp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SPEC, generateToTemp, removeDir, tempDir } from '../support/generate-to-temp.js';

/**
 * The no-op path of prebuild hooks and CI gates: when nothing changed, `generate` and `generate --check` answer from
 * a local cache (generator/no-op.ts) without loading the heavy modules. Everything here tests behaviour (which
 * modules a run loads), never time. Several tests run the full pipeline in child processes: their timeouts are
 * generous, since the machine may be loaded (and nothing here measures speed).
 */
const run = promisify(execFile);
const SLOW = 240_000;
const HEAVY = [
  '/node_modules/typescript/',
  '/node_modules/ts-morph/',
  '/node_modules/openapi-typescript/',
  '/node_modules/prettier/',
  '/node_modules/@redocly/',
  '/node_modules/handlebars/',
];
const heavyIn = (loaded: string[]) => HEAVY.filter((marker) => loaded.some((url) => url.includes(marker)));

interface Run {
  stdout: string;
  stderr: string;
  code: number;
  loaded: string[];
  /** Whether the run answered from the no-op path: it loaded none of the heavy modules. */
  noOp: boolean;
}

/**
 * Runs `bin/wealthcare-codegen.js` of `tool` (a checkout) in `cwd`, recording every module it loads. `env` adds to
 * (or, with undefined values, removes from) the environment; the cache folder is the test's own unless it says so.
 */
async function cli(
  cwd: string,
  argv: string[],
  { tool = ROOT, env = {} }: { tool?: string; env?: Record<string, string | undefined> } = {},
): Promise<Run> {
  const record = join(await tempDir('wcg-imports-'), 'imports.txt');
  await writeFile(record, '');
  const childEnv: Record<string, string | undefined> = { ...process.env, RECORD_IMPORTS_FILE: record, ...env };
  for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
  let stdout = '';
  let stderr = '';
  let code = 0;
  try {
    ({ stdout, stderr } = await run(
      process.execPath,
      ['--import', join(ROOT, 'test/support/record-imports.mjs'), join(tool, 'bin/wealthcare-codegen.js'), ...argv],
      { cwd, env: childEnv as NodeJS.ProcessEnv },
    ));
  } catch (error) {
    ({ stdout = '', stderr = '', code = 1 } = error as { stdout?: string; stderr?: string; code?: number });
  }
  const loaded = (await readFile(record, 'utf8')).split('\n').filter(Boolean);
  await removeDir(dirname(record));
  return { stdout, stderr, code, loaded, noOp: heavyIn(loaded).length === 0 };
}

/** Every file of a folder (recursively) by relative name. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), await readFile(path, 'utf8'));
  }
  return files;
}

describe('the no-op path in a temporary project', () => {
  let dir: string;
  let cache: string;
  const inDir = (argv: string[]) => cli(dir, argv, { env: { WEALTHCARE_CODEGEN_CACHE_DIR: cache } });
  beforeAll(async () => {
    dir = await tempDir('wcg-noop-');
    cache = join(dir, '.cache');
    await cp(SPEC, join(dir, 'spec/wealthcare-access.openapi.yaml'));
    const first = await inDir(['generate']);
    expect(first.code, first.stderr).toBe(0);
  }, SLOW);
  afterAll(async () => removeDir(dir));

  it.each([[['generate']], [['generate', '--check']], [['--check', '-o', 'generated']]])(
    '%j loads none of the heavy modules',
    async (argv) => {
      const result = await inDir(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/nothing changed|up to date/);
      expect(result.loaded.some((url) => url.includes('/dist/cli.js'))).toBe(true);
      expect(heavyIn(result.loaded)).toEqual([]);
    },
  );

  it('the committed manifest describes the output only: no fingerprint, no path of this machine', async () => {
    const text = await readFile(join(dir, 'generated/.wealthcare-codegen.json'), 'utf8');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['tool', 'version', 'source', 'sha256', 'inputs', 'files']);
    expect(text).not.toContain(dir);
    expect(text).not.toContain(ROOT);
    // The cache holds what identifies the run (absolute paths included), outside the output.
    expect((await readdir(cache)).filter((name) => name.endsWith('.json'))).toHaveLength(1);
  });

  it(
    'runs the whole pipeline as soon as an input changes, and still finds the output fresh when it is',
    async () => {
      const spec = join(dir, 'spec/wealthcare-access.openapi.yaml');
      const original = await readFile(spec, 'utf8');
      // A comment changes the document's bytes, not its meaning: the pipeline runs and finds nothing stale.
      await writeFile(spec, `${original}# a comment\n`);
      try {
        const result = await inDir(['generate', '--check']);
        expect(heavyIn(result.loaded)).toEqual(
          expect.arrayContaining(['/node_modules/ts-morph/', '/node_modules/openapi-typescript/']),
        );
        // From dist/, models.ts is built in a worker thread (emit/models-job.ts).
        expect(result.loaded.some((url) => url.endsWith('/dist/emit/models-worker.js'))).toBe(true);
        expect(result.code).toBe(1); // the header's SHA-256 changed
        // A stale --check records nothing: the next one runs the pipeline again and fails again.
        expect((await inDir(['generate', '--check'])).code).toBe(1);
      } finally {
        await writeFile(spec, original);
      }
      expect((await inDir(['generate', '--check'])).noOp).toBe(true);
    },
    SLOW,
  );

  it('the worker thread builds the same models.ts as the in-process path the other tests use', async () => {
    const { files, dir: inProcess } = await generateToTemp(SPEC);
    try {
      expect(await readFile(join(dir, 'generated/models.ts'), 'utf8')).toBe(files.get('models.ts'));
    } finally {
      await removeDir(inProcess);
    }
  });

  it('does not trust the cache when a generated file was edited', async () => {
    const file = join(dir, 'generated/pkce.ts');
    const original = await readFile(file, 'utf8');
    await writeFile(file, `${original}// edited\n`);
    try {
      const result = await inDir(['generate', '--check']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('-// edited');
    } finally {
      await writeFile(file, original);
    }
  });

  it(
    'a prettier config added or removed makes the next run a full one, and the one after it a no-op again',
    async () => {
      const before = await snapshot(join(dir, 'generated'));
      const config = join(dir, '.prettierrc.json');
      await mkdir(join(dir, '.git'), { recursive: true }); // the repository root, where format.ts stops looking
      await writeFile(config, '{ "printWidth": 60, "singleQuote": false }\n');
      try {
        const added = await inDir(['generate']);
        expect(added.noOp).toBe(false);
        expect(heavyIn(added.loaded)).toContain('/node_modules/prettier/');
        const formatted = await snapshot(join(dir, 'generated'));
        expect(formatted.get('client.ts')).not.toBe(before.get('client.ts'));
        expect((await inDir(['generate'])).noOp).toBe(true);
        // Edited: still a config, different content.
        await writeFile(config, '{ "printWidth": 70, "singleQuote": false }\n');
        expect((await inDir(['generate'])).noOp).toBe(false);
        expect((await inDir(['generate'])).noOp).toBe(true);
      } finally {
        await rm(config);
        await rm(join(dir, '.git'), { recursive: true });
      }
      const removed = await inDir(['generate']);
      expect(removed.noOp).toBe(false);
      expect(await snapshot(join(dir, 'generated'))).toEqual(before);
      expect((await inDir(['generate'])).noOp).toBe(true);
    },
    SLOW,
  );

  it(
    'a $ref-ed file that changes makes the run a full one',
    async () => {
      const project = await tempDir('wcg-noop-refs-');
      const env = { WEALTHCARE_CODEGEN_CACHE_DIR: join(project, '.cache') };
      try {
        await writeFile(
          join(project, 'api.yaml'),
          "openapi: 3.1.0\ninfo: { title: refs, version: '1' }\npaths:\n  /things:\n    get:\n      operationId: listThings\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: './schemas.yaml#/Thing' }\n",
        );
        const schemas = join(project, 'schemas.yaml');
        await writeFile(schemas, 'Thing:\n  type: object\n  properties:\n    name: { type: string }\n');
        const argv = ['generate', '-i', 'api.yaml', '-o', 'out'];
        expect((await cli(project, argv, { env })).noOp).toBe(false);
        expect((await cli(project, argv, { env })).noOp).toBe(true);
        await appendFile(schemas, '    size: { type: integer }\n');
        const changed = await cli(project, argv, { env });
        expect(changed.noOp).toBe(false);
        expect(changed.stdout).toContain('changed schema.ts');
        expect(await readFile(join(project, 'out/schema.ts'), 'utf8')).toContain('size?: number');
        expect((await cli(project, argv, { env })).noOp).toBe(true);
      } finally {
        await removeDir(project);
      }
    },
    SLOW,
  );

  it(
    'without node_modules the cache lives in $XDG_CACHE_HOME; an unusable cache only costs speed',
    async () => {
      const project = await tempDir('wcg-noop-xdg-');
      try {
        await cp(SPEC, join(project, 'spec/wealthcare-access.openapi.yaml'));
        const xdg = { WEALTHCARE_CODEGEN_CACHE_DIR: undefined, XDG_CACHE_HOME: join(project, 'xdg') };
        expect((await cli(project, ['generate'], { env: xdg })).noOp).toBe(false);
        expect(await readdir(join(project, 'xdg/wealthcare-codegen'))).toHaveLength(1);
        expect((await cli(project, ['generate'], { env: xdg })).noOp).toBe(true);

        // A file where the cache folder should be: nothing can be cached, every run is a full one, and works.
        const blocked = { WEALTHCARE_CODEGEN_CACHE_DIR: join(project, 'not-a-folder') };
        await writeFile(blocked.WEALTHCARE_CODEGEN_CACHE_DIR, '');
        for (let i = 0; i < 2; i += 1) {
          const result = await cli(project, ['generate'], { env: blocked });
          expect(result.code, result.stderr).toBe(0);
          expect(result.noOp).toBe(false);
        }
      } finally {
        await removeDir(project);
      }
    },
    SLOW,
  );
});

/**
 * A fresh clone of this repository (the working tree's tracked and untracked files, as `git clone` plus `npm ci`
 * would give: dist/ built, node_modules present, here linked), at a path no run has seen.
 */
async function freshClone(prefix: string): Promise<string> {
  const clone = await tempDir(prefix);
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && file !== 'node_modules');
  for (const file of files) {
    await mkdir(dirname(join(clone, file)), { recursive: true });
    await cp(join(ROOT, file), join(clone, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error; // deleted in the working tree, not yet in the index
    });
  }
  await mkdir(join(clone, '.git'));
  await symlink(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  // After the sources, so that bin/ finds dist/ up to date (as after `npm ci`, whose prepare script builds it).
  await cp(join(ROOT, 'dist'), join(clone, 'dist'), { recursive: true });
  return clone;
}

describe('the no-op path in fresh clones of this repository', () => {
  const clones: string[] = [];
  // The clones' cache is node_modules/.cache/wealthcare-codegen/ (node_modules is linked to this checkout's).
  const inClone = (clone: string, argv: string[]) =>
    cli(clone, argv, { tool: clone, env: { WEALTHCARE_CODEGEN_CACHE_DIR: undefined } });
  afterAll(async () => {
    await Promise.all(clones.map(removeDir));
  });

  it(
    'pays one full run in a fresh clone at any path; every run after it is a no-op, and nothing committed changes',
    async () => {
      const outputs: Array<Map<string, string>> = [];
      for (const prefix of ['wcg-clone-a-', 'wcg-clone-b-']) {
        const clone = await freshClone(prefix);
        clones.push(clone);
        const committed = await snapshot(join(clone, 'generated'));
        const first = await inClone(clone, ['generate']);
        expect(first.code, first.stderr).toBe(0);
        const afterFirst = await snapshot(join(clone, 'generated'));
        for (const argv of [['generate'], ['generate', '--check'], ['generate']]) {
          const next = await inClone(clone, argv);
          expect(next.code, next.stderr).toBe(0);
          expect(heavyIn(next.loaded)).toEqual([]);
        }
        expect(await snapshot(join(clone, 'generated'))).toEqual(afterFirst);
        // The first run rewrote nothing unless the committed output was stale (then it is the only change).
        if (!first.stdout.includes('nothing changed')) expect(afterFirst).not.toEqual(committed);
        outputs.push(afterFirst);
      }
      // Two clones at different paths write byte-identical output: nothing in it depends on the path.
      expect(outputs[1]).toEqual(outputs[0]);
    },
    SLOW,
  );

  it(
    'after a change of the tool (its code, its templates) the output is checked once, then the no-op path is back',
    async () => {
      const clone = clones[0]!;
      const generated = await snapshot(join(clone, 'generated'));
      // A change to the built code that does not change the output: the case (the tool was upgraded, or
      // generator/ edited, and the output stays the same).
      await appendFile(join(clone, 'dist/version.js'), '\n// a change of the tool\n');
      const changed = await inClone(clone, ['generate']);
      expect(changed.code, changed.stderr).toBe(0);
      expect(changed.noOp).toBe(false);
      expect(changed.stdout).toContain('nothing changed');
      expect((await inClone(clone, ['generate'])).noOp).toBe(true);
      expect((await inClone(clone, ['generate', '--check'])).noOp).toBe(true);

      // The templates are part of the tool: a handlebars comment changes the template, not the output.
      const template = (await readdir(join(clone, 'templates'), { recursive: true })).find((name) =>
        name.endsWith('.hbs'),
      )!;
      await appendFile(join(clone, 'templates', template), '{{!-- a change of the tool --}}');
      expect((await inClone(clone, ['generate', '--check'])).noOp).toBe(false);
      expect((await inClone(clone, ['generate', '--check'])).noOp).toBe(true);
      expect(await snapshot(join(clone, 'generated'))).toEqual(generated);
    },
    SLOW,
  );
});
