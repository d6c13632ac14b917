import { analyze } from '../../generator/analyze/analyze.js';
import type { GeneratorIR } from '../../generator/analyze/ir.js';
import { loadDocumentFromText } from '../../generator/load/load.js';

/** Builds a minimal token-endpoint document around a request schema (and optional extras on the operation). */
export function tokenDocument(
  requestSchema: object,
  extras: { operation?: object; components?: object; root?: object } = {},
): object {
  return {
    openapi: '3.1.0',
    info: { title: 'T', version: '1' },
    servers: [{ url: 'https://auth.example.com' }],
    paths: {
      '/token': {
        post: {
          requestBody: { content: { 'application/x-www-form-urlencoded': { schema: requestSchema } } },
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { access_token: { type: 'string' }, token_type: { type: 'string' } },
                  },
                },
              },
            },
            '400': {
              description: 'error',
              content: {
                'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } },
              },
            },
          },
          ...extras.operation,
        },
      },
    },
    ...(extras.components ? { components: extras.components } : {}),
    ...extras.root,
  };
}

/** Loads a document object through the real load stage and analyzes it. */
export async function analyzeDocument(document: object): Promise<GeneratorIR> {
  return analyze(
    await loadDocumentFromText({
      absoluteRef: '/virtual/doc.json',
      displayName: 'doc.json',
      text: JSON.stringify(document),
    }),
  );
}

/** `{ grant_type: string, …fields }` as an object schema. */
export function flatRequest(fields: string[], extra: object = {}): object {
  return {
    type: 'object',
    required: ['grant_type'],
    properties: Object.fromEntries(['grant_type', ...fields].map((name) => [name, { type: 'string' }])),
    ...extra,
  };
}
