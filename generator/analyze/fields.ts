import type { FieldIR, FieldType } from './ir.js';
import { SECRET_FIELDS } from './rfc-grants.js';
import { isObject } from '../shared/json.js';
import { deref } from '../shared/json-pointer.js';
import type { FlatSchema } from './schema-utils.js';

/** The generated code's view of a schema's type; deep or odd schemas degrade to `unknown`, never fail. */
export function fieldType(root: unknown, schema: unknown, depth = 0): FieldType {
  const resolved = deref(root, schema, '');
  if (!resolved || depth > 8) return { kind: 'unknown' };
  const node = resolved.value;
  const types = Array.isArray(node.type) ? node.type.filter((t) => t !== 'null') : [node.type];
  const type = types.length === 1 ? types[0] : undefined;
  const format = typeof node.format === 'string' ? { format: node.format } : {};
  if (type === 'string' || (type === undefined && typeof node.const === 'string')) {
    const values =
      typeof node.const === 'string'
        ? [node.const]
        : Array.isArray(node.enum)
          ? node.enum.filter((v): v is string => typeof v === 'string')
          : [];
    return { kind: 'string', ...format, ...(values.length > 0 ? { enum: values } : {}) };
  }
  if (type === 'integer' || type === 'number') {
    const values = Array.isArray(node.enum) ? node.enum.filter((v): v is number => typeof v === 'number') : [];
    return { kind: 'number', integer: type === 'integer', ...format, ...(values.length > 0 ? { enum: values } : {}) };
  }
  if (type === 'boolean') return { kind: 'boolean' };
  if (type === 'array') return { kind: 'array', items: fieldType(root, node.items, depth + 1) };
  if (type === 'object' || isObject(node.properties)) return { kind: 'object' };
  return { kind: 'unknown' };
}

/** The members of a flattened object schema as fields, in document order. */
export function fieldsOf(root: unknown, flat: FlatSchema | undefined): FieldIR[] {
  if (!flat) return [];
  return [...flat.properties].map(([name, { schema }]) => {
    const resolved = deref(root, schema, '')?.value ?? schema;
    const description =
      typeof schema.description === 'string'
        ? schema.description
        : typeof resolved.description === 'string'
          ? resolved.description
          : undefined;
    const secret = SECRET_FIELDS.has(name) || resolved.format === 'password';
    return {
      name,
      type: fieldType(root, schema),
      requiredBySpec: flat.required.has(name),
      secret,
      ...(description !== undefined ? { description } : {}),
      ...(resolved.deprecated === true ? { deprecated: true } : {}),
    };
  });
}

/** Merges field lists by name, keeping the first occurrence's position and description. */
export function mergeFields(lists: FieldIR[][]): FieldIR[] {
  const merged = new Map<string, FieldIR>();
  for (const list of lists) {
    for (const field of list) {
      const existing = merged.get(field.name);
      if (!existing) merged.set(field.name, field);
      else if (existing.description === undefined && field.description !== undefined)
        merged.set(field.name, { ...existing, description: field.description });
    }
  }
  return [...merged.values()];
}
