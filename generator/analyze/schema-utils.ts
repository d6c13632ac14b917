/** Reading schemas of a bundled document: following local `$ref`s and flattening `allOf`, cycle-safe. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A schema object after `$ref`s and `allOf` are flattened into one level of properties. */
export interface FlatSchema {
  /** The JSON pointer of the schema, or of the `$ref` target it was reached through. */
  pointer: string;
  /** Component name when the schema is `#/components/schemas/<name>`. */
  componentName?: string;
  schema: JsonObject;
  properties: Map<string, { schema: JsonObject; pointer: string }>;
  required: Set<string>;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a JSON pointer from tokens: `pointer('paths', '/a', 'post')` → `/paths/~1a/post`. */
export function pointer(...tokens: string[]): string {
  return tokens.map((token) => `/${escapePointerToken(token)}`).join('');
}

/** Looks up a local JSON pointer (`#/a/b` or `/a/b`) in `root`. */
export function getByPointer(root: unknown, ref: string): unknown {
  const path = ref.replace(/^#/, '');
  if (path === '') return root;
  let node: unknown = root;
  for (const raw of path.slice(1).split('/')) {
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/**
 * Follows `$ref` chains to the object they name. Returns the object and the pointer it lives at.
 * Stops (returning undefined) on a missing target or a cycle of refs.
 */
export function deref(root: unknown, value: unknown, at: string): { value: JsonObject; pointer: string } | undefined {
  let current = value;
  let where = at;
  const seen = new Set<string>();
  while (isObject(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (!ref.startsWith('#') || seen.has(ref)) return undefined;
    seen.add(ref);
    where = ref.slice(1);
    current = getByPointer(root, ref);
  }
  return isObject(current) ? { value: current, pointer: where } : undefined;
}

/** Flattens a schema: resolves `$ref`, merges `allOf` members' properties and `required`. Cycle-safe. */
export function flattenSchema(root: unknown, schema: unknown, at: string): FlatSchema | undefined {
  const resolved = deref(root, schema, at);
  if (!resolved) return undefined;
  const componentName = /^\/components\/schemas\/([^/]+)$/.exec(resolved.pointer)?.[1];
  const flat: FlatSchema = {
    pointer: resolved.pointer,
    schema: resolved.value,
    properties: new Map(),
    required: new Set(),
    ...(componentName ? { componentName: componentName.replace(/~1/g, '/').replace(/~0/g, '~') } : {}),
  };
  const visit = (node: JsonObject, where: string, seen: Set<JsonObject>): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node.allOf)) {
      node.allOf.forEach((member, index) => {
        const target = deref(root, member, `${where}/allOf/${index}`);
        if (target) visit(target.value, target.pointer, seen);
      });
    }
    if (isObject(node.properties)) {
      for (const [name, property] of Object.entries(node.properties)) {
        if (isObject(property))
          flat.properties.set(name, { schema: property, pointer: `${where}/properties/${escapePointerToken(name)}` });
      }
    }
    if (Array.isArray(node.required)) {
      for (const name of node.required) if (typeof name === 'string') flat.required.add(name);
    }
  };
  visit(resolved.value, resolved.pointer, new Set());
  return flat;
}

/** The constant values a schema allows for a property, from `const` or `enum` (following `$ref`). */
export function constantValues(root: unknown, schema: unknown): string[] | undefined {
  const resolved = deref(root, schema, '');
  if (!resolved) return undefined;
  const { value } = resolved;
  if (typeof value.const === 'string') return [value.const];
  if (Array.isArray(value.enum)) {
    const strings = value.enum.filter((item): item is string => typeof item === 'string');
    return strings.length > 0 ? strings : undefined;
  }
  return undefined;
}
