import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientSecretBasic,
  clientSecretJwt,
  clientSecretPost,
  privateKeyJwt,
  publicClient,
  type ClientAuthenticator,
} from '../../templates/runtime/client-auth.js';
import { OAuthError } from '../../templates/runtime/client.js';
import {
  CLIENTS,
  jwtClientKeys,
  startOAuthFeaturesServer,
  type OAuthFeaturesServer,
} from '../support/oauth-features-server.js';
import { decodeJwt, thrown, tokenRequest } from './support.js';

const TOKEN_URL = new URL('https://as.example/connect/token?x=1#f');

async function apply(auth: ClientAuthenticator) {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  const headers: Record<string, string> = {};
  await auth({ url: TOKEN_URL, body, headers });
  return { body, headers };
}

describe('JWT client authentication (RFC 7523 §2.2)', () => {
  it('signs iss = sub = client id, aud = the endpoint without query, a unique jti and a short exp, per call', async () => {
    const { es256 } = await jwtClientKeys();
    const auth = privateKeyJwt({ clientId: 'app', key: es256.privateKey, keyId: 'k1', now: () => 1_700_000_000_000 });
    const first = await apply(auth);
    const second = await apply(auth);
    expect(first.body.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(first.body.get('client_id')).toBe('app');
    const a = decodeJwt(first.body.get('client_assertion')!);
    const b = decodeJwt(second.body.get('client_assertion')!);
    expect(a.header).toEqual({ typ: 'JWT', kid: 'k1', alg: 'ES256' });
    expect(a.payload).toMatchObject({
      iss: 'app',
      sub: 'app',
      aud: 'https://as.example/connect/token',
      iat: 1_700_000_000,
      exp: 1_700_000_060,
    });
    expect(a.payload['jti']).toMatch(/^[\w-]{43}$/);
    expect(b.payload['jti']).not.toBe(a.payload['jti']);
    // The signature verifies with the public key (WebCrypto ECDSA is r‖s, the JWS form).
    const [h, p, s] = first.body.get('client_assertion')!.split('.');
    const valid = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      es256.publicKey,
      Buffer.from(s!, 'base64url'),
      new TextEncoder().encode(`${h}.${p}`),
    );
    expect(valid).toBe(true);
  });

  it('takes a private JWK (alg and kid from it) and an explicit audience', async () => {
    const { rs256 } = await jwtClientKeys();
    const jwk = { ...(await crypto.subtle.exportKey('jwk', rs256.privateKey)), alg: 'PS256', kid: 'jwk-kid' };
    const { body } = await apply(privateKeyJwt({ clientId: 'app', key: jwk, audience: 'https://as.example' }));
    const { header, payload } = decodeJwt(body.get('client_assertion')!);
    expect(header).toMatchObject({ alg: 'PS256', kid: 'jwk-kid' });
    expect(payload['aud']).toBe('https://as.example');
  });

  it('refuses a key of the wrong algorithm without quoting key material', async () => {
    const { es256 } = await jwtClientKeys();
    const error = await thrown(() =>
      apply(privateKeyJwt({ clientId: 'app', key: es256.privateKey, algorithm: 'RS256' })),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('does not sign with RS256');
    const jwk = await crypto.subtle.exportKey('jwk', es256.privateKey);
    const broken = await thrown(() => apply(privateKeyJwt({ clientId: 'app', key: { ...jwk, x: 'AA' } })));
    expect((broken as Error).message).not.toContain(jwk.d!);
  });

  it('client_secret_jwt signs HS256 with the secret and never sends it', async () => {
    const { body } = await apply(clientSecretJwt({ clientId: 'app', clientSecret: 'k'.repeat(32) }));
    const assertion = body.get('client_assertion')!;
    expect(decodeJwt(assertion).header['alg']).toBe('HS256');
    expect(body.toString()).not.toContain('k'.repeat(32));
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode('k'.repeat(32)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const [h, p, s] = assertion.split('.');
    expect(
      await crypto.subtle.verify('HMAC', key, Buffer.from(s!, 'base64url'), new TextEncoder().encode(`${h}.${p}`)),
    ).toBe(true);
  });

  it('client_secret_basic form-encodes before Base64 (RFC 6749 §2.3.1); post and none use the body', async () => {
    const { headers } = await apply(clientSecretBasic('a b', 'c+d:e'));
    expect(headers['authorization']).toBe(`Basic ${btoa('a+b:c%2Bd%3Ae')}`);
    expect(Object.fromEntries((await apply(clientSecretPost('a', 'b'))).body)).toMatchObject({
      client_id: 'a',
      client_secret: 'b',
    });
    expect((await apply(publicClient('a'))).body.get('client_id')).toBe('a');
  });
});

describe('JWT client authentication against oidc-provider 8.8.1', () => {
  let server: OAuthFeaturesServer;
  beforeAll(async () => {
    server = await startOAuthFeaturesServer();
  });
  afterAll(() => server?.close());

  const clientCredentials = (auth: ClientAuthenticator) =>
    tokenRequest(
      server.tokenEndpoint,
      { grant_type: 'client_credentials', scope: 'api' },
      { clientAuthentication: auth },
    );

  for (const [name, client] of [
    ['RS256', 'rs256'],
    ['ES256', 'es256'],
    ['EdDSA', 'eddsa'],
  ] as const) {
    it(`private_key_jwt with ${name} obtains a token`, async () => {
      const pair = (await jwtClientKeys())[client];
      const tokens = await clientCredentials(
        privateKeyJwt({
          clientId: CLIENTS[client].clientId,
          key: pair.privateKey,
          keyId: `${CLIENTS[client].clientId}-key`,
        }),
      );
      expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'api' });
    });
  }

  it('client_secret_jwt obtains a token; a wrong secret is invalid_client', async () => {
    const tokens = await clientCredentials(
      clientSecretJwt({ clientId: CLIENTS.hs256.clientId, clientSecret: CLIENTS.hs256.clientSecret }),
    );
    expect(tokens.access_token).toEqual(expect.any(String));
    const error = await thrown(() =>
      clientCredentials(clientSecretJwt({ clientId: CLIENTS.hs256.clientId, clientSecret: 'x'.repeat(48) })),
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('invalid_client');
  });

  it('a fresh assertion per attempt matters: the server refuses a replayed one', async () => {
    const { es256 } = await jwtClientKeys();
    const auth = privateKeyJwt({ clientId: CLIENTS.es256.clientId, key: es256.privateKey });
    let recorded: string | undefined;
    const replaying: ClientAuthenticator = async (request) => {
      if (recorded === undefined) {
        await auth(request);
        recorded = request.body.get('client_assertion')!;
      } else {
        request.body.set('client_id', CLIENTS.es256.clientId);
        request.body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
        request.body.set('client_assertion', recorded);
      }
    };
    await expect(clientCredentials(replaying)).resolves.toMatchObject({ token_type: 'Bearer' });
    const error = await thrown(() => clientCredentials(replaying));
    expect((error as OAuthError).error).toBe('invalid_client');
    await expect(clientCredentials(auth)).resolves.toMatchObject({ token_type: 'Bearer' });
    await expect(clientCredentials(auth)).resolves.toMatchObject({ token_type: 'Bearer' });
  });
});

describe('JWKs as WebCrypto exports them', () => {
  it('takes an Ed25519 private JWK with the fully-specified alg "Ed25519" as EdDSA', async () => {
    const { eddsa } = await jwtClientKeys();
    const jwk = await crypto.subtle.exportKey('jwk', eddsa.privateKey);
    const { body } = await apply(privateKeyJwt({ clientId: 'app', key: jwk }));
    const [h, p, s] = body.get('client_assertion')!.split('.');
    expect(decodeJwt(body.get('client_assertion')!).header['alg']).toBe('EdDSA');
    const valid = await crypto.subtle.verify(
      'Ed25519',
      eddsa.publicKey,
      Buffer.from(s!, 'base64url'),
      new TextEncoder().encode(`${h}.${p}`),
    );
    expect(valid).toBe(true);
  });
});
