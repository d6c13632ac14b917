import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../generator/errors.js';
import { YAML_MAX_DEPTH, parseJsonText } from '../../generator/load/json-text.js';
import { loadDocument } from '../../generator/load/load.js';
import { MAX_EXPANDED_NODES } from '../../generator/load/size-guard.js';
import { removeDir, tempDir } from '../support/generate-to-temp.js';

/**
 * load/json-text.ts parses JSON documents with JSON.parse where js-yaml (what the loader used for every document
 * before, through @redocly/openapi-core) would give the same value. Each case here is held against js-yaml itself:
 * the fast path either returns exactly js-yaml's value, or nothing (and the loader falls back to js-yaml), never a
 * value where js-yaml refuses the text.
 */
const { parseYaml } = createRequire(import.meta.url)('@redocly/openapi-core') as {
  parseYaml: (text: string) => unknown;
};

function yamlOf(text: string): { value: unknown } | { refused: string } {
  try {
    return { value: parseYaml(text) };
  } catch (error) {
    return { refused: (error as Error).message.split('\n')[0]! };
  }
}

const wrap = (inner: string): string => `{"openapi":"3.1.0","x":${inner}}`;
const arrays = (n: number, inner: string): string => `${'['.repeat(n)}${inner}${']'.repeat(n)}`;
const objects = (n: number, inner: string): string => `${'{"a":'.repeat(n)}${inner}${'}'.repeat(n)}`;

// [what, text, whether the fast path must take it]
const cases: [string, string, boolean][] = [
  ['a pretty-printed document', JSON.stringify({ openapi: '3.1.0', paths: { '/a': { get: {} } } }, null, 2), true],
  ['keys named like Object.prototype members', '{"__proto__": {"x": 1}, "constructor": [], "toString": "s"}', true],
  ['colons in keys and strings', '{"http://a:b": "c:d:e", "y": ["::", ":"], "z": {"": ":"}}', true],
  ['numbers', '{"a": [0, 1.0, 1e5, -1.5E+3, 12345678901234567890, 9007199254740993, 1e-7]}', true],
  ['escapes and non-ASCII', '{"a": "\\b\\f\\n\\r\\t\\\\\\"\\/ \\ud83d\\ude00 \\ud800 é ☃ \u2028"}', true],
  ['CRLF and tabs between tokens', '\r\n{\r\n\t"a":\t1,\r\n\t"b": {\r\n\t\t"c": "d"\r\n\t}\r\n}\r\n', true],
  ['a value on the line after its key', '{"a":\n1}', true],
  ['a merge-key lookalike', '{"<<": {"a": 1}, "b": 2}', true],
  ['a duplicated key', '{"a": 1, "b": {"c": 2, "c": 3}}', false],
  ['a duplicated key whose values hold colons', '{"a": "x:y", "a": "z"}', false],
  ['a colon written as \\u003a', '{"a": "\\u003a"}', false],
  ['a number beyond a double', '{"a": 1e400}', false],
  ['-0 (js-yaml: 0)', '{"a": -0}', false],
  ["-0.0 (js-yaml: -0; any -0 takes js-yaml's way)", '{"a": -0.0}', false],
  ['an integer beyond a double', `{"a": 1${'0'.repeat(400)}}`, false],
  ['a key with its colon on the next line', '{"a"\n: 1}', false],
  ['the same after a lone CR', '{"a"\r: 1}', false],
  ['YAML after JSON', '{"a": 1}\n---\n', false],
  ['a comment after JSON', '{"a": 1} # c', false],
  ['a tab inside a string', '{"a": "\t"}', false],
  ['an array at the top', '[1, 2]', false],
  ['YAML', 'openapi: 3.1.0\n', false],
];
// Around js-yaml's nesting limit, in several shapes.
for (let n = YAML_MAX_DEPTH - 4; n <= YAML_MAX_DEPTH; n += 1) {
  for (const [shape, text] of [
    [`${n} arrays around a scalar`, wrap(arrays(n, '1'))],
    [`${n} empty arrays`, wrap(arrays(n, ''))],
    [`${n} objects around a scalar`, objects(n, '1')],
    [`${n} objects around an empty object`, objects(n, '{}')],
  ] as const)
    cases.push([shape, text, !('refused' in yamlOf(text))]);
}

describe('parseJsonText', () => {
  it.each(cases)('%s: what js-yaml reads, or nothing', (_what, text, taken) => {
    const yaml = yamlOf(text);
    const json = parseJsonText(text, MAX_EXPANDED_NODES);
    if (!taken) {
      expect(json).toBeUndefined();
      return;
    }
    expect(yaml).not.toHaveProperty('refused');
    // isDeepStrictEqual: own `__proto__` members compared as members, and -0 told from 0.
    expect(json).toBeDefined();
    expect(isDeepStrictEqual(json?.parsed, (yaml as { value: unknown }).value)).toBe(true);
  });

  it('refuses at least one nesting the fast path was sweeping for (the sweep above reaches the limit)', () => {
    expect(cases.some(([what, text]) => / arrays | objects /.test(what) && 'refused' in yamlOf(text))).toBe(true);
  });

  it('counts nodes as the size guard does (containers and scalars, not keys), and stops past the budget', () => {
    const text = '{"a": [1, "b", {"c": null}], "d": {}}';
    // root, a, 1, "b", {c}, null, d
    expect(parseJsonText(text, MAX_EXPANDED_NODES)?.nodes).toBe(7);
    expect(parseJsonText(text, 6)).toBeUndefined();
  });
});

describe('a JSON document through loadDocument', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('wcg-json-text-');
  });
  afterAll(async () => removeDir(dir));

  const loadError = async (name: string, text: string): Promise<InputError> => {
    await writeFile(join(dir, name), text);
    const error = await loadDocument(name, { cwd: dir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  };

  it('with a duplicated key is refused as js-yaml refuses it, with its line and column', async () => {
    const text =
      '{\n  "openapi": "3.1.0",\n  "info": {"title": "t", "version": "1"},\n  "paths": {},\n  "paths": {}\n}\n';
    const error = await loadError('dup.json', text);
    expect(error.message).toBe('dup.json: not valid YAML or JSON at line 5, column 3: duplicated mapping key');
    expect(error.exitCode).toBe(2);
  });

  it(`nested past js-yaml's limit is refused with its line and column`, async () => {
    const text = `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},"x-deep":${arrays(YAML_MAX_DEPTH, '')}}`;
    const error = await loadError('deep.json', text);
    expect(error.message).toMatch(/^deep\.json: the document nests deeper than 100 levels at line 1, column \d+/);
  });
});
