import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../generator/analyze/analyze.js';
import { oauthCapabilitiesOf } from '../../generator/analyze/oauth-capabilities.js';
import { loadDocument } from '../../generator/load/load.js';
import { ROOT, SPEC } from '../support/generate-to-temp.js';

const FIXTURES = join(ROOT, 'test/fixtures/oauth');
const capabilitiesOf = async (file: string) => analyze(await loadDocument(file, { cwd: ROOT })).oauth;

describe('which OAuth capabilities a document declares', () => {
  it('finds every endpoint by its shape, resolves relative URLs, and derives the issuer', async () => {
    expect(await capabilitiesOf(join(FIXTURES, 'all-capabilities.yaml'))).toEqual({
      authorizationCode: {
        pointer: '/components/securitySchemes/oauth2/flows/authorizationCode',
        authorizationUrl: 'https://id.example.test/connect/authorize',
        tokenUrl: 'https://id.example.test/connect/token',
        scopes: ['openid', 'api'],
        inferred: false,
      },
      revocation: {
        pointer: '/paths/~1connect~1revoke-it/post',
        method: 'POST',
        path: '/connect/revoke-it',
        operationId: 'revoke',
      },
      introspection: {
        pointer: '/paths/~1connect~1inspect/post',
        method: 'POST',
        path: '/connect/inspect',
        operationId: 'introspect',
      },
      deviceAuthorization: {
        pointer: '/paths/~1connect~1deviceauthorization/post',
        method: 'POST',
        path: '/connect/deviceauthorization',
        operationId: 'deviceAuthorization',
      },
      discovery: {
        pointer: '/components/securitySchemes/oidc',
        openIdConnectUrl: 'https://id.example.test/.well-known/openid-configuration',
        issuer: 'https://id.example.test',
      },
      jwtClientAuthentication: true,
      dpop: true,
      notes: [],
    });
  });

  it('the WealthCare document: the authorization request from its (inferred) authorizationUrl, JWT auth and DPoP', async () => {
    const oauth = await capabilitiesOf(SPEC);
    expect(oauth.authorizationCode).toMatchObject({
      authorizationUrl: 'https://beta.auth.wealthcare.com/connect/authorize',
      inferred: true,
      scopes: ['bensoft_api', 'mbi_api', 'offline_access'],
    });
    expect(oauth).toMatchObject({ jwtClientAuthentication: true, dpop: true, notes: [] });
    for (const absent of ['revocation', 'introspection', 'deviceAuthorization', 'discovery'])
      expect(oauth).not.toHaveProperty(absent);
  });

  it('leaves out a device flow whose codes cannot be redeemed, and an unusable openIdConnectUrl, with notes', async () => {
    const oauth = await capabilitiesOf(join(FIXTURES, 'device-without-redeem.yaml'));
    expect(oauth).not.toHaveProperty('deviceAuthorization');
    expect(oauth).not.toHaveProperty('discovery');
    expect(oauth).not.toHaveProperty('authorizationCode');
    expect(oauth.notes).toEqual([
      '/components/securitySchemes/oidc/openIdConnectUrl: not an absolute http(s) URL; discovery needs an issuer at run time',
      '/paths/~1oauth~1device/post: device authorization without a token endpoint that takes device_code; not generated',
    ]);
  });

  it('offers nothing without a token endpoint, and keeps the first of two endpoints of one kind', () => {
    const revocation = (token: string) => ({
      post: {
        requestBody: {
          content: {
            'application/x-www-form-urlencoded': {
              schema: { type: 'object', properties: { [token]: { type: 'string' } } },
            },
          },
        },
        responses: { '200': { description: 'ok' } },
      },
    });
    const oauth = oauthCapabilitiesOf(
      { openapi: '3.0.3', paths: { '/a': revocation('token'), '/b': revocation('token'), '/c': revocation('other') } },
      undefined,
      [],
    );
    expect(oauth).toEqual({
      jwtClientAuthentication: false,
      dpop: false,
      revocation: { pointer: '/paths/~1a/post', method: 'POST', path: '/a' },
      notes: ['/paths/~1b/post: a second revocation endpoint; the first (/paths/~1a/post) is used'],
    });
  });

  it('a relative authorizationUrl without an absolute server is a note, not a crash', () => {
    const oauth = oauthCapabilitiesOf(
      {
        openapi: '3.0.3',
        components: {
          securitySchemes: {
            o: {
              type: 'oauth2',
              flows: { authorizationCode: { authorizationUrl: '/authorize', tokenUrl: '/token', scopes: {} } },
            },
          },
        },
      },
      undefined,
      [],
    );
    expect(oauth.authorizationCode).toBeUndefined();
    expect(oauth.notes).toEqual([
      '/components/securitySchemes/o/flows/authorizationCode/authorizationUrl: not an absolute http(s) URL (nor relative to an absolute server); no authorization request is generated',
    ]);
  });
});
