import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { identifier, jsdocText, propertyName, tsString } from '../../generator/emit/escape.js';

/** Text that ends or opens a context in generated code. */
const HOSTILE = [
  '*/',
  '/*',
  '//',
  '{{ }}',
  '`',
  '${x}',
  '"',
  "'",
  '\\',
  '\n',
  '\r\n',
  '\u2028',
  '\u2029',
  '</script>',
  '*/ alert(1); /*',
  '@param x',
  '\u0000',
];

/** Parses `source` and returns the syntax errors and the statements' kinds. */
function parse(source: string): { errors: number; statements: ts.SyntaxKind[] } {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2022, true);
  const errors = (file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length;
  return { errors, statements: file.statements.map((statement) => statement.kind) };
}

describe('tsString', () => {
  it.each(HOSTILE)('round-trips %j as one string literal', (text) => {
    const source = `export const x = ${tsString(text)};`;
    expect(parse(source)).toEqual({ errors: 0, statements: [ts.SyntaxKind.VariableStatement] });
    expect(new Function(`return ${tsString(text)};`)()).toBe(text);
  });
});

describe('jsdocText', () => {
  it.each(HOSTILE)('keeps %j inside the comment', (text) => {
    const source = `/**\n * ${jsdocText(`before ${text} after`)}\n */\nexport const x = 1;`;
    const result = parse(source);
    expect(result).toEqual({ errors: 0, statements: [ts.SyntaxKind.VariableStatement] });
    const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2022, true);
    const tags = ts.getJSDocTags(file.statements[0]!);
    expect(tags).toHaveLength(0);
  });
});

describe('identifier and propertyName', () => {
  it('accepts identifiers, rejects anything else', () => {
    expect(identifier('clientCredentials')).toBe('clientCredentials');
    expect(identifier('größe')).toBe('größe');
    for (const bad of ['a-b', '1a', 'a b', '', 'a;b', '*/']) expect(() => identifier(bad)).toThrow(/not an identifier/);
  });
  it('quotes property names that are not identifiers', () => {
    expect(propertyName('access_token')).toBe('access_token');
    expect(propertyName('error-code')).toBe('"error-code"');
    expect(propertyName('a"b*/')).toBe('"a\\"b*/"');
  });
});
