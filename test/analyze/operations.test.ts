import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../generator/analyze/analyze.js';
import type { OperationIR } from '../../generator/analyze/ir.js';
import { identifierFrom, mediaKind, nameFromRoute, operationsOf } from '../../generator/analyze/operations.js';
import type { JsonObject } from '../../generator/shared/json.js';
import { reservedExportNames } from '../../generator/exports.js';
import { loadDocument } from '../../generator/load/load.js';
import { ROOT, SPEC } from '../support/generate-to-temp.js';

const FIXTURES = join(ROOT, 'test/fixtures/operations');
const irOf = async (file: string) => analyze(await loadDocument(file, { cwd: ROOT }));
const byPointer = (operations: OperationIR[], path: string, method: string): OperationIR => {
  const found = operations.find((operation) => operation.path === path && operation.method === method);
  if (!found) throw new Error(`no ${method} ${path}`);
  return found;
};

describe('the operations of a document', () => {
  it('leaves the token endpoint to the token client: the WealthCare document has no generic operation', async () => {
    const ir = await irOf(SPEC);
    expect(ir.tokenEndpoints).toHaveLength(1);
    expect(ir.operations).toEqual([]);
  });

  it('names every operation once, in document order, and resolves collisions deterministically', async () => {
    const ir = await irOf(join(FIXTURES, 'petstore.yaml'));
    expect(
      ir.operations.map(
        (operation) => `${operation.method} ${operation.path} → ${operation.functionName}/${operation.typeName}`,
      ),
    ).toEqual([
      'get /pets/{petId} → getPet/GetPet',
      'delete /pets/{petId} → deleteOperation/DeleteOperation',
      'get /search/{labels}/{matrix} → search/Search',
      // No operationId: method and path.
      'put /pets → putPets/PutPets',
      'post /pets → createPet/CreatePet',
      'post /pets/{petId}/photo → uploadPhoto/UploadPhoto',
      // A leading digit gets a prefix; accents are folded.
      'put /pets/{petId}/raw → operation2faUploadRaw/Operation2faUploadRaw',
      'get /events → creerEvenements/CreerEvenements',
      // `listPets` is exactly its operationId: it keeps the name; `list-pets` and `ListPets` are numbered in order.
      'get /collide/a → listPets2/ListPets2',
      'get /collide/b → listPets/ListPets',
      'get /collide/c → listPets3/ListPets3',
      // A name of the runtime is never taken.
      'get /collide/d → createApiConfig2/CreateApiConfig2',
    ]);
    const again = await irOf(join(FIXTURES, 'petstore.yaml'));
    expect(again.operations).toEqual(ir.operations);
  });

  it('keeps names free of the token client exports, grant-dependent ones included', async () => {
    const ir = await irOf(join(FIXTURES, 'with-token.yaml'));
    expect(ir.tokenEndpoints).toHaveLength(1);
    // The token endpoint is not an operation; `createTokenClient` and `token` (TokenRequest, TokenResponse) are taken.
    expect(ir.operations.map((operation) => operation.functionName)).toEqual(['createTokenClient2', 'token2']);
    const root = (await loadDocument(join(FIXTURES, 'with-token.yaml'), { cwd: ROOT })).document;
    const names = operationsOf(root, undefined, ['ClientCredentialsParams']).map((operation) => operation.functionName);
    expect(names).toEqual(['requestToken', 'createTokenClient2', 'token2']);
  });

  it('merges path-level parameters, applies the default style and explode, and drops Accept/Content-Type/Authorization', async () => {
    const ir = await irOf(join(FIXTURES, 'petstore.yaml'));
    const getPet = byPointer(ir.operations, '/pets/{petId}', 'get');
    expect(getPet.parameters.map((p) => [p.in, p.name, p.style, p.explode, p.required])).toEqual([
      ['path', 'petId', 'simple', false, true],
      ['query', 'fields', 'form', false, false],
      ['query', 'tags', 'form', true, false],
      ['header', 'X-Request-Id', 'simple', false, false],
      ['cookie', 'session', 'form', true, false],
    ]);
    const search = byPointer(ir.operations, '/search/{labels}/{matrix}', 'get');
    expect(search.parameters.map((p) => [p.name, p.style, p.explode, p.allowReserved, p.contentType ?? null])).toEqual([
      ['labels', 'label', false, false, null],
      ['matrix', 'matrix', true, false, null],
      ['space', 'spaceDelimited', false, false, null],
      ['pipe', 'pipeDelimited', false, false, null],
      ['filter', 'deepObject', true, false, null],
      ['coords', 'form', true, false, 'application/json'],
      ['reserved', 'form', true, true, null],
      ['__proto__', 'form', true, false, null],
    ]);
  });

  it('chooses the body to send and keeps form encodings', async () => {
    const ir = await irOf(join(FIXTURES, 'petstore.yaml'));
    expect(byPointer(ir.operations, '/pets', 'post').requestBody).toEqual({
      required: true,
      contentType: 'application/json',
      kind: 'json',
      contentTypes: ['application/json', 'application/xml'],
      encoding: [],
    });
    expect(byPointer(ir.operations, '/pets', 'put').requestBody).toMatchObject({
      required: false,
      kind: 'form',
      encoding: [
        { property: 'tags', style: 'form', explode: false },
        { property: 'meta', contentType: 'application/json' },
        { property: 'address', style: 'deepObject', explode: true },
      ],
    });
    expect(byPointer(ir.operations, '/pets/{petId}/photo', 'post').requestBody?.kind).toBe('multipart');
    expect(byPointer(ir.operations, '/pets/{petId}/raw', 'put').requestBody?.kind).toBe('binary');
  });

  it('splits responses into success and error; `default` is an error when a 2xx is listed', async () => {
    const ir = await irOf(join(FIXTURES, 'petstore.yaml'));
    const getPet = byPointer(ir.operations, '/pets/{petId}', 'get');
    expect(getPet.responses.map((r) => [r.status, r.success, r.content.map((c) => c.kind)])).toEqual([
      ['200', true, ['json']],
      ['404', false, ['json']],
      ['default', false, ['text']],
    ]);
    expect(byPointer(ir.operations, '/events', 'get').responses[0]?.content).toEqual([
      { contentType: 'text/event-stream', kind: 'event-stream' },
    ]);
    const onlyDefault = operationsOf(
      doc({ get: { responses: { default: { description: 'd', content: { 'application/json': { schema: {} } } } } } }),
      undefined,
    );
    expect(onlyDefault[0]?.responses[0]?.success).toBe(true);
  });

  it('sends a bearer token where the security requirements ask for oauth2, openIdConnect or http bearer', async () => {
    const ir = await irOf(join(FIXTURES, 'petstore.yaml'));
    expect(byPointer(ir.operations, '/pets/{petId}', 'get')).toMatchObject({
      bearer: 'required',
      bearerSchemes: ['oauth'],
    });
    expect(byPointer(ir.operations, '/pets/{petId}', 'delete')).toMatchObject({ bearer: 'none', bearerSchemes: [] });
    expect(byPointer(ir.operations, '/search/{labels}/{matrix}', 'get')).toMatchObject({ bearer: 'optional' });
    const schemes = {
      bearerJwt: { type: 'http', scheme: 'Bearer' },
      basic: { type: 'http', scheme: 'basic' },
      key: { type: 'apiKey', in: 'header', name: 'X-Key' },
      oidc: { type: 'openIdConnect', openIdConnectUrl: 'https://example.test/.well-known/openid-configuration' },
    };
    const bearerOf = (security: unknown[]) =>
      operationsOf(
        {
          ...doc({ get: { security, responses: { 200: { description: 'ok' } } } }),
          components: { securitySchemes: schemes },
        } as JsonObject,
        undefined,
      )[0]?.bearer;
    expect(bearerOf([{ bearerJwt: [] }])).toBe('required');
    expect(bearerOf([{ oidc: [] }])).toBe('required');
    expect(bearerOf([{ basic: [] }])).toBe('none');
    expect(bearerOf([{ key: [] }, { bearerJwt: [] }])).toBe('optional');
    expect(bearerOf([])).toBe('none');
  });
});

describe('identifiers of operations', () => {
  it.each([
    ['getUser', 'getUser'],
    ['get_user', 'getUser'],
    ['GET /users/{id}', 'getUsersId'],
    ['users.list', 'usersList'],
    ['delete', 'deleteOperation'],
    ['class', 'classOperation'],
    ['__proto__', 'proto'],
    ['constructor', 'constructorOperation'],
    ['2fa', 'operation2fa'],
    ['créerÉvénement', 'creerEvenement'],
    ['größe', 'grosse'.replace('ss', 'ß')],
    ['получитьПользователя', 'получитьПользователя'],
    ['x²', 'x2'],
    ['🚀', 'operation'],
    ['', 'operation'],
    ['Etc/GMT+1', 'etcGmt1'],
  ])('%j → %s', (input, expected) => {
    const name = identifierFrom(input);
    expect(name).toBe(expected);
    expect(name).toMatch(/^[\p{ID_Start}$_][\p{ID_Continue}$]*$/u);
  });

  it('names operations without operationId from method and path', () => {
    expect(nameFromRoute('get', '/users/{user_id}/keys').split(/\s+/)).toEqual([
      'get',
      'users',
      'by',
      'user_id',
      'keys',
    ]);
    expect(identifierFrom(nameFromRoute('get', '/users/{user_id}/keys'))).toBe('getUsersByUserIdKeys');
    expect(identifierFrom(nameFromRoute('delete', '/'))).toBe('deleteOperation');
  });

  it('classifies media types as the runtime reads them', () => {
    expect(
      [
        'application/json',
        'application/problem+json',
        'application/json; charset=utf-8',
        'application/json-patch+json',
      ].map(mediaKind),
    ).toEqual(['json', 'json', 'json', 'json']);
    expect(
      ['text/plain', 'application/xml', 'text/event-stream', 'application/octet-stream', 'image/png'].map(mediaKind),
    ).toEqual(['text', 'text', 'event-stream', 'binary', 'binary']);
    expect(['application/x-www-form-urlencoded', 'multipart/form-data'].map(mediaKind)).toEqual(['form', 'multipart']);
  });

  it('reserves every name the runtime files declare', () => {
    const reserved = reservedExportNames();
    expect(new Set(reserved).size).toBe(reserved.length);
    // Read from the runtime sources: internal exports the generated operations.ts imports are reserved too.
    for (const name of ['_send', 'settleApiConfig', 'exchange', 'tokenEndpoint', 'ApiError', 'createPkce'])
      expect(reserved).toContain(name);
  });
});

function doc(item: Record<string, unknown>): JsonObject {
  return { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/x': item } } as JsonObject;
}
