/**
 * Input that is not an OpenAPI 3.0/3.1 document at all, or only nearly: every case fails with exit 2 and one line
 * naming the file (and the JSON pointer when there is one), saying what is wrong and how to fix it; no stack trace,
 * no output folder, and an existing output folder stays byte-identical.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenDocument } from './hostile-document.js';
import { SPEC } from '../support/generate-to-temp.js';
import { cli, folderState, oneLineFailure, removeDir, tempDir } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('wcg-not-openapi-');
  // An existing output from the WealthCare document: every failure below must leave it as it is.
  await cp(SPEC, join(dir, 'spec.yaml'));
  expect((await cli(dir, 'generate', '-i', 'spec.yaml', '-o', 'out')).code).toBe(0);
}, 300_000);
afterAll(async () => removeDir(dir));

const MINIMAL = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths: {}\n';
const json = (value: unknown): string => JSON.stringify(value);

const cases: Array<[string, string, string | Buffer, RegExp]> = [
  [
    'an empty file',
    'empty.yaml',
    '',
    /^wealthcare-codegen: empty\.yaml: the document is empty\. Pass an OpenAPI 3\.0 or 3\.1 document\.$/,
  ],
  [
    'a file of blank lines',
    'blank.yaml',
    '\n\n  \n',
    /^wealthcare-codegen: blank\.yaml: not an OpenAPI document \(expected an object at the top level\)/,
  ],
  [
    'a binary file',
    'image.png',
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xd8]),
    /^wealthcare-codegen: image\.png: the document is not UTF-8 text \(binary file\?\)/,
  ],
  [
    'UTF-8 text with NUL bytes',
    'nul.json',
    `{"openapi":"3.1.0"\u0000}`,
    /^wealthcare-codegen: nul\.json: the document is not UTF-8 text/,
  ],
  [
    'JSON that is not OpenAPI',
    'package.json',
    json({ name: 'x', version: '1.0.0', scripts: {} }),
    /^wealthcare-codegen: package\.json: not an OpenAPI document \(no `openapi` field\)\. Pass an OpenAPI 3\.0 or 3\.1 document\.$/,
  ],
  [
    'a JSON array',
    'array.json',
    '[{"openapi":"3.1.0"}]',
    /^wealthcare-codegen: array\.json: not an OpenAPI document \(expected an object at the top level\)/,
  ],
  [
    'a JSON string',
    'string.json',
    '"openapi: 3.1.0"',
    /^wealthcare-codegen: string\.json: not an OpenAPI document \(expected an object at the top level\)/,
  ],
  [
    'truncated JSON',
    'truncated.json',
    json(tokenDocument()).slice(0, 500),
    /^wealthcare-codegen: truncated\.json: not valid YAML or JSON at line \d+, column \d+: unexpected end of the stream/,
  ],
  [
    'YAML with a duplicated key',
    'dup.yaml',
    `${MINIMAL}info: { title: u, version: "2" }\n`,
    /^wealthcare-codegen: dup\.yaml: not valid YAML or JSON at line 4, column 1: duplicated mapping key/,
  ],
  [
    'OpenAPI 4.0.0',
    'v4.yaml',
    MINIMAL.replace('3.1.0', '4.0.0'),
    /^wealthcare-codegen: v4\.yaml#\/openapi: unsupported OpenAPI version "4\.0\.0"\. Supported: 3\.0\.x and 3\.1\.x\.$/,
  ],
  [
    'OpenAPI 3.2.0',
    'v32.yaml',
    MINIMAL.replace('3.1.0', '3.2.0'),
    /^wealthcare-codegen: v32\.yaml#\/openapi: unsupported OpenAPI version "3\.2\.0"/,
  ],
  [
    'a version written as a number',
    'number.yaml',
    MINIMAL.replace('3.1.0', '3.1'),
    /^wealthcare-codegen: number\.yaml#\/openapi: unsupported OpenAPI version 3\.1\b/,
  ],
  [
    'a version that is an object',
    'object.json',
    json({ openapi: { major: 3 }, info: { title: 't', version: '1' }, paths: {} }),
    /^wealthcare-codegen: object\.json#\/openapi: unsupported OpenAPI version \{"major":3\}/,
  ],
  [
    'a hostile version string',
    'hostile.json',
    json({ openapi: '3.1.0\n*/ x; /*', info: { title: 't', version: '1' }, paths: {} }),
    /^wealthcare-codegen: hostile\.json#\/openapi: unsupported OpenAPI version "3\.1\.0\\n\*\/ x; \/\*"/,
  ],
  [
    'Swagger 2.0',
    'swagger.yaml',
    'swagger: "2.0"\ninfo: { title: t, version: "1" }\npaths: {}\n',
    /^wealthcare-codegen: swagger\.yaml#\/swagger: Swagger 2\.0 is not supported\. Convert it to OpenAPI 3 first \(e\.g\. `npx swagger2openapi in\.yaml -o out\.yaml`\)\.$/,
  ],
  [
    'Swagger 2.0 in JSON',
    'swagger.json',
    json({ swagger: '2.0', info: { title: 't', version: '1' }, paths: {} }),
    /^wealthcare-codegen: swagger\.json#\/swagger: Swagger 2\.0 is not supported\. Convert it to OpenAPI 3/,
  ],
  [
    'no info',
    'noinfo.yaml',
    'openapi: 3.1.0\npaths: {}\n',
    /^wealthcare-codegen: noinfo\.yaml: The field `info` must be present on this level/,
  ],
  [
    'paths that is a string',
    'paths.json',
    json({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: 'all of them' }),
    /^wealthcare-codegen: paths\.json#\/paths: Expected type `Paths` \(object\) but got `string`/,
  ],
];

describe('not an OpenAPI 3.0/3.1 document', () => {
  it.each(cases)('%s: exit 2 with one line, the output folder untouched', async (_name, file, content, expected) => {
    await writeFile(join(dir, file), content);
    const before = await folderState(join(dir, 'out'));
    expect(oneLineFailure(await cli(dir, 'generate', '-i', file, '-o', 'out'))).toMatch(expected);
    expect(await folderState(join(dir, 'out'))).toEqual(before);
    // Nothing is created either.
    expect(oneLineFailure(await cli(dir, 'generate', '-i', file, '-o', `fresh-${file}`))).toMatch(expected);
    expect(existsSync(join(dir, `fresh-${file}`))).toBe(false);
  });

  it('a folder, /dev/null and /dev/zero are refused without reading them', async () => {
    await mkdir(join(dir, 'folder.yaml'), { recursive: true });
    expect(oneLineFailure(await cli(dir, 'generate', '-i', 'folder.yaml', '-o', 'out'))).toMatch(
      /^wealthcare-codegen: folder\.yaml: is a directory, not a file\./,
    );
    for (const device of ['/dev/null', '/dev/zero'].filter((path) => existsSync(path))) {
      expect(oneLineFailure(await cli(dir, 'generate', '-i', device, '-o', 'out'))).toMatch(
        new RegExp(`^wealthcare-codegen: ${device}: is not a regular file\\.`),
      );
    }
  });

  it('a named pipe nobody writes to is refused at once (opening it does not wait for a writer)', async (context) => {
    try {
      execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    } catch {
      context.skip();
    }
    expect(oneLineFailure(await cli(dir, 'generate', '-i', 'pipe.yaml', '-o', 'out'))).toBe(
      'wealthcare-codegen: pipe.yaml: is not a regular file. Pass an OpenAPI document with --input.',
    );
  });
});

describe('structurally broken below the skeleton', () => {
  // Documents that pass the skeleton checks (they only warn) but that a later stage cannot read.
  const broken: Array<[string, object]> = [
    [
      'a property schema that is a string',
      tokenDocument({ schemas: { A: { type: 'object', properties: { a: 'string' } } } }),
    ],
    ['a schema that is a number', tokenDocument({ schemas: { A: 42 } as never })],
    ['responses that are a list', { ...tokenDocument(), paths: { '/a': { get: { responses: ['200'] } } } }],
    [
      'a request body without content',
      {
        ...tokenDocument(),
        paths: { '/a': { post: { requestBody: { required: true }, responses: { '204': { description: 'none' } } } } },
      },
    ],
    [
      'parameters that are not objects',
      {
        ...tokenDocument(),
        paths: { '/a/{id}': { get: { parameters: ['id', 7, null], responses: { '204': { description: 'none' } } } } },
      },
    ],
    ['an enum that is not a list', tokenDocument({ schemas: { A: { type: 'string', enum: 'a,b' } } })],
    ['a null schema', tokenDocument({ schemas: { A: null } as never })],
    ['a path item that is a list', { ...tokenDocument(), paths: { '/a': ['get'] } }],
  ];
  it.each(broken)(
    '%s: generates (with a warning) or fails with one line, never an internal error',
    async (name, document) => {
      const file = `${name.replace(/\W+/g, '-')}.json`;
      await writeFile(join(dir, file), JSON.stringify(document));
      const run = await cli(dir, 'generate', '-i', file, '-o', `broken-${file}`);
      if (run.code === 0)
        expect(run.stderr).toMatch(
          /^wealthcare-codegen: warning: \d+ validation problem\(s\) did not stop generation(; first)?: \S+\.json#\/\S+: /,
        );
      else
        expect(oneLineFailure(run)).toMatch(
          new RegExp(`^wealthcare-codegen: ${file.replace(/\./g, '\\.')}(#/\\S*)?: `),
        );
    },
  );
});
