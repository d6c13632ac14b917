import openapiTS, { astToString } from 'openapi-typescript';
import type { LoadedDocument } from '../load/load.js';
import { InputError, locate } from '../errors.js';
import { markPrototypeKeys, unmarkSchemaText, unmarkText } from '../load/prototype-keys.js';
import { assertTypeableCycles } from '../load/ref-cycles.js';

/**
 * `schema.ts`: the raw types of the whole document (`paths`, `components`, `operations`), from openapi-typescript
 * used as a library. Its output is passed on as text: ts-morph bundles another TypeScript, so AST nodes must
 * not cross between them.
 */
export async function emitSchemaTypes(loaded: LoadedDocument): Promise<string> {
  // Recursion openapi-typescript would write as a type that refers to itself: bad input, not a broken schema.ts.
  assertTypeableCycles(loaded.document, loaded.source);
  // openapi-typescript annotates what it is given while it bundles; hand it a copy.
  const document = structuredClone(loaded.document) as unknown as Parameters<typeof openapiTS>[0];
  // openapi-typescript bundles with @redocly/openapi-core too: keys named like Object.prototype members are marked
  // for it as for the loader, and the marks removed from its output (see load/prototype-keys.ts).
  markPrototypeKeys(document);
  let ast: Awaited<ReturnType<typeof openapiTS>>;
  try {
    ast = await openapiTS(document, { silent: true });
  } catch (error) {
    throw unreadable(error, loaded);
  }
  return unmarkSchemaText(astToString(ast));
}

/**
 * openapi-typescript throws (sometimes a TypeError) on structure the loader only warned about, e.g. `responses`
 * that is a list. That is bad input: one line naming where, from its message or else from the first warning.
 */
function unreadable(error: unknown, loaded: LoadedDocument): InputError {
  if (error instanceof RangeError) {
    return new InputError('the schemas refer to each other in chains too long for openapi-typescript to follow (it ran out of stack)', loaded.source, 'Shorten the chains of $refs');
  }
  const message = unmarkText((error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim());
  const pointer = /#\/[^\s:,]*/.exec(message)?.[0];
  const why = `openapi-typescript cannot read the document: ${message}`;
  if (pointer !== undefined) return new InputError(why, locate(loaded.source, pointer), 'Fix the document and run again');
  const first = loaded.warnings[0];
  if (first !== undefined) return new InputError(`${first} (${why})`, undefined, 'Fix the document and run again');
  return new InputError(why, loaded.source, 'Fix the document and run again');
}
