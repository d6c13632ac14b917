import { createRequire } from 'node:module';
import type { GlobalContext, OpenAPI3 } from 'openapi-typescript';
import type { LoadedDocument } from '../load/load.js';
import { InputError, locate } from '../errors.js';
import { markPrototypeKeys, unmarkPrototypeKeys, unmarkSchemaText } from '../load/prototype-keys.js';
import { firstLineOf, stackExhausted } from '../load/library-errors.js';
import { assertTypeableCycles } from '../load/ref-cycles.js';
import { objectsIn } from '../shared/walk.js';

/**
 * `schema.ts`: the raw types of the whole document (`paths`, `components`, `operations`), from openapi-typescript
 * used as a library. Its output is passed on as text: ts-morph bundles another TypeScript, so AST nodes must
 * not cross between them.
 *
 * openapi-typescript's default export would lint and bundle the document a second time (with the same
 * @redocly/openapi-core the loader has just used: about 1.7 s of the 11 s a cold run on openai.yaml took), then
 * call its exported `transformSchema`. The loader's bundle is what that second pass would produce, so this calls
 * `transformSchema` directly with the context `openapiTS()` builds from default options. The loader lints
 * `operation-operationId-unique` as an error for the same reason openapiTS does (duplicate `operations` members).
 * test/emit/schema-types.test.ts checks the output is the same as `openapiTS()`'s for real documents, so an upgrade
 * that changes the context shows up there.
 */
export async function emitSchemaTypes(loaded: LoadedDocument, options: { inPlace?: boolean } = {}): Promise<string> {
  const { astToString, resolveRef, scanDiscriminators, transformSchema } = loadOpenapiTypescript();
  // Recursion openapi-typescript would write as a type that refers to itself: bad input, not a broken schema.ts.
  assertTypeableCycles(loaded.document, loaded.source);
  // openapi-typescript's transforms write into the document they are given (discriminator members): they get a copy
  // unless the caller has no further use for the document as loaded (`inPlace`, generate.ts). The copy costs 0.23 s
  // and a second document in memory at the run's peak on GitHub's description (docs/performance.md).
  const document = (options.inPlace ? loaded.document : structuredClone(loaded.document)) as unknown as OpenAPI3;
  // openapi-typescript resolves $refs by indexing plain objects: keys named like Object.prototype members are marked
  // for it as for the loader, and the marks removed from its output (see load/prototype-keys.ts).
  const marked = markPrototypeKeys(document);
  const percent = markPercentInOperationIds(document);
  let ast: ReturnType<typeof import('openapi-typescript').transformSchema>;
  try {
    ast = transformSchema(document, defaultContext(document, scanDiscriminators, resolveRef));
  } catch (error) {
    throw unreadable(error, loaded);
  } finally {
    // In place, the marks come out of the document again: the IR holds the document's example values by reference,
    // and the test kit is rendered from it after this.
    if (options.inPlace && marked) unmarkPrototypeKeys(document);
    for (const [record, id] of options.inPlace ? percent : []) record['operationId'] = id;
  }
  return unmarkPercent(unmarkSchemaText(astToString(ast)));
}

/**
 * openapi-typescript keys `operations` by the raw operationId but refers to it from `paths` through a JSON pointer
 * that it decodes with decodeURIComponent: `get%20it` becomes a reference to `operations["get it"]`, which does
 * not exist (schema.ts would not compile), and a `%` not followed by two hex digits throws "URI malformed". So
 * every `%` in an operationId is replaced by a marker from the Unicode private use area for the transform, and
 * put back in the printed text (raw or \u-escaped, as the printer writes string literals).
 */
const PERCENT_MARKER = '\uE000pct\uE001';

/** Marks the `%` of every operationId; returns the records changed, with their operationIds as they were. */
function markPercentInOperationIds(root: unknown): [Record<string, unknown>, string][] {
  const changed: [Record<string, unknown>, string][] = [];
  for (const record of objectsIn(root)) {
    const id = Object.hasOwn(record, 'operationId') ? record['operationId'] : undefined;
    if (typeof id === 'string' && id.includes('%')) {
      changed.push([record, id]);
      record['operationId'] = id.split('%').join(PERCENT_MARKER);
    }
  }
  return changed;
}

function unmarkPercent(text: string): string {
  return text
    .split(PERCENT_MARKER)
    .join('%')
    .replace(/\\u[eE]000pct\\u[eE]001/g, '%');
}

/**
 * openapi-typescript through its CommonJS build, loaded here rather than at the top so the models worker
 * (models-job.ts) starts loading ts-morph first. Why `require`: its ES module build imports `typescript` (a 9 MB
 * CommonJS file) with `import`, and Node then scans the whole file for its named exports (cjs-module-lexer) and
 * for module syntax: about 1.0 s, against 0.3 s to `require` it (Node 20; measured in the README's Performance
 * section). The CommonJS build is the same code (both are built from one source by the package).
 */
function loadOpenapiTypescript(): typeof import('openapi-typescript') {
  return createRequire(import.meta.url)('openapi-typescript') as typeof import('openapi-typescript');
}

/** The context `openapiTS(document, { silent: true })` builds (openapi-typescript 7.13.0, dist/index.mjs). */
function defaultContext(
  document: OpenAPI3,
  scanDiscriminators: typeof import('openapi-typescript').scanDiscriminators,
  resolveRef: typeof import('openapi-typescript').resolveRef,
): GlobalContext {
  return {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    defaultNonNullable: true,
    discriminators: scanDiscriminators(document, {}),
    emptyObjectsUnknown: false,
    enum: false,
    enumValues: false,
    conditionalEnums: false,
    dedupeEnums: false,
    excludeDeprecated: false,
    exportType: false,
    immutable: false,
    rootTypes: false,
    rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false,
    injectFooter: [],
    pathParamsAsTypes: false,
    postTransform: undefined,
    propertiesRequiredByDefault: false,
    // Read only by openapi-typescript's own lint and bundle step, which is not run here.
    redoc: undefined as unknown as GlobalContext['redoc'],
    silent: true,
    transform: undefined,
    transformProperty: undefined,
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve: <T>($ref: string) => resolveRef<T>(document, $ref, { silent: true }),
  };
}

/**
 * openapi-typescript throws (sometimes a TypeError) on structure the loader only warned about, e.g. `responses`
 * that is a list. That is bad input: one line naming where, from its message or else from the first warning.
 */
function unreadable(error: unknown, loaded: LoadedDocument): InputError {
  const exhausted = stackExhausted(error, 'openapi-typescript', loaded.source);
  if (exhausted) return exhausted;
  const message = firstLineOf(error);
  const pointer = /#\/[^\s:,]*/.exec(message)?.[0];
  const why = `openapi-typescript cannot read the document: ${message}`;
  if (pointer !== undefined)
    return new InputError(why, locate(loaded.source, pointer), 'Fix the document and run again');
  const first = loaded.warnings[0];
  if (first !== undefined) return new InputError(`${first} (${why})`, undefined, 'Fix the document and run again');
  return new InputError(why, loaded.source, 'Fix the document and run again');
}
