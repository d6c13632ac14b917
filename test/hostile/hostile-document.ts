/**
 * A token-endpoint document (shaped like spec/wealthcare-access.openapi.yaml) whose every piece of text is
 * hostile: it ends or opens a context in generated code (comments, strings, template literals, handlebars,
 * JSDoc tags, HTML) and carries a canary, `globalThis.__pwned = 1`, that runs if any of it escapes its context.
 */

/** The canary's global. */
export const CANARY = '__pwned';
const PWN = `globalThis.${CANARY} = 1`;

/** The pieces: each ends or opens a context somewhere in generated TypeScript, JSDoc, handlebars or HTML. */
export const HOSTILE_PIECES: readonly string[] = [
  `*/ ${PWN}; /*`,
  `/* ${PWN} */`,
  `// ${PWN}`,
  `"; ${PWN}; "`,
  `'; ${PWN}; '`,
  `\`; ${PWN}; \``,
  `\${${PWN}}`,
  `{{ ${PWN} }}`,
  `{{{x}}}`,
  `{{> partial}}`,
  `\\`,
  `\\"`,
  `\\u0041 \\x41 \\0`,
  `\n${PWN};\n`,
  `\r\n${PWN};\r`,
  `\u2028${PWN};\u2029`,
  `</script><script>${PWN}</script>`,
  `@param x ${PWN}`,
  `@deprecated`,
  `{@link ${PWN}}`,
  `<!-- ${PWN} -->`,
];

/** All pieces in one text, tagged with where it is placed so that every literal can be traced back. */
export function hostile(where: string): string {
  return `${where}: ${HOSTILE_PIECES.join(' ')}`;
}

/** Enum values must stay distinct and short enough to be read; one per piece, tagged. */
export function hostileValues(where: string): string[] {
  return HOSTILE_PIECES.map((piece, index) => `${where}${index} ${piece}`);
}

/** A hostile grant_type value: an absolute URI (like the registered extension grants) followed by every piece. */
export const HOSTILE_GRANT = `urn:example:grant:${HOSTILE_PIECES.join(' ')}`;
/** A second hostile grant, closing a string with a backslash. */
export const HOSTILE_GRANT_2 = `x"; ${PWN}; "\\`;

/** Property names that end contexts, besides the prototype-ish names. */
export const HOSTILE_PROPERTIES: readonly string[] = [
  `a*/ ${PWN}; /*b`,
  `q"; ${PWN}; "`,
  `t\`\${${PWN}}\``,
  `nl\n${PWN};`,
  `ls\u2028${PWN};`,
  `bs\\`,
  `{{h}}`,
  `</script>`,
  `@param`,
];
/** Names an object literal or a plain object treats specially, or inherits from Object.prototype. */
export const PROTOTYPE_NAMES: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
];

/** A server URL that parses (`new URL`) yet carries every quote and comment marker. */
export const HOSTILE_SERVER = `https://h.example/a*/b/*c//d"e'f\`g\${h}i{{j}}k\\l</script>m@param`;

/** A hostile token path: every character but the ones that make it a path template. */
export const HOSTILE_PATH = `/connect/token*/"'\`$x\\`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The hostile document. `mode: 'enum'` gives grant_type an enum of hostile values; `mode: 'extension'` leaves it
 * a free string and lists the hostile grants in `x-grant-types`.
 */
export function hostileDocument(mode: 'enum' | 'extension'): { [key: string]: Json } {
  const grants = [HOSTILE_GRANT, HOSTILE_GRANT_2, 'client_credentials'];
  const extraFields = Object.fromEntries(
    [...HOSTILE_PROPERTIES, ...PROTOTYPE_NAMES].map((name) => [
      name,
      {
        type: 'string',
        description: hostile(`field ${name}`),
        example: hostile(`example ${name}`),
        default: hostile(`default ${name}`),
      },
    ]),
  );
  const hostileObject = (where: string): Json => ({
    type: 'object',
    description: hostile(`${where} description`),
    properties: Object.fromEntries(
      [...HOSTILE_PROPERTIES, ...PROTOTYPE_NAMES].map((name) => [
        name,
        {
          type: 'string',
          description: hostile(`${where}.${name}`),
          enum: hostileValues(`${where}.${name} enum`),
          default: `${where}0 ${HOSTILE_PIECES[0]!}`,
        },
      ]),
    ),
    required: [...PROTOTYPE_NAMES],
    example: Object.fromEntries(HOSTILE_PROPERTIES.map((name) => [name, hostile(`${where}.${name} example`)])),
  });
  return {
    openapi: '3.1.0',
    info: { title: hostile('info.title'), version: hostile('info.version'), description: hostile('info.description') },
    servers: [{ url: HOSTILE_SERVER, description: hostile('server description') }],
    paths: {
      [HOSTILE_PATH]: {
        post: {
          operationId: hostile('operationId'),
          summary: hostile('summary'),
          description: hostile('operation description'),
          ...(mode === 'extension' ? { 'x-grant-types': grants } : {}),
          security: [{}, { clientSecretBasic: [] }],
          requestBody: {
            required: true,
            description: hostile('requestBody description'),
            content: { 'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/TokenRequest' } } },
          },
          responses: {
            '200': {
              description: hostile('200 description'),
              content: {
                'application/json': {
                  schema: { $ref: '#/components/schemas/TokenResponse' },
                  examples: {
                    hostile: {
                      summary: hostile('example summary'),
                      value: { access_token: hostile('example access_token'), token_type: 'Bearer' },
                    },
                  },
                },
              },
            },
            '400': {
              description: hostile('400 description'),
              content: { 'application/json': { schema: { $ref: '#/components/schemas/TokenError' } } },
            },
          },
        },
      },
      '/things/{id}': {
        get: {
          operationId: hostile('getThing operationId'),
          summary: hostile('getThing summary'),
          description: hostile('getThing description'),
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              description: hostile('parameter description'),
              schema: { type: 'string', default: hostile('parameter default') },
            },
          ],
          responses: {
            '200': {
              description: hostile('getThing 200'),
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Hostile' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        TokenRequest: {
          type: 'object',
          description: hostile('TokenRequest description'),
          required: ['grant_type'],
          properties: {
            grant_type: {
              type: 'string',
              description: hostile('grant_type description'),
              ...(mode === 'enum' ? { enum: grants } : {}),
            },
            scope: { type: 'string', description: hostile('scope description') },
            client_id: { type: 'string', description: hostile('client_id description') },
            client_secret: { type: 'string', format: 'password', description: hostile('client_secret description') },
            ...extraFields,
          },
        },
        TokenResponse: {
          type: 'object',
          description: hostile('TokenResponse description'),
          properties: {
            access_token: { type: 'string', description: hostile('access_token description') },
            token_type: {
              type: 'string',
              description: hostile('token_type description'),
              enum: hostileValues('token_type enum'),
            },
            expires_in: { type: 'integer', description: hostile('expires_in description'), default: 3600 },
            ...extraFields,
          },
        },
        TokenError: {
          type: 'object',
          properties: {
            error: { type: 'string', description: hostile('error description'), enum: hostileValues('error enum') },
            error_description: { type: 'string', description: hostile('error_description description') },
          },
        },
        Hostile: hostileObject('Hostile'),
        [`Name*/${PWN};/*`]: { type: 'string', description: hostile('hostile schema name'), const: hostile('const') },
      },
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description: hostile('securityScheme description'),
          flows: {
            clientCredentials: {
              tokenUrl: 'https://h.example/connect/token',
              scopes: Object.fromEntries(
                [...hostileValues('scope'), ...PROTOTYPE_NAMES].map((scope) => [
                  scope,
                  hostile(`scope description ${scope}`),
                ]),
              ),
            },
          },
        },
        clientSecretBasic: { type: 'http', scheme: 'basic', description: hostile('basic description') },
      },
    },
  };
}

/**
 * A small valid document with a token endpoint (like spec/wealthcare-access.openapi.yaml) and `schemas` added to
 * its components; `requestExtra`/`responseExtra` are merged into the request and response properties.
 */
export function tokenDocument(
  options: {
    schemas?: Record<string, unknown>;
    requestExtra?: Record<string, unknown>;
    responseExtra?: Record<string, unknown>;
    paths?: Record<string, unknown>;
  } = {},
): { [key: string]: Json } {
  const document = {
    openapi: '3.1.0',
    info: { title: 'T', version: '1' },
    servers: [{ url: 'https://auth.example' }],
    paths: {
      '/connect/token': {
        post: {
          operationId: 'token',
          requestBody: {
            required: true,
            content: { 'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/TokenRequest' } } },
          },
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/TokenResponse' } } },
            },
            '400': {
              description: 'error',
              content: {
                'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } },
              },
            },
          },
        },
      },
      ...options.paths,
    },
    components: {
      schemas: {
        TokenRequest: {
          type: 'object',
          required: ['grant_type'],
          properties: {
            grant_type: { type: 'string' },
            client_id: { type: 'string' },
            client_secret: { type: 'string' },
            scope: { type: 'string' },
            refresh_token: { type: 'string' },
            ...options.requestExtra,
          },
        },
        TokenResponse: {
          type: 'object',
          properties: {
            access_token: { type: 'string' },
            token_type: { type: 'string' },
            expires_in: { type: 'integer' },
            ...options.responseExtra,
          },
        },
        ...options.schemas,
      },
    },
  };
  return document as { [key: string]: Json };
}
