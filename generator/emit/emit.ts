import type { GeneratorIR } from '../analyze/ir.js';
import type { LoadedDocument } from '../load/load.js';
import { indexSource, outputPlan, runtimeSource } from '../exports.js';
import { fileHeader } from './header.js';
import { startModels, type PrestartedModels } from './models-job.js';
import { emitSchemaTypes } from './schema-types.js';
import { renderTemplate } from './templates.js';
import { grantsView } from './views.js';
import { testingView } from './testing.js';
import { operationsView } from './operations.js';

/** Generated files by name (relative to the output folder), unformatted, each with its header. */
export type EmittedFiles = Map<string, string>;

/** How this output links to other outputs of the same run (config jobs: generator/jobs.ts). */
export interface EmitOptions {
  /**
   * The relative import specifier, from this output folder, of another output that holds the token client
   * (e.g. `../wealthcare`): this output gets no token client and no `errors.ts`; its operations import the
   * errors and the `TokenSource` type from there.
   */
  tokenClientFrom?: string;
  /**
   * Other outputs' operations throw this output's errors. Nothing to do since the runtime became modules:
   * `ApiError` lives in each output's operations-runtime.ts and extends the shared `TokenClientError`.
   */
  errorsForOperations?: boolean;
  /** A models worker started before the document was loaded (generate.ts); cancelled here when not needed. */
  prestartedModels?: PrestartedModels;
  /**
   * The caller has no further use for `loaded.document` (generate.ts, once the source snapshot is serialized):
   * openapi-typescript may then work on it in place instead of on a copy (emit/schema-types.ts).
   */
  documentSpent?: boolean;
}

/**
 * Emits every generated file of the {@link outputPlan}: `schema.ts` (openapi-typescript), `models.ts` (ts-morph),
 * the runtime modules (templates/runtime/*.ts, copied verbatim below the header), the document-specific parts
 * (handlebars: grants.ts, operations.ts, testing.ts) and index.ts (exports.ts).
 */
export async function emit(loaded: LoadedDocument, ir: GeneratorIR, options: EmitOptions = {}): Promise<EmittedFiles> {
  const header = fileHeader(ir.document.source, ir.document.sha256);
  // One token client per generated folder: the first token endpoint of the document gets it. An output that takes
  // its token client from another job's output (config jobs) gets none, nor errors.ts: its modules import the
  // errors of that output, so `instanceof` holds across both folders.
  const shared = options.tokenClientFrom;
  const plan = outputPlan(shared === undefined ? ir : { ...ir, tokenEndpoints: [] }, {
    sharedErrors: shared !== undefined,
  });
  const linkErrors = (text: string): string =>
    shared === undefined ? text : text.replaceAll("from './errors.js'", `from '${specifierText(shared)}/errors.js'`);
  const rendered = new Map<string, string>();
  const add = (name: string, body: string): void => void rendered.set(name, `${header}\n${body.trimEnd()}\n`);
  const endpoint = shared === undefined ? ir.tokenEndpoints[0] : undefined;
  // Started first: it loads ts-morph on another thread while this one loads openapi-typescript (models-job.ts).
  const models = endpoint ? startModels({ ir, endpoint: 0 }, options.prestartedModels) : undefined;
  if (!endpoint) options.prestartedModels?.cancel();
  add('schema.ts', await emitSchemaTypes(loaded, { inPlace: options.documentSpent === true }));
  if (models) add('models.ts', await models);
  for (const module of plan.runtime) add(`${module}.ts`, linkErrors(runtimeSource(module)));
  if (endpoint) add('grants.ts', renderTemplate('grants', grantsView(ir, endpoint)));
  if (plan.operations) add('operations.ts', renderTemplate('operations', operationsView(ir)));
  add('index.ts', indexSource(plan, endpoint ? endpoint.grants.map((grant) => grant.typeName) : []));
  // The test kit: a separate entry point that index.ts never imports, so it never reaches an application bundle.
  if (plan.testing) add('testing.ts', renderTemplate('testing', testingView(ir, endpoint)));
  // In the plan's order, whatever order the parts finished in.
  return new Map(plan.files.map((name) => [name, rendered.get(name)!]));
}

/** A module specifier as the text between single quotes (templates print it raw). */
function specifierText(specifier: string): string {
  return specifier.replace(/[\\']/g, '\\$&').replace(/[\u0000-\u001f\u2028\u2029]/g, '');
}
