import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuthorizationRequest, parseAuthorizationResponse } from '../../templates/runtime/authorize.js';
import { clientSecretPost } from '../../templates/runtime/client-auth.js';
import {
  DiscoveryError,
  assertTokenEndpoint,
  discoverAuthorizationServer,
  metadataUrl,
} from '../../templates/runtime/discovery.js';
import { ConfigurationError } from '../../templates/runtime/errors.js';
import { closeServer, listen, sendJson } from '../support/oidc-provider-server.js';
import {
  CLIENTS,
  REDIRECT_URI,
  startOAuthFeaturesServer,
  type OAuthFeaturesServer,
} from '../support/oauth-features-server.js';
import { thrown, tokenRequest } from './support.js';

describe('metadataUrl', () => {
  it('appends for OpenID Connect and inserts for RFC 8414 (§3.1), for issuers with and without a path', () => {
    expect(metadataUrl('https://as.example').href).toBe('https://as.example/.well-known/openid-configuration');
    expect(metadataUrl('https://as.example/tenant/').href).toBe(
      'https://as.example/tenant/.well-known/openid-configuration',
    );
    expect(metadataUrl('https://as.example', 'oauth-authorization-server').href).toBe(
      'https://as.example/.well-known/oauth-authorization-server',
    );
    expect(metadataUrl('https://as.example/tenant', 'oauth-authorization-server').href).toBe(
      'https://as.example/.well-known/oauth-authorization-server/tenant',
    );
  });
});

describe('discovery against oidc-provider 8.8.1', () => {
  let server: OAuthFeaturesServer;
  beforeAll(async () => {
    server = await startOAuthFeaturesServer();
  });
  afterAll(() => server?.close());

  it('fetches the metadata, whose endpoints drive the whole code flow', async () => {
    const metadata = await discoverAuthorizationServer(server.issuer);
    expect(metadata).toMatchObject({
      issuer: server.issuer,
      token_endpoint: server.tokenEndpoint,
      revocation_endpoint: server.revocationEndpoint,
      introspection_endpoint: server.introspectionEndpoint,
      device_authorization_endpoint: server.deviceAuthorizationEndpoint,
      authorization_response_iss_parameter_supported: true,
      dpop_signing_alg_values_supported: expect.arrayContaining(['ES256']),
    });
    assertTokenEndpoint(metadata, server.tokenEndpoint);
    const request = await buildAuthorizationRequest({
      authorizationEndpoint: metadata.authorization_endpoint!,
      clientId: CLIENTS.web.clientId,
      redirectUri: REDIRECT_URI,
      scope: 'api',
      issuer: metadata.issuer,
      requireIssuer: metadata.authorization_response_iss_parameter_supported === true,
    });
    const grant = parseAuthorizationResponse(await server.authorize(request.url), request);
    const tokens = await tokenRequest(
      metadata.token_endpoint!,
      {
        grant_type: 'authorization_code',
        code: grant.code,
        redirect_uri: grant.redirectUri,
        code_verifier: grant.codeVerifier,
      },
      { clientAuthentication: clientSecretPost(CLIENTS.web.clientId, CLIENTS.web.clientSecret) },
    );
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('refuses metadata of another issuer (a trailing slash counts), and a document/metadata token endpoint disagreement', async () => {
    const slash = await thrown(() => discoverAuthorizationServer(`${server.issuer}/`));
    expect(slash).toBeInstanceOf(DiscoveryError);
    expect(slash).toMatchObject({ reason: 'issuer_mismatch' });
    const metadata = await discoverAuthorizationServer(server.issuer);
    const mismatch = await thrown(() =>
      assertTokenEndpoint(metadata, 'https://beta.auth.wealthcare.com/connect/token'),
    );
    expect(mismatch).toMatchObject({ reason: 'token_endpoint_mismatch' });
    expect((mismatch as Error).message).toContain(server.tokenEndpoint);
    expect((mismatch as Error).message).toContain('https://beta.auth.wealthcare.com/connect/token');
  });
});

describe('discovery of a misbehaving server', () => {
  let issuer: string;
  let document: unknown = {};
  const fake = createServer((_req, res) => sendJson(res, 200, document));
  beforeAll(async () => {
    await listen(fake);
    issuer = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  afterAll(() => closeServer(fake));

  it('names the metadata that claims another issuer, and refuses one without issuer or with a non-string endpoint', async () => {
    document = { issuer: 'https://attacker.example', token_endpoint: 'https://attacker.example/token' };
    const error = await thrown(() => discoverAuthorizationServer(issuer));
    expect(error).toMatchObject({ reason: 'issuer_mismatch' });
    expect((error as Error).message).toContain('"https://attacker.example"');
    document = { token_endpoint: 'x' };
    expect(await thrown(() => discoverAuthorizationServer(issuer))).toMatchObject({ reason: 'invalid_metadata' });
    document = { issuer, token_endpoint: 42 };
    expect(await thrown(() => discoverAuthorizationServer(issuer))).toMatchObject({ reason: 'invalid_metadata' });
  });

  it('refuses an http issuer on a remote host', async () => {
    expect(await thrown(() => discoverAuthorizationServer('http://as.example'))).toBeInstanceOf(ConfigurationError);
  });
});
