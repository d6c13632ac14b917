/**
 * `$ref`s that openapi-typescript cannot type, rewritten before emit. openapi-typescript writes a `$ref` as an
 * indexed access into its own output (`#/components/schemas/X` → `components["schemas"]["X"]`), which only works
 * where its output mirrors the document: a component, and below it `properties/<name>` and `$defs/<name>`. A `$ref`
 * to any other place yields an indexed access that does not exist, and schema.ts does not compile (openapi-typescript
 * 7.13 alone fails the same way). Seen in real documents:
 * - a `$ref` into a path item's response content, `#/paths/~1a/get/responses/200/content/application~1json/schema`
 *   (its output writes the media type's schema in place, with no `schema` member), often from inside that very
 *   schema (a cycle);
 * - `$ref`s into JSON Schema `definitions` nested in a component, `#/components/schemas/X/definitions/Y` (not
 *   emitted at all): 177 tsc errors on one vendor document.
 *
 * Each schema such a `$ref` targets is hoisted into `components/schemas` under a name derived from its place
 * (deterministic; `_2`, `_3`, … on a collision), its original place becomes a `$ref` to it, and every `$ref` to
 * it is rewritten. The meaning of the document does not change; only where a schema lives.
 */
import { isObject } from '../shared/json.js';
import { escapeToken as escapePointerToken } from '../shared/json-pointer.js';
import { objectsIn } from '../shared/walk.js';

type Json = Record<string, unknown>;

/** Keywords whose value is a schema (or, for arrays, a list of schemas) inside a schema. */
const SCHEMA_VALUED = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'allOf',
  'anyOf',
  'oneOf',
  'prefixItems',
]);
/** Keywords whose value maps names to schemas inside a schema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Pointer tokens left out of a hoisted schema's name: they say what kind of place it is, not which. */
const STRUCTURAL = new Set([
  'paths',
  'components',
  'schemas',
  'content',
  'schema',
  'responses',
  'requestBody',
  'requestBodies',
  'parameters',
  'headers',
  'definitions',
  '$defs',
  'properties',
]);

/** A `$ref` openapi-typescript types: a component, then only `properties/<name>` or `$defs/<name>` steps. */
function typeable(tokens: readonly string[]): boolean {
  if (tokens.length < 3 || tokens[0] !== 'components') return false;
  for (let index = 3; index < tokens.length; index += 2)
    if ((tokens[index] !== 'properties' && tokens[index] !== '$defs') || index + 1 >= tokens.length) return false;
  return true;
}

/** The tokens of a local `$ref` (`#/a/b~1c` → ['a', 'b/c']), or undefined when it is not a local JSON pointer. */
function tokensOf(ref: string): string[] | undefined {
  if (!ref.startsWith('#/')) return undefined;
  try {
    return ref
      .slice(2)
      .split('/')
      .map((raw) => decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~'));
  } catch {
    return undefined;
  }
}

const pointerOf = (tokens: readonly string[]): string => `#/${tokens.map(escapePointerToken).join('/')}`;

/**
 * Every schema position of the document, as pointers (`#/…`, tokens escaped, not percent-encoded): component
 * schemas, every `schema` member outside a schema (media types, parameters, headers), and the subschemas of those.
 */
function schemaPositions(document: Json): Set<string> {
  const positions = new Set<string>();
  const stack: Array<{ value: unknown; tokens: string[]; schema: boolean }> = [
    { value: document, tokens: [], schema: false },
  ];
  while (stack.length > 0) {
    const { value, tokens, schema } = stack.pop()!;
    if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, tokens: [...tokens, String(index)], schema: false }));
      continue;
    }
    if (!isObject(value)) continue;
    if (schema) positions.add(pointerOf(tokens));
    for (const [key, member] of Object.entries(value)) {
      const at = [...tokens, key];
      if (schema && SCHEMA_MAPS.has(key) && isObject(member)) {
        for (const [name, sub] of Object.entries(member))
          stack.push({ value: sub, tokens: [...at, name], schema: true });
      } else if (schema && SCHEMA_VALUED.has(key)) {
        if (Array.isArray(member))
          member.forEach((sub, index) => stack.push({ value: sub, tokens: [...at, String(index)], schema: true }));
        else stack.push({ value: member, tokens: at, schema: true });
      } else if (!schema && key === 'schema') {
        stack.push({ value: member, tokens: at, schema: true });
      } else if (!schema && tokens.length === 2 && tokens[0] === 'components' && tokens[1] === 'schemas') {
        stack.push({ value: member, tokens: at, schema: true });
      } else if (!schema) {
        stack.push({ value: member, tokens: at, schema: false });
      }
      // Other members of a schema (enum, const, examples, default, …) are values, not schemas.
    }
  }
  return positions;
}

/** Every object holding a local `$ref` string, with its pointer's tokens. */
function refsOf(root: unknown): Array<{ node: Json; tokens: string[] }> {
  const found: Array<{ node: Json; tokens: string[] }> = [];
  for (const node of objectsIn(root)) {
    const tokens = typeof node['$ref'] === 'string' ? tokensOf(node['$ref']) : undefined;
    if (tokens) found.push({ node, tokens });
  }
  return found;
}

function nameFor(tokens: readonly string[]): string {
  const pieces = tokens
    .filter((token) => !STRUCTURAL.has(token))
    .map((token) => token.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, ''))
    .filter((piece) => piece !== '');
  return pieces.length > 0 ? pieces.join('_') : 'Schema';
}

/** The parent object (or array) of the value at `tokens`, and its key; undefined when the path does not exist. */
function parentOf(root: unknown, tokens: readonly string[]): { parent: Json; key: string } | undefined {
  let node: unknown = root;
  for (const token of tokens.slice(0, -1)) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    if (!Object.hasOwn(node, token)) return undefined;
    node = (node as Json)[token];
  }
  const key = tokens[tokens.length - 1]!;
  if ((!isObject(node) && !Array.isArray(node)) || !Object.hasOwn(node, key)) return undefined;
  return { parent: node as Json, key };
}

function define(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Hoists the schemas that `$ref`s openapi-typescript cannot type point at (see the module comment), in place.
 * Returns the pointers hoisted and their new `$ref`s, in document order of their names (for tests and messages).
 */
export function hoistUntypeableRefs(document: Json): Map<string, string> {
  const refs = refsOf(document);
  const untypeable = refs.filter(({ tokens }) => !typeable(tokens));
  const hoisted = new Map<string, string>();
  if (untypeable.length === 0) return hoisted;
  const positions = schemaPositions(document);
  const targets = [...new Set(untypeable.map(({ tokens }) => pointerOf(tokens)))]
    .filter((pointer) => positions.has(pointer))
    .sort();
  if (targets.length === 0) return hoisted;

  if (!isObject(document['components'])) define(document, 'components', {});
  const components = document['components'] as Json;
  if (!isObject(components['schemas'])) define(components, 'schemas', {});
  const schemas = components['schemas'] as Json;
  const taken = new Set(Object.keys(schemas));
  for (const pointer of targets) {
    const base = nameFor(tokensOf(pointer)!);
    let name = base;
    for (let n = 2; taken.has(name); n += 1) name = `${base}_${n}`;
    taken.add(name);
    hoisted.set(pointer, pointerOf(['components', 'schemas', name]));
  }
  // Deepest first: a target inside another one is replaced by its `$ref` before the outer one moves, so that every
  // schema is written once.
  const byDepth = [...hoisted].sort(([a], [b]) => tokensOf(b)!.length - tokensOf(a)!.length || (a < b ? -1 : 1));
  for (const [pointer, ref] of byDepth) {
    const place = parentOf(document, tokensOf(pointer)!);
    if (!place) {
      hoisted.delete(pointer);
      continue;
    }
    define(schemas, tokensOf(ref)![2]!, place.parent[place.key]);
    define(place.parent, place.key, { $ref: ref });
  }
  for (const { node, tokens } of refsOf(document)) {
    const ref = hoisted.get(pointerOf(tokens));
    if (ref !== undefined) node['$ref'] = ref;
  }
  return hoisted;
}
