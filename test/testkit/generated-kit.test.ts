import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../generator/analyze/analyze.js';
import { escapeToken as escapePointerToken, getByRef as getByPointer } from '../../generator/shared/json-pointer.js';
import { loadDocument } from '../../generator/load/load.js';
import { FIXTURES, generateDocument, importGenerated, strictDiagnostics } from '../fixtures/operations/support.js';
import { ROOT, SPEC, removeDir } from '../support/generate-to-temp.js';

/**
 * The generated testing.ts: a separate entry point (index.ts never imports it) binding the test kit to the document.
 * Generated for real documents, compiled under the strict consumer settings with typed usage and misuse, and run.
 */
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

async function generated(input: string) {
  const { dir, files } = await generateDocument(input);
  dirs.push(dir);
  return { dir, files };
}

describe('WealthCare: the fake authorization server', () => {
  let dir: string;
  let files: Map<string, string>;
  beforeAll(async () => ({ dir, files } = await generated(SPEC)));

  it('is a separate entry point: index.ts does not import it', () => {
    expect(files.has('testing.ts')).toBe(true);
    expect(files.has('test-kit.ts')).toBe(true);
    expect(files.get('index.ts')).not.toMatch(/test-kit|testing/);
  });

  it('compiles strictly with a consumer, and refuses misuse', () => {
    const consumer = `
      import { createTokenClient } from './index.js';
      import { createFakeAuthorizationServer, FAKE_ENDPOINT_SPEC } from './testing.js';
      const fake = createFakeAuthorizationServer({ clients: [{ clientId: 'app', clientSecret: 's' }] });
      const client = createTokenClient({ clientId: 'app', clientSecret: 's', fetch: fake.fetch });
      export async function run(): Promise<string> {
        fake.failNext({ status: 503, retryAfter: 0 });
        fake.failNext({ error: 'invalid_grant' });
        const grants: readonly { grantType: string }[] = FAKE_ENDPOINT_SPEC.grants;
        void grants;
        return (await client.clientCredentials()).access_token;
      }`;
    expect(strictDiagnostics(dir, consumer)).toEqual([]);
    const misuse = `
      import { createFakeAuthorizationServer } from './testing.js';
      const fake = createFakeAuthorizationServer({ clients: [{ id: 'app' }] });
      fake.failNext({ status: '503' });`;
    expect(strictDiagnostics(dir, misuse).length).toBeGreaterThanOrEqual(2);
  });

  it('runs: the generated client against the generated fake', async () => {
    const index = await importGenerated<typeof import('../../generated/index.js')>(dir);
    const kit = (await import(pathToFileURL(join(dir, 'testing.ts')).href)) as {
      createFakeAuthorizationServer: typeof import('../../templates/runtime/test-kit.js').createFakeAuthorizationServerFor extends (
        spec: never,
        options: infer O,
      ) => infer R
        ? (options: O) => R
        : never;
    };
    const fake = kit.createFakeAuthorizationServer({ clients: [{ clientId: 'app', clientSecret: 's' }] });
    const client = index.createTokenClient({
      clientId: 'app',
      clientSecret: 's',
      fetch: fake.fetch,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    fake.failNext({ status: 429, retryAfter: 0 });
    await expect(client.clientCredentials({ scope: 'mbi_api' })).resolves.toMatchObject({ scope: 'mbi_api' });
    await expect(client.password({ username: 'nobody', password: 'x' })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect(fake.requests.map((request) => request.outcome)).toEqual([429, 200, 400]);
  });
});

describe('operation mocks (petstore fixture)', () => {
  let dir: string;
  beforeAll(async () => ({ dir } = await generated(join(FIXTURES, 'petstore.yaml'))));

  it('are typed from schema.ts: handlers get typed bodies and must answer typed ones', () => {
    const consumer = `
      import { createMockApi, mockGetPet, mockCreatePet, mockPutPets } from './testing.js';
      export const api = createMockApi({
        baseUrl: 'https://api.example.test/v1',
        mocks: [
          mockGetPet(({ params }) => ({ body: { id: params['petId'] ?? '', name: 'Rex' } })),
          mockCreatePet(async ({ body }) => ({ status: 201, body: { id: '1', name: body.name } })),
          mockPutPets(({ body }) => ({ body: String(body?.['name'] ?? '') })),
        ],
      });`;
    expect(strictDiagnostics(dir, consumer)).toEqual([]);
    const wrongAnswer = `
      import { mockGetPet } from './testing.js';
      export const m = mockGetPet(() => ({ body: { id: 1, name: 'Rex' } }));`;
    expect(strictDiagnostics(dir, wrongAnswer).join('\n')).toMatch(/number.*string|string.*number/);
    const wrongBody = `
      import { mockCreatePet } from './testing.js';
      export const m = mockCreatePet(({ body }) => ({ body: { id: '1', name: body.nickname } }));`;
    expect(strictDiagnostics(dir, wrongBody).join('\n')).toMatch(/nickname/);
  });

  it('answer the generated functions: handlers, default samples, recorded calls, bearer checks', async () => {
    const ops = (await importGenerated(dir)) as Record<string, (...args: unknown[]) => Promise<unknown>> & {
      createApiConfig(options: object): object;
    };
    type Kit = typeof import('../../templates/runtime/test-kit.js');
    const kit = (await import(pathToFileURL(join(dir, 'testing.ts')).href)) as Kit &
      Record<string, (handler?: unknown) => import('../../templates/runtime/test-kit.js').OperationMock>;
    const auth = kit.createFakeAuthorizationServerFor(
      {
        tokenPath: '/token',
        defaultBaseUrl: 'https://auth.example.test',
        clientAuthentication: ['client_secret_post'],
        grants: [{ grantType: 'client_credentials', required: [], issuesRefreshToken: false }],
        scopes: [],
        secretParameters: [],
      },
      { clients: [{ clientId: 'app', clientSecret: 's' }] },
    );
    const getPet = kit.mockGetPet!();
    const createPet = kit.mockCreatePet!(({ body }: { body: { name: string } }) => ({
      status: 201,
      body: { id: 'new', name: body.name },
    }));
    const api = kit.createMockApi({
      baseUrl: 'https://api.example.test/v1',
      mocks: [getPet, createPet],
      authorization: auth,
    });
    const { access_token } = (await (
      await api.fetch('https://auth.example.test/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=app&client_secret=s',
      })
    ).json()) as { access_token: string };
    let token = access_token;
    const config = ops.createApiConfig({ fetch: api.fetch, accessToken: async () => token });

    // Default answer: the schema's sample, valid for Pet (required id and name, timezone from its enum).
    await expect(ops.getPet!(config, { path: { petId: 'p/1' } })).resolves.toEqual({
      id: 'string',
      name: 'string',
      timezone: 'Etc/GMT+1',
    });
    expect(getPet.calls[0]).toMatchObject({ method: 'GET', params: { petId: 'p/1' } });
    await expect(ops.createPet!(config, { body: { name: 'Rex' } })).resolves.toEqual({ id: 'new', name: 'Rex' });
    expect(createPet.calls[0]?.body).toEqual({ name: 'Rex' });

    // The resource side: a revoked token is answered 401 invalid_token (RFC 6750 §3.1).
    auth.revoke(access_token);
    await expect(ops.getPet!(config, { path: { petId: '1' } })).rejects.toMatchObject({ status: 401 });
    token = 'never-issued';
    await expect(ops.getPet!(config, { path: { petId: '1' } })).rejects.toMatchObject({ status: 401 });
    expect(api.calls).toHaveLength(2);

    // use() swaps the handler per test; a Response passes through untouched.
    getPet.use(
      () => new Response('{"title":"gone"}', { status: 404, headers: { 'content-type': 'application/json' } }),
    );
    const listening = await api.listen();
    try {
      const overSocket = ops.createApiConfig({ baseUrl: listening.baseUrl, accessToken: async () => 'x' });
      await expect(ops.getPet!(overSocket, { path: { petId: '1' } })).rejects.toMatchObject({ status: 401 });
    } finally {
      await listening.close();
    }
  });
});

/**
 * OpenAPI 3.0 schema keywords in JSON Schema's terms, for ajv: `nullable` widens `type`, boolean
 * `exclusiveMinimum`/`exclusiveMaximum` become numbers. (3.1 documents are JSON Schema already.)
 */
function jsonSchemaDialect(node: unknown): unknown {
  if (Array.isArray(node)) node.forEach(jsonSchemaDialect);
  if (typeof node !== 'object' || node === null) return node;
  const schema = node as Record<string, unknown>;
  if (typeof schema.nullable === 'boolean') {
    if (schema.nullable && typeof schema.type === 'string') schema.type = [schema.type, 'null'];
    delete schema.nullable;
  }
  for (const [bound, limit] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof schema[bound] === 'boolean') {
      if (schema[bound] && typeof schema[limit] === 'number') {
        schema[bound] = schema[limit];
        delete schema[limit];
      } else delete schema[bound];
    }
  }
  Object.values(schema).forEach(jsonSchemaDialect);
  return node;
}

describe('default answers validate against their schemas', () => {
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
  /** Every operation's default body of a document, validated against its response schema. */
  async function invalidSamples(
    input: string,
  ): Promise<{ checked: number; invalid: string[]; invalidExamples: string[] }> {
    const loaded = await loadDocument(input, { cwd: ROOT });
    const ir = analyze(loaded);
    const root = jsonSchemaDialect(structuredClone(loaded.document)) as Record<string, unknown>;
    const id = `doc${Math.random().toString(36).slice(2)}`;
    ajv.addSchema({ ...root, $id: id });
    let checked = 0;
    const invalid: string[] = [];
    const invalidExamples: string[] = [];
    for (const operation of ir.operations) {
      const { body, contentType } = operation.mockAnswer;
      if (body === undefined || contentType === undefined) continue;
      const statuses = Object.keys((getByPointer(root, `#${operation.pointer}/responses`) ?? {}) as object);
      const status =
        statuses.find((s) => s === String(operation.mockAnswer.status)) ??
        statuses.find((s) => /^2/.test(s)) ??
        'default';
      const media = `${operation.pointer}/responses/${escapePointerToken(status)}/content/${escapePointerToken(contentType)}`;
      if (getByPointer(root, `#${media}/schema`) === undefined) continue;
      const ref = `${id}#${media
        .split('/')
        .map((token) => encodeURIComponent(token).replace(/%7E/gi, '~'))
        .join('/')}/schema`;
      const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
      checked++;
      if (!validate(body)) {
        (operation.mockAnswer.bodyFrom === 'schema' ? invalid : invalidExamples).push(
          `${operation.method} ${operation.path}: ${ajv.errorsText(validate.errors)}`,
        );
      }
    }
    return { checked, invalid, invalidExamples };
  }

  // Samples built from schemas must validate. Where the document's own example does not fit its schema (GitHub's
  // description has a dozen), the kit answers with it as written: those are counted, and must stay example-made.
  it.each([
    ['petstore fixture', join(FIXTURES, 'petstore.yaml'), 0],
    ['clerk.yaml', join(ROOT, '../shared/corpus/clerk.yaml'), 0],
    ['ghes-diff.json', join(ROOT, '../shared/corpus/ghes-diff.json'), 12],
  ])('%s', async (_name, input, documentErrors) => {
    const { checked, invalid, invalidExamples } = await invalidSamples(input);
    expect(checked).toBeGreaterThan(0);
    expect(invalid).toEqual([]);
    expect(invalidExamples).toHaveLength(documentErrors);
  });
});
