/**
 * Names the document gives to declarations of the output never shadow a global the generated code refers to, nor an
 * export of the output. The list of those globals is derived from the runtime modules and the templates
 * (generator/exports.ts); the first block checks that derivation against the TypeScript checker with the real lib
 * files, the second generates documents named like those globals and runs them.
 */
import { RUNTIME_GLOBALS } from '../../generator/runtime-globals.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  globalReferences,
  isReservedName,
  referencedGlobals,
  scanReferencedGlobals,
  reservedExportNames,
  templateStaticText,
  type SourceText,
} from '../../generator/exports.js';
import { generateDocument, importGenerated, strictDiagnostics } from '../fixtures/operations/support.js';
import { ROOT, removeDir } from '../support/generate-to-temp.js';
import { startRecordingServer } from '../support/recording-server.js';
import { STRICT_CONSUMER } from '../support/strict-options.js';
import { tokenDocument } from '../support/token-docs.js';

const RUNTIME = join(ROOT, 'templates/runtime');
const TEMPLATES = join(ROOT, 'templates');

/** Every runtime module and every template's static text, as the test reads them (not through exports.ts). */
function sources(): SourceText[] {
  return [
    ...readdirSync(RUNTIME)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => ({ path: join(RUNTIME, name), text: readFileSync(join(RUNTIME, name), 'utf8') })),
    ...readdirSync(TEMPLATES)
      .filter((name) => name.endsWith('.hbs'))
      .map((name) => ({
        path: join(RUNTIME, `__${name.replace(/\.hbs$/, '')}`),
        text: templateStaticText(readFileSync(join(TEMPLATES, name), 'utf8')),
      })),
  ];
}

/**
 * The oracle: with the lib files the generated code compiles against (ES2022 + DOM), every identifier whose symbol is
 * declared at the top level of a lib file is a global the sources use. A method of another approach than the
 * derivation (which resolves without any lib), so either can catch the other.
 */
function libGlobalsUsed(list: readonly SourceText[]): Set<string> {
  const options: ts.CompilerOptions = {
    ...STRICT_CONSUMER,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const byPath = new Map(list.map((source) => [source.path, source.text]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    byPath.has(file)
      ? ts.createSourceFile(file, byPath.get(file)!, language, true)
      : getSourceFile(file, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => byPath.has(file) || fileExists(file);
  const program = ts.createProgram({ rootNames: [...byPath.keys()], options, host });
  const checker = program.getTypeChecker();
  const topLevel = (declaration: ts.Node): boolean => {
    let node = declaration;
    while (ts.isVariableDeclaration(node) || ts.isVariableDeclarationList(node) || ts.isVariableStatement(node))
      node = node.parent;
    return ts.isSourceFile(node) || ts.isSourceFile(declaration.parent);
  };
  const used = new Set<string>();
  for (const path of byPath.keys()) {
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) {
        const declarations = checker.getSymbolAtLocation(node)?.declarations ?? [];
        const global = declarations.some(
          (declaration) => program.isSourceFileDefaultLibrary(declaration.getSourceFile()) && topLevel(declaration),
        );
        if (global) used.add(node.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(program.getSourceFile(path)!);
  }
  return used;
}

describe('the reserved globals are derived from the generated code', () => {
  it('holds every lib global the runtime modules and templates refer to', () => {
    const used = libGlobalsUsed(sources());
    // The oracle sees the globals the issue names (a guard against an oracle that finds nothing).
    for (const name of [
      'Promise',
      'Response',
      'Request',
      'Headers',
      'URL',
      'URLSearchParams',
      'Error',
      'JSON',
      'fetch',
    ])
      expect(used).toContain(name);
    const derived = new Set(referencedGlobals());
    expect([...used].filter((name) => !derived.has(name))).toEqual([]);
  }, 120_000);

  it('the committed list (generator/runtime-globals.ts) is the one the sources give', () => {
    const scanned = scanReferencedGlobals();
    // When this fails, the runtime or a template started (or stopped) using a global: paste the new list there.
    expect([...RUNTIME_GLOBALS], `RUNTIME_GLOBALS should be:\n${JSON.stringify(scanned)}`).toEqual(scanned);
  }, 120_000);

  it('fails when the runtime starts to use a global the list was derived without (mutation)', () => {
    const original = sources();
    const mutated = original.map((source) =>
      source.path.endsWith('http.ts')
        ? { ...source, text: `${source.text}\nexport const __probe = queueMicrotask;\n` }
        : source,
    );
    const used = libGlobalsUsed(mutated);
    expect(used).toContain('queueMicrotask');
    // A list derived before the change misses it: the check above would fail...
    expect(referencedGlobals()).not.toContain('queueMicrotask');
    // ...and deriving again from the changed sources finds it.
    expect(globalReferences(mutated)).toContain('queueMicrotask');
  }, 120_000);

  it('reports a name only where it reaches the global scope', () => {
    const at = (text: string) => globalReferences([{ path: join(RUNTIME, '__probe.ts'), text }]);
    expect(at('export function f(fetch: () => void) { fetch(); }')).toEqual([]);
    expect(at('export function f(fetch: () => void) { fetch(); }\nexport const g = () => fetch;')).toEqual(['fetch']);
    expect(at('import { Response } from "./x.js";\nexport const r: Response = new Response();')).toEqual([]);
    expect(at('const o = { URL: 1 };\nexport const u = o.URL;\nexport type R = Record<string, Blob>;')).toEqual([
      'Blob',
      'Record',
    ]);
    expect(
      templateStaticText('export interface {{ident typeName}}Params { a: {{#if x}}string{{else}}number{{/if}} }'),
    ).toBe('export interface _$hbs$_Params { a:  string number  }');
  });

  it('isReservedName answers for globals and exports alike, and not for other names', () => {
    expect(isReservedName('fetch')).toBe(true);
    expect(isReservedName('URLSearchParams')).toBe(true);
    expect(isReservedName(reservedExportNames()[0]!)).toBe(true);
    expect(isReservedName('getUser')).toBe(false);
    // A word the sources contain that is not a global (a local, a member).
    expect(isReservedName('options')).toBe(false);
  });
});

/** Named like the globals the generated code uses, like the output's exports, and like the call's option names. */
const SHADOWS = [
  'Promise',
  'Response',
  'Request',
  'Headers',
  'URL',
  'URLSearchParams',
  'Error',
  'JSON',
  'Record',
  'Array',
  'Object',
  'String',
  'Date',
  'Partial',
  'Omit',
  'fetch',
  'setTimeout',
  'createTokenClient',
  'OAuthError',
  'TokenResponse',
  'ApiError',
  'createApiConfig',
  'paths',
  // Its mock would be `mockOperation`, the test kit's export.
  'operation',
];
const OPTION_NAMES = ['signal', 'fetch', 'baseUrl', 'headers', 'timeoutMs', 'accessToken'];

function operationsDocument(): object {
  const schemas = Object.fromEntries(
    SHADOWS.map((name) => [name, { type: 'object', required: ['id'], properties: { id: { type: 'string' } } }]),
  );
  const paths = Object.fromEntries(
    SHADOWS.map((name) => [
      `/${name}`,
      {
        post: {
          operationId: name,
          parameters: OPTION_NAMES.map((parameter) => ({ name: parameter, in: 'query', schema: { type: 'string' } })),
          requestBody: { content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } },
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
            },
          },
        },
      },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: { title: 'Shadows', version: '1' },
    servers: [{ url: 'https://api.example.com' }],
    paths,
    components: { schemas },
  };
}

/** The names a generated module declares at its top level. */
function declaredNames(source: string): string[] {
  return [...source.matchAll(/^export (?:function|interface|type|const|class) ([\w$]+)/gm)].map(([, name]) => name!);
}

describe('documents named like the globals and exports of the generated code', () => {
  let operations: Awaited<ReturnType<typeof generateDocument>>;
  let token: Awaited<ReturnType<typeof generateDocument>>;
  beforeAll(async () => {
    operations = await generateDocument(operationsDocument());
    const grants = [...SHADOWS, 'ecdsa', 'rsa-pss', 'token'].map((name) => `urn:example:${name}`);
    token = await generateDocument(
      tokenDocument(
        { type: 'object', properties: { grant_type: { type: 'string', enum: ['client_credentials', ...grants] } } },
        { components: { schemas: Object.fromEntries(SHADOWS.map((name) => [name, { type: 'string' }])) } },
      ),
    );
  }, 240_000);
  afterAll(async () => {
    await removeDir(operations.dir);
    await removeDir(token.dir);
  });

  it('declares no name the generated code uses as a global or exports elsewhere', () => {
    const globals = new Set(referencedGlobals());
    const declared = [
      ...declaredNames(operations.files.get('operations.ts')!),
      ...declaredNames(token.files.get('grants.ts')!),
      ...declaredNames(token.files.get('models.ts')!),
    ];
    expect(declared.filter((name) => globals.has(name))).toEqual([]);
    const functions = declaredNames(operations.files.get('operations.ts')!);
    // The operations named like a global function, an export of the output or a module import are renamed.
    expect(functions).toEqual(
      expect.arrayContaining([
        'fetch2',
        'setTimeout2',
        'createTokenClient2',
        'createApiConfig2',
        'paths2',
        'operation2',
      ]),
    );
    expect(functions).toEqual(
      expect.arrayContaining(['promise', 'PromiseRequest', 'PromiseResponse', 'url', 'UrlSearchParamsResponse']),
    );
    // Grants whose parameter type would be a global the runtime uses (EcdsaParams, RsaPssParams: WebCrypto).
    const grantTypes = declaredNames(token.files.get('grants.ts')!);
    expect(grantTypes).toEqual(
      expect.arrayContaining(['Ecdsa2Params', 'RsaPss2Params', 'PromiseParams', 'TokenResponseParams']),
    );
    expect(grantTypes).not.toContain('EcdsaParams');
  });

  it('the generated files use no global the derived list lacks (emit code prints some type names itself)', () => {
    const files = (generated: typeof operations) =>
      [...generated.files.keys()]
        .filter((name) => name.endsWith('.ts') && !name.endsWith('schema.ts'))
        .map((name) => ({ path: join(generated.dir, name), text: generated.files.get(name)! }));
    const used = libGlobalsUsed([...files(operations), ...files(token)]);
    expect(used).toContain('NonNullable');
    const derived = new Set(referencedGlobals());
    expect([...used].filter((name) => !derived.has(name))).toEqual([]);
  }, 120_000);

  it('compiles strictly, testing.ts included', () => {
    const consumer = [
      "import { createApiConfig, fetch2, promise, type PromiseResponse, type components } from './index.js';",
      "import { mockFetch2, mockOperation, mockOperation2, createMockApi } from './testing.js';",
      'const api = createApiConfig();',
      "export const p: Promise<PromiseResponse> = promise(api, { body: { id: '1' } });",
      "export const f: Promise<components['schemas']['fetch']> = fetch2(api, { query: { signal: 's', fetch: 'f' }, body: { id: '2' } });",
      "const kitMock = mockOperation({ method: 'GET', path: '/x', bearer: 'none', response: { status: 204 } });",
      'export const mocks = createMockApi({ mocks: [mockFetch2(), mockOperation2(), kitMock] });',
    ].join('\n');
    expect(strictDiagnostics(operations.dir, consumer)).toEqual([]);
    const tokenConsumer = [
      "import { createTokenClient, type TokenResponse, type Ecdsa2Params } from './index.js';",
      "import { createFakeAuthorizationServer } from './testing.js';",
      "const fake = createFakeAuthorizationServer({ clients: [{ clientId: 'app' }] });",
      "export const client = createTokenClient({ clientId: 'app', fetch: fake.fetch });",
      'export const params: Ecdsa2Params = {};',
      'export const tokens: Promise<TokenResponse> = client.promise();',
    ].join('\n');
    expect(strictDiagnostics(token.dir, tokenConsumer)).toEqual([]);
  }, 240_000);

  it('calls the renamed fetch operation and the Promise operation on a real server, parameters on the wire', async () => {
    const server = await startRecordingServer((request) => ({
      status: 200,
      body: JSON.stringify({ id: `echo ${request.path}` }),
    }));
    try {
      const api = await importGenerated<{
        createApiConfig: (options: { baseUrl: string }) => unknown;
        fetch2: (config: unknown, request: unknown, options?: unknown) => Promise<{ id: string }>;
        promise: (config: unknown, request: unknown) => Promise<{ id: string }>;
      }>(operations.dir);
      const config = api.createApiConfig({ baseUrl: server.baseUrl });
      const controller = new AbortController();
      const answer = await api.fetch2(
        config,
        {
          query: { signal: 'sig', fetch: 'f', baseUrl: 'b', headers: 'h', timeoutMs: '1', accessToken: 'a' },
          body: { id: 'x' },
        },
        { signal: controller.signal, headers: { 'x-extra': 'yes' } },
      );
      expect(answer).toEqual({ id: expect.stringContaining('/fetch?') });
      const viaPromise = await api.promise(config, { body: { id: 'p' } });
      expect(viaPromise).toEqual({ id: 'echo /Promise' });
      const [sent, second] = server.requests;
      expect(sent!.method).toBe('POST');
      expect(new URL(sent!.path, server.baseUrl).searchParams.toString()).toBe(
        'signal=sig&fetch=f&baseUrl=b&headers=h&timeoutMs=1&accessToken=a',
      );
      expect(sent!.headers['x-extra']).toBe('yes');
      expect(JSON.parse(sent!.rawBody)).toEqual({ id: 'x' });
      expect(second!.path).toBe('/Promise');
      expect(JSON.parse(second!.rawBody)).toEqual({ id: 'p' });
    } finally {
      await server.close();
    }
  }, 60_000);
});
