import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { ExamplesMode, ImportStyle, ResolvedJob } from './config.js';
import type { EmitOptions } from './emit/emit.js';
import { InputError } from './errors.js';
import type { GenerateResult as PipelineResult } from './generate.js';
import { detectNoOp } from './no-op.js';
import { MANIFEST_NAME, parseManifest } from './write/manifest.js';
import type { FileStatus } from './write/write.js';

/**
 * Runs the jobs of one config in one process: each job first tries its own fast path (no-op.ts, from its own
 * manifest); the others share one load of the pipeline's modules and run concurrently (their models.ts workers and
 * file I/O overlap). Every job is computed before any is written, so a bad job leaves every output untouched.
 *
 * This module is on the no-op path: it imports the pipeline only when some job needs it.
 */

/**
 * What shapes the output besides the document and the prettier mode (import style, links to other outputs), as
 * text for the no-op fingerprint; empty for the defaults, so their fingerprints are as before.
 */
export function outputVariant(options: {
  importStyle?: ImportStyle | undefined;
  link?: EmitOptions | undefined;
  examples?: ExamplesMode | undefined;
}): string {
  const parts = [
    // Not output-shaping, but a run that checks examples must not be answered by one that did not.
    options.examples && options.examples !== 'off' ? `examples ${options.examples}` : '',
    options.importStyle && options.importStyle !== 'js' ? `imports ${options.importStyle}` : '',
    options.link?.tokenClientFrom !== undefined ? `token-client-from ${options.link.tokenClientFrom}` : '',
    options.link?.errorsForOperations ? 'errors-for-operations' : '',
  ];
  return parts.filter(Boolean).join('\n');
}

/** The outcome of one job, before it is shaped for the API (api.ts). */
export interface JobRun {
  job: ResolvedJob;
  /** Set when the fast path answered: the number of files found fresh (manifest included). */
  fresh?: number;
  /** Set when the pipeline ran. */
  result?: PipelineResult;
  /** Local files the document was built from, relative to the working directory (for watch mode). */
  inputs: string[];
}

/**
 * Runs every job: compare only (`check`), or compute all and then write all.
 * @throws {InputError} naming the job (when there are several) for the first job that fails.
 */
export async function runJobs(
  jobs: ResolvedJob[],
  options: { cwd: string; check: boolean; fastPath?: boolean },
): Promise<JobRun[]> {
  const { cwd } = options;
  const providers = new Set(jobs.flatMap((job) => (job.tokenClientFrom !== undefined ? [job.tokenClientFrom] : [])));
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const linkOf = (job: ResolvedJob): EmitOptions => {
    const link: EmitOptions = {};
    if (job.tokenClientFrom !== undefined) {
      const provider = byName.get(job.tokenClientFrom)!;
      const path = toPosix(relative(resolve(cwd, job.output), resolve(cwd, provider.output)));
      link.tokenClientFrom = path.startsWith('.') ? path : `./${path}`;
    }
    if (providers.has(job.name)) link.errorsForOperations = true;
    return link;
  };
  const named = <T>(job: ResolvedJob, promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      if (jobs.length > 1 && error instanceof InputError)
        throw Object.assign(new InputError(`job ${JSON.stringify(job.name)}: ${error.message}`), { cause: error });
      throw error;
    });

  const runs = await Promise.all(
    jobs.map((job) =>
      named(
        job,
        (async (): Promise<JobRun> => {
          const link = linkOf(job);
          const variant = outputVariant({ importStyle: job.importStyle, link, examples: job.examples });
          const fresh =
            options.fastPath === false
              ? undefined
              : await detectNoOp({
                  input: job.input,
                  output: job.output,
                  prettier: job.prettier,
                  variant,
                  cwd,
                });
          if (fresh !== undefined) return { job, fresh, inputs: await manifestInputs(cwd, job.output) };
          const { generate } = await import('./generate.js');
          const result = await generate({
            input: job.input,
            output: job.output,
            cwd,
            check: options.check,
            prettier: job.prettier,
            importStyle: job.importStyle,
            examples: job.examples,
            link,
            write: false,
          });
          return { job, result, inputs: inputsOf(result) };
        })(),
      ),
    ),
  );

  // A job that takes its token client from another needs that output to have one.
  for (const run of runs) {
    const from = run.job.tokenClientFrom;
    if (from === undefined) continue;
    const provider = runs.find((other) => other.job.name === from)!;
    const hasTokenClient = provider.result
      ? provider.result.ir.tokenEndpoints.length > 0
      : (await manifestFiles(cwd, provider.job.output)).includes('token-source.ts');
    if (!hasTokenClient)
      throw new InputError(
        `job ${JSON.stringify(run.job.name)}: tokenClientFrom names job ${JSON.stringify(from)}, whose document (${provider.job.input}) has no token endpoint`,
        undefined,
        'Name the job of the document that defines the token endpoint.',
      );
  }

  if (!options.check) {
    const { writeChanged } = await import('./write/write.js');
    for (const run of runs) {
      if (run.result)
        await named(run.job, writeChanged(resolve(cwd, run.job.output), run.result.statuses as FileStatus[]));
    }
  }
  return runs;
}

async function readManifest(cwd: string, output: string) {
  return parseManifest(await readFile(join(resolve(cwd, output), MANIFEST_NAME), 'utf8').catch(() => undefined));
}

async function manifestInputs(cwd: string, output: string): Promise<string[]> {
  return (await readManifest(cwd, output))?.inputs ?? [];
}

async function manifestFiles(cwd: string, output: string): Promise<string[]> {
  return Object.keys((await readManifest(cwd, output))?.files ?? {});
}

/** The inputs the new manifest records (it is among the rendered files). */
function inputsOf(result: PipelineResult): string[] {
  const manifest = result.statuses.find((status) => status.name === MANIFEST_NAME);
  return parseManifest(manifest?.after)?.inputs ?? [];
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
