import { describe, expect, it } from 'vitest';
import { diffDocuments, formatChanges, meetsFailOn, type Change, type OAuthView } from '../../generator/diff/index.js';

/** A small API with one operation of each kind the rules look at. */
function base(): any {
  return {
    openapi: '3.1.0',
    info: { title: 'T', version: '1' },
    servers: [{ url: 'https://api.example.com' }, { url: 'https://eu.api.example.com' }],
    paths: {
      '/items/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          parameters: [{ name: 'expand', in: 'query', schema: { type: 'string', enum: ['owner', 'tags'] } }],
          responses: {
            '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
            '404': { description: 'missing' },
          },
        },
        put: {
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
          responses: { '204': { description: 'done' } },
        },
      },
    },
    components: {
      schemas: {
        Item: {
          type: 'object',
          required: ['id', 'status'],
          properties: {
            id: { type: 'string' },
            status: { type: 'string', enum: ['active', 'archived'] },
            created: { type: 'string', format: 'date-time' },
            parent: { $ref: '#/components/schemas/Item' },
            tags: { type: 'array', items: { type: 'string' } },
          },
        },
      },
      securitySchemes: {
        oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://auth.example.com/token', scopes: { read: 'r', write: 'w' } } } },
        key: { type: 'apiKey', in: 'header', name: 'X-Key' },
      },
    },
  };
}

const ids = (changes: Change[]) => changes.map((c) => `${c.severity} ${c.id}`);
type Edit = (doc: any) => void;
const cases: Array<[string, Edit, string[]]> = [
  ['identical documents', () => {}, []],
  ['a path removed', (d) => delete d.paths['/items/{id}'], ['breaking path-removed']],
  ['an operation removed', (d) => delete d.paths['/items/{id}'].put, ['breaking operation-removed']],
  ['an operation added', (d) => (d.paths['/items/{id}'].delete = { responses: { '204': { description: 'x' } } }), ['info operation-added']],
  ['a required query parameter added', (d) => d.paths['/items/{id}'].get.parameters.push({ name: 'v', in: 'query', required: true, schema: { type: 'string' } }), ['breaking request-parameter-added-required']],
  ['an optional header parameter added', (d) => d.paths['/items/{id}'].get.parameters.push({ name: 'X-Trace', in: 'header', schema: { type: 'string' } }), ['info request-parameter-added']],
  ['a parameter removed', (d) => (d.paths['/items/{id}'].get.parameters = []), ['warning request-parameter-removed']],
  ['a parameter made required', (d) => (d.paths['/items/{id}'].get.parameters[0].required = true), ['breaking request-parameter-became-required']],
  ['a request enum narrowed', (d) => (d.paths['/items/{id}'].get.parameters[0].schema.enum = ['owner']), ['breaking request-enum-narrowed']],
  ['a request enum widened', (d) => d.paths['/items/{id}'].get.parameters[0].schema.enum.push('history'), ['info request-enum-widened']],
  ['a path parameter type changed', (d) => (d.paths['/items/{id}'].parameters[0].schema = { type: 'integer' }), ['breaking request-type-changed', 'breaking request-type-changed']], // once per operation sharing it
  ['a request body made required', (d) => (d.paths['/items/{id}'].put.requestBody.required = true), ['breaking request-body-became-required']],
  ['a request content type replaced', (d) => { const body = d.paths['/items/{id}'].put.requestBody; body.content = { 'application/xml': body.content['application/json'] }; }, ['breaking request-content-type-removed', 'info request-content-type-added']],
  ['a success status removed', (d) => { const r = d.paths['/items/{id}'].get.responses; r['201'] = r['200']; delete r['200']; }, ['breaking response-status-removed', 'info response-status-added']],
  ['an error status removed', (d) => delete d.paths['/items/{id}'].get.responses['404'], ['warning response-status-removed']],
  ['a response content type removed', (d) => (d.paths['/items/{id}'].get.responses['200'].content = { 'text/plain': { schema: { type: 'string' } } }), ['breaking response-content-type-removed', 'warning response-content-type-added']],
  // Item is both sent (PUT) and received (GET): each direction is judged on its own.
  ['a field made optional', (d) => (d.components.schemas.Item.required = ['id']), ['breaking response-property-became-optional', 'info request-property-became-optional']],
  ['a field made required', (d) => d.components.schemas.Item.required.push('created'), ['breaking request-property-became-required', 'info response-property-became-required']],
  ['a field removed', (d) => delete d.components.schemas.Item.properties.created, ['breaking response-property-removed', 'warning request-property-removed']],
  ['an optional field added', (d) => (d.components.schemas.Item.properties.note = { type: 'string' }), ['info response-property-added', 'info request-property-added']],
  ['a required field added', (d) => { d.components.schemas.Item.properties.owner = { type: 'string' }; d.components.schemas.Item.required.push('owner'); }, ['breaking request-property-added-required', 'info response-property-added']],
  ['an enum widened (both directions)', (d) => d.components.schemas.Item.properties.status.enum.push('deleted'), ['warning response-enum-widened', 'info request-enum-widened']],
  ['an enum narrowed (both directions)', (d) => (d.components.schemas.Item.properties.status.enum = ['active']), ['breaking request-enum-narrowed', 'info response-enum-narrowed']],
  ['a format changed', (d) => (d.components.schemas.Item.properties.created.format = 'date'), ['breaking response-format-changed', 'breaking request-format-changed']],
  ['an array item type changed', (d) => (d.components.schemas.Item.properties.tags.items = { type: 'integer' }), ['breaking response-type-changed', 'breaking request-type-changed']],
  ['a schema moved inline (refs compare by target)', (d) => { d.paths['/items/{id}'].get.responses['200'].content['application/json'].schema = structuredClone(d.components.schemas.Item); d.paths['/items/{id}'].get.responses['200'].content['application/json'].schema.properties.parent = { $ref: '#/components/schemas/Item' }; }, []],
  ['a security scheme removed', (d) => delete d.components.securitySchemes.key, ['breaking security-scheme-removed']],
  ['a security scheme changed type', (d) => (d.components.securitySchemes.key = { type: 'http', scheme: 'bearer' }), ['breaking security-scheme-type-changed']],
  ['a scope removed and one added', (d) => { const s = d.components.securitySchemes.oauth.flows.clientCredentials.scopes; delete s.write; s.admin = 'a'; }, ['breaking security-scope-removed', 'info security-scope-added']],
  ['a token URL changed', (d) => (d.components.securitySchemes.oauth.flows.clientCredentials.tokenUrl = 'https://auth.example.com/oauth/token'), ['breaking security-flow-url-changed']],
  ['a flow removed', (d) => { const f = d.components.securitySchemes.oauth.flows; f.password = { tokenUrl: 'https://auth.example.com/token', scopes: {} }; delete f.clientCredentials; }, ['breaking security-flow-removed', 'info security-flow-added']],
  ['operation security changed', (d) => (d.paths['/items/{id}'].get.security = [{ key: [] }]), ['warning operation-security-changed']],
  ['the default server changed', (d) => d.servers.reverse(), ['warning server-url-changed']],
  ['a server removed and one added', (d) => (d.servers[1] = { url: 'https://us.api.example.com' }), ['warning server-removed', 'info server-added']],
];

describe('diffDocuments rules', () => {
  it.each(cases)('%s', (_name, edit, expected) => {
    const next = base();
    edit(next);
    expect(ids(diffDocuments(base(), next))).toEqual(expected);
  });

  it('reports pointers in each document', () => {
    const next = base();
    next.paths['/items/{id}'].get.parameters[0].required = true;
    expect(diffDocuments(base(), next)[0]).toMatchObject({
      oldPointer: '/paths/~1items~1{id}/get/parameters/0',
      newPointer: '/paths/~1items~1{id}/get/parameters/0',
      message: 'Query parameter `expand` of GET /items/{id} is now required.',
    });
  });

  it('terminates on self-referencing and mutually recursive schemas', () => {
    const next = base();
    next.components.schemas.Item.properties.parent = { allOf: [{ $ref: '#/components/schemas/Other' }] };
    next.components.schemas.Other = { type: 'object', properties: { back: { $ref: '#/components/schemas/Item' } } };
    expect(() => diffDocuments(base(), next)).not.toThrow();
  });
});

describe('the OAuth view', () => {
  const view = (grants: OAuthView['tokenEndpoints'][0]['grants']): OAuthView => ({ tokenEndpoints: [{ method: 'POST', path: '/token', grants }] });
  const cc = { grantType: 'client_credentials', requiredFields: [], optionalFields: ['scope'] };
  const rt = { grantType: 'refresh_token', requiredFields: ['refresh_token'], optionalFields: ['scope'] };
  it.each([
    ['a grant removed', [cc, rt], [cc], ['breaking oauth-grant-removed']],
    ['a grant added', [cc], [cc, rt], ['info oauth-grant-added']],
    ['a required field added', [rt], [{ ...rt, requiredFields: ['refresh_token', 'client_id'] }], ['breaking oauth-grant-required-field-added']],
    ['an optional field made required', [rt], [{ ...rt, requiredFields: ['refresh_token', 'scope'], optionalFields: [] }], ['breaking oauth-grant-required-field-added']],
    ['an optional field removed', [rt], [{ ...rt, optionalFields: [] }], ['warning oauth-grant-field-removed']],
    ['an optional field added', [cc], [{ ...cc, optionalFields: ['scope', 'resource'] }], ['info oauth-grant-field-added']],
  ])('%s', (_name, before, after, expected) => {
    expect(ids(diffDocuments(base(), base(), { oldOAuth: view(before), newOAuth: view(after) }))).toEqual(expected);
  });
});

describe('formatting and --fail-on', () => {
  const changes: Change[] = [
    { id: 'a', severity: 'breaking', oldPointer: '/x', message: 'A | with `code`\nand a newline.' },
    { id: 'b', severity: 'info', newPointer: '/y', message: 'B.' },
  ];
  it('text', () => {
    expect(formatChanges(changes, 'text')).toBe('BREAKING  A | with `code`\nand a newline.  (old: /x)\nINFO      B.  (new: /y)\n1 breaking, 0 warning, 1 info\n');
    expect(formatChanges([], 'text')).toBe('No changes.\n');
  });
  it('markdown escapes table cells', () => {
    const markdown = formatChanges(changes, 'markdown', { oldSource: 'a.yaml', newSource: 'b.yaml' });
    expect(markdown).toContain('| 🔴 breaking | A \\| with \\`code\\` and a newline. | `/x` |');
    expect(markdown).toContain('**1 breaking, 0 warning, 1 info**');
    expect(formatChanges([], 'markdown')).toContain('No changes.');
  });
  it('json', () => {
    expect(JSON.parse(formatChanges(changes, 'json'))).toEqual({ summary: { breaking: 1, warning: 0, info: 1 }, changes });
  });
  it('meetsFailOn', () => {
    expect(meetsFailOn(changes, 'breaking')).toBe(true);
    expect(meetsFailOn(changes, 'never')).toBe(false);
    expect(meetsFailOn([changes[1]!], 'warning')).toBe(false);
    expect(meetsFailOn([{ ...changes[1]!, severity: 'warning' }], 'warning')).toBe(true);
    expect(meetsFailOn([{ ...changes[1]!, severity: 'warning' }], 'breaking')).toBe(false);
  });
});
