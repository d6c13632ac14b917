import { createRequire } from 'node:module';
import {
  chmod,
  copyFile,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  symlink,
  utimes,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { MANIFEST_NAME, parseManifest } from './manifest.js';
import { recoverInterruptedWrite, stagingPath } from './staging.js';

/** One output file compared with what is on disk. */
export interface FileStatus {
  name: string;
  /** `created`: not on disk; `changed`: differs; `unchanged`; `removed`: on disk, listed by the old manifest, no longer generated. */
  state: 'created' | 'changed' | 'unchanged' | 'removed';
  before?: string;
  after?: string;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
}

/**
 * Compares rendered files with the output folder.
 * @param previous Names the previous run generated (from its manifest): those no longer rendered are `removed`.
 */
export async function compareWithDisk(
  outputDir: string,
  files: Map<string, string>,
  previous: Iterable<string> = [],
): Promise<FileStatus[]> {
  const statuses = await Promise.all(
    [...files].map(async ([name, after]): Promise<FileStatus> => {
      const before = await readIfExists(join(outputDir, name));
      const state = before === undefined ? 'created' : before === after ? 'unchanged' : 'changed';
      return { name, state, after, ...(before !== undefined ? { before } : {}) };
    }),
  );
  for (const name of previous) {
    if (files.has(name) || name.includes('..') || name.startsWith('/')) continue;
    const before = await readIfExists(join(outputDir, name));
    if (before !== undefined) statuses.push({ name, state: 'removed', before });
  }
  return statuses;
}

/**
 * Most changed lines (insertions plus deletions) one file's diff shows. jsdiff's Myers diff grows about with the
 * square of that number: on GitHub's description (22.0.0 → 23.0.2) the full diff of operations.ts took 12 s and that
 * of schema.ts did not end within 20 s, so a stale `--check` ran for many minutes; with this bound each file costs at
 * most about 0.7 s here (measured: 0.28 s at 1000, 1.3 s at 3000). A bound on edits, not on time, keeps the output
 * the same on every machine.
 */
export const MAX_DIFF_EDITS = 2000;

/**
 * A unified diff of every file that is not unchanged, paths shown relative to the repo (`label`). A file with more
 * than {@link MAX_DIFF_EDITS} changed lines is named with one line instead: nobody reviews such a diff in a CI log,
 * and `git diff` after a `generate` shows it.
 */
export function unifiedDiff(statuses: FileStatus[], label: (name: string) => string): string {
  // Loaded here, not at start-up: only a stale `--check` prints a diff, and every cold run paid ~20 ms to load it.
  const { createTwoFilesPatch } = createRequire(import.meta.url)('diff') as typeof import('diff');
  return statuses
    .filter((status) => status.state !== 'unchanged')
    .map(
      (status) =>
        createTwoFilesPatch(
          label(status.name),
          label(status.name),
          status.before ?? '',
          status.after ?? '',
          status.state === 'created' ? '(missing)' : 'on disk',
          status.state === 'removed' ? '(no longer generated)' : 'generated',
          { context: 3, maxEditLength: MAX_DIFF_EDITS },
        ) ??
        `${label(status.name)} (${status.state}): more than ${MAX_DIFF_EDITS} lines differ, not shown here; run generate and see git diff\n`,
    )
    .join('');
}

/**
 * Writes the output atomically, as one folder: no kill, crash or error at any point leaves a mix of old and new
 * files in the output folder.
 *
 * Design: a run that changes anything builds the complete new output in a sibling folder,
 * `<parent>/.<name>.wcg-new-<pid>` (see staging.ts): changed and created files are written (and fsynced) there;
 * unchanged files are hard links to the old ones, so they keep their mtime and cost no copy (a copy with the old
 * times, where the file system refuses links); files of the folder the generator did not make are carried over the
 * same way; files no longer generated are left behind. Then two renames swap the
 * folders: the output to `.<name>.wcg-old-<pid>`, the new folder to the output; the old one is removed.
 *
 * So at every instant the output folder is the complete old output or the complete new one, except between the two
 * renames (microseconds), when it does not exist. A run killed there, or anywhere, is repaired by the next run before
 * it does anything else ({@link recoverInterruptedWrite}: the old output is renamed back, leftover siblings
 * are removed; the no-op path defers to a full run while any exist). Nothing temporary is ever inside the
 * output folder, so nothing temporary can be taken for output. Runs that change nothing touch nothing.
 *
 * `WEALTHCARE_CODEGEN_TEST_CRASH_AT` (`staged`, `swapping`, `swapped`) makes the process SIGKILL itself at that
 * point: fault injection for test/hostile/kill-mid-write.test.ts, which also kills it from outside at random points.
 */
export async function writeChanged(requestedDir: string, statuses: FileStatus[]): Promise<void> {
  // A symlinked output folder is swapped where it really is; the link stays.
  const outputDir = await realpath(requestedDir).catch(() => requestedDir);
  const fail = (error: unknown): never => {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `cannot write the output (${(error as NodeJS.ErrnoException).code ?? 'error'}); nothing was changed`,
      requestedDir,
    );
  };
  await recoverInterruptedWrite(outputDir).catch(fail);
  if (!statuses.some((status) => status.state !== 'unchanged')) return;
  const existing = await stat(outputDir).catch((error: NodeJS.ErrnoException) =>
    error.code === 'ENOENT' ? undefined : fail(error),
  );
  if (existing && !existing.isDirectory())
    throw new InputError('is not a folder', requestedDir, 'Pass a folder (or a new name) with --output.');
  const staging = stagingPath(outputDir, 'new');
  const aside = stagingPath(outputDir, 'old');
  try {
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    if (existing) {
      // Generated files are the ones rendered now and the ones the manifest on disk lists (stale ones included).
      const manifest = parseManifest(await readFile(join(outputDir, MANIFEST_NAME), 'utf8').catch(() => undefined));
      const generated = new Set([...statuses.map((status) => status.name), ...Object.keys(manifest?.files ?? {})]);
      await carryOver(outputDir, staging, generated);
    }
    for (const status of statuses) {
      if (status.state === 'removed') continue;
      const target = join(staging, status.name);
      await mkdir(dirname(target), { recursive: true });
      if (status.state === 'unchanged') await linkOrCopy(join(outputDir, status.name), target);
      else await writeDurably(target, status.after ?? '');
    }
    if (existing) await chmod(staging, existing.mode & 0o7777);
    await syncFolder(staging);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    fail(error);
  }
  crashPoint('staged');
  if (existing) {
    await rename(outputDir, aside).catch(async (error: unknown) => {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      fail(error);
    });
    crashPoint('swapping');
    await rename(staging, outputDir).catch(async (error: unknown) => {
      await rename(aside, outputDir).catch(() => undefined);
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      fail(error);
    });
  } else {
    await mkdir(dirname(outputDir), { recursive: true }).catch(fail);
    await rename(staging, outputDir).catch(async (error: unknown) => {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      fail(error);
    });
  }
  await syncFolder(dirname(outputDir));
  crashPoint('swapped');
  await rm(aside, { recursive: true, force: true }).catch(() => undefined);
}

/** The most files of its own a user may keep in the output folder: the generator owns the folder, not the repo. */
export const MAX_CARRIED_FILES = 10_000;

/** Links (or copies) every entry of `from` but generated files into `to`, recursively. */
async function carryOver(from: string, to: string, generated: ReadonlySet<string>): Promise<void> {
  let carried = 0;
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await readdir(join(from, relative), { withFileTypes: true })) {
      const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const source = join(from, name);
      const target = join(to, name);
      if (entry.isDirectory()) {
        await mkdir(target);
        await walk(name);
        continue;
      }
      if (generated.has(name)) continue;
      carried += 1;
      if (carried > MAX_CARRIED_FILES) {
        throw new InputError(
          `the output folder holds more than ${MAX_CARRIED_FILES} files the generator did not make`,
          from,
          'Give the generated code a folder of its own with --output.',
        );
      }
      if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
      else await linkOrCopy(source, target);
    }
  };
  await walk('');
}

/** A hard link to `source` at `target`, or a copy with the same mode and times where links are refused. */
async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await link(source, target);
  } catch {
    const info = await stat(source);
    await copyFile(source, target);
    await chmod(target, info.mode & 0o7777);
    await utimes(target, info.atime, info.mtime);
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync of a folder, so that the entries written or renamed in it survive a power loss; best effort. */
async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

function crashPoint(name: 'staged' | 'swapping' | 'swapped'): void {
  if (process.env.WEALTHCARE_CODEGEN_TEST_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
