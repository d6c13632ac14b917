import { resolve } from 'node:path';
import {
  EXAMPLES_MODES,
  isImportStyle,
  isPrettierMode,
  readConfig,
  resolveJobs,
  validateConfig,
  type CodegenConfig,
  type ExamplesMode,
  type ImportStyle,
  type PrettierMode,
  type ResolvedJob,
} from './config.js';
import type { Change } from './diff/index.js';
import { InputError } from './errors.js';
import { runJobs, type JobRun } from './jobs.js';

/**
 * The programmatic API: `generate`, `check` and `diff`, as the CLI runs them (the CLI only prints their results
 * and turns them into exit codes). They never print and never exit; bad input rejects with an {@link InputError}
 * (one line: what, where, how to fix; `exitCode` says what the CLI would exit with) and leaves every file as it was.
 *
 * This module is on the no-op path: the pipeline is imported only when a job needs it.
 */

/** Options of {@link generate} and {@link check}. */
export interface RunOptions {
  /** Working directory: relative paths (and the default config file) are resolved against it. Default: `process.cwd()`. */
  cwd?: string;
  /**
   * The config: a file (relative to `cwd`; `.ts`, `.mts`, `.mjs`, `.js` or `.json`), an object (its paths relative to
   * `cwd`), or `false` for none. Default: the first `wealthcare-codegen.config.{ts,mts,mjs,js,json}` in `cwd`, if any.
   */
  config?: string | CodegenConfig | false;
  /** Overrides the config's document (a config of one document only). */
  input?: string;
  /** Overrides the config's output folder (a config of one document only). */
  output?: string;
  /** Overrides every job's prettier mode. */
  prettier?: PrettierMode;
  /** Overrides every job's import style. */
  importStyle?: ImportStyle;
  /** Overrides every job's example validation (config.ts ExamplesMode). */
  examples?: ExamplesMode;
  /**
   * `false` runs the whole pipeline even when the manifest shows nothing changed (to see the validation warnings,
   * which only the pipeline finds). Default: `true`.
   */
  fastPath?: boolean;
}

/** A generated file that differs from what was on disk. */
export interface FileChange {
  /** Its name inside the output folder (`/`-separated). */
  name: string;
  /** `created`: new; `changed`: its content changed; `removed`: no longer generated, deleted. */
  state: 'created' | 'changed' | 'removed';
}

/** What one job did. */
export interface JobResult {
  /** The job's name (its output folder unless the config names it). */
  name: string;
  /** The document, relative to `cwd` (or its URL). */
  input: string;
  /** The output folder, relative to `cwd`. */
  output: string;
  /** `true` when the manifest showed nothing to do and the pipeline did not run. */
  fastPath: boolean;
  /** Files written (generate) or that would be written (check): created, changed or removed. */
  files: FileChange[];
  /** How many generated files are unchanged (the manifest included). */
  unchanged: number;
  /** Local files the document was built from (it and every file it `$ref`s), relative to `cwd`. */
  inputs: string[];
  /** Validation problems that did not stop generation, one line each with its location. */
  warnings: string[];
}

/** What {@link generate} did: one entry per job, in config order. */
export interface GenerateResult {
  jobs: JobResult[];
}

/** What {@link check} found for one job. */
export interface CheckJobResult extends JobResult {
  /** Whether the output on disk differs from what the document generates. `files` lists the stale files. */
  stale: boolean;
  /** A unified diff of the stale files (paths relative to `cwd`); empty when fresh. */
  diff: string;
  /** When the document changed since the output was generated: its API changes, classified (text). */
  apiChanges?: string;
  /** The document the output on disk was generated from (its manifest), when stale. */
  previousSource?: string;
}

/** What {@link check} found: one entry per job, in config order. */
export interface CheckResult {
  /** Whether any job's output is stale. */
  stale: boolean;
  jobs: CheckJobResult[];
}

/**
 * Generates every job of the config: writes what changed, atomically per output folder, and nothing at all when any
 * job fails. A job whose manifest shows nothing changed answers from its fast path without loading the pipeline.
 * @throws {InputError} for a bad config, document or option.
 * @example
 * const { jobs } = await generate({ config: 'wealthcare-codegen.config.ts' });
 * for (const job of jobs) console.log(job.output, job.files);
 */
export async function generate(options: RunOptions = {}): Promise<GenerateResult> {
  const { cwd, jobs } = await resolveRun(options);
  const runs = await runJobs(jobs, { cwd, check: false, ...(options.fastPath === false ? { fastPath: false } : {}) });
  return { jobs: runs.map(jobResult) };
}

/**
 * Compares every job's output with what its document generates, writing nothing: the CI drift gate.
 * @throws {InputError} for a bad config, document or option.
 * @example
 * const result = await check();
 * if (result.stale) for (const job of result.jobs) if (job.stale) console.error(job.diff);
 */
export async function check(options: RunOptions = {}): Promise<CheckResult> {
  const { cwd, jobs } = await resolveRun(options);
  const runs = await runJobs(jobs, { cwd, check: true, ...(options.fastPath === false ? { fastPath: false } : {}) });
  const results = runs.map((run): CheckJobResult => {
    const base = jobResult(run);
    const result = run.result;
    const stale = result?.stale ?? false;
    return {
      ...base,
      stale,
      diff: result?.diff ?? '',
      ...(result?.apiChanges !== undefined ? { apiChanges: result.apiChanges } : {}),
      ...(stale && result?.previousManifest ? { previousSource: result.previousManifest.source } : {}),
    };
  });
  return { stale: results.some((job) => job.stale), jobs: results };
}

/** Which severity fails a diff: `breaking`, `warning` (or breaking), or `never`. */
export type FailOn = 'breaking' | 'warning' | 'never';

/** Options of {@link diff}. */
export interface DiffOptions {
  /** Working directory for relative paths and `git:` revisions. Default: `process.cwd()`. */
  cwd?: string;
  /** Which severity makes {@link DiffResult.failed} true. Default: `breaking`. */
  failOn?: FailOn;
}

/** The classified changes between two documents. */
export interface DiffResult {
  /** Every change, most severe first, with its severity, location and message. */
  changes: Change[];
  /** How many changes of each severity. */
  counts: { breaking: number; warning: number; info: number };
  /** Whether a change of the `failOn` severity or worse was found (the CLI then exits 1). */
  failed: boolean;
}

/**
 * Classifies the changes between two OpenAPI documents (breaking, warning, info), including the OAuth view (grants,
 * scopes, client authentication).
 * @param oldDocument A file, an http(s) URL, or `git:<rev>:<path>`.
 * @param newDocument The same forms.
 * @throws {InputError} when either document cannot be read or is not valid.
 */
export async function diff(oldDocument: string, newDocument: string, options: DiffOptions = {}): Promise<DiffResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const [{ compareDocuments }, { meetsFailOn, summarize }] = await Promise.all([
    import('./compare.js'),
    import('./diff/index.js'),
  ]);
  const changes = await compareDocuments(oldDocument, newDocument, cwd);
  return { changes, counts: summarize(changes), failed: meetsFailOn(changes, options.failOn ?? 'breaking') };
}

/** The config read (or taken) and turned into jobs. Exported for the CLI's watch mode. */
export async function resolveRun(
  options: RunOptions,
): Promise<{ cwd: string; jobs: ResolvedJob[]; configPath?: string }> {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (options.prettier !== undefined && !isPrettierMode(options.prettier))
    throw new InputError(`prettier must be one of auto, always, never (got ${JSON.stringify(options.prettier)})`);
  if (options.importStyle !== undefined && !isImportStyle(options.importStyle))
    throw new InputError(`importStyle must be one of js, ts, none (got ${JSON.stringify(options.importStyle)})`);
  if (options.examples !== undefined && !EXAMPLES_MODES.includes(options.examples))
    throw new InputError(`examples must be one of off, warn, error (got ${JSON.stringify(options.examples)})`);
  let config: CodegenConfig = {};
  let configPath: string | undefined;
  if (typeof options.config === 'object') config = validateConfig(options.config, 'config');
  else if (options.config !== false) ({ config, path: configPath } = await readConfig(options.config, cwd));
  const jobs = resolveJobs(config, {
    cwd,
    configPath,
    overrides: {
      input: options.input,
      output: options.output,
      prettier: options.prettier,
      importStyle: options.importStyle,
      examples: options.examples,
    },
  });
  return { cwd, jobs, ...(configPath !== undefined ? { configPath } : {}) };
}

function jobResult(run: JobRun): JobResult {
  const { job, result } = run;
  const files = (result?.statuses ?? []).flatMap((status): FileChange[] =>
    status.state === 'unchanged' ? [] : [{ name: status.name, state: status.state }],
  );
  return {
    name: job.name,
    input: job.input,
    output: job.output,
    fastPath: run.fresh !== undefined,
    files,
    unchanged: run.fresh ?? (result ? result.statuses.length - files.length : 0),
    inputs: run.inputs,
    warnings: result?.warnings ?? [],
  };
}
