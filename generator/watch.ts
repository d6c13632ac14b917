import { relative, resolve, sep } from 'node:path';
import { generate, resolveRun, type RunOptions } from './api.js';
import type { CliIo } from './cli.js';
import { generateLines, warningLines } from './cli.js';
import { CONFIG_FILES } from './config.js';
import { ExitCode, InputError } from './errors.js';
import { TOOL_NAME } from './version.js';

/** Quiet time after the last change before a run starts: editors write a file in several steps. */
export const DEBOUNCE_MS = 150;

/**
 * `generate --watch`: generates once, then again whenever a watched file changes: the config file (or, without
 * one, the names a config would have), each job's document and every local file it `$ref`s (from the run's
 * manifests, so a new `$ref` is watched from the next run on). Changes are debounced; a run never overlaps another
 * (changes during a run start one more after it). Each run prints one line per job, prefixed with the time and the
 * files that changed; a bad edit prints its one-line error and the outputs stay as they were. Runs until the process
 * gets SIGINT or SIGTERM (or `signal` aborts, for tests), then resolves to 0.
 */
export async function watch(options: RunOptions, io: CliIo, signal?: AbortSignal): Promise<number> {
  const cwd = resolve(options.cwd ?? io.cwd);
  const { watch: chokidarWatch } = await import('chokidar');
  const watcher = chokidarWatch([], { ignoreInitial: true, cwd, atomic: true });
  const watched = new Set<string>();
  const follow = (paths: Iterable<string>): void => {
    const next = [...paths].filter((path) => !/^https?:\/\//i.test(path)).map((path) => resolve(cwd, path));
    const added = next.filter((path) => !watched.has(path));
    for (const path of added) watched.add(path);
    if (added.length > 0) watcher.add(added);
  };
  const configFiles =
    typeof options.config === 'string' ? [options.config] : options.config === undefined ? [...CONFIG_FILES] : [];
  follow(configFiles);

  const label = (path: string) => relative(cwd, resolve(cwd, path)).split(sep).join('/');
  const time = () => new Date().toTimeString().slice(0, 8);
  let running = false;
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const run = async (changed: string[]): Promise<void> => {
    running = true;
    const prefix = `[${time()}] ${changed.length > 0 ? `${changed.join(', ')} changed: ` : ''}`;
    try {
      const result = await generate({ ...options, cwd });
      follow(result.jobs.flatMap((job) => [job.input, ...job.inputs]));
      io.stderr(warningLines(result));
      io.stdout(`${prefix}${generateLines(result).join(' ')}\n`);
    } catch (error) {
      // Keep watching what the last good config named, and the documents of the one that failed, if it parses.
      await resolveRun({ ...options, cwd })
        .then(({ jobs }) => follow(jobs.map((job) => job.input)))
        .catch(() => undefined);
      const message =
        error instanceof InputError ? error.message : `internal error: ${String((error as Error)?.message ?? error)}`;
      io.stderr(`${prefix}${TOOL_NAME}: ${message.split('\n')[0]} (watching for the next change)\n`);
    } finally {
      running = false;
    }
    if (pending.size > 0) schedule();
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) return;
      const changed = [...pending].sort();
      pending = new Set();
      void run(changed);
    }, DEBOUNCE_MS);
  };
  watcher.on('all', (_event, path) => {
    pending.add(label(path));
    schedule();
  });

  await new Promise<void>((resolveReady) => watcher.once('ready', () => resolveReady()));
  await run([]);
  io.stdout(`[${time()}] watching for changes (Ctrl-C to stop)\n`);
  await new Promise<void>((stop) => {
    const done = () => stop();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    signal?.addEventListener('abort', done, { once: true });
  });
  clearTimeout(timer);
  await watcher.close();
  return ExitCode.ok;
}
