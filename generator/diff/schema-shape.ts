import { escapeToken, hasOwn, isObject, resolve, type JsonObject } from './resolve.js';

/** Which way data flows: what the client sends (request) or receives (response). Severities depend on it. */
export type Direction = 'request' | 'response';

/** The non-null JSON types a schema allows (`type: [string, 'null']` → `{string}`), or undefined when untyped. */
export function typesOf(schema: JsonObject): Set<string> | undefined {
  const type = schema.type;
  if (typeof type === 'string') return new Set(type === 'null' ? [] : [type]);
  if (Array.isArray(type)) return new Set(type.filter((t): t is string => typeof t === 'string' && t !== 'null'));
  return undefined;
}

/** Writes a type set as in messages: `integer`, `integer|string`. */
export function typeName(types: Set<string>): string {
  return [...types].sort().join('|') || 'null';
}

/**
 * Whether every value of type set `inner` is also a value of `outer`. `integer` is a subset of `number`, so a
 * request going from integer to number, or a response going from number to integer, is a widening/narrowing
 * rather than a change of type.
 */
export function typesCovered(inner: Set<string>, outer: Set<string>): boolean {
  return [...inner].every((type) => outer.has(type) || (type === 'integer' && outer.has('number')));
}

/** Whether null is allowed: `nullable: true` (3.0), or `null` among the types (3.1). */
export function isNullable(schema: JsonObject): boolean {
  if (schema.nullable === true) return true;
  return schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null'));
}

/** The values a schema allows as JSON texts, from `enum` or `const` (a one-value enum); undefined when open. */
export function enumValues(schema: JsonObject): string[] | undefined {
  if (hasOwn(schema, 'const')) return [stableJson(schema.const)];
  return Array.isArray(schema.enum) ? schema.enum.map(stableJson) : undefined;
}

/** JSON with object keys sorted, so enum values compare by content. */
function stableJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, inner: unknown) =>
      isObject(inner)
        ? Object.fromEntries(
            Object.keys(inner)
              .sort()
              .map((key) => [key, inner[key]]),
          )
        : inner,
    ) ?? 'undefined'
  );
}

/** A property of a flattened schema: its raw schema (maybe a `$ref`) and its pointer relative to the schema. */
export interface FlatProperty {
  schema: unknown;
  suffix: string;
}

/** The properties and required names of a schema with its `allOf` members merged in, for one direction. */
export interface FlatSchema {
  properties: Map<string, FlatProperty>;
  required: Set<string>;
}

/**
 * Merges a schema's `allOf` members (resolving their `$ref`s, cycle-safe) with its own `properties` and
 * `required`. Properties a client never sees in this direction are left out: `readOnly` ones in requests,
 * `writeOnly` ones in responses. Each property keeps the pointer where it sits (e.g. `/allOf/1/properties/x`).
 */
export function flatten(root: unknown, schema: JsonObject, direction: Direction): FlatSchema {
  const flat: FlatSchema = { properties: new Map(), required: new Set() };
  const hidden = direction === 'request' ? 'readOnly' : 'writeOnly';
  const visit = (node: JsonObject, suffix: string, seen: Set<JsonObject>): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node.allOf)) {
      node.allOf.forEach((member, index) => {
        const resolved = resolve(root, member);
        if (resolved) visit(resolved, `${suffix}/allOf/${index}`, seen);
      });
    }
    if (isObject(node.properties)) {
      for (const [name, property] of Object.entries(node.properties)) {
        const resolved = resolve(root, property);
        if (!resolved || resolved[hidden] === true) continue;
        flat.properties.set(name, { schema: property, suffix: `${suffix}/properties/${escapeToken(name)}` });
      }
    }
    if (Array.isArray(node.required))
      for (const name of node.required) if (typeof name === 'string') flat.required.add(name);
  };
  visit(schema, '', new Set());
  return flat;
}

/** `#/components/schemas/A~1B` → `A/B`. */
function refName(ref: string): string {
  return (ref.split('/').pop() ?? ref).replace(/~1/g, '/').replace(/~0/g, '~');
}

/** A `oneOf`/`anyOf` member paired across documents: indexes in each list, or only one side when unmatched. */
export interface VariantPair {
  oldIndex?: number;
  newIndex?: number;
  /** How messages name the variant: its `$ref` target name, else its position. */
  name: string;
}

/**
 * Pairs the members of two `oneOf`/`anyOf` lists: `$ref` members by what they reference, inline members by
 * their order among the inline members.
 */
export function pairVariants(oldList: unknown[], newList: unknown[]): VariantPair[] {
  const keyed = (list: unknown[]) => {
    let inline = 0;
    return list.map((member, index) => {
      const ref = isObject(member) && typeof member.$ref === 'string' ? member.$ref : undefined;
      return {
        index,
        key: ref !== undefined ? `ref:${ref}` : `inline:${inline++}`,
        name: ref !== undefined ? refName(ref) : `#${index + 1}`,
      };
    });
  };
  const olds = keyed(oldList);
  const news = keyed(newList);
  const pairs: VariantPair[] = [];
  for (const old of olds) {
    const match = news.find((candidate) => candidate.key === old.key);
    pairs.push(
      match
        ? { oldIndex: old.index, newIndex: match.index, name: match.name }
        : { oldIndex: old.index, name: old.name },
    );
  }
  for (const added of news)
    if (!olds.some((old) => old.key === added.key)) pairs.push({ newIndex: added.index, name: added.name });
  return pairs;
}
