import type { GeneratorIR } from '../analyze/ir.js';
import type { LoadedDocument } from '../load/load.js';
import { indexSource, outputPlan, runtimeSource } from '../exports.js';
import { fileHeader } from './header.js';
import { startModels } from './models-job.js';
import { emitSchemaTypes } from './schema-types.js';
import { renderTemplate } from './templates.js';
import { grantsView, tokenSourceView } from './views.js';
import { operationsView } from './operations.js';

/** Generated files by name (relative to the output folder), unformatted, each with its header. */
export type EmittedFiles = Map<string, string>;

/**
 * Emits every generated file of the {@link outputPlan}: `schema.ts` (openapi-typescript), `models.ts` (ts-morph),
 * the runtime modules (templates/runtime/*.ts, copied verbatim below the header), the document-specific parts
 * (handlebars: grants.ts, token-source.ts, operations.ts) and index.ts (exports.ts).
 */
export async function emit(loaded: LoadedDocument, ir: GeneratorIR): Promise<EmittedFiles> {
  const header = fileHeader(ir.document.source, ir.document.sha256);
  const plan = outputPlan(ir);
  const rendered = new Map<string, string>();
  const add = (name: string, body: string): void => void rendered.set(name, `${header}\n${body.trimEnd()}\n`);
  // One token client per generated folder: the first token endpoint of the document gets it.
  const endpoint = ir.tokenEndpoints[0];
  // Started first: it loads ts-morph on another thread while this one loads openapi-typescript (models-job.ts).
  const models = endpoint ? startModels({ ir, endpoint: 0 }) : undefined;
  add('schema.ts', await emitSchemaTypes(loaded));
  if (models) add('models.ts', await models);
  for (const module of plan.runtime) add(`${module}.ts`, runtimeSource(module));
  if (endpoint) {
    add('grants.ts', renderTemplate('grants', grantsView(ir, endpoint)));
    add('token-source.ts', renderTemplate('token-source', tokenSourceView(ir, endpoint)));
  }
  if (plan.operations) add('operations.ts', renderTemplate('operations', operationsView(ir)));
  add('index.ts', indexSource(plan, endpoint ? endpoint.grants.map((grant) => grant.typeName) : []));
  // In the plan's order, whatever order the parts finished in.
  return new Map(plan.files.map((name) => [name, rendered.get(name)!]));
}
