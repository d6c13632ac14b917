import type { FieldType } from '../analyze/ir.js';
import { tsString } from './escape.js';

/** The TypeScript type of a field, as source text. Enum values become literal unions. */
export function typeText(type: FieldType): string {
  switch (type.kind) {
    case 'string':
      return type.enum ? type.enum.map(tsString).join(' | ') : 'string';
    case 'number':
      return type.enum ? type.enum.map((value) => String(value)).join(' | ') : 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const items = typeText(type.items);
      return /^[\w.]+$/.test(items) ? `${items}[]` : `Array<${items}>`;
    }
    case 'object':
      return 'Record<string, unknown>';
    case 'unknown':
      return 'unknown';
  }
}

/**
 * The type of a grant helper's option: like {@link typeText}, but lists are read-only, `scope` takes a list too,
 * and what a form field cannot carry as such — an object, a nested list, an untyped value — is given as the text
 * (or number or boolean) to send: the runtime sends each value with `String()`.
 */
export function optionTypeText(name: string, type: FieldType): string {
  if (name === 'scope' && type.kind === 'string' && !type.enum) return 'ScopeParameter';
  if (type.kind === 'array') {
    const items = formValueText(type.items);
    return /^[\w.]+$/.test(items) ? `readonly ${items}[]` : `ReadonlyArray<${items}>`;
  }
  return formValueText(type);
}

function formValueText(type: FieldType): string {
  if (type.kind === 'object' || type.kind === 'array') return 'string';
  if (type.kind === 'unknown') return 'string | number | boolean';
  return typeText(type);
}
