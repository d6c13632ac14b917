import { capitalize, type ChangeList } from './change-list.js';
import { isObject, resolve, type JsonObject } from './resolve.js';
import {
  enumValues,
  flatten,
  isNullable,
  pairVariants,
  typeName,
  typesCovered,
  typesOf,
  type Direction,
} from './schema-shape.js';

export type { Direction } from './schema-shape.js';

/** Where two schemas sit in each document, and how messages name them. */
export interface SchemaSite {
  direction: Direction;
  /** e.g. `POST /connect/token` */
  operation: string;
  /** What the root schema belongs to, e.g. "the request body (application/json)" or "query parameter `expand`". */
  subject: string;
  /** Dotted path of the field below the root (`address.city`, `tags[]`), once inside a property. */
  field?: string | undefined;
  /** e.g. "oneOf variant Card", when inside a `oneOf`/`anyOf` member. */
  qualifier?: string | undefined;
  oldPointer: string;
  newPointer: string;
}

/** The documents the schemas resolve against (each side's `$ref`s in its own document). */
export interface SchemaRoots {
  oldRoot: unknown;
  newRoot: unknown;
}

const MAX_DEPTH = 64;

/** Names a site in a message: "request field `scope` of POST /connect/token". */
export function labelOf(site: SchemaSite): string {
  const what = site.field !== undefined ? `${site.direction} field \`${site.field}\`` : site.subject;
  return `${what}${site.qualifier !== undefined ? ` (${site.qualifier})` : ''} of ${site.operation}`;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;
function identity(value: object): number {
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return id;
}

/**
 * Compares two schemas as seen in one direction and reports into `out`: type, nullability, format and enum
 * changes, then recursively properties (with `allOf` merged), `items`, `additionalProperties` and `oneOf`/`anyOf`
 * members. `$ref`s are followed in their own document, so where a schema lives does not matter. A pair of schema
 * objects is compared at most once on any path, so recursive schemas terminate.
 */
export function diffSchemas(
  oldRaw: unknown,
  newRaw: unknown,
  site: SchemaSite,
  roots: SchemaRoots,
  out: ChangeList,
): void {
  walk(oldRaw, newRaw, site, roots, out, new Set(), 0);
}

function walk(
  oldRaw: unknown,
  newRaw: unknown,
  site: SchemaSite,
  roots: SchemaRoots,
  out: ChangeList,
  seen: ReadonlySet<string>,
  depth: number,
): void {
  const oldSchema = resolve(roots.oldRoot, oldRaw);
  const newSchema = resolve(roots.newRoot, newRaw);
  if (!oldSchema || !newSchema || depth > MAX_DEPTH) return;
  const pair = `${identity(oldSchema)}:${identity(newSchema)}`;
  if (seen.has(pair)) return;
  if (out.budget <= 0) return;
  out.budget -= 1;
  const path = new Set(seen).add(pair);
  if (!compareScalars(oldSchema, newSchema, site, out)) return;
  const recurse = (oldNext: unknown, newNext: unknown, next: SchemaSite) =>
    walk(oldNext, newNext, next, roots, out, path, depth + 1);
  compareProperties(oldSchema, newSchema, site, roots, out, recurse);
  compareContainers(oldSchema, newSchema, site, recurse);
  compareVariants(oldSchema, newSchema, site, out, recurse);
}

type Recurse = (oldNext: unknown, newNext: unknown, next: SchemaSite) => void;

/** Type, nullability, format and enum. Returns false when the type changed: nothing below is comparable then. */
function compareScalars(oldSchema: JsonObject, newSchema: JsonObject, site: SchemaSite, out: ChangeList): boolean {
  const { direction } = site;
  const request = direction === 'request';
  const label = labelOf(site);
  const pointers = { oldPointer: site.oldPointer, newPointer: site.newPointer };

  // An untyped schema on either side (e.g. only `allOf`) is not compared by type: its members are.
  const oldTypes = typesOf(oldSchema);
  const newTypes = typesOf(newSchema);
  if (oldTypes && newTypes && typeName(oldTypes) !== typeName(newTypes)) {
    const from = typeName(oldTypes);
    const to = typeName(newTypes);
    if (request && typesCovered(oldTypes, newTypes)) {
      out.add('request-type-widened', 'info', `${capitalize(label)} now also accepts ${to} (was ${from}).`, pointers);
    } else if (!request && typesCovered(newTypes, oldTypes)) {
      out.add('response-type-narrowed', 'info', `${capitalize(label)} is now only ${to} (was ${from}).`, pointers);
    } else {
      out.add(`${direction}-type-changed`, 'breaking', `The type of ${label} changed from ${from} to ${to}.`, pointers);
      return false;
    }
  }

  const wasNullable = isNullable(oldSchema);
  const nowNullable = isNullable(newSchema);
  if (!wasNullable && nowNullable) {
    // A client that was promised a value gets null: breaking for what it receives, harmless for what it sends.
    out.add(
      `${direction}-became-nullable`,
      request ? 'info' : 'breaking',
      `${capitalize(label)} may now be null.`,
      pointers,
    );
  } else if (wasNullable && !nowNullable) {
    out.add(
      `${direction}-became-not-nullable`,
      request ? 'breaking' : 'info',
      `${capitalize(label)} may no longer be null.`,
      pointers,
    );
  }

  if (
    oldSchema.format !== newSchema.format &&
    (typeof oldSchema.format === 'string' || typeof newSchema.format === 'string')
  ) {
    // Generated types and (de)serialisation follow the format (date-time, int64, binary), so any change is breaking.
    out.add(
      `${direction}-format-changed`,
      'breaking',
      `The format of ${label} changed from ${String(oldSchema.format ?? 'none')} to ${String(newSchema.format ?? 'none')}.`,
      pointers,
    );
  }

  compareEnums(oldSchema, newSchema, site, out);
  return true;
}

function compareEnums(oldSchema: JsonObject, newSchema: JsonObject, site: SchemaSite, out: ChangeList): void {
  const oldEnum = enumValues(oldSchema);
  const newEnum = enumValues(newSchema);
  if (!oldEnum && !newEnum) return;
  const request = site.direction === 'request';
  const label = capitalize(labelOf(site));
  const pointers = { oldPointer: site.oldPointer, newPointer: site.newPointer };
  const removed = oldEnum && newEnum ? oldEnum.filter((value) => !newEnum.includes(value)) : [];
  const added = oldEnum && newEnum ? newEnum.filter((value) => !oldEnum.includes(value)) : [];
  const list = (values: string[]) => values.join(', ');
  // A free value becoming an enum narrows it; an enum becoming a free value widens it.
  if (newEnum && (!oldEnum || removed.length > 0)) {
    const what = !oldEnum ? `now only allows ${list(newEnum)}` : `no longer allows ${list(removed)}`;
    out.add(`${site.direction}-enum-narrowed`, request ? 'breaking' : 'info', `${label} ${what}.`, pointers);
  }
  if (oldEnum && (!newEnum || added.length > 0)) {
    const what = !newEnum ? 'now allows any value' : `now also allows ${list(added)}`;
    // A client that switches exhaustively over the values it knows breaks on a new one it receives.
    out.add(`${site.direction}-enum-widened`, request ? 'info' : 'warning', `${label} ${what}.`, pointers);
  }
}

function compareProperties(
  oldSchema: JsonObject,
  newSchema: JsonObject,
  site: SchemaSite,
  roots: SchemaRoots,
  out: ChangeList,
  recurse: Recurse,
): void {
  const { direction } = site;
  const request = direction === 'request';
  const oldFlat = flatten(roots.oldRoot, oldSchema, direction);
  const newFlat = flatten(roots.newRoot, newSchema, direction);
  if (oldFlat.properties.size === 0 && newFlat.properties.size === 0) return;
  const fieldOf = (name: string) => (site.field !== undefined ? `${site.field}.${name}` : name);
  const at = (name: string, oldSuffix: string | undefined, newSuffix: string | undefined) => {
    const next: SchemaSite = {
      ...site,
      field: fieldOf(name),
      oldPointer: site.oldPointer + (oldSuffix ?? ''),
      newPointer: site.newPointer + (newSuffix ?? ''),
    };
    return {
      next,
      label: capitalize(labelOf(next)),
      oldPointer: oldSuffix !== undefined ? next.oldPointer : undefined,
      newPointer: newSuffix !== undefined ? next.newPointer : undefined,
    };
  };

  for (const [name, oldProperty] of oldFlat.properties) {
    const newProperty = newFlat.properties.get(name);
    if (!newProperty) {
      const { label, oldPointer } = at(name, oldProperty.suffix, undefined);
      if (request) {
        // Warning, not breaking: the old client keeps sending the field, and servers ignore unknown form fields and
        // (almost always) unknown JSON members; but the server may no longer act on it, so a human should look.
        out.add(
          'request-property-removed',
          'warning',
          `${label} was removed; servers usually ignore it if it is still sent.`,
          { oldPointer },
        );
      } else {
        out.add('response-property-removed', 'breaking', `${label} was removed.`, { oldPointer });
      }
      continue;
    }
    const { next, label, oldPointer, newPointer } = at(name, oldProperty.suffix, newProperty.suffix);
    const wasRequired = oldFlat.required.has(name);
    const isRequired = newFlat.required.has(name);
    if (!wasRequired && isRequired) {
      out.add(`${direction}-property-became-required`, request ? 'breaking' : 'info', `${label} is now required.`, {
        oldPointer,
        newPointer,
      });
    } else if (wasRequired && !isRequired) {
      // A response field that may now be missing breaks a client that reads it unguarded.
      out.add(`${direction}-property-became-optional`, request ? 'info' : 'breaking', `${label} is now optional.`, {
        oldPointer,
        newPointer,
      });
    }
    recurse(oldProperty.schema, newProperty.schema, next);
  }
  for (const [name, newProperty] of newFlat.properties) {
    if (oldFlat.properties.has(name)) continue;
    const { label, newPointer } = at(name, undefined, newProperty.suffix);
    if (request && newFlat.required.has(name))
      out.add('request-property-added-required', 'breaking', `${label} was added as required.`, { newPointer });
    else
      out.add(`${direction}-property-added`, 'info', `${label} was added${request ? ' as optional' : ''}.`, {
        newPointer,
      });
  }
}

/** `items` and schema-valued `additionalProperties`. */
function compareContainers(oldSchema: JsonObject, newSchema: JsonObject, site: SchemaSite, recurse: Recurse): void {
  if (oldSchema.items !== undefined && newSchema.items !== undefined) {
    recurse(oldSchema.items, newSchema.items, {
      ...site,
      ...(site.field !== undefined ? { field: `${site.field}[]` } : { subject: `the items of ${site.subject}` }),
      oldPointer: `${site.oldPointer}/items`,
      newPointer: `${site.newPointer}/items`,
    });
  }
  if (isObject(oldSchema.additionalProperties) && isObject(newSchema.additionalProperties)) {
    recurse(oldSchema.additionalProperties, newSchema.additionalProperties, {
      ...site,
      ...(site.field !== undefined
        ? { field: `${site.field}.*` }
        : { subject: `the additional properties of ${site.subject}` }),
      oldPointer: `${site.oldPointer}/additionalProperties`,
      newPointer: `${site.newPointer}/additionalProperties`,
    });
  }
}

/** `oneOf`/`anyOf` members, paired by `$ref` target or inline order. */
function compareVariants(
  oldSchema: JsonObject,
  newSchema: JsonObject,
  site: SchemaSite,
  out: ChangeList,
  recurse: Recurse,
): void {
  const { direction } = site;
  const request = direction === 'request';
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const oldList = oldSchema[keyword];
    const newList = newSchema[keyword];
    if (!Array.isArray(oldList) && !Array.isArray(newList)) continue;
    const label = labelOf(site);
    if (!Array.isArray(oldList) || !Array.isArray(newList)) {
      out.add(
        `${direction}-variants-changed`,
        'warning',
        `${capitalize(label)} ${Array.isArray(newList) ? 'is now' : 'is no longer'} a ${keyword} of alternatives.`,
        { oldPointer: site.oldPointer, newPointer: site.newPointer },
      );
      continue;
    }
    for (const variant of pairVariants(oldList, newList)) {
      const oldPointer =
        variant.oldIndex !== undefined ? `${site.oldPointer}/${keyword}/${variant.oldIndex}` : undefined;
      const newPointer =
        variant.newIndex !== undefined ? `${site.newPointer}/${keyword}/${variant.newIndex}` : undefined;
      if (oldPointer === undefined) {
        // Request: the server accepts one more shape. Response: the client may receive a shape it does not handle.
        out.add(
          `${direction}-variant-added`,
          request ? 'info' : 'warning',
          `${capitalize(label)} gained ${keyword} variant ${variant.name}.`,
          { newPointer },
        );
      } else if (newPointer === undefined) {
        out.add(
          `${direction}-variant-removed`,
          request ? 'breaking' : 'info',
          `${capitalize(label)} lost ${keyword} variant ${variant.name}.`,
          { oldPointer },
        );
      } else {
        const qualifier = `${keyword} variant ${variant.name}`;
        recurse(oldList[variant.oldIndex!], newList[variant.newIndex!], {
          ...site,
          qualifier: site.qualifier !== undefined ? `${site.qualifier}, ${qualifier}` : qualifier,
          oldPointer,
          newPointer,
        });
      }
    }
  }
}
