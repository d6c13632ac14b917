import openapiTS, { astToString } from 'openapi-typescript';
import type { LoadedDocument } from '../load/load.js';

/**
 * `schema.ts`: the raw types of the whole document (`paths`, `components`, `operations`), from openapi-typescript
 * used as a library. Its output is passed on as text: ts-morph bundles another TypeScript, so AST nodes must
 * not cross between them.
 */
export async function emitSchemaTypes(loaded: LoadedDocument): Promise<string> {
  // openapi-typescript annotates what it is given while it bundles; hand it a copy.
  const document = structuredClone(loaded.document) as unknown as Parameters<typeof openapiTS>[0];
  return astToString(await openapiTS(document, { silent: true }));
}
