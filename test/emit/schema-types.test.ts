import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { emitSchemaTypes } from '../../generator/emit/schema-types.js';
import { loadDocument } from '../../generator/load/load.js';
import { generateDocument, strictDiagnostics } from '../fixtures/operations/support.js';
import { removeDir } from '../support/generate-to-temp.js';

/**
 * emit/schema-types.ts calls openapi-typescript's `transformSchema` on the loader's bundle instead of `openapiTS()`,
 * which would lint and bundle the document again. These tests hold that shortcut to its promise: the text is the
 * same as what `openapiTS()` (what its CLI runs) makes of the original file.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const VARIANTS = join(ROOT, 'test/fixtures/variants');
const OPERATIONS = join(ROOT, 'test/fixtures/operations');
const CORPUS = resolve(ROOT, '../shared/corpus');

const documents = [
  join(ROOT, 'spec/wealthcare-access.openapi.yaml'),
  ...readdirSync(VARIANTS).map((name) => join(VARIANTS, name)),
  ...readdirSync(OPERATIONS)
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .map((name) => join(OPERATIONS, name)),
  join(CORPUS, 'clerk.yaml'),
];

async function viaOpenapiTS(file: string): Promise<string> {
  return astToString(await openapiTS(pathToFileURL(file), { silent: true }));
}

describe('schema.ts is what openapiTS() prints for the same document', () => {
  it.each(documents.map((file) => [relative(ROOT, file), file]))('%s', { timeout: 300_000 }, async (_shown, file) => {
    const loaded = await loadDocument(file, { cwd: ROOT });
    expect(await emitSchemaTypes(loaded)).toBe(await viaOpenapiTS(file));
  });
});

describe('operationIds with `%`', () => {
  it(
    'are referenced as they are keyed (openapi-typescript alone decodes the reference), and the output compiles',
    { timeout: 300_000 },
    async () => {
      const ids = ['get%20it', 'bad%zz', 'trailing%', '%41percent'];
      const document = {
        openapi: '3.1.0',
        info: { title: 'percent', version: '1' },
        paths: Object.fromEntries(
          ids.map((id, index) => [
            `/p${index}`,
            { get: { operationId: id, responses: { '200': { description: 'ok' } } } },
          ]),
        ),
      };
      const { dir, files } = await generateDocument(document);
      try {
        const schema = files.get('schema.ts')!;
        for (const id of ids) {
          expect(schema).toContain(`get: operations[${JSON.stringify(id)}];`);
          expect(schema).toContain(`    ${JSON.stringify(id)}: {`);
        }
        expect(strictDiagnostics(dir)).toEqual([]);
      } finally {
        await removeDir(dir);
      }
    },
  );
});

describe('what openapiTS() rejected is still rejected', () => {
  it('duplicate operationIds are an error naming the second one', async () => {
    const { loadDocumentFromText } = await import('../../generator/load/load.js');
    const text = [
      'openapi: 3.1.0',
      'info: { title: t, version: "1" }',
      'paths:',
      '  /a: { get: { operationId: same, responses: { "200": { description: ok } } } }',
      '  /b: { get: { operationId: same, responses: { "200": { description: ok } } } }',
    ].join('\n');
    await expect(
      loadDocumentFromText({ text, absoluteRef: '/virtual/dup.yaml', displayName: 'dup.yaml' }),
    ).rejects.toThrow(
      /^dup\.yaml#\/paths\/~1b\/get\/operationId: Every operation must have a unique `operationId`\. Fix/,
    );
  });
});
