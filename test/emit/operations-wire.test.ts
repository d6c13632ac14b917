import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, generateDocument, importGenerated, strictDiagnostics } from '../fixtures/operations/support.js';
import { removeDir } from '../support/generate-to-temp.js';

/**
 * Issue 18: what the generated functions put on the wire and read back where the first version was wrong — a GET
 * with a body, failures before sending, multipart object parts, OpenAPI 3.1 multipart styles, binary answers.
 * A node:http server on 127.0.0.1 records raw bytes (the recording server of the other tests decodes UTF-8).
 */

type Operation = (config: unknown, request?: unknown, options?: unknown) => Promise<unknown>;
type Generated = Record<string, any> & { createApiConfig: (options?: unknown) => unknown };

interface Raw {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}
interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

/** Every byte value, twice, plus bytes that are not valid UTF-8 on their own: what a text decode would mangle. */
const ALL_BYTES = new Uint8Array([
  ...Array.from({ length: 256 }, (_, i) => i),
  ...Array.from({ length: 256 }, (_, i) => 255 - i),
]);
const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xd8, 0xc3, 0x28,
]);

const dirs: string[] = [];
let wire31: Awaited<ReturnType<typeof generateDocument>>;
let wire30: Awaited<ReturnType<typeof generateDocument>>;
let api: Generated;
let api30: Generated;
let requests: Raw[] = [];
let answer: (request: Raw) => Answer = () => ({ status: 200, body: '{}' });
let baseUrl = '';
let close: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  wire31 = await generateDocument(join(FIXTURES, 'wire.yaml'));
  // The same multipart operation in an OpenAPI 3.0 document, where `style`/`explode` apply to form bodies only.
  wire30 = await generateDocument({
    openapi: '3.0.3',
    info: { title: 'wire 3.0', version: '1' },
    paths: {
      '/documents': {
        post: {
          operationId: 'uploadDocument',
          requestBody: {
            content: {
              'multipart/form-data': {
                schema: { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } } },
                encoding: { tags: { style: 'form', explode: false } },
              },
            },
          },
          responses: { '201': { description: 'ok' } },
        },
      },
    },
  });
  dirs.push(wire31.dir, wire30.dir);
  api = await importGenerated<Generated>(wire31.dir);
  api30 = await importGenerated<Generated>(wire30.dir);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw: Raw = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(raw);
      const { status, headers = {}, body = '' } = answer(raw);
      res.writeHead(status, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
}, 60_000);
afterAll(async () => {
  await close();
  await Promise.all(dirs.map(removeDir));
});
beforeEach(() => {
  requests = [];
  answer = () => ({ status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"d1"}' });
});

const call = (name: string, request?: unknown, config: Record<string, unknown> = {}) =>
  (api[name] as Operation)(api.createApiConfig({ baseUrl, ...config }), request);

describe('a GET or HEAD with a request body', () => {
  it('gets no body parameter, and the generation warns naming the operation', () => {
    expect(wire31.result.warnings).toContain(
      '/paths/~1reports/get: the request body is left out of the generated function: fetch cannot send a body with GET',
    );
    const text = wire31.files.get('operations.ts')!;
    expect(text).toMatch(/export interface SearchReportsRequest \{\n\s+query\?: [^\n]+\n\}/);
    const misuse = `import { createApiConfig, searchReports } from './index.js';\nsearchReports(createApiConfig(), { body: { filter: 'x' } });\n`;
    expect(strictDiagnostics(wire31.dir, misuse).join('\n')).toMatch(/body/);
  });

  it('a TRACE operation is generated with a warning, and its call fails unsent with mayHaveReachedServer false', async () => {
    expect(wire31.result.warnings).toContain(
      '/paths/~1reports/trace: fetch refuses the TRACE method, so its function always fails unsent',
    );
    const error = (await call('traceReports').catch((e: unknown) => e)) as InstanceType<Generated['NetworkError']>;
    expect(error).toBeInstanceOf(api['NetworkError']);
    expect(error.mayHaveReachedServer).toBe(false);
    expect(error.message).toMatch(/^TRACE \/reports was not sent: .*TRACE/);
    expect(requests).toHaveLength(0);
  });

  it('an access token that is not a valid header value fails unsent, without the token in the message', async () => {
    const token = 'tok-secret\nInjected: yes';
    const secured = await generateDocument({
      openapi: '3.1.0',
      info: { title: 'secured', version: '1' },
      security: [{ bearer: [] }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      paths: { '/me': { get: { operationId: 'me', responses: { '204': { description: 'ok' } } } } },
    });
    dirs.push(secured.dir);
    const generated = await importGenerated<Generated>(secured.dir);
    const failure = (await (generated['me'] as Operation)(
      generated.createApiConfig({ baseUrl, accessToken: async () => token }),
    ).catch((e: unknown) => e)) as Error;
    expect(failure).toBeInstanceOf(generated['ConfigurationError']);
    expect(failure.message).toBe(
      'GET /me was not sent: the access token of config.accessToken is not a valid header value',
    );
    expect(JSON.stringify(failure) + String(failure.stack)).not.toContain('tok-secret');
    expect(requests).toHaveLength(0);
  });
});

describe('multipart/form-data from an object', () => {
  const file = new File([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x0d, 0x0a])], 'report "final".pdf');
  const upload = () =>
    call('uploadDocument', {
      body: {
        file,
        title: 'Q3 – résumé',
        meta: { pages: 3, lang: 'fr' },
        authors: [{ name: 'Ada' }, { name: 'Grace' }],
        tags: ['a', 'b c'],
        keywords: ['x', 'y'],
        filter: { year: 2024, kind: 'pdf' },
        flags: { a: '1', b: '2' },
      },
    });

  it('sends object parts and each object of an array as JSON with Content-Type: application/json', async () => {
    expect(await upload()).toEqual({ id: 'd1' });
    const [request] = requests;
    const type = request!.headers['content-type']!;
    expect(type).toMatch(/^multipart\/form-data; boundary=/);
    const text = request!.body.toString('latin1');
    const utf8 = request!.body.toString('utf8');
    expect(utf8).toMatch(/name="meta"\r\nContent-Type: application\/json\r\n\r\n\{"pages":3,"lang":"fr"\}\r\n/);
    expect(
      utf8.match(/name="authors"\r\nContent-Type: application\/json\r\n\r\n\{"name":"(Ada|Grace)"\}\r\n/g),
    ).toHaveLength(2);
    expect(utf8).toMatch(/name="title"\r\n\r\nQ3 – résumé\r\n/);
    // The file: its name (quotes escaped as HTML does), the encoding's content type, the bytes untouched.
    expect(text).toContain('name="file"; filename="report %22final%22.pdf"\r\nContent-Type: application/pdf\r\n\r\n');
    expect(request!.body.includes(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x0d, 0x0a]))).toBe(true);
    // A multipart parser reads it back (undici's, as a server built on fetch would).
    const form = await new Response(new Uint8Array(request!.body), { headers: { 'content-type': type } }).formData();
    expect(form.getAll('authors')).toEqual(['{"name":"Ada"}', '{"name":"Grace"}']);
    expect(new Uint8Array(await (form.get('file') as Blob).arrayBuffer())).toEqual(
      new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x0d, 0x0a]),
    );
  });

  it('honours OpenAPI 3.1 encoding style and explode: delimited, repeated, deepObject and exploded-object parts', async () => {
    await upload();
    const type = requests[0]!.headers['content-type']!;
    const form = await new Response(new Uint8Array(requests[0]!.body), {
      headers: { 'content-type': type },
    }).formData();
    expect(form.getAll('tags')).toEqual(['a,b c']);
    expect(form.getAll('keywords')).toEqual(['x', 'y']);
    expect(form.getAll('filter[year]')).toEqual(['2024']);
    expect(form.getAll('filter[kind]')).toEqual(['pdf']);
    expect(form.getAll('a')).toEqual(['1']);
    expect(form.getAll('b')).toEqual(['2']);
    expect(form.has('flags')).toBe(false);
  });

  it('ignores style and explode in an OpenAPI 3.0 document (3.0 applies them to form bodies only)', async () => {
    await (api30['uploadDocument'] as Operation)(api30.createApiConfig({ baseUrl }), { body: { tags: ['a', 'b c'] } });
    const type = requests[0]!.headers['content-type']!;
    const form = await new Response(new Uint8Array(requests[0]!.body), {
      headers: { 'content-type': type },
    }).formData();
    expect(form.getAll('tags')).toEqual(['a', 'b c']);
  });
});

describe('binary responses come back as an intact Blob', () => {
  const cases: Array<[string, string, Uint8Array, string | undefined]> = [
    ['application/octet-stream', 'getBytes', ALL_BYTES, 'application/octet-stream'],
    ['image/png', 'getImage', PNG, 'image/png'],
    ['format: binary under application/pdf', 'getPdf', ALL_BYTES, 'application/pdf'],
    ['*/* answered without a content type', 'getAnything', ALL_BYTES, undefined],
    ['application/octet-stream answered without a content type', 'getBytes', ALL_BYTES, undefined],
    [
      '*/* answered with a JSON content type',
      'getAnything',
      new TextEncoder().encode('{"not":"parsed"}'),
      'application/json',
    ],
  ];
  it.each(cases)('%s', async (_what, name, bytes, contentType) => {
    answer = () => ({ status: 200, headers: contentType ? { 'content-type': contentType } : {}, body: bytes });
    const result = await call(name);
    expect(result).toBeInstanceOf(Blob);
    expect(new Uint8Array(await (result as Blob).arrayBuffer())).toEqual(bytes);
    expect(requests[0]!.headers['accept']).toBe(
      name === 'getAnything' ? '*/*' : (contentType ?? 'application/octet-stream'),
    );
  });
});
