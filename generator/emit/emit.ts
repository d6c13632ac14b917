import type { GeneratorIR } from '../analyze/ir.js';
import type { LoadedDocument } from '../load/load.js';
import { fileHeader } from './header.js';
import { startModels } from './models-job.js';
import { emitSchemaTypes } from './schema-types.js';
import { readFileSync } from 'node:fs';
import { renderTemplate, TEMPLATES_DIR } from './templates.js';
import { testingView } from './testing.js';
import { clientView, errorsView, grantsView, indexView, secretParameters, tokenSourceView } from './views.js';
import { operationsView } from './operations.js';

/** Generated files by name (relative to the output folder), unformatted, each with its header. */
export type EmittedFiles = Map<string, string>;

/**
 * Emits every generated file: `schema.ts` (openapi-typescript), `models.ts` (ts-morph) and the runtime files
 * (handlebars). A document without a token endpoint gets no token client; one with operations besides the token
 * endpoint gets `operations.ts` (and `errors.ts`); one with neither gets only `schema.ts` and `index.ts`.
 */
export async function emit(loaded: LoadedDocument, ir: GeneratorIR): Promise<EmittedFiles> {
  const header = fileHeader(ir.document.source, ir.document.sha256);
  const files: EmittedFiles = new Map();
  const add = (name: string, body: string): void => void files.set(name, `${header}\n${body.trimEnd()}\n`);
  // One token client per generated folder: the first token endpoint of the document gets it.
  const endpoint = ir.tokenEndpoints[0];
  // Started first: it loads ts-morph on another thread while this one loads openapi-typescript (models-job.ts).
  const models = endpoint ? startModels({ ir, endpoint: 0 }) : undefined;
  add('schema.ts', await emitSchemaTypes(loaded));
  if (models) add('models.ts', await models);
  // The operations throw the token client's errors too, so errors.ts comes with either of them.
  if (endpoint || ir.operations.length > 0) add('errors.ts', renderTemplate('errors', errorsView(ir)));
  if (endpoint) {
    add('client.ts', renderTemplate('client', clientView(ir, endpoint)));
    add('grants.ts', renderTemplate('grants', grantsView(endpoint)));
    add('pkce.ts', renderTemplate('pkce', {}));
    add('token-source.ts', renderTemplate('token-source', tokenSourceView(endpoint)));
  }
  if (ir.operations.length > 0) add('operations.ts', renderTemplate('operations', operationsView(ir)));
  add('index.ts', renderTemplate('index', indexView(endpoint, ir.operations.length > 0)));
  // The test kit: a separate entry point that index.ts never imports, so it never reaches an application bundle.
  if (endpoint || ir.operations.length > 0) {
    add('test-kit.ts', readFileSync(new URL('runtime/test-kit.ts', TEMPLATES_DIR), 'utf8'));
    add('testing.ts', renderTemplate('testing', testingView(ir, endpoint, endpoint ? secretParameters(endpoint) : [])));
  }
  return files;
}
