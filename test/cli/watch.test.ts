import { spawn, type ChildProcess } from 'node:child_process';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, SPEC, removeDir, tempDir } from '../support/generate-to-temp.js';

/**
 * `generate --watch` as a user runs it: the built CLI in a child process, files edited on disk, its lines read.
 * Every wait is bounded (by line count, not by time); nothing asserts on durations.
 */
const BIN = join(ROOT, 'bin/wealthcare-codegen.js');
let dir: string;
let child: ChildProcess | undefined;
let stdout: string[];
let stderr: string[];
let waiters: Array<() => void>;

beforeEach(async () => {
  dir = await tempDir('wcg-watch-');
  await cp(SPEC, join(dir, 'spec/wealthcare.yaml'));
  await cp(join(ROOT, 'test/fixtures/jobs/bensoft-api.yaml'), join(dir, 'spec/bensoft.yaml'));
  await cp(join(ROOT, 'test/fixtures/jobs/bensoft-schemas.yaml'), join(dir, 'spec/bensoft-schemas.yaml'));
  await writeFile(
    join(dir, 'wealthcare-codegen.config.json'),
    JSON.stringify({
      jobs: [
        { name: 'wealthcare', input: 'spec/wealthcare.yaml', output: 'out/wealthcare' },
        { name: 'bensoft', input: 'spec/bensoft.yaml', output: 'out/bensoft', tokenClientFrom: 'wealthcare' },
      ],
    }),
  );
  stdout = [];
  stderr = [];
  waiters = [];
});
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  await removeDir(dir);
});

function start(): void {
  child = spawn(process.execPath, [BIN, 'generate', '--watch'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      into.push(...lines);
      for (const wake of waiters.splice(0)) wake();
    };
  };
  child.stdout!.on('data', collect(stdout));
  child.stderr!.on('data', collect(stderr));
  child.once('exit', () => {
    for (const wake of waiters.splice(0)) wake();
  });
}

/** Waits until `lines` has a line at index ≥ `from` matching `pattern` (or the child exits: then it fails). */
async function line(lines: () => string[], pattern: RegExp, from = 0): Promise<string> {
  for (;;) {
    const found = lines()
      .slice(from)
      .find((text) => pattern.test(text));
    if (found !== undefined) return found;
    if (child?.exitCode !== null) throw new Error(`the watcher exited: ${stderr.join('\n')}`);
    await new Promise<void>((wake) => waiters.push(wake));
  }
}

describe('generate --watch', () => {
  it('regenerates on a change of a $ref-d file, survives a bad edit with the output untouched, and sees the fix', async () => {
    start();
    await line(() => stdout, /watching for changes/);
    const first = stdout.find((text) => /out\/bensoft: created/.test(text))!;
    expect(first).toMatch(/^\[\d\d:\d\d:\d\d\] out\/wealthcare: created .* out\/bensoft: created /);

    // An edit of the file the API document $refs: one line naming the file and what changed.
    const schemas = join(dir, 'spec/bensoft-schemas.yaml');
    let mark = stdout.length;
    await writeFile(schemas, (await readFile(schemas, 'utf8')).replace('required: [id, name]', 'required: [id]'));
    const changed = await line(() => stdout, /spec\/bensoft-schemas\.yaml changed/, mark);
    expect(changed).toMatch(
      /^\[\d\d:\d\d:\d\d\] spec\/bensoft-schemas\.yaml changed: out\/wealthcare: nothing changed .* out\/bensoft: changed schema\.ts/,
    );

    // A bad edit: the one-line error, the watcher keeps going, the output stays as it was.
    const before = await readFile(join(dir, 'out/bensoft/schema.ts'), 'utf8');
    const listing = await readdir(join(dir, 'out/bensoft'));
    const errors = stderr.length;
    await writeFile(join(dir, 'spec/bensoft.yaml'), 'openapi: 3.1.0\npaths: [\n');
    const error = await line(() => stderr, /spec\/bensoft\.yaml changed/, errors);
    expect(error).toMatch(
      /^\[\d\d:\d\d:\d\d\] spec\/bensoft\.yaml changed: wealthcare-codegen: job "bensoft": .*\(watching for the next change\)$/,
    );
    expect(child!.exitCode).toBeNull();
    expect(await readFile(join(dir, 'out/bensoft/schema.ts'), 'utf8')).toBe(before);
    expect(await readdir(join(dir, 'out/bensoft'))).toEqual(listing);

    // The fix regenerates.
    mark = stdout.length;
    await cp(join(ROOT, 'test/fixtures/jobs/bensoft-api.yaml'), join(dir, 'spec/bensoft.yaml'));
    expect(await line(() => stdout, /spec\/bensoft\.yaml changed/, mark)).toMatch(/out\/bensoft: nothing changed/);

    // A config edit counts too: a third job appears.
    mark = stdout.length;
    const config = JSON.parse(await readFile(join(dir, 'wealthcare-codegen.config.json'), 'utf8'));
    config.jobs.push({ name: 'copy', input: 'spec/bensoft.yaml', output: 'out/copy', tokenClientFrom: 'wealthcare' });
    await writeFile(join(dir, 'wealthcare-codegen.config.json'), JSON.stringify(config));
    expect(await line(() => stdout, /wealthcare-codegen\.config\.json changed/, mark)).toMatch(/out\/copy: created /);
  }, 180_000);
});
