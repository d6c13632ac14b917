/**
 * Documents built to exhaust time or memory. The bounds are the loader's (size-guard.ts, read-source.ts,
 * ref-cycles.ts), not timed assertions: each case either generates output that compiles strictly or fails with
 * exit 2 and one line. Timings are logged for the record (vitest timeouts are only generous backstops).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '../../generator/load/read-source.js';
import { MAX_EXPANDED_NODES } from '../../generator/load/size-guard.js';
import { MAX_BARE_REF_CHAIN, MAX_TYPE_CHAIN } from '../../generator/load/ref-cycles.js';
import { tokenDocument } from './hostile-document.js';
import { cli, compileStrict, oneLineFailure, removeDir, tempDir } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('wcg-size-');
});
afterAll(async () => removeDir(dir));

const HEAD = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths: {}\n';

/** Writes `text` as `name`, runs generate into `out-<name>`, and returns the run with its duration. */
async function generate(name: string, text: string) {
  await writeFile(join(dir, name), text);
  const started = performance.now();
  const run = await cli(dir, 'generate', '-i', name, '-o', `out-${name}`);
  return { run, ms: Math.round(performance.now() - started), out: join(dir, `out-${name}`) };
}

/** A chain of `length` schemas, S0 … S(length-1), each leading to the next in the way `link` says. */
function chain(
  length: number,
  link: (next: string) => object,
  last: object = { type: 'string' },
): Record<string, object> {
  const schemas: Record<string, object> = {};
  for (let i = 0; i < length; i += 1)
    schemas[`S${i}`] = i === length - 1 ? last : link(`#/components/schemas/S${i + 1}`);
  return schemas;
}

function withChain(schemas: Record<string, object>): string {
  return JSON.stringify(tokenDocument({ schemas, responseExtra: { chain: { $ref: '#/components/schemas/S0' } } }));
}

describe('YAML aliases', () => {
  // Ten levels of ten aliases: 10^10 nodes once expanded, from a file of about 600 bytes.
  const laughs = `${HEAD}x-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n${Array.from({ length: 9 }, (_, i) => `x-l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`).join('\n')}\n`;
  const cases: Array<[string, string, RegExp]> = [
    [
      'a billion laughs',
      laughs,
      new RegExp(
        `^wealthcare-codegen: laughs\\.yaml: the document expands to more than ${MAX_EXPANDED_NODES} nodes\\. If the document uses YAML anchors and aliases, inline them or use \\$ref instead\\.$`,
      ),
    ],
    [
      'a billion laughs made of mappings',
      `${HEAD}x-m0: &m0 { a: lol, b: lol, c: lol, d: lol, e: lol, f: lol, g: lol, h: lol }\n${Array.from(
        { length: 9 },
        (_, i) =>
          `x-m${i + 1}: &m${i + 1} { ${'abcdefgh'
            .split('')
            .map((k) => `${k}: *m${i}`)
            .join(', ')} }`,
      ).join('\n')}\n`,
      /the document expands to more than \d+ nodes/,
    ],
    [
      'an alias inside its own anchor',
      `${HEAD}x-a: &a [*a]\n`,
      /^wealthcare-codegen: \S+: the document contains a YAML alias cycle\./,
    ],
  ];
  it.each(cases)('%s: exit 2 at once', async (name, text, expected) => {
    const file = name === 'a billion laughs' ? 'laughs.yaml' : `${name.replace(/\W+/g, '-')}.yaml`;
    const { run, ms } = await generate(file, text);
    expect(oneLineFailure(run)).toMatch(expected);
    console.log(`${name}: exit 2 in ${ms} ms`);
  });
});

describe('nesting', () => {
  const nested = (depth: number): object => {
    let schema: object = { type: 'string' };
    for (let i = 0; i < depth; i += 1) schema = { type: 'object', properties: { a: schema } };
    return schema;
  };
  const yamlNested = (depth: number): string => {
    let text = `${HEAD}components:\n  schemas:\n    Deep:\n`;
    let indent = '      ';
    for (let i = 0; i < depth; i += 1, indent += '    ')
      text += `${indent}type: object\n${indent}properties:\n${indent}  a:\n`;
    return `${text}${indent}type: string\n`;
  };

  it.each([
    ['JSON', 'deep.json', JSON.stringify(tokenDocument({ schemas: { Deep: nested(1000) } }))],
    ['YAML', 'deep.yaml', yamlNested(1000)],
  ])(
    'a schema nested 1000 deep in %s: exit 2 at the YAML parser limit, with line and column',
    async (_format, name, text) => {
      const { run } = await generate(name, text);
      expect(oneLineFailure(run)).toMatch(
        new RegExp(
          `^wealthcare-codegen: ${name.replace('.', '\\.')}: the document nests deeper than 100 levels at line \\d+, column \\d+ \\(the YAML parser's limit\\)\\. Flatten the structure with \\$ref\\.$`,
        ),
      );
    },
  );

  it('a schema nested 45 deep (96 levels of the document) generates and compiles', async () => {
    const { run, out } = await generate(
      'deep45.json',
      JSON.stringify(tokenDocument({ schemas: { Deep: nested(45) } })),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(
      await compileStrict(out, {
        '__consumer__.ts': `import type { components } from './schema.js';\nexport const deep: components['schemas']['Deep'] = { a: { a: { a: {} } } };\n`,
      }),
    ).toEqual([]);
  }, 300_000);
});

describe('chains of $refs', () => {
  const property = (next: string) => ({ type: 'object', properties: { next: { $ref: next } } });
  const allOf = (next: string) => ({
    allOf: [{ $ref: next }, { type: 'object', properties: { more: { type: 'string' } } }],
  });
  const bare = (next: string) => ({ $ref: next });

  it.each([
    ['300 schemas, each a property of the one before', chain(300, property)],
    [
      '300 schemas, each in the allOf of the one before',
      chain(300, allOf, { type: 'object', properties: { x: { type: 'string' } } }),
    ],
    [`${MAX_BARE_REF_CHAIN - 2} $refs to $refs`, chain(MAX_BARE_REF_CHAIN - 2, bare)],
  ])(
    '%s: generates and compiles',
    async (name, schemas) => {
      const { run, out, ms } = await generate(`${name.replace(/\W+/g, '-')}.json`, withChain(schemas));
      expect(run.code, run.stderr).toBe(0);
      expect(
        await compileStrict(out, {
          '__consumer__.ts': `import type { components } from './schema.js';\nexport const s: components['schemas']['S0'] | undefined = undefined;\n`,
        }),
      ).toEqual([]);
      console.log(`${name}: generated in ${ms} ms`);
    },
    300_000,
  );

  // How deep @redocly/openapi-core's recursive walker gets depends on the stack the process has: about 600 links
  // in a plain `node` process. Either the output compiles or the run fails with one line.
  it.each([['1 000 schemas, each a property of the one before', chain(1000, property)]])(
    '%s: generates and compiles, or exit 2 with one line',
    async (name, schemas) => {
      const { run, out, ms } = await generate(`${name.replace(/\W+/g, '-')}.json`, withChain(schemas));
      if (run.code === 0) {
        expect(
          await compileStrict(out, {
            '__consumer__.ts': `import type { components } from './schema.js';\nexport const s: components['schemas']['S0'] | undefined = undefined;\n`,
          }),
        ).toEqual([]);
      } else {
        expect(oneLineFailure(run)).toMatch(
          /^wealthcare-codegen: \S+\.json: the schemas refer to each other in chains too long for (@redocly\/openapi-core|openapi-typescript) to follow/,
        );
      }
      console.log(`${name}: exit ${run.code} in ${ms} ms`);
    },
    300_000,
  );

  it.each([
    // TypeScript's checker runs out of stack on the intersection chain openapi-typescript writes for this.
    [
      '1 000 schemas, each in the allOf of the one before',
      chain(1000, allOf, { type: 'object' }),
      // (or, when the stack is smaller, @redocly/openapi-core already fails to follow it)
      new RegExp(
        `^wealthcare-codegen: \\S+\\.json(#/components/schemas/S\\d+: the type of S\\d+ is built from a chain of more than ${MAX_TYPE_CHAIN} schemas through allOf/oneOf/anyOf/items/\\$ref, deeper than TypeScript can check|: the schemas refer to each other in chains too long for @redocly/openapi-core to follow)`,
      ),
    ],
    [
      '1 000 $refs to $refs',
      chain(1000, bare),
      new RegExp(
        `^wealthcare-codegen: \\S+\\.json#/components/schemas/S\\d+: more than ${MAX_BARE_REF_CHAIN} \\$refs in a row point at other \\$refs`,
      ),
    ],
    // Quadratic in @redocly/openapi-core: before the bound, this ran out of memory (4 GB) after three minutes.
    [
      '10 000 $refs to $refs',
      chain(10_000, bare),
      new RegExp(
        `^wealthcare-codegen: \\S+\\.json#/components/schemas/S\\d+: more than ${MAX_BARE_REF_CHAIN} \\$refs in a row`,
      ),
    ],
  ])(
    '%s: exit 2 with one line',
    async (name, schemas, expected) => {
      const { run, ms } = await generate(`${name.replace(/\W+/g, '-')}.json`, withChain(schemas));
      expect(oneLineFailure(run)).toMatch(expected);
      console.log(`${name}: exit 2 in ${ms} ms`);
    },
    300_000,
  );
});

describe('large documents', () => {
  const words =
    'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore'.split(' ');
  const text = (count: number, seed: number): string =>
    Array.from({ length: count }, (_, i) => words[(i * 7 + seed) % words.length]).join(' ');

  it('a document over the byte limit is refused before it is read', async () => {
    const { run } = await generate('huge.json', `{"openapi":"3.1.0","x":"${'x'.repeat(MAX_DOCUMENT_BYTES)}"}`);
    expect(oneLineFailure(run)).toBe(
      `wealthcare-codegen: huge.json: document is larger than ${MAX_DOCUMENT_BYTES} bytes`,
    );
  }, 300_000);

  it('~20 MB (3 000 schemas with long descriptions, 300 operations) generates in bounded time and compiles', async () => {
    const schemas: Record<string, object> = {};
    for (let s = 0; s < 3000; s += 1) {
      const properties: Record<string, object> = {};
      for (let p = 0; p < 12; p += 1)
        properties[`field_${p}`] = {
          type: p % 3 ? 'string' : 'integer',
          description: text(70, s + p),
          example: p % 3 ? text(5, p) : p,
        };
      schemas[`Schema${s}`] = { type: 'object', description: text(100, s), required: ['field_0'], properties };
    }
    const paths: Record<string, object> = {};
    for (let o = 0; o < 300; o += 1) {
      paths[`/things${o}/{id}`] = {
        get: {
          operationId: `getThing${o}`,
          summary: text(10, o),
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { $ref: `#/components/schemas/Schema${o * 10}` } } },
            },
          },
        },
      };
    }
    const document = JSON.stringify(tokenDocument({ schemas, paths }));
    expect(document.length).toBeGreaterThan(19_000_000);
    const { run, ms, out } = await generate('twenty.json', document);
    expect(run.code, run.stderr).toBe(0);
    const compileStarted = performance.now();
    expect(
      await compileStrict(out, {
        '__consumer__.ts': `import { getThing7 } from './index.js';\nimport type { components } from './schema.js';\nexport const s: components['schemas']['Schema2999']['field_0'] = 1;\nvoid getThing7;\n`,
      }),
    ).toEqual([]);
    console.log(
      `${(document.length / 1e6).toFixed(1)} MB document: generated in ${ms} ms (rss ${Math.round(process.memoryUsage().rss / 1e6)} MB), compiled in ${Math.round(performance.now() - compileStarted)} ms`,
    );
  }, 600_000);

  it('10 000 operations generate in bounded time and compile', async () => {
    const paths: Record<string, object> = {};
    for (let o = 0; o < 10_000; o += 1) {
      paths[`/things${o}/{id}`] = {
        get: {
          operationId: `getThing${o}`,
          summary: `Get thing ${o}`,
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'q', in: 'query', schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
            },
            '404': { description: 'missing' },
          },
        },
      };
    }
    const document = JSON.stringify(
      tokenDocument({
        schemas: { Thing: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } },
        paths,
      }),
    );
    const { run, ms, out } = await generate('ops.json', document);
    expect(run.code, run.stderr).toBe(0);
    const compileStarted = performance.now();
    expect(
      await compileStrict(out, {
        '__consumer__.ts': `import { getThing9999, createApiConfig } from './index.js';\nexport const thing = getThing9999(createApiConfig(), { path: { id: 'x' } });\n`,
      }),
    ).toEqual([]);
    console.log(
      `10 000 operations (${(document.length / 1e6).toFixed(1)} MB): generated in ${ms} ms (rss ${Math.round(process.memoryUsage().rss / 1e6)} MB), compiled in ${Math.round(performance.now() - compileStarted)} ms`,
    );
  }, 900_000);
});
