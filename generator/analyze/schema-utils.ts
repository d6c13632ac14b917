/** Reading schemas of a bundled document: flattening `allOf` (through local `$ref`s), cycle-safe. */
import { isObject, type JsonObject } from '../shared/json.js';
import { deref, escapeToken, schemaComponentName } from '../shared/json-pointer.js';

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

/** Flattens a schema: resolves `$ref`, merges `allOf` members' properties and `required`. Cycle-safe. */
export function flattenSchema(root: unknown, schema: unknown, at: string): FlatSchema | undefined {
  const resolved = deref(root, schema, at);
  if (!resolved) return undefined;
  const componentName = schemaComponentName(resolved.pointer);
  const flat: FlatSchema = {
    pointer: resolved.pointer,
    schema: resolved.value,
    properties: new Map(),
    required: new Set(),
    ...(componentName ? { componentName } : {}),
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
          flat.properties.set(name, { schema: property, pointer: `${where}/properties/${escapeToken(name)}` });
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
