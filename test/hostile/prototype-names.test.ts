/**
 * Names that objects treat specially — `__proto__`, `constructor`, `prototype`, and Object.prototype's members
 * (`toString`, `hasOwnProperty`, `valueOf`) — as request and response properties, grant fields, schema names,
 * security scheme names and scopes. They generate without warnings, compile, reach the wire under their own names,
 * and pollute nothing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../generator/analyze/analyze.js';
import { loadDocument } from '../../generator/load/load.js';
import { tokenDocument } from './hostile-document.js';
import { cli, compileStrict, importGenerated, oneLineFailure, removeDir, tempDir } from './support.js';

const NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const fields = (): Record<string, unknown> =>
  Object.fromEntries(NAMES.map((name) => [name, { type: 'string', description: `The ${name} field.` }]));

function document(): object {
  const base = tokenDocument({
    requestExtra: fields(),
    responseExtra: fields(),
    // Schemas named like them, referring to each other.
    schemas: Object.fromEntries(
      NAMES.map((name, index) => [
        name,
        {
          type: 'object',
          properties: { ...fields(), next: { $ref: `#/components/schemas/${NAMES[(index + 1) % NAMES.length]}` } },
        },
      ]),
    ),
  }) as {
    components: Record<string, unknown>;
    paths: Record<string, Record<string, Record<string, unknown>>>;
    security?: unknown;
  };
  base.components['securitySchemes'] = {
    toString: { type: 'http', scheme: 'basic' },
    ['__proto__']: {
      type: 'oauth2',
      flows: {
        clientCredentials: {
          tokenUrl: 'https://auth.example/connect/token',
          scopes: Object.fromEntries(NAMES.map((name) => [name, `The ${name} scope.`])),
        },
      },
    },
  };
  base.paths['/connect/token']!['post']!['security'] = [{ toString: [] }, {}];
  base.paths['/things'] = {
    get: {
      operationId: 'constructor',
      security: [{ ['__proto__']: ['toString'] }],
      responses: {
        '200': {
          description: 'ok',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/__proto__' } } },
        },
      },
    },
  };
  return base;
}

let dir: string;
let server: Server;
let baseUrl: string;
const bodies: string[] = [];
beforeAll(async () => {
  dir = await tempDir('wcg-proto-');
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      bodies.push(body);
      response.setHeader('content-type', 'application/json');
      response.end(
        '{"access_token":"a","token_type":"Bearer","__proto__":{"polluted":1},"constructor":"c","toString":"t"}',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await removeDir(dir);
});

describe('names an object treats specially', () => {
  it('generate without warnings, keep every name in the bundled document, and compile', async () => {
    // JSON.stringify keeps an own `__proto__` (document() builds them with Object.fromEntries and computed keys).
    const text = JSON.stringify(document());
    expect(text).toContain('"__proto__":{"type":"oauth2"');
    await writeFile(join(dir, 'doc.json'), text);
    const run = await cli(dir, 'generate', '-i', 'doc.json', '-o', 'out');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const snapshot = JSON.parse(await readFile(join(dir, 'out/.wealthcare-codegen.openapi.json'), 'utf8')) as {
      components: { schemas: object; securitySchemes: object };
    };
    expect(Object.keys(snapshot.components.schemas)).toEqual(expect.arrayContaining(NAMES));
    expect(Object.keys(snapshot.components.securitySchemes)).toEqual(['toString', '__proto__']);
    const consumer = [
      `import type { components, paths } from './schema.js';`,
      `import type { TokenResponse, Scope } from './models.js';`,
      `import { createTokenClient, constructorOperation } from './index.js';`,
      `export const schema: components['schemas']['__proto__']['next'] = { toString: 'x', valueOf: 'y', constructor: 'c', hasOwnProperty: 'h' };`,
      `export const own: components['schemas']['toString']['__proto__'] = 'p';`,
      `export const scope: Scope = 'hasOwnProperty';`,
      `export const response = (r: TokenResponse): string | undefined => r.__proto__;`,
      `export type Thing = paths['/things']['get'];`,
      `void createTokenClient({ clientId: 'i', clientSecret: 's' }).clientCredentials({ proto: 'p', constructorField: 'c', prototypeField: 'q', toStringField: 't', hasOwnPropertyField: 'h', valueOfField: 'v' });`,
      `void constructorOperation;`,
    ].join('\n');
    expect(await compileStrict(join(dir, 'out'), { '__consumer__.ts': consumer })).toEqual([]);
  }, 300_000);

  it('send each as a form field under its own name, and leave unset ones out', async () => {
    const ir = analyze(await loadDocument('doc.json', { cwd: dir }));
    const grant = ir.tokenEndpoints[0]!.grants.find((candidate) => candidate.grantType === 'client_credentials')!;
    const options = Object.fromEntries(
      grant.fields.filter((field) => NAMES.includes(field.name)).map((field) => [field.name, field.optionName]),
    );
    expect(options).toEqual({
      ['__proto__']: 'proto',
      constructor: 'constructorField',
      prototype: 'prototypeField',
      toString: 'toStringField',
      hasOwnProperty: 'hasOwnPropertyField',
      valueOf: 'valueOfField',
    });
    const module = await importGenerated(join(dir, 'out'), join(dir, 'out-js'));
    const client = (
      module['createTokenClient'] as (o: object) => Record<string, (p?: object) => Promise<Record<string, unknown>>>
    )({ clientId: 'i', clientSecret: 's', baseUrl, retry: false, clientAuthentication: 'client_secret_post' });
    // The HTTP Basic scheme named `toString` is found: it is the document's first method.
    expect(module['SUPPORTED_CLIENT_AUTHENTICATION']).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
    bodies.length = 0;
    const tokens = await client['clientCredentials']!(
      Object.fromEntries(Object.entries(options).map(([wire, option]) => [option, `v-${wire}`])),
    );
    const form = new URLSearchParams(bodies[0]);
    for (const name of NAMES) expect(form.getAll(name), name).toEqual([`v-${name}`]);
    await client['clientCredentials']!();
    expect([...new URLSearchParams(bodies[1]).keys()].sort()).toEqual(['client_id', 'client_secret', 'grant_type']);
    expect(Object.getPrototypeOf(tokens)).toBe(Object.prototype);
    expect(Object.hasOwn(tokens, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a $ref to a missing schema named like an Object.prototype member is reported, not resolved to a function', async () => {
    await writeFile(
      join(dir, 'missing.json'),
      JSON.stringify(tokenDocument({ responseExtra: { x: { $ref: '#/components/schemas/valueOf' } } })),
    );
    expect(oneLineFailure(await cli(dir, 'generate', '-i', 'missing.json', '-o', 'out-missing'))).toMatch(
      /^wealthcare-codegen: missing\.json#\/components\/schemas\/TokenResponse\/properties\/x: Can't resolve \$ref/,
    );
  });
});
