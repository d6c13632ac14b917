import { describe, expect, it } from 'vitest';
import { analyzeDocument, flatRequest, tokenDocument } from '../support/token-docs.js';
import { loadDocument } from '../../generator/load/load.js';
import { analyze } from '../../generator/analyze/analyze.js';
import { SPEC, ROOT } from '../support/generate-to-temp.js';

const summary = (ir: Awaited<ReturnType<typeof analyzeDocument>>) =>
  ir.tokenEndpoints[0]!.grants.map((grant) => ({
    grantType: grant.grantType,
    helper: grant.helperName,
    fields: grant.fields.map((field) => `${field.optionName}${field.required ? '!' : ''}`),
  }));

describe('grants of the WealthCare document', () => {
  it('are exactly the four grants of the page, with RFC-required fields required', async () => {
    const ir = analyze(await loadDocument(SPEC, { cwd: ROOT }));
    expect(ir.tokenEndpoints).toHaveLength(1);
    const endpoint = ir.tokenEndpoints[0]!;
    expect(endpoint.grantSource).toBe('rfc-fields');
    expect(summary(ir)).toEqual([
      { grantType: 'client_credentials', helper: 'clientCredentials', fields: ['scope'] },
      {
        grantType: 'authorization_code',
        helper: 'authorizationCode',
        fields: ['code!', 'redirectUri', 'codeVerifier'],
      },
      { grantType: 'refresh_token', helper: 'refreshToken', fields: ['refreshToken!', 'scope'] },
      { grantType: 'password', helper: 'password', fields: ['username!', 'password!', 'scope'] },
    ]);
    expect(endpoint.grants.find((grant) => grant.grantType === 'password')?.deprecated).toMatch(/RFC 9700 §2\.4/);
    expect(endpoint.clientAuthentication).toEqual({
      supported: ['client_secret_post', 'client_secret_basic', 'none'],
      default: 'client_secret_post',
    });
    expect(ir.scopes.map((scope) => scope.name)).toEqual(['bensoft_api', 'mbi_api', 'offline_access']);
    expect(ir.defaultBaseUrl).toBe('https://beta.auth.wealthcare.com');
    expect(endpoint.errorStatuses).toEqual(['400', '401']);
  });
});

describe('grant derivation, in order of precedence', () => {
  const cases: Array<[string, object, string, Array<{ grantType: string; helper: string; fields: string[] }>]> = [
    [
      'grant_type enum',
      tokenDocument(
        flatRequest(['scope', 'device_code'], {
          properties: {
            grant_type: {
              type: 'string',
              enum: ['client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
            },
            scope: { type: 'string' },
            device_code: { type: 'string' },
          },
        }),
      ),
      'enum',
      [
        { grantType: 'client_credentials', helper: 'clientCredentials', fields: ['scope'] },
        { grantType: 'urn:ietf:params:oauth:grant-type:device_code', helper: 'deviceCode', fields: ['deviceCode!'] },
      ],
    ],
    [
      'grant_type const',
      tokenDocument({
        type: 'object',
        properties: {
          grant_type: { const: 'urn:ietf:params:oauth:grant-type:jwt-bearer' },
          assertion: { type: 'string' },
          scope: { type: 'string' },
        },
      }),
      'enum',
      [
        {
          grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          helper: 'jwtBearer',
          fields: ['assertion!', 'scope'],
        },
      ],
    ],
    [
      'oneOf with a grant_type discriminator (mapping, allOf, and implicit names)',
      tokenDocument(
        {
          oneOf: [{ $ref: '#/components/schemas/cc' }, { $ref: '#/components/schemas/Exchange' }],
          discriminator: { propertyName: 'grant_type', mapping: { client_credentials: '#/components/schemas/cc' } },
        },
        {
          components: {
            schemas: {
              Base: { type: 'object', properties: { grant_type: { type: 'string' }, client_id: { type: 'string' } } },
              cc: {
                allOf: [
                  { $ref: '#/components/schemas/Base' },
                  { type: 'object', required: ['audience'], properties: { audience: { type: 'string' } } },
                ],
              },
              Exchange: {
                allOf: [
                  { $ref: '#/components/schemas/Base' },
                  {
                    properties: {
                      grant_type: { const: 'urn:ietf:params:oauth:grant-type:token-exchange' },
                      subject_token: { type: 'string' },
                      subject_token_type: { type: 'string' },
                    },
                  },
                ],
              },
            },
          },
        },
      ),
      'discriminator',
      [
        { grantType: 'client_credentials', helper: 'clientCredentials', fields: ['audience!'] },
        {
          grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
          helper: 'tokenExchange',
          fields: ['subjectToken!', 'subjectTokenType!'],
        },
      ],
    ],
    [
      'x-grant-types on the operation',
      tokenDocument(flatRequest(['scope', 'refresh_token']), {
        operation: { 'x-grant-types': ['refresh_token', 'https://example.com/grants/delegation'] },
      }),
      'extension',
      [
        { grantType: 'refresh_token', helper: 'refreshToken', fields: ['refreshToken!', 'scope'] },
        { grantType: 'https://example.com/grants/delegation', helper: 'delegation', fields: ['scope'] },
      ],
    ],
    [
      'registered grants whose fields the schema declares (client_credentials always)',
      tokenDocument(flatRequest(['subject_token', 'subject_token_type', 'assertion', 'resource', 'client_id'])),
      'rfc-fields',
      [
        { grantType: 'client_credentials', helper: 'clientCredentials', fields: [] },
        {
          grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
          helper: 'tokenExchange',
          fields: ['subjectToken!', 'subjectTokenType!', 'resource'],
        },
        { grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', helper: 'jwtBearer', fields: ['assertion!'] },
      ],
    ],
    [
      'fields the document marks required stay required where they are sent',
      tokenDocument(flatRequest(['scope', 'code', 'redirect_uri'], { required: ['grant_type', 'redirect_uri'] })),
      'rfc-fields',
      [
        { grantType: 'client_credentials', helper: 'clientCredentials', fields: ['scope'] },
        { grantType: 'authorization_code', helper: 'authorizationCode', fields: ['code!', 'redirectUri!'] },
      ],
    ],
    [
      'a registered grant named by the document gets its RFC-required fields even if the schema lacks them',
      tokenDocument({ type: 'object', properties: { grant_type: { type: 'string', enum: ['refresh_token'] } } }),
      'enum',
      [{ grantType: 'refresh_token', helper: 'refreshToken', fields: ['refreshToken!'] }],
    ],
    [
      'grant names that collide or are reserved are made unique and safe',
      tokenDocument({
        type: 'object',
        properties: {
          grant_type: {
            type: 'string',
            enum: ['urn:a:client-credentials', 'client_credentials', 'urn:x:delete', 'urn:x:1st'],
          },
        },
      }),
      'enum',
      [
        { grantType: 'urn:a:client-credentials', helper: 'clientCredentials', fields: [] },
        { grantType: 'client_credentials', helper: 'clientCredentials2', fields: [] },
        { grantType: 'urn:x:delete', helper: 'deleteGrant', fields: [] },
        { grantType: 'urn:x:1st', helper: 'grant1st', fields: [] },
      ],
    ],
  ];
  it.each(cases)('%s', async (_name, document, source, expected) => {
    const ir = await analyzeDocument(document);
    expect(ir.tokenEndpoints[0]?.grantSource).toBe(source);
    expect(summary(ir)).toEqual(expected);
  });

  it('ignores operations that are not token endpoints', async () => {
    const notForm = tokenDocument(flatRequest([]));
    (notForm as any).paths['/token'].post.requestBody.content = { 'application/json': { schema: flatRequest([]) } };
    expect((await analyzeDocument(notForm)).tokenEndpoints).toEqual([]);
    const noAccessToken = tokenDocument(flatRequest([]));
    (noAccessToken as any).paths['/token'].post.responses['200'].content['application/json'].schema = {
      type: 'object',
      properties: { id: { type: 'string' } },
    };
    expect((await analyzeDocument(noAccessToken)).tokenEndpoints).toEqual([]);
  });

  it('an x-grant-types that is not a list of strings is an input error naming the pointer', async () => {
    await expect(
      analyzeDocument(tokenDocument(flatRequest([]), { operation: { 'x-grant-types': 'client_credentials' } })),
    ).rejects.toThrow(
      /doc\.json#\/paths\/~1token\/post\/x-grant-types: x-grant-types must be a non-empty list of strings/,
    );
  });

  it('client authentication follows the security requirements in order', async () => {
    const basicFirst = tokenDocument(flatRequest(['client_id', 'client_secret']), {
      operation: { security: [{ basic: [] }, {}] },
      components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } } },
    });
    expect((await analyzeDocument(basicFirst)).tokenEndpoints[0]!.clientAuthentication).toEqual({
      supported: ['client_secret_basic', 'client_secret_post', 'none'],
      default: 'client_secret_basic',
    });
    const publicOnly = tokenDocument(flatRequest(['client_id']));
    expect((await analyzeDocument(publicOnly)).tokenEndpoints[0]!.clientAuthentication.default).toBe('none');
  });
});

describe('token request model names', () => {
  const enumDocument = (grantTypes: string[]) =>
    tokenDocument(
      flatRequest([], { properties: { grant_type: { type: 'string', enum: grantTypes }, scope: { type: 'string' } } }),
    );

  it('do not repeat a grant name’s last word Token (RefreshTokenRequest, not RefreshTokenTokenRequest)', async () => {
    const ir = await analyzeDocument(
      enumDocument([
        'client_credentials',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:token-exchange',
        'urn:example:id_token',
        'token',
      ]),
    );
    expect(ir.tokenEndpoints[0]!.grants.map((grant) => grant.requestTypeName)).toEqual([
      'ClientCredentialsTokenRequest',
      'RefreshTokenRequest',
      'TokenExchangeTokenRequest',
      'IdTokenRequest',
      // `TokenRequest` is the union of all of them.
      'TokenTokenRequest',
    ]);
  });

  it('stay distinct when two grants would share one', async () => {
    const ir = await analyzeDocument(enumDocument(['refresh_token', 'urn:example:refresh']));
    expect(ir.tokenEndpoints[0]!.grants.map((grant) => grant.requestTypeName)).toEqual([
      'RefreshTokenRequest',
      'RefreshTokenRequest2',
    ]);
  });

  it('are the names models.ts declares', async () => {
    const ir = analyze(await loadDocument(SPEC, { cwd: ROOT }));
    expect(ir.tokenEndpoints[0]!.grants.map((grant) => grant.requestTypeName)).toEqual([
      'ClientCredentialsTokenRequest',
      'AuthorizationCodeTokenRequest',
      'RefreshTokenRequest',
      'PasswordTokenRequest',
    ]);
    const { emitModels } = await import('../../generator/emit/models.js');
    const models = emitModels(ir, ir.tokenEndpoints[0]!);
    expect(models).toMatch(/^export interface RefreshTokenRequest \{/m);
    expect(models).toMatch(/^export type TokenRequest =[^;]*\bRefreshTokenRequest\b/m);
    expect(models).not.toContain('TokenTokenRequest');
  });
});
