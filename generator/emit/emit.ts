import type { GeneratorIR } from '../analyze/ir.js';
import type { LoadedDocument } from '../load/load.js';
import { fileHeader } from './header.js';
import { emitModels } from './models.js';
import { emitSchemaTypes } from './schema-types.js';
import { renderTemplate } from './templates.js';
import { clientView, grantsView, indexView, tokenSourceView } from './views.js';

/** Generated files by name (relative to the output folder), unformatted, each with its header. */
export type EmittedFiles = Map<string, string>;

/**
 * Emits every generated file: `schema.ts` (openapi-typescript), `models.ts` (ts-morph) and the runtime files
 * (handlebars). A document without a token endpoint gets only `schema.ts` and `index.ts`.
 */
export async function emit(loaded: LoadedDocument, ir: GeneratorIR): Promise<EmittedFiles> {
  const header = fileHeader(ir.document.source, ir.document.sha256);
  const files: EmittedFiles = new Map();
  const add = (name: string, body: string): void => void files.set(name, `${header}\n${body.trimEnd()}\n`);
  add('schema.ts', await emitSchemaTypes(loaded));
  // One token client per generated folder: the first token endpoint of the document gets it.
  const endpoint = ir.tokenEndpoints[0];
  if (endpoint) {
    add('models.ts', emitModels(ir, endpoint));
    add('errors.ts', renderTemplate('errors', {}));
    add('client.ts', renderTemplate('client', clientView(ir, endpoint)));
    add('grants.ts', renderTemplate('grants', grantsView(endpoint)));
    add('pkce.ts', renderTemplate('pkce', {}));
    add('token-source.ts', renderTemplate('token-source', tokenSourceView(endpoint)));
  }
  add('index.ts', renderTemplate('index', indexView(endpoint)));
  return files;
}
