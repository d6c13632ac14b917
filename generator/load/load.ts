import type { ExamplesMode } from '../config.js';
import {
  bundleDocument,
  createConfig,
  lintDocument,
  makeDocumentFromString,
  Source,
  type Document,
  type NormalizedProblem,
} from '@redocly/openapi-core';
import { InputError, locate } from '../errors.js';
import { sha256 as sha256Of } from '../shared/hash.js';
import type { JsonObject } from '../shared/json.js';
import { isUrl } from '../shared/url.js';
import { BoundedResolver } from './bounded-resolver.js';
import { firstLineOf, stackExhausted } from './library-errors.js';
import { hoistUntypeableRefs } from './hoist-refs.js';
import { markPrototypeKeys, unmarkPrototypeKeys, unmarkText } from './prototype-keys.js';
import { assertNoBareRefCycles } from './ref-cycles.js';
import { readSource, type SourceText } from './read-source.js';
import { parseJsonText } from './json-text.js';
import { MAX_EXPANDED_NODES, assertReasonableSize } from './size-guard.js';

/** An OpenAPI document read, validated and bundled into one self-contained object. */
export interface LoadedDocument {
  /** The location as the user named it (a path relative to the working directory, or a URL). */
  source: string;
  /** SHA-256 (hex) of the document's bytes as read, before any parsing. */
  sha256: string;
  /** The bundled document: external `$ref`s inlined as components, local `$ref`s kept. */
  document: OpenApiDocument;
  /** `3.0` or `3.1`. */
  version: '3.0' | '3.1';
  /** Absolute paths of the local files the document was built from: itself and every file its `$ref`s reach. */
  files: string[];
  /**
   * SHA-256 of the text of the document and of every file or URL its `$ref`s reached, as read (by absolute path or
   * URL; '' for one read twice with different text). The no-op cache (no-op.ts) records these.
   */
  inputHashes: Record<string, string>;
  /**
   * Structural problems that did not stop generation, as one-line `file#pointer: message` texts. Real documents
   * often carry some (openai.yaml uses the 3.0 keyword `nullable` in a 3.1 document): like openapi-typescript, we
   * generate anyway and say so.
   */
  warnings: string[];
}

/** The parts of an OpenAPI object the generator reads; everything else passes through untyped. */
export type OpenApiDocument = JsonObject & { openapi: string };

/**
 * Reads a document from a file or URL, parses YAML or JSON, validates it against the OpenAPI 3.0/3.1 structure
 * with @redocly/openapi-core, and bundles its `$ref`s.
 * @throws {InputError} naming the file and JSON pointer of the first problem.
 */
export async function loadDocument(
  input: string,
  options: { cwd: string; examples?: ExamplesMode },
): Promise<LoadedDocument> {
  const source = await readSource(input, options);
  return loadDocumentFromText(source, options.examples);
}

/** redocly's rules that validate examples against their schemas (media types, schemas, parameters). */
const EXAMPLE_RULES: ReadonlySet<string> = new Set([
  'no-invalid-media-type-examples',
  'no-invalid-schema-examples',
  'no-invalid-parameter-examples',
]);

/** Like {@link loadDocument}, for text already read (a config's inline document, a `git:` revision, a test). */
export async function loadDocumentFromText(
  source: SourceText,
  examples: ExamplesMode = 'off',
): Promise<LoadedDocument> {
  const sha256 = sha256Of(source.text);
  // JSON.parse where it gives what js-yaml would (json-text.ts): a tree without shared nodes, already sized.
  const json = parseJsonText(source.text, MAX_EXPANDED_NODES);
  const document = json ? { source: new Source(source.absoluteRef, source.text), parsed: json.parsed } : parse(source);
  const nodes = json ? json.nodes : assertReasonableSize(document.parsed, source.displayName);
  const version = checkVersion(document.parsed, source.displayName);
  // redocly would trip over keys named like Object.prototype members; see prototype-keys.ts.
  const marked = markPrototypeKeys(document.parsed);
  assertNoBareRefCycles(document.parsed, source.displayName, unmarkText);

  // operation-operationId-unique: openapi-typescript keys its `operations` interface by operationId (and its own
  // lint, which emit/schema-types.ts does not run again, makes duplicates an error too).
  const config = await createConfig({
    rules: {
      struct: 'error',
      'no-unresolved-refs': 'error',
      'operation-operationId-unique': 'error',
      // Examples are checked only when asked (config.ts ExamplesMode: the check costs several times the rest).
      ...(examples === 'off' ? {} : Object.fromEntries([...EXAMPLE_RULES].map((rule) => [rule, 'warn']))),
    },
  });
  // Referenced files are read and sized within the budgets the document itself has left.
  const resolver = new BoundedResolver(config.resolve, { bytes: Buffer.byteLength(source.text), nodes });
  const problems = await lintDocument({ document, config: config.styleguide, externalRefResolver: resolver }).catch(
    (error: unknown) => validatorFailed(error, source),
  );
  // Examples that do not fit their schemas: warnings, or with `examples: 'error'` the end of the run.
  const invalidExamples = problems.filter((problem) => EXAMPLE_RULES.has(problem.ruleId));
  if (examples === 'error' && invalidExamples[0]) {
    const more =
      invalidExamples.length > 1 ? ` (and ${invalidExamples.length - 1} more; --check-examples lists them)` : '';
    throw new InputError(
      `${describe(invalidExamples[0], source).replace(/\.+$/, '')}${more}. Fix the example or its schema, or run without --strict-examples`,
    );
  }
  // Fatal: a $ref that resolves nowhere, or a broken skeleton (the root, info, paths). Anything deeper is a warning.
  const fatal = problems.filter(
    (problem) =>
      !EXAMPLE_RULES.has(problem.ruleId) && (problem.ruleId !== 'struct' || skeletal(problem.location[0]?.pointer)),
  );
  throwFirstError(fatal, source);
  const warnings = [
    ...problems
      .filter((problem) => !fatal.includes(problem) && problem.severity === 'error')
      .map((problem) => describe(problem, source)),
    ...invalidExamples.map((problem) => `invalid example: ${describe(problem, source)}`),
  ];

  const bundled = await bundleDocument({
    document,
    config: config.styleguide,
    externalRefResolver: resolver,
    dereference: false,
  }).catch((error: unknown) => validatorFailed(error, source));
  throwFirstError(bundled.problems, source);
  // Nothing marked (the usual case): no marker to remove, and no walk of the whole bundle to find none.
  if (marked || resolver.marked) unmarkPrototypeKeys(bundled.bundle.parsed);
  // `$ref`s into places openapi-typescript does not type (a path's response schema, nested `definitions`).
  hoistUntypeableRefs(bundled.bundle.parsed as JsonObject);
  const files = [source.absoluteRef, ...bundled.fileDependencies].filter((file) => !isUrl(file));
  const inputHashes = Object.fromEntries(resolver.readHashes);
  inputHashes[source.absoluteRef] =
    inputHashes[source.absoluteRef] === undefined || inputHashes[source.absoluteRef] === sha256 ? sha256 : '';
  return {
    source: source.displayName,
    sha256,
    document: bundled.bundle.parsed as OpenApiDocument,
    version,
    files: [...new Set(files)],
    inputHashes,
    warnings,
  };
}

/**
 * @redocly/openapi-core throws instead of reporting on some input: its walker recurses once per `$ref` it follows,
 * so a chain of some 600 schemas each referring to the next (through properties) exhausts the stack. Bad input
 * either way: one line naming the document.
 */
function validatorFailed(error: unknown, source: SourceText): never {
  if (error instanceof InputError) throw error;
  const library = '@redocly/openapi-core';
  const limit = '; a few hundred $refs deep is the limit';
  const exhausted = stackExhausted(error, library, source.displayName, limit);
  if (exhausted) throw exhausted;
  throw new InputError(
    `${library} cannot validate the document: ${firstLineOf(error)}`,
    source.displayName,
    'Fix the document and run again',
  );
}

function skeletal(pointer: string | undefined): boolean {
  return pointer === undefined || /^#?\/?(info|paths|openapi|components)?$/.test(pointer);
}

function describe(problem: NormalizedProblem, source: SourceText): string {
  const location = problem.location[0];
  const file =
    location && location.source.absoluteRef !== source.absoluteRef ? location.source.absoluteRef : source.displayName;
  return unmarkText(`${locate(file, location?.pointer)}: ${problem.message.replace(/\s+/g, ' ').trim()}`);
}

function parse(source: SourceText): Document {
  let document: Document;
  try {
    document = makeDocumentFromString(source.text, source.absoluteRef);
  } catch (error) {
    const cause = (error as { originalError?: { mark?: { line: number; column: number }; reason?: string } })
      .originalError;
    const at = cause?.mark ? ` at line ${cause.mark.line + 1}, column ${cause.mark.column + 1}` : '';
    const depth = /nesting exceeded maxDepth \((\d+)\)/.exec(cause?.reason ?? '');
    if (depth)
      throw new InputError(
        `the document nests deeper than ${depth[1]} levels${at} (the YAML parser's limit)`,
        source.displayName,
        'Flatten the structure with $ref.',
      );
    throw new InputError(`not valid YAML or JSON${at}${cause?.reason ? `: ${cause.reason}` : ''}`, source.displayName);
  }
  if (document.parsed === null || typeof document.parsed !== 'object' || Array.isArray(document.parsed)) {
    throw new InputError(
      'not an OpenAPI document (expected an object at the top level)',
      source.displayName,
      'Pass an OpenAPI 3.0 or 3.1 document.',
    );
  }
  return document;
}

function checkVersion(parsed: Record<string, unknown>, where: string): '3.0' | '3.1' {
  const { openapi, swagger } = parsed;
  if (swagger !== undefined) {
    throw new InputError(
      `Swagger ${String(swagger)} is not supported`,
      locate(where, '#/swagger'),
      'Convert it to OpenAPI 3 first (e.g. `npx swagger2openapi in.yaml -o out.yaml`).',
    );
  }
  if (openapi === undefined) {
    throw new InputError('not an OpenAPI document (no `openapi` field)', where, 'Pass an OpenAPI 3.0 or 3.1 document.');
  }
  const match = /^3\.([01])\.\d+$/.exec(String(openapi));
  if (!match) {
    throw new InputError(
      `unsupported OpenAPI version ${JSON.stringify(openapi)}`,
      locate(where, '#/openapi'),
      'Supported: 3.0.x and 3.1.x.',
    );
  }
  return match[1] === '0' ? '3.0' : '3.1';
}

function throwFirstError(problems: NormalizedProblem[], source: SourceText): void {
  const errors = problems.filter((problem) => problem.severity === 'error');
  const first = errors[0];
  if (!first) return;
  const location = first.location[0];
  const file =
    location && location.source.absoluteRef !== source.absoluteRef ? location.source.absoluteRef : source.displayName;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  // This rule points at a child named after the id's value (`…/get/listPets`); the member is `operationId`.
  const pointer =
    first.ruleId === 'operation-operationId-unique'
      ? location?.pointer?.replace(/\/[^/]*$/, '/operationId')
      : location?.pointer;
  throw new InputError(
    unmarkText(`${first.message.replace(/\s+/g, ' ').trim()}${more}`),
    unmarkText(locate(file, pointer)),
    'Fix the document and run again.',
  );
}
