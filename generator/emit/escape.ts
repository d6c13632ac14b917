/**
 * Escapers for writing document text into TypeScript. Every piece of document text reaches generated code through
 * one of these; handlebars' HTML escaping is off because it is wrong for TypeScript.
 */

/** A TypeScript string literal of `value`: JSON escaping plus the line separators older parsers choke on. */
export function tsString(value: string): string {
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Text safe inside a `/** … *\/` comment, as continuation lines prefixed by `indent * `: `*\/` cannot close the
 * comment, a line cannot start a JSDoc tag, and control characters and line separators are dropped.
 */
export function jsdocText(value: string, indent = ''): string {
  return (
    value
      .replace(/\r\n?/g, '\n')
      .replace(/[\u2028\u2029]/g, '\n')
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
      .replace(/\*\//g, '*\\/')
      .trim()
      .split('\n')
      // TypeScript reads `@word` after white space as a tag anywhere in a line; a backslash keeps it text.
      .map((line) => line.trimEnd().replace(/(^|\s)@/g, '$1\\@'))
      .join(`\n${indent} * `)
  );
}

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

/** Returns `value` when it is a valid TypeScript identifier, else throws: identifiers are decided in analyze. */
export function identifier(value: string): string {
  if (!IDENTIFIER.test(value)) throw new Error(`Internal error: ${JSON.stringify(value)} is not an identifier`);
  return value;
}

/**
 * A key of an object literal that creates an own property named `value`. A literal key `__proto__` (quoted or
 * not) would set the object's prototype instead (ECMA-262 §B.3.1), so that one is written as a computed key.
 */
export function objectKey(value: string): string {
  return value === '__proto__' ? `[${tsString(value)}]` : tsString(value);
}

/** A property name: the bare name when it is an identifier, else a string literal. */
export function propertyName(value: string): string {
  return IDENTIFIER.test(value) ? value : tsString(value);
}
