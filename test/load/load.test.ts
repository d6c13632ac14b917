import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../generator/errors.js';
import { loadDocument } from '../../generator/load/load.js';
import { SPEC, removeDir, tempDir } from '../support/generate-to-temp.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('wcg-load-');
});
afterAll(async () => removeDir(dir));

const MINIMAL = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths: {}\n';
async function load(name: string, text: string | Buffer) {
  await writeFile(join(dir, name), text);
  return loadDocument(name, { cwd: dir });
}
async function loadError(name: string, text: string | Buffer): Promise<InputError> {
  const error = await load(name, text).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).not.toContain('\n');
  return error as InputError;
}

describe('loadDocument', () => {
  it('reads, validates and hashes the WealthCare document', async () => {
    const loaded = await loadDocument(SPEC, { cwd: dir });
    expect(loaded.version).toBe('3.1');
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(loaded.document['paths'] as object)).toEqual(['/connect/token']);
  });

  it('reads JSON as well as YAML', async () => {
    const loaded = await load(
      'doc.json',
      JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {} }),
    );
    expect(loaded.version).toBe('3.0');
  });

  it('bundles external $refs into the document', async () => {
    await writeFile(join(dir, 'shared.yaml'), 'Thing:\n  type: object\n  properties:\n    id: { type: string }\n');
    const loaded = await load(
      'with-ref.yaml',
      `${MINIMAL.replace('paths: {}', '')}paths: {}\ncomponents:\n  schemas:\n    Thing:\n      $ref: './shared.yaml#/Thing'\n`,
    );
    expect(JSON.stringify(loaded.document)).not.toContain('shared.yaml');
    expect(JSON.stringify(loaded.document)).toContain('"id"');
  });

  it('reads a document from an http URL', async () => {
    const server = createServer((_req, res) => res.end(MINIMAL));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.yaml`;
      const loaded = await loadDocument(url, { cwd: dir });
      expect(loaded.source).toBe(url);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  const bad: Array<[string, string, string | Buffer, RegExp]> = [
    ['an empty file', 'empty.yaml', '', /empty\.yaml: the document is empty/],
    [
      'a binary file',
      'binary.yaml',
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]),
      /binary\.yaml: the document is not UTF-8 text/,
    ],
    [
      'broken YAML',
      'broken.yaml',
      'openapi: 3.1.0\ninfo: [unclosed\n',
      /broken\.yaml: not valid YAML or JSON at line \d+/,
    ],
    ['a top-level array', 'array.yaml', '- 1\n- 2\n', /array\.yaml: not an OpenAPI document/],
    [
      'JSON that is not OpenAPI',
      'pkg.json',
      '{"name":"x","version":"1.0.0"}',
      /pkg\.json: not an OpenAPI document \(no `openapi` field\)/,
    ],
    [
      'Swagger 2.0',
      'swagger.yaml',
      'swagger: "2.0"\ninfo: { title: t, version: "1" }\npaths: {}\n',
      /swagger\.yaml#\/swagger: Swagger 2\.0 is not supported\. Convert it to OpenAPI 3/,
    ],
    [
      'a wrong version string',
      'v4.yaml',
      MINIMAL.replace('3.1.0', '4.0.0'),
      /v4\.yaml#\/openapi: unsupported OpenAPI version "4\.0\.0"/,
    ],
    [
      'a missing $ref target',
      'dangling.yaml',
      `${MINIMAL}components:\n  schemas:\n    A:\n      $ref: '#/components/schemas/Missing'\n`,
      /dangling\.yaml#\/components\/schemas\/A: Can't resolve \$ref/,
    ],
    [
      'an external $ref to a missing file',
      'external.yaml',
      `${MINIMAL}components:\n  schemas:\n    A:\n      $ref: './nowhere.yaml#/A'\n`,
      /external\.yaml#\/components\/schemas\/A: Can't resolve \$ref/,
    ],
    [
      'a structural error',
      'struct.yaml',
      'openapi: 3.1.0\ninfo: { version: "1" }\npaths: {}\n',
      /struct\.yaml#\/info: The field `title` must be present/,
    ],
    [
      'a YAML alias bomb',
      'bomb.yaml',
      `${MINIMAL}x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n` +
        Array.from(
          { length: 9 },
          (_, i) =>
            `x-${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]\n`,
        ).join(''),
      /bomb\.yaml: the document expands to more than \d+ nodes/,
    ],
    [
      'nesting 5000 deep',
      'deep.json',
      `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},"x-deep":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      /deep\.json: the document nests deeper than \d+ levels/,
    ],
  ];
  it.each(bad)('rejects %s with one line naming the file and pointer', async (_what, name, text, expected) => {
    const error = await loadError(name, text);
    expect(error.message).toMatch(expected);
    expect(error.exitCode).toBe(2);
  });

  it('rejects a missing file', async () => {
    await expect(loadDocument('missing.yaml', { cwd: dir })).rejects.toThrow(/missing\.yaml: file not found/);
  });
});
