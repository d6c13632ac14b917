import { createHash } from 'node:crypto';
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
  /** The property's schema says `deprecated: true`. */
  deprecated: boolean;
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
        flat.properties.set(name, {
          schema: property,
          suffix: `${suffix}/properties/${escapeToken(name)}`,
          deprecated: resolved.deprecated === true,
        });
      }
    }
    if (Array.isArray(node.required))
      for (const name of node.required) if (typeof name === 'string') flat.required.add(name);
  };
  visit(schema, '', new Set());
  return flat;
}

/** A local `$ref`'s target as a JSON pointer and the name of the schema it names (`A~1B` → `A/B`). */
export function refTarget(raw: unknown): { pointer: string; name: string } | undefined {
  if (!isObject(raw) || typeof raw.$ref !== 'string' || !raw.$ref.startsWith('#/')) return undefined;
  let pointer: string;
  try {
    pointer = decodeURIComponent(raw.$ref.slice(1));
  } catch {
    return undefined;
  }
  const name = (pointer.split('/').pop() ?? pointer).replace(/~1/g, '/').replace(/~0/g, '~');
  return { pointer, name };
}

/** A schema's `oneOf` (else `anyOf`) members, and whether the schema is only that list (no own structure). */
export interface Union {
  keyword: 'oneOf' | 'anyOf';
  list: unknown[];
  /** Nothing but the list (and documentation, nullability, a discriminator): the schema is its alternatives. */
  pure: boolean;
  discriminator: JsonObject | undefined;
}

const STRUCTURAL = ['properties', 'items', 'allOf', 'additionalProperties', 'enum', 'const'];

export function unionOf(schema: JsonObject): Union | undefined {
  const keyword = Array.isArray(schema.oneOf) ? 'oneOf' : Array.isArray(schema.anyOf) ? 'anyOf' : undefined;
  if (!keyword) return undefined;
  return {
    keyword,
    list: schema[keyword] as unknown[],
    pure:
      !STRUCTURAL.some((key) => hasOwn(schema, key)) && !(Array.isArray(schema.oneOf) && Array.isArray(schema.anyOf)),
    discriminator: isObject(schema.discriminator) ? schema.discriminator : undefined,
  };
}

/** Keys that only document a schema: ignored when judging whether two schemas have identical structure. */
const DOCUMENTATION = new Set(['description', 'title', 'summary', 'example', 'examples', 'externalDocs', '$comment']);

const digests = new WeakMap<object, string>();

/**
 * A digest of what a schema means, `$ref`s followed (in `root`) and documentation keys left out, so an inline
 * schema and the component it was moved into digest alike. Each object is digested once (a Merkle hash over its
 * members); a reference back into a schema being digested counts as the same marker wherever it occurs.
 */
export function structureDigest(root: unknown, value: unknown, inProgress: Set<object> = new Set()): string {
  if (Array.isArray(value)) {
    return hash(JSON.stringify(value.map((item) => structureDigest(root, item, inProgress))));
  }
  if (!isObject(value)) return JSON.stringify(value) ?? 'undefined';
  const target = typeof value.$ref === 'string' ? resolve(root, value) : value;
  if (!target) return `unresolved:${String(value.$ref)}`;
  const cached = digests.get(target);
  if (cached !== undefined) return cached;
  if (inProgress.has(target)) return 'cycle';
  inProgress.add(target);
  const parts = Object.keys(target)
    .filter((key) => !DOCUMENTATION.has(key) && !key.startsWith('x-'))
    .sort()
    .map((key) => [key, structureDigest(root, target[key], inProgress)]);
  inProgress.delete(target);
  const digest = hash(JSON.stringify(parts));
  digests.set(target, digest);
  return digest;
}

const hash = (text: string): string => createHash('sha1').update(text).digest('base64');

/** A `oneOf`/`anyOf` member paired across documents: indexes in each list, or only one side when unmatched. */
export interface VariantPair {
  oldIndex?: number;
  newIndex?: number;
  /** How messages name the variant: its `$ref` target name, else its title or discriminator value, else its position. */
  name: string;
}

interface Member {
  index: number;
  ref: string | undefined;
  schema: JsonObject | undefined;
  digest: string;
  tag: string | undefined;
  name: string;
}

function membersOf(root: unknown, union: Union): Member[] {
  const property = typeof union.discriminator?.propertyName === 'string' ? union.discriminator.propertyName : undefined;
  const mapping = isObject(union.discriminator?.mapping) ? union.discriminator.mapping : {};
  return union.list.map((raw, index) => {
    const target = refTarget(raw);
    const schema = resolve(root, raw);
    let tag: string | undefined;
    if (target) tag = Object.keys(mapping).find((key) => mapping[key] === (raw as JsonObject).$ref);
    if (tag === undefined && schema && property !== undefined) {
      const values = enumValues(resolve(root, (isObject(schema.properties) ? schema.properties : {})[property]) ?? {});
      if (values?.length === 1) tag = values[0];
    }
    const title = typeof schema?.title === 'string' ? schema.title : undefined;
    return {
      index,
      ref: target ? ((raw as JsonObject).$ref as string) : undefined,
      schema,
      digest: structureDigest(root, raw),
      tag: tag !== undefined ? `tag:${tag}` : title !== undefined ? `title:${title}` : undefined,
      name: target?.name ?? title ?? (tag !== undefined ? tag : `#${index + 1}`),
    };
  });
}

/** How alike two variant schemas look (0…1): shared property names, else the same type. */
function similarity(a: JsonObject | undefined, b: JsonObject | undefined): number {
  if (!a || !b) return 0;
  const typesA = typesOf(a);
  const typesB = typesOf(b);
  if (typesA && typesB && ![...typesA].some((type) => typesB.has(type))) return 0;
  const propsA = isObject(a.properties) ? Object.keys(a.properties) : [];
  const propsB = isObject(b.properties) ? Object.keys(b.properties) : [];
  if (propsA.length === 0 && propsB.length === 0) return typesA && typesB ? 0.5 : 0;
  const shared = propsA.filter((name) => propsB.includes(name)).length;
  return shared / new Set([...propsA, ...propsB]).size;
}

/**
 * Pairs the members of two `oneOf`/`anyOf` lists by content, in rounds: the same `$ref`; then identical structure
 * (refs followed, documentation ignored, so a variant moved into `components` pairs with its inline original);
 * then the same discriminator value or title; then the best structural match (shared property names, at least
 * half). Whatever is left is added or removed. Unpaired members come back with one side only.
 */
export function pairVariants(
  roots: { oldRoot: unknown; newRoot: unknown },
  oldUnion: Union,
  newUnion: Union,
): VariantPair[] {
  const olds = membersOf(roots.oldRoot, oldUnion);
  const news = membersOf(roots.newRoot, newUnion);
  const pairedNew = new Map<number, Member>();
  const pairedOld = new Map<number, Member>();
  const round = (matches: (old: Member, candidate: Member) => boolean) => {
    for (const old of olds) {
      if (pairedOld.has(old.index)) continue;
      const match = news.find((candidate) => !pairedNew.has(candidate.index) && matches(old, candidate));
      if (match) {
        pairedOld.set(old.index, match);
        pairedNew.set(match.index, old);
      }
    }
  };
  round((old, candidate) => old.ref !== undefined && old.ref === candidate.ref);
  round((old, candidate) => old.digest === candidate.digest);
  round((old, candidate) => old.tag !== undefined && old.tag === candidate.tag);
  const scored: Array<[number, Member, Member]> = [];
  for (const old of olds)
    for (const candidate of news)
      if (!pairedOld.has(old.index) && !pairedNew.has(candidate.index)) {
        const score = similarity(old.schema, candidate.schema);
        if (score >= 0.5) scored.push([score, old, candidate]);
      }
  scored.sort((a, b) => b[0] - a[0] || a[1].index - b[1].index || a[2].index - b[2].index);
  for (const [, old, candidate] of scored) {
    if (pairedOld.has(old.index) || pairedNew.has(candidate.index)) continue;
    pairedOld.set(old.index, candidate);
    pairedNew.set(candidate.index, old);
  }
  const pairs: VariantPair[] = olds.map((old) => {
    const match = pairedOld.get(old.index);
    return match
      ? { oldIndex: old.index, newIndex: match.index, name: match.name }
      : { oldIndex: old.index, name: old.name };
  });
  for (const added of news) if (!pairedNew.has(added.index)) pairs.push({ newIndex: added.index, name: added.name });
  return pairs;
}

const ENUM_MEMBER_KEYS = new Set(['type', 'enum', 'const', 'title', 'description', 'nullable']);

/**
 * A `oneOf`/`anyOf` whose members are all plain enums (or consts) of one type means the same as one enum of all
 * their values: `enum: [A, B]` rewritten as `oneOf: [{enum: [A]}, {enum: [B]}]` is no change. Returns the schema
 * as that single enum, or undefined when it is not such a union.
 */
export function enumUnion(root: unknown, schema: JsonObject): JsonObject | undefined {
  const union = unionOf(schema);
  if (!union || !union.pure || union.list.length === 0) return undefined;
  const values: string[] = [];
  const raw: unknown[] = [];
  let type: unknown;
  let nullable = false;
  for (const member of union.list) {
    const resolved = resolve(root, member);
    if (!resolved || !Object.keys(resolved).every((key) => ENUM_MEMBER_KEYS.has(key) || key.startsWith('x-')))
      return undefined;
    const memberValues = enumValues(resolved);
    if (!memberValues) return undefined;
    if (resolved.type !== undefined) {
      if (type !== undefined && JSON.stringify(type) !== JSON.stringify(resolved.type)) return undefined;
      type = resolved.type;
    }
    if (isNullable(resolved)) nullable = true;
    memberValues.forEach((value, index) => {
      if (values.includes(value)) return;
      values.push(value);
      raw.push(hasOwn(resolved, 'const') ? resolved.const : (resolved.enum as unknown[])[index]);
    });
  }
  const { oneOf: _oneOf, anyOf: _anyOf, discriminator: _discriminator, ...rest } = schema;
  return {
    ...rest,
    ...(type !== undefined && rest.type === undefined ? { type } : {}),
    ...(nullable ? { nullable: true } : {}),
    enum: raw,
  };
}
