/**
 * `$ref`s that loop or lead nowhere. Cycles (self, mutual, through allOf, across files) generate output that
 * compiles strictly and can be used; a target that does not exist (locally, in another file, at a URL) fails with
 * exit 2 and one line naming the file and JSON pointer of the `$ref`, and writes nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenDocument } from './hostile-document.js';
import { cli, compileStrict, folderState, oneLineFailure, removeDir, tempDir } from './support.js';

let root: string;
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  root = await tempDir('wcg-refs-');
  server = createServer((request, response) => {
    if (request.url === '/shared.json')
      return void response.end(JSON.stringify({ A: { type: 'object', properties: { id: { type: 'string' } } } }));
    response.statusCode = 404;
    response.end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await removeDir(root);
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
let counter = 0;

/** Writes `files` (the document is `doc.json`) into a fresh folder and runs `generate` there. */
async function generateIn(files: Record<string, unknown>) {
  const dir = join(root, `case-${(counter += 1)}`);
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(
      join(dir, name),
      typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2),
    );
  }
  return { dir, run: await cli(dir, 'generate', '-i', 'doc.json', '-o', 'out') };
}

describe('cyclic $refs generate output that compiles and can be used', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      'a self-referencing schema (a list), also as a request field',
      {
        'doc.json': tokenDocument({
          schemas: {
            Node: { type: 'object', required: ['value'], properties: { value: { type: 'string' }, next: ref('Node') } },
          },
          requestExtra: { node: ref('Node') },
        }),
      },
      `const n: components['schemas']['Node'] = { value: 'a', next: { value: 'b', next: { value: 'c' } } }; void n;`,
    ],
    [
      'mutually referencing schemas',
      {
        'doc.json': tokenDocument({
          schemas: {
            A: { type: 'object', properties: { b: ref('B') } },
            B: { type: 'object', properties: { a: ref('A'), all: { type: 'array', items: ref('A') } } },
          },
        }),
      },
      `const a: components['schemas']['A'] = { b: { a: { b: {} }, all: [{}] } }; void a;`,
    ],
    [
      'a cycle through allOf',
      {
        'doc.json': tokenDocument({
          schemas: {
            Parent: {
              type: 'object',
              properties: { name: { type: 'string' }, children: { type: 'array', items: ref('Child') } },
            },
            Child: { allOf: [ref('Parent'), { type: 'object', properties: { parent: ref('Parent') } }] },
          },
        }),
      },
      `const c: components['schemas']['Child'] = { name: 'c', parent: { children: [{ name: 'd' }] } }; void c;`,
    ],
    [
      'a token request built with allOf whose field is the request itself, and a response member that is the response',
      {
        'doc.json': tokenDocument({
          schemas: {
            TokenRequest: {
              allOf: [
                ref('TokenRequestBase'),
                {
                  type: 'object',
                  properties: { again: ref('TokenRequest'), list: { type: 'array', items: ref('TokenRequest') } },
                },
              ],
            },
            TokenRequestBase: {
              type: 'object',
              required: ['grant_type'],
              properties: {
                grant_type: { type: 'string', enum: ['client_credentials'] },
                scope: { type: 'string' },
                base: ref('TokenRequestBase'),
              },
            },
          },
          responseExtra: { previous: ref('TokenResponse') },
        }),
      },
      [
        `import { createTokenClient, type TokenResponse } from './index.js';`,
        `const client = createTokenClient({ clientId: 'i', clientSecret: 's' });`,
        // A form field cannot carry an object: the helper takes the text to send.
        `void client.clientCredentials({ scope: 'x', again: 'grant_type=client_credentials', list: ['a', 'b'] });`,
        `export const previous = (t: TokenResponse): Record<string, unknown> | undefined => t.previous;`,
      ].join('\n'),
    ],
    [
      'schemas in two files that reference each other',
      {
        'doc.json': tokenDocument({ schemas: { A: { $ref: './a.json#/A' } } }),
        'a.json': { A: { type: 'object', properties: { b: { $ref: './b.json#/B' } } } },
        'b.json': { B: { type: 'object', properties: { a: { $ref: './a.json#/A' }, name: { type: 'string' } } } },
      },
      `const a: components['schemas']['A'] = { b: { name: 'n', a: { b: {} } } }; void a;`,
    ],
  ];
  it.each(cases)(
    '%s',
    async (_name, files, use) => {
      const { dir, run } = await generateIn(files);
      expect(run.code, run.stderr).toBe(0);
      const consumer = `import type { components } from './schema.js';\n${use}\nexport {};\n`;
      expect(await compileStrict(join(dir, 'out'), { '__consumer__.ts': consumer })).toEqual([]);
    },
    300_000,
  );
});

describe('recursion TypeScript cannot express: exit 2, one line naming the $ref that closes the cycle', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'schemas that include each other through allOf',
      { A: { allOf: [ref('B'), { type: 'object', properties: { a: { type: 'string' } } }] }, B: { allOf: [ref('A')] } },
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/B\/allOf\/0: the schemas A → B → A contain each other through allOf\/oneOf\/anyOf\/items\/\$ref alone, which TypeScript cannot express/,
    ],
    [
      'a oneOf parent whose members include it through allOf',
      {
        Pet: {
          type: 'object',
          required: ['petType'],
          properties: { petType: { type: 'string' } },
          oneOf: [ref('Cat'), ref('Dog')],
          discriminator: { propertyName: 'petType' },
        },
        Cat: { allOf: [ref('Pet'), { type: 'object', properties: { meow: { type: 'boolean' } } }] },
        Dog: { allOf: [ref('Pet'), { type: 'object', properties: { bark: { type: 'boolean' } } }] },
      },
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/Cat\/allOf\/0: the schemas Pet → Cat → Pet /,
    ],
    [
      'an array of itself',
      { List: { type: 'array', items: ref('List') } },
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/List\/items: the schemas List → List /,
    ],
    [
      'unions of each other',
      { U: { anyOf: [ref('V'), { type: 'string' }] }, V: { oneOf: [ref('U'), { type: 'number' }] } },
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/V\/oneOf\/0: the schemas U → V → U /,
    ],
  ];
  it.each(cases)('%s', async (_name, schemas, expected) => {
    const { dir, run } = await generateIn({ 'doc.json': tokenDocument({ schemas }) });
    expect(oneLineFailure(run)).toMatch(expected);
    await expect(folderState(join(dir, 'out'))).rejects.toThrow(/ENOENT/);
  });
});

describe('$refs that resolve nowhere: exit 2, one line naming the file and pointer, nothing written', () => {
  const cases: Array<[string, () => Record<string, unknown>, RegExp]> = [
    [
      'a missing local target',
      () => ({ 'doc.json': tokenDocument({ schemas: { A: ref('Missing') } }) }),
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/A: Can't resolve \$ref\b/,
    ],
    [
      'a missing target named like an Object.prototype member',
      () => ({
        'doc.json': tokenDocument({ schemas: { A: ref('toString'), B: ref('constructor'), C: ref('__proto__') } }),
      }),
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/A: Can't resolve \$ref \(and 2 more\)/,
    ],
    [
      'a missing member of an existing schema',
      () => ({ 'doc.json': tokenDocument({ schemas: { A: ref('TokenRequest/properties/nope') } }) }),
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/A: Can't resolve \$ref\b/,
    ],
    [
      'a missing request body schema',
      () => {
        const document = tokenDocument() as { paths: Record<string, { post: { requestBody: unknown } }> };
        document.paths['/connect/token']!.post.requestBody = {
          content: { 'application/x-www-form-urlencoded': { schema: ref('Gone') } },
        };
        return { 'doc.json': document };
      },
      /^wealthcare-codegen: doc\.json#\/paths\/~1connect~1token\/post\/requestBody\/content\/application~1x-www-form-urlencoded\/schema: Can't resolve \$ref\b/,
    ],
    [
      'an external $ref to a missing file',
      () => ({ 'doc.json': tokenDocument({ schemas: { A: { $ref: './nowhere.json#/A' } } }) }),
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/A: Can't resolve \$ref: .*nowhere\.json: file not found/,
    ],
    [
      'an external $ref to a missing pointer',
      () => ({
        'doc.json': tokenDocument({ schemas: { A: { $ref: './shared.json#/Nope' } } }),
        'shared.json': { A: { type: 'string' } },
      }),
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/A: Can't resolve \$ref\b/,
    ],
    [
      'a missing file referenced from a referenced file',
      () => ({
        'doc.json': tokenDocument({ schemas: { A: { $ref: './shared.json#/A' } } }),
        'shared.json': { A: { type: 'object', properties: { x: { $ref: './gone.json#/X' } } } },
      }),
      /^wealthcare-codegen: \S*shared\.json#\/A\/properties\/x: Can't resolve \$ref: .*gone\.json: file not found/,
    ],
    [
      'an external $ref to a folder',
      () => ({ 'doc.json': tokenDocument({ schemas: { A: { $ref: './folder/#/A' } } }), 'folder/x.json': '{}' }),
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/A: Can't resolve \$ref: .*folder: is a directory/,
    ],
    [
      'an external $ref to a binary file',
      () => ({
        'doc.json': tokenDocument({ schemas: { A: { $ref: './blob.json#/A' } } }),
        'blob.json': Buffer.from([0xff, 0xfe, 0, 1, 2, 3]),
      }),
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/A: Can't resolve \$ref: .*blob\.json: the document is not UTF-8 text/,
    ],
    [
      'an external $ref to a URL that answers 404',
      () => ({ 'doc.json': tokenDocument({ schemas: { A: { $ref: `${baseUrl}/missing.json#/A` } } }) }),
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/A: Can't resolve \$ref: .*missing\.json: download failed with HTTP 404/,
    ],
    [
      'an external $ref to an alias bomb',
      () => ({
        'doc.json': tokenDocument({ schemas: { A: { $ref: './bomb.yaml#/A' } } }),
        'bomb.yaml': `A: { type: string }\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`).join('\n')}\n`,
      }),
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/A: Can't resolve \$ref: .*bomb\.yaml: the document expands to more than \d+ nodes/,
    ],
  ];
  it.each(cases)('%s', async (_name, files, expected) => {
    const { dir, run } = await generateIn(files());
    expect(oneLineFailure(run)).toMatch(expected);
    await expect(folderState(join(dir, 'out'))).rejects.toThrow(/ENOENT/);
  });

  it('a URL $ref that resolves still works (the bounded download reads it)', async () => {
    const { dir, run } = await generateIn({
      'doc.json': tokenDocument({ schemas: { A: { $ref: `${baseUrl}/shared.json#/A` } } }),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(
      await compileStrict(join(dir, 'out'), {
        '__consumer__.ts': `import type { components } from './schema.js';\nexport const a: components['schemas']['A'] = { id: 'x' };\n`,
      }),
    ).toEqual([]);
  }, 300_000);
});

describe('$refs that only point at each other', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['a schema that is a $ref to itself', { Z: ref('Z') }],
    ['two schemas that are $refs to each other', { X: ref('Y'), Y: ref('X') }],
  ];
  it.each(cases)('%s: exit 2 naming the pointer', async (_name, schemas) => {
    const { run } = await generateIn({ 'doc.json': tokenDocument({ schemas }) });
    expect(oneLineFailure(run)).toMatch(
      /^wealthcare-codegen: doc\.json#\/components\/schemas\/[XYZ]: the \$refs .* point only at each other and never reach a schema\. Point one of them at a schema$/,
    );
  });

  it('across files: exit 2 naming the document (redocly throws; no stray rejection)', async () => {
    const { run } = await generateIn({
      'doc.json': tokenDocument({ schemas: { A: { $ref: './a.json#/A' } } }),
      'a.json': { A: { $ref: './b.json#/B' } },
      'b.json': { B: { $ref: './a.json#/A' } },
    });
    expect(oneLineFailure(run)).toBe(
      'wealthcare-codegen: doc.json: @redocly/openapi-core cannot validate the document: Self-referencing circular pointer. Fix the document and run again',
    );
  });
});
