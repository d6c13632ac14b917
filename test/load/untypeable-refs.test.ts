/**
 * `$ref`s openapi-typescript cannot type (load/hoist-refs.ts): into a path item's response content (here inside a
 * cycle), and into JSON Schema `definitions` nested in a component. Before, schema.ts did not compile (TS2339
 * "Property 'schema' does not exist", "Property 'definitions' does not exist", TS2502). Each shape is generated and
 * compiled strictly, and a consumer uses the types.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoistUntypeableRefs } from '../../generator/load/hoist-refs.js';
import { cli, compileStrict, removeDir, tempDir } from '../hostile/support.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('wcg-untypeable-');
});
afterAll(async () => removeDir(dir));

const ok = (schema: object) => ({
  description: 'ok',
  content: { 'application/json': { schema } },
});

/** A `$ref` into a path's response schema, from inside that schema (a cycle) and from another path. */
const pathResponseDocument = {
  openapi: '3.1.0',
  info: { title: 'refs', version: '1' },
  paths: {
    '/a': {
      get: {
        operationId: 'getA',
        responses: {
          '200': ok({
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string' },
              parent: { $ref: '#/paths/~1a/get/responses/200/content/application~1json/schema' },
              children: {
                type: 'array',
                items: { $ref: '#/paths/~1a/get/responses/200/content/application~1json/schema' },
              },
            },
          }),
        },
      },
    },
    '/b': {
      get: {
        operationId: 'getB',
        responses: { '200': ok({ $ref: '#/paths/~1a/get/responses/200/content/application~1json/schema' }) },
      },
    },
  },
};

/** `$ref`s into `definitions` nested in component schemas, one recursive, and a name the hoisting must avoid. */
const definitionsDocument = {
  openapi: '3.0.3',
  info: { title: 'defs', version: '1' },
  paths: {
    '/x': {
      get: {
        operationId: 'getX',
        responses: { '200': ok({ $ref: '#/components/schemas/X' }) },
      },
    },
  },
  components: {
    schemas: {
      X: {
        type: 'object',
        properties: {
          tree: { $ref: '#/components/schemas/X/definitions/Tree' },
          kind: { $ref: '#/components/schemas/X/definitions/Kind' },
          other: { $ref: '#/components/schemas/Y/definitions/Kind' },
        },
        definitions: {
          Tree: {
            type: 'object',
            properties: {
              label: { type: 'string' },
              nodes: { type: 'array', items: { $ref: '#/components/schemas/X/definitions/Tree' } },
            },
          },
          Kind: { type: 'string', enum: ['a', 'b'] },
        },
      },
      Y: { type: 'object', definitions: { Kind: { type: 'integer' } } },
      // Taken already: the hoisted X/definitions/Kind must get another name.
      X_Kind: { type: 'boolean' },
    },
  },
};

describe('$refs openapi-typescript cannot type', () => {
  it('a $ref into a path response schema, inside a cycle: the output compiles and types the recursion', async () => {
    await writeFile(join(dir, 'paths.json'), JSON.stringify(pathResponseDocument));
    const run = await cli(dir, 'generate', '-i', 'paths.json', '-o', 'paths');
    expect(run.code, run.stderr).toBe(0);
    const consumer = [
      `import type { components, paths } from './schema.js';`,
      `type A = paths['/a']['get']['responses'][200]['content']['application/json'];`,
      `type B = paths['/b']['get']['responses'][200]['content']['application/json'];`,
      `export const a: A = { name: 'root', parent: { name: 'p' }, children: [{ name: 'c', children: [] }] };`,
      `export const b: B = a;`,
      `export const named: components['schemas']['a_get_200_application_json'] = a;`,
      `// @ts-expect-error: name is required at every level of the recursion`,
      `export const wrong: A = { name: 'root', parent: {} };`,
    ].join('\n');
    expect(await compileStrict(join(dir, 'paths'), { '__consumer__.ts': consumer })).toEqual([]);
  }, 300_000);

  it('$refs into definitions nested in component schemas: the output compiles, names do not collide', async () => {
    await writeFile(join(dir, 'defs.json'), JSON.stringify(definitionsDocument));
    const run = await cli(dir, 'generate', '-i', 'defs.json', '-o', 'defs');
    expect(run.code, run.stderr).toBe(0);
    const consumer = [
      `import type { components } from './schema.js';`,
      `type X = components['schemas']['X'];`,
      `export const x: X = { tree: { label: 'l', nodes: [{ nodes: [] }] }, kind: 'a', other: 1 };`,
      `export const taken: components['schemas']['X_Kind'] = true;`,
      `// @ts-expect-error: kind is the enum of X's definitions, not any string`,
      `export const wrong: X = { kind: 'c' };`,
    ].join('\n');
    expect(await compileStrict(join(dir, 'defs'), { '__consumer__.ts': consumer })).toEqual([]);
  }, 300_000);

  it('hoists each target once, deterministically, and rewrites every $ref to it', () => {
    const document = structuredClone(definitionsDocument) as unknown as Record<string, unknown>;
    expect([...hoistUntypeableRefs(document)]).toEqual([
      ['#/components/schemas/X/definitions/Kind', '#/components/schemas/X_Kind_2'],
      ['#/components/schemas/X/definitions/Tree', '#/components/schemas/X_Tree'],
      ['#/components/schemas/Y/definitions/Kind', '#/components/schemas/Y_Kind'],
    ]);
    const schemas = (document['components'] as { schemas: Record<string, Record<string, unknown>> }).schemas;
    expect(Object.keys(schemas)).toEqual(['X', 'Y', 'X_Kind', 'X_Kind_2', 'X_Tree', 'Y_Kind']);
    expect(schemas['X_Tree']).toMatchObject({
      properties: { nodes: { items: { $ref: '#/components/schemas/X_Tree' } } },
    });
    expect(schemas['X']).toMatchObject({
      properties: { tree: { $ref: '#/components/schemas/X_Tree' }, kind: { $ref: '#/components/schemas/X_Kind_2' } },
      definitions: { Tree: { $ref: '#/components/schemas/X_Tree' } },
    });
    expect(JSON.stringify(document)).not.toContain('/definitions/');
    // $refs openapi-typescript types (a component, its properties and $defs) are left as they are.
    const typeable = {
      components: {
        schemas: {
          A: {
            properties: { b: { $ref: '#/components/schemas/A/properties/c' }, c: { type: 'string' } },
            $defs: { D: { type: 'string' } },
            items: { $ref: '#/components/schemas/A/$defs/D' },
          },
        },
      },
    };
    const before = JSON.stringify(typeable);
    expect(hoistUntypeableRefs(typeable).size).toBe(0);
    expect(JSON.stringify(typeable)).toBe(before);
  });
});
