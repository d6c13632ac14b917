import { deref, escapePointerToken, isObject, type JsonObject } from '../analyze/schema-utils.js';
import type { ChangeList } from './types.js';

/** Which way data flows: what the client sends (request) or receives (response). Severity depends on it. */
export type Direction = 'request' | 'response';

/** Where two schemas sit, in each document, and how to name them in messages. */
export interface SchemaContext {
  direction: Direction;
  oldRoot: unknown;
  newRoot: unknown;
  oldPointer: string;
  newPointer: string;
  /** e.g. "request field `scope` of POST /connect/token" */
  label: string;
  /** Pairs of schema objects already compared on this path: recursive schemas terminate. */
  seen: Set<string>;
  depth: number;
}

interface Flat {
  properties: Map<string, JsonObject>;
  required: Set<string>;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;
function identity(value: object): number {
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return id;
}

function flatten(root: unknown, schema: JsonObject, seen = new Set<JsonObject>()): Flat {
  const flat: Flat = { properties: new Map(), required: new Set() };
  if (seen.has(schema)) return flat;
  seen.add(schema);
  if (Array.isArray(schema.allOf)) {
    for (const member of schema.allOf) {
      const resolved = deref(root, member, '')?.value;
      if (!resolved) continue;
      const inner = flatten(root, resolved, seen);
      inner.properties.forEach((value, key) => flat.properties.set(key, value));
      inner.required.forEach((name) => flat.required.add(name));
    }
  }
  if (isObject(schema.properties)) for (const [name, value] of Object.entries(schema.properties)) if (isObject(value)) flat.properties.set(name, value);
  if (Array.isArray(schema.required)) for (const name of schema.required) if (typeof name === 'string') flat.required.add(name);
  return flat;
}

function typeOf(schema: JsonObject): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.filter((t) => t !== 'null').sort().join('|') || undefined;
  return undefined;
}

function enumOf(schema: JsonObject): string[] | undefined {
  if (schema.const !== undefined) return [JSON.stringify(schema.const)];
  return Array.isArray(schema.enum) ? schema.enum.map((value) => JSON.stringify(value)) : undefined;
}

/** Compares two schemas in a direction, recursively through properties, items and allOf. */
export function diffSchemas(oldRaw: unknown, newRaw: unknown, context: SchemaContext, out: ChangeList): void {
  const oldSchema = deref(context.oldRoot, oldRaw, context.oldPointer)?.value;
  const newSchema = deref(context.newRoot, newRaw, context.newPointer)?.value;
  if (!oldSchema || !newSchema || context.depth > 50) return;
  const pair = `${identity(oldSchema)}:${identity(newSchema)}`;
  if (context.seen.has(pair)) return;
  const seen = new Set(context.seen).add(pair);
  const { direction, label } = context;
  const pointers = { oldPointer: context.oldPointer, newPointer: context.newPointer };
  const request = direction === 'request';

  const oldType = typeOf(oldSchema);
  const newType = typeOf(newSchema);
  if (oldType !== newType && oldType !== undefined && newType !== undefined) {
    out.add(`${direction}-type-changed`, 'breaking', `The type of ${label} changed from ${oldType} to ${newType}.`, pointers);
    return;
  }
  if (oldSchema.format !== newSchema.format && (oldSchema.format !== undefined || newSchema.format !== undefined)) {
    out.add(`${direction}-format-changed`, 'breaking', `The format of ${label} changed from ${String(oldSchema.format ?? 'none')} to ${String(newSchema.format ?? 'none')}.`, pointers);
  }

  const oldEnum = enumOf(oldSchema);
  const newEnum = enumOf(newSchema);
  if (oldEnum || newEnum) {
    const removed = oldEnum ? oldEnum.filter((value) => !newEnum || !newEnum.includes(value)) : [];
    const added = newEnum ? newEnum.filter((value) => !oldEnum || !oldEnum.includes(value)) : [];
    const narrowed = (oldEnum === undefined && newEnum !== undefined) || (newEnum !== undefined && removed.length > 0);
    const widened = (oldEnum !== undefined && newEnum === undefined) || (oldEnum !== undefined && added.length > 0);
    const list = (values: string[]) => values.join(', ');
    if (narrowed) {
      const what = oldEnum === undefined ? `now only allows ${list(newEnum!)}` : `no longer allows ${list(removed)}`;
      out.add(`${direction}-enum-narrowed`, request ? 'breaking' : 'info', `${capitalize(label)} ${what}.`, pointers);
    }
    if (widened) {
      const what = newEnum === undefined ? 'now allows any value' : `now also allows ${list(added)}`;
      // A client that switches over every value it knows breaks on a new one it receives.
      out.add(`${direction}-enum-widened`, request ? 'info' : 'warning', `${capitalize(label)} ${what}.`, pointers);
    }
  }

  const oldFlat = flatten(context.oldRoot, oldSchema);
  const newFlat = flatten(context.newRoot, newSchema);
  const child = (name: string): SchemaContext => ({
    ...context,
    oldPointer: `${context.oldPointer}/properties/${escapePointerToken(name)}`,
    newPointer: `${context.newPointer}/properties/${escapePointerToken(name)}`,
    label: `${direction} field \`${name}\` of ${operationOf(label)}`,
    seen,
    depth: context.depth + 1,
  });
  for (const [name, oldProperty] of oldFlat.properties) {
    const at = child(name);
    const newProperty = newFlat.properties.get(name);
    if (!newProperty) {
      if (request) out.add('request-property-removed', 'warning', `${capitalize(at.label)} was removed; servers usually ignore it if it is still sent.`, { oldPointer: at.oldPointer });
      else out.add('response-property-removed', 'breaking', `${capitalize(at.label)} was removed.`, { oldPointer: at.oldPointer });
      continue;
    }
    const wasRequired = oldFlat.required.has(name);
    const isRequired = newFlat.required.has(name);
    if (!wasRequired && isRequired) {
      out.add(`${direction}-property-became-required`, request ? 'breaking' : 'info', `${capitalize(at.label)} is now required.`, { oldPointer: at.oldPointer, newPointer: at.newPointer });
    } else if (wasRequired && !isRequired) {
      out.add(`${direction}-property-became-optional`, request ? 'info' : 'breaking', `${capitalize(at.label)} is now optional.`, { oldPointer: at.oldPointer, newPointer: at.newPointer });
    }
    diffSchemas(oldProperty, newProperty, at, out);
  }
  for (const name of newFlat.properties.keys()) {
    if (oldFlat.properties.has(name)) continue;
    const at = child(name);
    if (request && newFlat.required.has(name)) out.add('request-property-added-required', 'breaking', `${capitalize(at.label)} was added as required.`, { newPointer: at.newPointer });
    else out.add(`${direction}-property-added`, 'info', `${capitalize(at.label)} was added${request ? ' as optional' : ''}.`, { newPointer: at.newPointer });
  }
  if (oldSchema.items !== undefined && newSchema.items !== undefined) {
    diffSchemas(oldSchema.items, newSchema.items, { ...context, oldPointer: `${context.oldPointer}/items`, newPointer: `${context.newPointer}/items`, label: `the items of ${label}`, seen, depth: context.depth + 1 }, out);
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const oldVariants = oldSchema[keyword];
    const newVariants = newSchema[keyword];
    if (!Array.isArray(oldVariants) && !Array.isArray(newVariants)) continue;
    if (!Array.isArray(oldVariants) || !Array.isArray(newVariants) || oldVariants.length !== newVariants.length) {
      out.add(`${direction}-variants-changed`, 'warning', `The ${keyword} variants of ${label} changed.`, pointers);
      continue;
    }
    oldVariants.forEach((variant, index) =>
      diffSchemas(variant, newVariants[index], { ...context, oldPointer: `${context.oldPointer}/${keyword}/${index}`, newPointer: `${context.newPointer}/${keyword}/${index}`, label: `variant ${index + 1} of ${label}`, seen, depth: context.depth + 1 }, out),
    );
  }
}

/** "request field `a` of POST /x" → "POST /x"; other labels are operation names already. */
function operationOf(label: string): string {
  const match = / of ((?:GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) .*)$/.exec(label);
  return match ? match[1]! : label;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
