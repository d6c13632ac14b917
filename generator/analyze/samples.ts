import type { Json, MockAnswerIR } from './ir.js';
import { isObject, type JsonObject } from '../shared/json.js';
import { deref } from '../shared/json-pointer.js';

/**
 * Deterministic sample values for the test kit's default answers: the document's own example where it has one
 * (media type `example`, the first of `examples`, then the schema's `example`/`examples`/`default`/`const`), else a
 * value built from the schema that validates against it for the keywords it honours (type, enum, const, format,
 * minimum/maximum/exclusive bounds/multipleOf, minLength/maxLength, minItems/maxItems/uniqueItems, required,
 * allOf, oneOf/anyOf with discriminators, nullable). `pattern` cannot be honoured in general: a string with a pattern
 * and no example is the shortest sample that fits its length bounds, and test/testkit reports such schemas.
 * Recursion stops at the first repeat of a schema on the current path (optional members are left out there;
 * required ones get their type's simplest value).
 */
export function sampleOfMedia(
  root: JsonObject,
  media: unknown,
  at: string,
): { value: Json; from: 'example' | 'schema' } | undefined {
  if (!isObject(media)) return undefined;
  if ('example' in media) return { value: media.example as Json, from: 'example' };
  if (isObject(media.examples)) {
    for (const [name, example] of Object.entries(media.examples)) {
      const resolved = deref(root, example, `${at}/examples/${name}`)?.value;
      if (resolved && 'value' in resolved) return { value: resolved.value as Json, from: 'example' };
    }
  }
  return media.schema === undefined ? undefined : sampleOfSchema(root, media.schema, `${at}/schema`);
}

/**
 * A sample of `schema` (see {@link sampleOfMedia}); `from` is `example` when any part of it is a value the document
 * wrote (`example`, `examples`, `default`), which the document may have got wrong.
 */
export function sampleOfSchema(
  root: JsonObject,
  schema: unknown,
  at: string,
): { value: Json; from: 'example' | 'schema' } {
  const budget = { nodes: 0, fromDocument: false };
  const value = sample(root, schema, at, new Set(), 0, budget);
  return { value, from: budget.fromDocument ? 'example' : 'schema' };
}

const MAX_DEPTH = 8;

const FORMATS: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00Z',
  email: 'user@example.com',
  'idn-email': 'user@example.com',
  uri: 'https://example.com/',
  'uri-reference': 'https://example.com/',
  iri: 'https://example.com/',
  url: 'https://example.com/',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uuid: '00000000-0000-4000-8000-000000000000',
  byte: 'AA==',
  binary: '',
  password: 'secret',
  duration: 'P1D',
};

/**
 * Samples are written into testing.ts, so their size is bounded: past {@link FULL_DEPTH} levels or
 * {@link NODE_BUDGET} values, only required members are filled (a GitHub-size document has objects that nest the
 * same large schemas many times).
 */
const FULL_DEPTH = 3;
const NODE_BUDGET = 200;

function sample(
  root: JsonObject,
  raw: unknown,
  at: string,
  path: Set<string>,
  depth: number,
  budget: { nodes: number; fromDocument: boolean },
): Json {
  const found = deref(root, raw, at);
  if (!found) return null;
  const { value: schema, pointer } = found;
  budget.nodes++;
  if (depth > MAX_DEPTH) return null;
  const repeated = path.has(pointer) || depth >= FULL_DEPTH || budget.nodes > NODE_BUDGET;
  const inner = new Set(path).add(pointer);
  const next = (child: unknown, where: string): Json => sample(root, child, where, inner, depth + 1, budget);

  if ('const' in schema) return schema.const as Json;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as Json;
  const written =
    'example' in schema
      ? schema.example
      : Array.isArray(schema.examples) && schema.examples.length > 0
        ? schema.examples[0]
        : 'default' in schema
          ? schema.default
          : undefined;
  if (written !== undefined) {
    budget.fromDocument = true;
    return written as Json;
  }

  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const parts = schema.allOf.map((part, index) => next(part, `${pointer}/allOf/${index}`));
    const { allOf: _allOf, ...own } = schema;
    if (parts.every(isObject)) {
      const base = schema.properties || schema.type === 'object' ? sampleObject(own, pointer) : {};
      return Object.assign({}, ...parts, isObject(base) ? base : {});
    }
    return parts[0] ?? null;
  }
  const variants = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (variants && variants.length > 0) {
    const keyword = Array.isArray(schema.oneOf) ? 'oneOf' : 'anyOf';
    const value = next(variants[0], `${pointer}/${keyword}/0`);
    const discriminator = isObject(schema.discriminator) ? schema.discriminator : undefined;
    if (discriminator && typeof discriminator.propertyName === 'string' && isObject(value)) {
      // The mapping key of the first variant, else the component name it refers to (OpenAPI 3.x §4.8.25).
      const target = isObject(variants[0]) && typeof variants[0].$ref === 'string' ? variants[0].$ref : undefined;
      const mapped = isObject(discriminator.mapping)
        ? Object.entries(discriminator.mapping).find(([, ref]) => ref === target)?.[0]
        : undefined;
      const name = mapped ?? target?.split('/').pop();
      if (name !== undefined && typeof value[discriminator.propertyName] !== 'string') {
        return { ...value, [discriminator.propertyName]: name };
      }
    }
    return value;
  }

  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type =
    types.find((candidate) => candidate !== 'null' && candidate !== undefined) ??
    (schema.properties ? 'object' : schema.items ? 'array' : types.includes('null') ? 'null' : undefined);
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return sampleNumber(schema, type === 'integer');
    case 'string':
      return sampleString(schema);
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      if (repeated && min === 0) return [];
      const count = Math.max(min, repeated ? 0 : 1);
      const item = next(schema.items, `${pointer}/items`);
      if (schema.uniqueItems === true && count > 1) {
        // Distinct items for uniqueItems: only numbers and strings can be varied safely.
        return Array.from({ length: count }, (_, index) =>
          typeof item === 'number' ? item + index : typeof item === 'string' ? `${item}${index}` : item,
        );
      }
      return Array.from({ length: count }, () => item);
    }
    case 'object':
      return sampleObject(schema, pointer);
    default:
      return schema.properties ? sampleObject(schema, pointer) : {};
  }

  function sampleObject(object: JsonObject, where: string): Json {
    const properties = isObject(object.properties) ? object.properties : {};
    const required = new Set(
      Array.isArray(object.required) ? object.required.filter((name) => typeof name === 'string') : [],
    );
    const result: { [key: string]: Json } = {};
    for (const [name, property] of Object.entries(properties)) {
      if (repeated && !required.has(name)) continue;
      const resolved = deref(root, property, `${where}/properties/${name}`)?.value;
      // readOnly members are not sent and writeOnly ones not received: a response sample keeps readOnly ones.
      if (resolved?.writeOnly === true && !required.has(name)) continue;
      result[name] = next(property, `${where}/properties/${name}`);
    }
    return result;
  }
}

function sampleNumber(schema: JsonObject, integer: boolean): number {
  const step = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : integer ? 1 : 0;
  const exclusiveMinimum =
    typeof schema.exclusiveMinimum === 'number'
      ? schema.exclusiveMinimum
      : schema.exclusiveMinimum === true && typeof schema.minimum === 'number'
        ? schema.minimum
        : undefined;
  let low = typeof schema.minimum === 'number' && exclusiveMinimum === undefined ? schema.minimum : undefined;
  if (exclusiveMinimum !== undefined) low = exclusiveMinimum + (step || 1);
  const high =
    typeof schema.exclusiveMaximum === 'number'
      ? schema.exclusiveMaximum - (step || 1)
      : typeof schema.maximum === 'number'
        ? schema.maximum
        : undefined;
  let value = low ?? (high !== undefined && high < 0 ? high : 0);
  if (step > 0) value = Math.ceil(value / step) * step;
  if (integer) value = Math.ceil(value);
  return value;
}

function sampleString(schema: JsonObject): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  let value = format ?? 'string';
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
  if (format === undefined && max !== undefined && value.length > max) value = value.slice(0, max);
  if (value.length < min) value = value.padEnd(min, 'x');
  return value;
}

/**
 * The default answer of a mocked operation: the first success response (2xx, else `default`), its first media type,
 * and for JSON media types the document's example or a sample of the schema.
 */
export function mockAnswerOf(root: JsonObject, responses: unknown, at: string): MockAnswerIR {
  if (!isObject(responses)) return { status: 200 };
  const statuses = Object.keys(responses);
  const status = statuses.find((candidate) => /^2(\d\d|XX)$/i.test(candidate)) ?? statuses.find((s) => s === 'default');
  if (status === undefined) return { status: 200 };
  const code = /^2\d\d$/.test(status) ? Number(status) : 200;
  const response = deref(root, responses[status], `${at}/responses/${status}`);
  const content = response && isObject(response.value.content) ? response.value.content : {};
  const contentType = Object.keys(content)[0];
  if (contentType === undefined) return { status: code };
  const json = /^application\/([\w.+-]+\+)?json\b/i.test(contentType) || /\+json\b/i.test(contentType);
  if (!json) return { status: code, contentType };
  const body = sampleOfMedia(root, content[contentType], `${response!.pointer}/content/${contentType}`);
  return { status: code, contentType, ...(body !== undefined ? { body: body.value, bodyFrom: body.from } : {}) };
}
