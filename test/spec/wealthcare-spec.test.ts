import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConfig, lint, parseYaml } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { ROOT, SPEC } from '../support/generate-to-temp.js';

/** The reconstructed document against the page it was reconstructed from (shared/seed). */
const PAGE = readFileSync(join(ROOT, '../shared/seed/000_427cd2c2db9c3e0d.txt'), 'utf8');
const doc = parseYaml(readFileSync(SPEC, 'utf8')) as any;
const operation = doc.paths['/connect/token'].post;
const schemas = doc.components.schemas;

/** The page's field lists: `• name type <format>` followed by a description paragraph. */
function pageFields(section: string): Array<{ name: string; type: string; format?: string; description: string }> {
  const fields: Array<{ name: string; type: string; format?: string; description: string }> = [];
  const pattern = /•\s+(\w+)\s+(string|integer)(?:\s+<([\w-]+)>)?\s*\n\s*\n\s*(.+)/g;
  for (const match of section.matchAll(pattern))
    fields.push({
      name: match[1]!,
      type: match[2]!,
      ...(match[3] ? { format: match[3] } : {}),
      description: match[4]!.trim(),
    });
  return fields;
}
const [requestSection, responseSection] = PAGE.split(/\nResponse\n/);

describe('spec/wealthcare-access.openapi.yaml', () => {
  it('lints clean with @redocly/openapi-core (recommended rules, 0 errors)', async () => {
    const problems = await lint({ ref: SPEC, config: await createConfig({ extends: ['recommended'] }) });
    expect(problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
  });

  it('states the page facts about the endpoint', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe('WealthCare Access');
    expect(doc.servers[0].url).toBe('https://beta.auth.wealthcare.com');
    expect(PAGE).toContain('https://beta.auth.wealthcare.com/connect/token');
    expect(operation.summary).toBe('Request an Access Token');
    expect(PAGE).toContain(operation.summary);
    expect(operation.description).toBe(
      'Exchanges client and grant credentials for an access token using the OAuth 2.0 token endpoint. Requests must be sent as application/x-www-form-urlencoded.',
    );
    expect(PAGE.replace(/\s+/g, ' ')).toContain(operation.description);
    expect(Object.keys(operation.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
  });

  it('has every request field of the page with its type, format and description verbatim', () => {
    const fields = pageFields(requestSection!);
    expect(fields.map((f) => f.name)).toEqual([
      'grant_type',
      'scope',
      'client_id',
      'client_secret',
      'username',
      'password',
      'refresh_token',
      'code',
      'redirect_uri',
      'code_verifier',
    ]);
    const properties = schemas.TokenRequest.properties;
    expect(Object.keys(properties)).toEqual(fields.map((f) => f.name));
    for (const field of fields) {
      expect(properties[field.name].type).toBe(field.type);
      expect(properties[field.name].format).toBe(field.format);
      // The page's second listing puts grant_type's values in backticks; the first does not.
      expect(properties[field.name].description.replace(/`/g, '')).toBe(field.description);
    }
  });

  it('marks only grant_type required and keeps it a free string', () => {
    expect(schemas.TokenRequest.required).toEqual(['grant_type']);
    expect(schemas.TokenRequest.properties.grant_type.enum).toBeUndefined();
    expect(schemas.TokenResponse.required).toBeUndefined();
  });

  it('has every response field of the page and its success example', () => {
    const fields = pageFields(responseSection!).filter((f) => f.name !== 'error');
    const properties = schemas.TokenResponse.properties;
    expect(Object.keys(properties)).toEqual(fields.map((f) => f.name));
    for (const field of fields) {
      expect(properties[field.name]).toMatchObject({
        type: field.type,
        description: field.description,
        ...(field.format ? { format: field.format } : {}),
      });
    }
    expect(operation.responses['200'].content['application/json'].examples.success.value).toEqual({
      access_token: 'eyJhbGciOi...',
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'bensoft_api mbi_api offline_access',
      refresh_token: 'refresh-token-value',
    });
  });

  it("has the page's three error examples, 400 and 401 as RFC 6749 §5.2 says", () => {
    const examples = (status: string) =>
      Object.values(operation.responses[status].content['application/json'].examples).map((e: any) => e.value);
    expect(examples('400')).toEqual([{ error: 'unsupported_grant_type' }, { error: 'invalid_grant' }]);
    expect(examples('401')).toEqual([{ error: 'invalid_client', error_description: 'Client authentication failed.' }]);
    expect(schemas.TokenError.properties.error).toMatchObject({ type: 'string', description: 'OAuth 2.0 error code.' });
  });

  it('has an oauth2 scheme on this token URL with the scopes seen on the page, and a client authentication scheme', () => {
    const { oauth2, clientSecretBasic } = doc.components.securitySchemes;
    for (const flow of Object.values(oauth2.flows) as any[]) {
      expect(flow.tokenUrl).toBe('https://beta.auth.wealthcare.com/connect/token');
      expect(Object.keys(flow.scopes).sort()).toEqual(['bensoft_api', 'mbi_api', 'offline_access']);
    }
    expect(Object.keys(oauth2.flows).sort()).toEqual(['authorizationCode', 'clientCredentials', 'password']);
    expect(clientSecretBasic).toMatchObject({ type: 'http', scheme: 'basic' });
  });
});
