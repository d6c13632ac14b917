import { JSONSchemaFaker } from 'json-schema-faker';
import type { OperationIR } from '../../generator/analyze/ir.js';

/**
 * Valid arguments for a generated operation function, built from its document deterministically: the document's
 * own examples first (parameter `example`/`examples`, media type `example`/`examples`), else a value generated
 * from the schema by json-schema-faker (the generator Prism's dynamic mode uses, here with a seeded random and
 * every optional property filled, so the serialization of as many members as possible is exercised).
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a JSON pointer (`#/components/schemas/Pet` or `/paths/~1pets/get`). */
export function at(root: Json, pointer: string): unknown {
  return pointer
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .reduce<unknown>(
      (node, token) =>
        isObject(node) || Array.isArray(node)
          ? (node as Json)[token.replace(/~1/g, '/').replace(/~0/g, '~')]
          : undefined,
      root,
    );
}

/** Follows `$ref`s of one node (not of its children). */
export function resolve(root: Json, node: unknown): Json {
  for (let depth = 0; isObject(node) && typeof node.$ref === 'string' && depth < 20; depth += 1)
    node = at(root, node.$ref);
  return isObject(node) ? node : {};
}

/** A copy of a schema with every `$ref` replaced by its target; cycles end in `{}` after a few levels. */
function inline(root: Json, schema: unknown, depth = 0, seen: readonly string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inline(root, item, depth, seen));
  if (!isObject(schema)) return schema;
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    if (seen.filter((item) => item === ref).length >= 1 || depth > 12) return {};
    const { $ref: _ref, ...siblings } = schema;
    return inline(root, { ...(at(root, ref) as Json), ...siblings }, depth + 1, [...seen, ref]);
  }
  const copy: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    // Examples and enums are data, not schemas.
    copy[key] =
      key === 'example' || key === 'examples' || key === 'enum' || key === 'const' || key === 'default'
        ? value
        : inline(root, value, depth + 1, seen);
  }
  return copy;
}

/** A small deterministic PRNG (mulberry32), seeded per value so one document's samples never depend on another's. */
function seeded(text: string): () => number {
  let seed = [...text].reduce((hash, char) => Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0, 2166136261);
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value valid against `schema`, deterministic for a given `seed`. */
export function sampleOf(root: Json, schema: unknown, seed: string): unknown {
  const inlined = inline(root, schema);
  if (isObject(inlined) && 'example' in inlined) return inlined.example;
  if (isObject(inlined) && Array.isArray(inlined.examples) && inlined.examples.length > 0) return inlined.examples[0];
  JSONSchemaFaker.option({
    random: seeded(seed),
    alwaysFakeOptionals: true,
    optionalsProbability: 1,
    fixedProbabilities: true,
    useExamplesValue: true,
    useDefaultValue: true,
    failOnInvalidTypes: false,
    failOnInvalidFormat: false,
    ignoreMissingRefs: true,
    fillProperties: false,
    maxItems: 2,
  });
  JSONSchemaFaker.format('uuid', () => '3fa85f64-5717-4562-b3fc-2c963f66afa6');
  return JSONSchemaFaker.generate(stripReadOnly(inlined) as never);
}

/** Removes readOnly properties (OpenAPI: they are not sent in requests). */
function stripReadOnly(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripReadOnly);
  if (!isObject(schema)) return schema;
  const copy: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && isObject(value)) {
      const kept = Object.entries(value).filter(([, property]) => !(isObject(property) && property.readOnly === true));
      copy[key] = Object.fromEntries(kept.map(([name, property]) => [name, stripReadOnly(property)]));
      const names = new Set(kept.map(([name]) => name));
      if (Array.isArray(schema.required)) copy.required = schema.required.filter((name) => names.has(name as string));
    } else if (key !== 'required' || !isObject(schema.properties)) {
      copy[key] = key === 'example' || key === 'examples' || key === 'enum' ? value : stripReadOnly(value);
    }
  }
  return copy;
}

/** The first example of a parameter or media type object, if it has one. */
function exampleOf(root: Json, holder: Json): { value: unknown } | undefined {
  if ('example' in holder) return { value: holder.example };
  if (isObject(holder.examples)) {
    const first = Object.values(holder.examples)[0];
    const example = resolve(root, first);
    if ('value' in example) return { value: example.value };
  }
  return undefined;
}

/** Whether a (resolved) schema describes bytes: `format: binary` (3.0) or a `contentMediaType`/`contentEncoding`-free 3.1 string of bytes. */
function isBinary(root: Json, schema: unknown): boolean {
  const resolved = resolve(root, schema);
  return (
    resolved.format === 'binary' ||
    (typeof resolved.contentMediaType === 'string' && resolved.contentEncoding === undefined)
  );
}

/** A small file with bytes that are not UTF-8, so a part or body that were decoded as text would show. */
const bytes = (name: string): File =>
  new File([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff]), name], `${name}.bin`);

/** The request argument of a generated function: every parameter (required and optional) and the body. */
export function requestFor(root: Json, operation: OperationIR): Json {
  const raw = resolve(root, at(root, operation.pointer));
  const item = resolve(root, at(root, operation.pointer.replace(/\/[^/]+$/, '')));
  const declared = [
    ...(Array.isArray(item.parameters) ? item.parameters : []),
    ...(Array.isArray(raw.parameters) ? raw.parameters : []),
  ].map((parameter) => resolve(root, parameter));
  const request: Record<string, Json> = {};
  for (const parameter of operation.parameters) {
    const source =
      [...declared].reverse().find((candidate) => candidate.name === parameter.name && candidate.in === parameter.in) ??
      {};
    const media = isObject(source.content) ? resolve(root, Object.values(source.content)[0]) : undefined;
    const example = exampleOf(root, source) ?? (media ? exampleOf(root, media) : undefined);
    let schema = media ? media.schema : source.schema;
    // A path segment cannot be empty: a string without minLength gets one character at least.
    if (
      parameter.in === 'path' &&
      resolve(root, schema).type === 'string' &&
      resolve(root, schema).minLength === undefined
    )
      schema = { ...resolve(root, schema), minLength: 1 };
    const value = example
      ? example.value
      : sampleOf(root, schema, `${operation.pointer} ${parameter.in} ${parameter.name}`);
    if (value === undefined) continue;
    (request[parameter.in] ??= {})[parameter.name] = value;
  }
  const body = operation.requestBody;
  if (body) {
    const content = resolve(root, resolve(root, raw.requestBody).content);
    const media = resolve(root, content[body.contentType]);
    const example = exampleOf(root, media);
    let value = example ? example.value : sampleOf(root, media.schema, `${operation.pointer} body`);
    if (body.kind === 'multipart' && isObject(value)) {
      // Parts that are bytes go as files.
      const properties = resolve(root, inline(root, media.schema)).properties;
      value = Object.fromEntries(
        Object.entries(value).map(([name, part]) => {
          const schema = isObject(properties) ? resolve(root, properties[name]) : {};
          if (isBinary(root, schema)) return [name, bytes(name)];
          if (schema.type === 'array' && isBinary(root, schema.items)) return [name, [bytes(name)]];
          return [name, part];
        }),
      );
    }
    if (body.kind === 'binary') value = bytes('body');
    if (body.kind === 'text' && typeof value !== 'string') value = JSON.stringify(value);
    request.body = value as Json;
  }
  return request;
}
