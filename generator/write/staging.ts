/**
 * The sibling folders of an atomic output swap (see write.ts), and the recovery of a swap a killed run left
 * half-done. Node built-ins only: the no-op path (no-op.ts) uses {@link hasLeftovers} without loading the pipeline.
 *
 * For an output folder `<parent>/<name>`, a run that changes files uses two siblings, named with its process id:
 * - `<parent>/.<name>.wcg-new-<pid>`: the complete new output, built beside the old one;
 * - `<parent>/.<name>.wcg-old-<pid>`: the old output, moved aside for the instant of the swap.
 */
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export type StagingKind = 'new' | 'old';

/** The sibling folder of `outputDir` of this kind for process `pid`. */
export function stagingPath(outputDir: string, kind: StagingKind, pid = process.pid): string {
  return join(dirname(outputDir), `.${basename(outputDir)}.wcg-${kind}-${pid}`);
}

interface Leftover {
  path: string;
  kind: StagingKind;
  pid: number;
}

/** Whether process `pid` still runs (on this machine). */
function alive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Staging folders of `outputDir` left by runs that no longer run. */
async function leftovers(outputDir: string): Promise<Leftover[]> {
  const prefix = `.${basename(outputDir)}.wcg-`;
  const entries = await readdir(dirname(outputDir)).catch(() => [] as string[]);
  const folders: Leftover[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(new|old)-(\d+)$/.exec(entry.slice(prefix.length));
    if (match && !alive(Number(match[2])))
      folders.push({ path: join(dirname(outputDir), entry), kind: match[1] as StagingKind, pid: Number(match[2]) });
  }
  return folders;
}

/** Whether a killed run left anything to recover or clean up (cheap: one directory listing). */
export async function hasLeftovers(outputDir: string): Promise<boolean> {
  return (await leftovers(outputDir)).length > 0;
}

/**
 * Puts the output folder back the way it was before a run that was killed, and removes what that run left:
 * - the output folder is missing and an `old` sibling exists: the run died between the two renames of its swap;
 *   the old output is renamed back into place;
 * - any other `new` or `old` sibling is removed (a `new` one never became the output; an `old` one is the output
 *   a finished swap replaced).
 * Siblings of runs that still run are left alone.
 */
export async function recoverInterruptedWrite(outputDir: string): Promise<void> {
  const folders = await leftovers(outputDir);
  const exists = await stat(outputDir).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const old = folders.filter((folder) => folder.kind === 'old');
    // Normally at most one; if several, the most recent one was the output last.
    const times = await Promise.all(old.map(async (folder) => (await stat(folder.path)).mtimeMs));
    const latest = old[times.indexOf(Math.max(...times))];
    if (latest) {
      await rename(latest.path, outputDir);
      folders.splice(folders.indexOf(latest), 1);
    }
  }
  await Promise.all(folders.map((folder) => rm(folder.path, { recursive: true, force: true })));
}
