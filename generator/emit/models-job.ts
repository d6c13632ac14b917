import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { GeneratorIR } from '../analyze/ir.js';
import { toPlainData } from './plain-data.js';

/** What the worker posts back: the text of models.ts, or the error it threw. */
export type ModelsReply = { ok: true; text: string } | { ok: false; name: string; message: string; stack?: string };

/** What the worker is given. */
export interface ModelsJob {
  ir: GeneratorIR;
  /** Index into `ir.tokenEndpoints`. */
  endpoint: number;
}

/**
 * Starts building `models.ts` (ts-morph) and resolves to its text.
 *
 * Why a worker thread: ts-morph bundles its own TypeScript, about 0.4 s and 40 MiB to load, and nothing else in a
 * run needs it. Started as soon as the analyzer has found a token endpoint, that load runs on the second core while
 * the main thread loads openapi-typescript and its TypeScript (about 0.9 s) for schema.ts, so it costs no wall time.
 * Documents without a token endpoint never start it.
 *
 * From the TypeScript sources (tests run them through vitest) there is no JavaScript worker file to start, so the
 * models are built in-process, with the same code; the CLI runs from dist/ and uses the worker.
 */
export function startModels(job: ModelsJob, prestarted?: PrestartedModels): Promise<string> {
  const workerFile = new URL('./models-worker.js', import.meta.url);
  const inProcess = !import.meta.url.endsWith('.js') || !existsSync(fileURLToPath(workerFile));
  // Checked and copied as plain data on both paths (plain-data.ts), so that the in-process path the tests take
  // builds from exactly what the worker receives, and anything that could not cross is a named bug, not a clone
  // error.
  let plain: ModelsJob;
  try {
    plain = toPlainData(job, 'job');
  } catch (error) {
    return Promise.reject(error as Error);
  }
  const result = prestarted
    ? prestarted.run(plain)
    : inProcess
      ? buildInProcess(plain)
      : buildInWorker(new Worker(workerFile, { workerData: plain }));
  // The caller awaits it later; a failure meanwhile must not count as an unhandled rejection.
  result.catch(() => undefined);
  return result;
}

async function buildInProcess(job: ModelsJob): Promise<string> {
  const { emitModels } = await import('./models.js');
  return emitModels(job.ir, job.ir.tokenEndpoints[job.endpoint]!);
}

/** A models worker started before its job is known (see {@link prestartModels}). */
export interface PrestartedModels {
  /** Hands the worker its job; resolves to the text of models.ts. At most once. */
  run(job: ModelsJob): Promise<string>;
  /** Stops the worker if it was not given a job (no token endpoint after all, or the run failed). */
  cancel(): void;
}

/**
 * Starts the models worker before the document is loaded, so that loading ts-morph (the longest thing the worker
 * does, ~0.4 s of a ~0.5 s job) overlaps loading @redocly/openapi-core, reading, linting and bundling on the main
 * thread, instead of starting after analyze. Measured on the WealthCare document: docs/performance.md, round two.
 * The worker waits for its job unref()'d, so a run that fails or finds no token endpoint never waits for it; the
 * caller cancels it then. Returns undefined where there is no worker file (tests run the TypeScript sources).
 */
export function prestartModels(): PrestartedModels | undefined {
  const workerFile = new URL('./models-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.js') || !existsSync(fileURLToPath(workerFile))) return undefined;
  const worker = new Worker(workerFile, { workerData: { prestart: true } });
  worker.unref();
  // An error of a worker nobody awaits yet (it could not load ts-morph) surfaces when the job is run.
  let early: Error | undefined;
  const onEarlyError = (error: Error): void => void (early = error);
  worker.once('error', onEarlyError);
  let used = false;
  return {
    run(job) {
      used = true;
      if (early) return Promise.reject(early);
      worker.off('error', onEarlyError);
      worker.ref();
      const result = buildInWorker(worker);
      worker.postMessage(job);
      return result;
    },
    cancel() {
      if (!used) void worker.terminate();
    },
  };
}

function buildInWorker(worker: Worker): Promise<string> {
  return new Promise((resolve, reject) => {
    // Not unref()'d: the run awaits this answer, and an unref'd worker would let the process exit while it waits.
    // A run that fails elsewhere meanwhile exits once the worker has finished its one job (well under a second).
    worker.once('message', (reply: ModelsReply) => (reply.ok ? resolve(reply.text) : reject(revive(reply))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the models.ts worker exited with code ${code} before answering`)));
  });
}

/**
 * The worker's error, rebuilt on this thread. emitModels only ever throws on a bug (bad input is refused by load and
 * analyze), so name, message and stack are all there is to carry.
 */
function revive(reply: Extract<ModelsReply, { ok: false }>): Error {
  const error = new Error(reply.message);
  error.name = reply.name;
  if (reply.stack !== undefined) error.stack = reply.stack;
  return error;
}
