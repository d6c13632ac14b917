import type { GeneratorIR } from '../analyze/ir.js';
import type { LoadedDocument } from '../load/load.js';
import { fileHeader } from './header.js';
import { startModels } from './models-job.js';
import { emitSchemaTypes } from './schema-types.js';
import { renderTemplate } from './templates.js';
import { clientView, errorsView, grantsView, indexView, tokenSourceView } from './views.js';
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
  /** Other outputs' operations throw this output's errors: its `errors.ts` carries `ApiError` as well. */
  errorsForOperations?: boolean;
}

/**
 * Emits every generated file: `schema.ts` (openapi-typescript), `models.ts` (ts-morph) and the runtime files
 * (handlebars). A document without a token endpoint gets no token client; one with operations besides the token
 * endpoint gets `operations.ts` (and `errors.ts`); one with neither gets only `schema.ts` and `index.ts`.
 */
export async function emit(loaded: LoadedDocument, ir: GeneratorIR, options: EmitOptions = {}): Promise<EmittedFiles> {
  const header = fileHeader(ir.document.source, ir.document.sha256);
  const files: EmittedFiles = new Map();
  const add = (name: string, body: string): void => void files.set(name, `${header}\n${body.trimEnd()}\n`);
  // One token client per generated folder: the first token endpoint of the document gets it.
  const shared = options.tokenClientFrom;
  const endpoint = shared === undefined ? ir.tokenEndpoints[0] : undefined;
  const hasOperations = ir.operations.length > 0;
  const apiErrors = hasOperations || options.errorsForOperations === true;
  const modules = {
    errorsModule: shared === undefined ? './errors.js' : `${specifierText(shared)}/errors.js`,
    tokenSourceModule: shared === undefined ? null : `${specifierText(shared)}/token-source.js`,
  };
  // Started first: it loads ts-morph on another thread while this one loads openapi-typescript (models-job.ts).
  const models = endpoint ? startModels({ ir, endpoint: 0 }) : undefined;
  add('schema.ts', await emitSchemaTypes(loaded));
  if (models) add('models.ts', await models);
  // The operations throw the token client's errors too, so errors.ts comes with either of them.
  if (shared === undefined && (endpoint || apiErrors))
    add('errors.ts', renderTemplate('errors', { ...errorsView(ir), hasOperations: apiErrors }));
  if (endpoint) {
    add('client.ts', renderTemplate('client', clientView(ir, endpoint)));
    add('grants.ts', renderTemplate('grants', grantsView(endpoint)));
    add('pkce.ts', renderTemplate('pkce', {}));
    add('token-source.ts', renderTemplate('token-source', tokenSourceView(endpoint)));
  }
  if (hasOperations) add('operations.ts', renderTemplate('operations', { ...operationsView(ir), ...modules }));
  add(
    'index.ts',
    renderTemplate('index', {
      ...indexView(endpoint, hasOperations),
      ...(apiErrors ? { hasErrors: true } : {}),
      hasApiError: apiErrors,
      errorsModule: modules.errorsModule,
    }),
  );
  return files;
}

/** A module specifier as the text between single quotes (templates print it raw). */
function specifierText(specifier: string): string {
  return specifier.replace(/[\\']/g, '\\$&').replace(/[\u0000-\u001f\u2028\u2029]/g, '');
}
