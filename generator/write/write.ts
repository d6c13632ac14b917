import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { InputError } from '../errors.js';

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
export async function compareWithDisk(outputDir: string, files: Map<string, string>, previous: Iterable<string> = []): Promise<FileStatus[]> {
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

/** A unified diff of every file that is not unchanged, paths shown relative to the repo (`label`). */
export function unifiedDiff(statuses: FileStatus[], label: (name: string) => string): string {
  return statuses
    .filter((status) => status.state !== 'unchanged')
    .map((status) => createTwoFilesPatch(label(status.name), label(status.name), status.before ?? '', status.after ?? '', status.state === 'created' ? '(missing)' : 'on disk', status.state === 'removed' ? '(no longer generated)' : 'generated', { context: 3 }))
    .join('');
}

/**
 * Writes changed files atomically: each goes to a temporary file beside its target, and only when every one is
 * written are they renamed into place (a rename replaces a file atomically on POSIX). A failure before the renames
 * leaves the folder as it was. Unchanged files are not touched, so their mtimes do not trigger rebuilds.
 */
export async function writeChanged(outputDir: string, statuses: FileStatus[]): Promise<void> {
  const pending = statuses.filter((status) => status.state === 'created' || status.state === 'changed');
  const temporaries: Array<{ temporary: string; target: string }> = [];
  try {
    for (const status of pending) {
      const target = join(outputDir, status.name);
      await mkdir(dirname(target), { recursive: true });
      const temporary = join(dirname(target), `.${status.name.split('/').pop()}.${process.pid}.tmp`);
      temporaries.push({ temporary, target });
      await writeFile(temporary, status.after ?? '', { flag: 'w' });
    }
  } catch (error) {
    await Promise.all(temporaries.map(({ temporary }) => rm(temporary, { force: true })));
    throw new InputError(`cannot write the output (${(error as NodeJS.ErrnoException).code ?? 'error'}); nothing was changed`, outputDir);
  }
  for (const { temporary, target } of temporaries) await rename(temporary, target);
  for (const status of statuses) if (status.state === 'removed') await rm(join(outputDir, status.name), { force: true });
}
