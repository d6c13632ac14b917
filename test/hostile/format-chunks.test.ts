/**
 * Large generated files are formatted in pieces (generator/write/format.ts: prettier's time grows faster than
 * linearly with one file's size). The pieces must join into exactly what formatting the whole file gives, for
 * every generated file, hostile text included, under different prettier configs.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../generator/analyze/analyze.js';
import { emit } from '../../generator/emit/emit.js';
import { loadDocument } from '../../generator/load/load.js';
import { formatTypeScript } from '../../generator/write/format.js';
import { hostileDocument, tokenDocument } from './hostile-document.js';
import { removeDir, tempDir } from './support.js';

const CHUNK = 8_000;
let dir: string;
const texts = new Map<string, string>();

beforeAll(async () => {
  dir = await tempDir('wcg-chunks-');
  const paths: Record<string, unknown> = {};
  for (let o = 0; o < 150; o += 1) {
    paths[`/things${o}/{id}`] = {
      [o % 2 ? 'get' : 'post']: {
        operationId: `thing${o}`,
        summary: `Thing ${o}`,
        ...(o % 7 === 0 ? { deprecated: true } : {}),
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'ok',
            content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' } } } } },
          },
        },
      },
    };
  }
  const documents: Record<string, unknown> = {
    'operations.json': tokenDocument({ paths }),
    'hostile.json': hostileDocument('enum'),
  };
  for (const [name, document] of Object.entries(documents)) {
    await writeFile(join(dir, name), JSON.stringify(document));
    const loaded = await loadDocument(name, { cwd: dir });
    for (const [file, text] of await emit(loaded, analyze(loaded))) texts.set(`${name}: ${file}`, text);
  }
}, 300_000);
afterAll(async () => removeDir(dir));

describe('formatting in pieces', () => {
  const configs: Array<[string, prettier.Options]> = [
    ['the default config', {}],
    ['no semicolons, single quotes, 80 columns', { semi: false, singleQuote: true, printWidth: 80 }],
  ];
  it.each(configs)(
    'gives what formatting the whole file gives, with %s',
    async (_name, config) => {
      let split = 0;
      for (const [name, text] of texts) {
        const options = { ...config, parser: 'typescript', filepath: join(dir, 'out', name.split(': ')[1]!) };
        if (text.length > 4 * CHUNK) split += 1;
        expect(await formatTypeScript(text, options, CHUNK), name).toBe(await prettier.format(text, options));
      }
      // Several files are large enough to be cut (operations.ts, grants.ts, schema.ts of both documents).
      expect(split).toBeGreaterThanOrEqual(4);
    },
    300_000,
  );
});
