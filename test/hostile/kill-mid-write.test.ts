/**
 * SIGKILL during `generate` (a child process running bin/wealthcare-codegen.js) never leaves a mix: the output
 * folder is the complete old output (bytes and mtimes) or the complete new one, and the next run removes what the
 * killed one left. Killed at the writer's exact steps (fault injection: WEALTHCARE_CODEGEN_TEST_CRASH_AT), as soon
 * as its staging folder appears, and at points spread over a whole run.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cp, mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenDocument } from './hostile-document.js';
import { ROOT, cli, folderState, removeDir, tempDir } from './support.js';

const BIN = join(ROOT, 'bin/wealthcare-codegen.js');
type State = Awaited<ReturnType<typeof folderState>>;

let root: string;
let project: string;
let oldState: State;
let newState: State;
let fullRunMs: number;

/** A document whose output (about 10 MB with its snapshot) takes a while to write. */
function largeDocument(): object {
  const schemas: Record<string, unknown> = {};
  for (let s = 0; s < 600; s += 1) {
    const properties: Record<string, unknown> = {};
    for (let p = 0; p < 10; p += 1)
      properties[`field_${p}`] = { type: 'string', description: `Field ${p} of schema ${s}. `.repeat(12) };
    schemas[`Schema${s}`] = { type: 'object', description: `Schema ${s}. `.repeat(20), properties };
  }
  return tokenDocument({ schemas });
}

/** Runs the CLI as a child process; `kill` decides when (if ever) to SIGKILL it. */
function runChild(
  cwd: string,
  env: Record<string, string> = {},
  kill?: (child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'generate', '-i', 'new.json', '-o', 'out'], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
    kill?.(child);
  });
}

/** Sets up `dir` as the project: both documents, and out/ generated from the old one. Returns out/ as it is. */
async function freshProject(dir: string): Promise<State> {
  await mkdir(dir, { recursive: true });
  await cp(join(root, 'old.json'), join(dir, 'old.json'));
  await cp(join(root, 'new.json'), join(dir, 'new.json'));
  // The old output, made under the name the runs use.
  await cp(join(root, 'reference-old', 'out'), join(dir, 'out'), { recursive: true });
  const state = await folderState(join(dir, 'out'));
  expect(same(state, oldState, false)).toBe(true);
  return state;
}

/**
 * Whether two folder states hold the same files. `exact`: same bytes and mtimes. Otherwise same bytes, except the
 * manifest's fingerprint, which hashes the generator's own code: other work on generator/ while this suite runs
 * (and dist/ against generator/) changes it without changing the output.
 */
function same(actual: State, expected: State, exact: boolean): boolean {
  if (actual.size !== expected.size) return false;
  const text = (name: string, bytes: Buffer): string =>
    name.endsWith('.wealthcare-codegen.json')
      ? bytes.toString().replace(/"fingerprint": "[0-9a-f]{64}"/, '"fingerprint": "…"')
      : bytes.toString('latin1');
  for (const [name, file] of expected) {
    const other = actual.get(name);
    if (!other) return false;
    if (
      exact
        ? !other.bytes.equals(file.bytes) || other.mtimeMs !== file.mtimeMs
        : text(name, other.bytes) !== text(name, file.bytes)
    )
      return false;
  }
  return true;
}

/**
 * What a killed run left: the sibling staging folders, and the output — `old` when every file has the bytes and
 * the mtime it had before the run (`before`), `new` when it is the new output byte for byte.
 */
async function inspect(
  dir: string,
  before: State,
): Promise<{ output: 'old' | 'new' | 'missing' | 'mixed'; siblings: string[] }> {
  const siblings = (await readdir(dir)).filter((name) => name.startsWith('.out.wcg-'));
  const state = await folderState(join(dir, 'out')).catch(() => undefined);
  if (!state) return { output: 'missing', siblings };
  return { output: same(state, before, true) ? 'old' : same(state, newState, false) ? 'new' : 'mixed', siblings };
}

/** The next run (in-process, with the old document) repairs the folder: the old output, nothing left over. */
async function expectRecovered(dir: string): Promise<void> {
  const run = await cli(dir, 'generate', '-i', 'old.json', '-o', 'out');
  expect(run.code, run.stderr).toBe(0);
  expect((await readdir(dir)).filter((name) => name.startsWith('.out.wcg-'))).toEqual([]);
  const state = await folderState(join(dir, 'out'));
  expect([...state.keys()].filter((name) => name.endsWith('.tmp'))).toEqual([]);
  expect(same(state, oldState, false)).toBe(true);
}

beforeAll(async () => {
  root = await tempDir('wcg-kill-');
  await writeFile(join(root, 'old.json'), JSON.stringify(tokenDocument()));
  await writeFile(join(root, 'new.json'), JSON.stringify(largeDocument()));
  // References: each output made in a project laid out like the test projects (the manifest names the paths).
  for (const which of ['old', 'new'] as const) {
    const dir = join(root, `reference-${which}`);
    await mkdir(dir);
    await cp(join(root, 'old.json'), join(dir, 'old.json'));
    await cp(join(root, 'new.json'), join(dir, 'new.json'));
    if (which === 'old') expect((await cli(dir, 'generate', '-i', 'old.json', '-o', 'out')).code).toBe(0);
  }
  oldState = await folderState(join(root, 'reference-old', 'out'));
  // The new reference comes from the child process itself (this also builds dist/ if it is stale), timed.
  const started = performance.now();
  const run = await runChild(join(root, 'reference-new'));
  fullRunMs = performance.now() - started;
  expect(run.code, run.stderr).toBe(0);
  newState = await folderState(join(root, 'reference-new', 'out'));
  expect(same(newState, oldState, false)).toBe(false);
}, 300_000);
afterAll(async () => removeDir(root));

describe('killed at each step of the writer', () => {
  const steps: Array<['staged' | 'swapping' | 'swapped', 'old' | 'new' | 'missing']> = [
    // The new output is complete beside the old one; nothing renamed yet.
    ['staged', 'old'],
    // Between the two renames: the output folder is away for an instant; the next run puts the old one back.
    ['swapping', 'missing'],
    // Swapped, the old output not yet removed.
    ['swapped', 'new'],
  ];
  it.each(steps)(
    '%s: the output is %s, and the next run cleans up',
    async (step, expected) => {
      const dir = join(root, `step-${step}`);
      const before = await freshProject(dir);
      const run = await runChild(dir, { WEALTHCARE_CODEGEN_TEST_CRASH_AT: step });
      expect(run.signal).toBe('SIGKILL');
      const after = await inspect(dir, before);
      expect(after.output).toBe(expected);
      expect(after.siblings.length).toBeGreaterThan(0);
      await expectRecovered(dir);
    },
    300_000,
  );
});

describe('killed from outside', () => {
  it('as soon as the staging folder appears, and a few milliseconds later: old or new, never mixed', async () => {
    const outcomes: string[] = [];
    for (const delayMs of [0, 1, 3, 10, 30]) {
      const dir = join(root, `poll-${delayMs}`);
      const before = await freshProject(dir);
      const run = await runChild(dir, {}, (child) => {
        const poll = setInterval(() => {
          if (!readdirSync(dir).some((name) => name.startsWith('.out.wcg-new-'))) return;
          clearInterval(poll);
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        }, 1);
        child.on('exit', () => clearInterval(poll));
      });
      const after = await inspect(dir, before);
      outcomes.push(
        `${delayMs} ms: ${run.signal ?? `exit ${run.code}`}, ${after.output}, ${after.siblings.length} left over`,
      );
      expect(['old', 'new', ...(run.signal ? ['missing'] : [])]).toContain(after.output);
      if (after.output === 'missing')
        expect(after.siblings.some((name) => name.startsWith('.out.wcg-old-'))).toBe(true);
      await expectRecovered(dir);
    }
    console.log(`kills after the staging folder appeared:\n  ${outcomes.join('\n  ')}`);
  }, 300_000);

  it('at points spread over a whole run: old or new, never mixed', async () => {
    const outcomes: string[] = [];
    for (const fraction of [0.2, 0.5, 0.8, 0.95]) {
      const dir = join(root, `timed-${fraction}`);
      const before = await freshProject(dir);
      const run = await runChild(
        dir,
        {},
        (child) => void setTimeout(() => child.kill('SIGKILL'), fraction * fullRunMs),
      );
      const after = await inspect(dir, before);
      outcomes.push(`${Math.round(fraction * fullRunMs)} ms: ${run.signal ?? `exit ${run.code}`}, ${after.output}`);
      expect(['old', 'new', ...(run.signal ? ['missing'] : [])]).toContain(after.output);
      await expectRecovered(dir);
    }
    console.log(`kills at fractions of a ${Math.round(fullRunMs)} ms run:\n  ${outcomes.join('\n  ')}`);
  }, 300_000);
});

describe('leftovers of killed runs', () => {
  it('are removed by the next run, also when it has nothing to change, and never taken for output', async () => {
    const dir = join(root, 'leftovers');
    const before = await freshProject(dir);
    // Staging siblings of dead runs (pid 2^22 + 1 exceeds pid_max).
    await mkdir(join(dir, '.out.wcg-new-4194305'));
    await writeFile(join(dir, '.out.wcg-new-4194305', 'schema.ts'), 'half a file');
    await mkdir(join(dir, '.out.wcg-old-4194306'));
    // Nothing to change: without leftovers this would be the no-op path, which must defer to the writer.
    const run = await cli(dir, 'generate', '-i', 'old.json', '-o', 'out');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/nothing changed/);
    expect((await readdir(dir)).filter((name) => name.startsWith('.out.'))).toEqual([]);
    // Unchanged files keep their bytes and mtimes.
    expect(await folderState(join(dir, 'out'))).toEqual(before);
  });

  it('a missing output with an old sibling is put back, the newest one if several', async () => {
    const dir = join(root, 'put-back');
    await freshProject(dir);
    await cp(join(dir, 'out'), join(dir, '.out.wcg-old-4194305'), { recursive: true });
    // An older one, from an earlier killed run, holds something else.
    await mkdir(join(dir, '.out.wcg-old-4194306'));
    await writeFile(join(dir, '.out.wcg-old-4194306', 'schema.ts'), 'older');
    await utimes(join(dir, '.out.wcg-old-4194306'), new Date(2000, 0, 1), new Date(2000, 0, 1));
    await removeDir(join(dir, 'out'));
    await expectRecovered(dir);
  });

  it('files the generator did not make survive a swap, byte for byte', async () => {
    const dir = join(root, 'user-files');
    await freshProject(dir);
    await writeFile(join(dir, 'out', 'README.md'), '# mine\n');
    await mkdir(join(dir, 'out', 'extra'));
    await writeFile(join(dir, 'out', 'extra', 'notes.txt'), 'keep me');
    const run = await runChild(dir);
    expect(run.code, run.stderr).toBe(0);
    const state = await folderState(join(dir, 'out'));
    expect(state.get('README.md')?.bytes.toString()).toBe('# mine\n');
    expect(state.get('extra/notes.txt')?.bytes.toString()).toBe('keep me');
    expect(
      same(new Map([...state].filter(([name]) => name !== 'README.md' && !name.startsWith('extra/'))), newState, false),
    ).toBe(true);
  }, 300_000);
});
