import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, SPEC, generateToTemp, removeDir } from '../support/generate-to-temp.js';
import { compileWithConsumer as compile } from '../support/compile-output.js';

/**
 * The OAuth capabilities in the generated output (issue 13): the output plan copies each capability's module when
 * the document declares it, index.ts exports its public API, grants.ts binds what the document decides (the
 * authorization endpoint, the endpoints' paths), and the output compiles under the strict consumer settings.
 */
const FIXTURES = join(ROOT, 'test/fixtures/oauth');
const CAPABILITIES = ['authorize', 'revocation', 'introspection', 'device', 'discovery'] as const;
/** `export const NAME = 'value';` in either quote style (a temporary output is not run through prettier). */
const constant = (name: string, value: string) =>
  new RegExp(`export const ${name} = (['"])${value.replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&')}\\1;`);
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

const generated = new Map<string, Promise<Awaited<ReturnType<typeof generateToTemp>>>>();
function output(input: string) {
  let result = generated.get(input);
  if (!result) {
    result = generateToTemp(input).then((out) => (dirs.push(out.dir), out));
    generated.set(input, result);
  }
  return result;
}

describe('all-capabilities.yaml', () => {
  const input = join(FIXTURES, 'all-capabilities.yaml');

  it('copies every capability module and its internals, and exports each capability from index.ts', async () => {
    const { files } = await output(input);
    for (const module of ['jose', 'endpoint', 'client-auth', 'dpop', ...CAPABILITIES])
      expect([...files.keys()]).toContain(`${module}.ts`);
    const index = files.get('index.ts')!;
    // One named export list per module: a bundler drops what the app does not import.
    for (const name of [
      'privateKeyJwt',
      'clientSecretJwt',
      'createDPoP',
      'fetchWithDPoP',
      'parseAuthorizationResponse',
      'revokeToken',
      'revokeTokens',
      'introspectToken',
      'requestDeviceAuthorization',
      'pollDeviceAuthorization',
      'discoverAuthorizationServer',
      'DiscoveryError',
    ])
      expect(index).toMatch(new RegExp(`\\b${name}\\b`));
    // buildAuthorizationRequest comes bound to the document from grants.ts, not the generic one from authorize.ts.
    expect(index).toMatch(/export \{[^}]*\bbuildAuthorizationRequest\b[^}]*\} from '\.\/grants\.js'/);
    expect(index).not.toMatch(/export \{[^}]*\bbuildAuthorizationRequest\b[^}]*\} from '\.\/authorize\.js'/);
    expect(index).not.toMatch(/from '\.\/(jose|endpoint)\.js'.*\b(signJwt|requestEndpoint|hideSecrets)\b/);
  });

  it('names the document’s endpoints in grants.ts', async () => {
    const grants = (await output(input)).files.get('grants.ts')!;
    expect(grants).toMatch(constant('AUTHORIZATION_ENDPOINT', 'https://id.example.test/connect/authorize'));
    expect(grants).toMatch(constant('REVOCATION_PATH', '/connect/revoke-it'));
    expect(grants).toMatch(constant('INTROSPECTION_PATH', '/connect/inspect'));
    expect(grants).toMatch(constant('DEVICE_AUTHORIZATION_PATH', '/connect/deviceauthorization'));
    expect(grants).toMatch(constant('DISCOVERY_ISSUER', 'https://id.example.test'));
  });

  it('compiles with every capability used, under the strict consumer settings', async () => {
    const { dir } = await output(input);
    const consumer = `
import {
  buildAuthorizationRequest, parseAuthorizationResponse, createTokenClient, privateKeyJwt, createDPoP,
  revokeTokens, introspectToken, requestDeviceAuthorization, pollDeviceAuthorization, discoverAuthorizationServer,
  assertTokenEndpoint, DEFAULT_BASE_URL, TOKEN_PATH, REVOCATION_PATH, INTROSPECTION_PATH, DEVICE_AUTHORIZATION_PATH,
  DISCOVERY_ISSUER, publicClient, type IntrospectionResponse,
} from './index.js';
export async function use(key: CryptoKey, keyPair: CryptoKeyPair): Promise<IntrospectionResponse> {
  const request = await buildAuthorizationRequest({ clientId: 'c', redirectUri: 'https://app/cb', scope: 'openid' });
  const client = createTokenClient({ clientId: 'c', clientSecret: 's' });
  await client.authorizationCode(parseAuthorizationResponse('https://app/cb?code=x&state=' + request.state, request));
  const auth = privateKeyJwt({ clientId: 'c', key, algorithm: 'ES256' });
  void createDPoP({ keyPair });
  await revokeTokens({ refreshToken: 'r' }, { endpoint: DEFAULT_BASE_URL + REVOCATION_PATH, clientAuthentication: auth });
  const device = await requestDeviceAuthorization({
    endpoint: DEFAULT_BASE_URL + DEVICE_AUTHORIZATION_PATH, clientAuthentication: publicClient('c'),
  });
  await pollDeviceAuthorization(device, (signal) => client.clientCredentials({}, { signal }));
  assertTokenEndpoint(await discoverAuthorizationServer(DISCOVERY_ISSUER), DEFAULT_BASE_URL + TOKEN_PATH);
  return introspectToken('t', { endpoint: DEFAULT_BASE_URL + INTROSPECTION_PATH, clientAuthentication: auth });
}
`;
    expect(compile(dir, consumer)).toEqual([]);
  });

  it('builds an authorization request at the document’s authorizationUrl', async () => {
    const { dir } = await output(input);
    const { buildAuthorizationRequest } = (await import(join(dir, 'grants.ts'))) as typeof import('./wiring-types.js');
    const request = await buildAuthorizationRequest({ clientId: 'app', redirectUri: 'https://app.example/cb' });
    const url = new URL(request.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://id.example.test/connect/authorize');
    expect(url.searchParams.get('state')).toBe(request.state);
    const other = await buildAuthorizationRequest({
      clientId: 'app',
      redirectUri: 'https://app.example/cb',
      authorizationEndpoint: 'https://elsewhere.example/authorize',
    });
    expect(new URL(other.url).origin).toBe('https://elsewhere.example');
  });
});

describe('device-without-redeem.yaml', () => {
  it('leaves out what the document cannot use, and still compiles', async () => {
    const { dir, files } = await output(join(FIXTURES, 'device-without-redeem.yaml'));
    expect([...files.keys()]).not.toContain('device.ts');
    expect(files.get('index.ts')).not.toContain('requestDeviceAuthorization');
    expect(files.get('grants.ts')).not.toContain('DEVICE_AUTHORIZATION_PATH');
    // Offered for every token endpoint.
    expect([...files.keys()]).toEqual(expect.arrayContaining(['client-auth.ts', 'dpop.ts', 'jose.ts']));
    expect(compile(dir, `export {};`)).toEqual([]);
  });
});

describe('the WealthCare document', () => {
  it('gets the authorization request at its (inferred) authorizationUrl, JWT client authentication and DPoP', async () => {
    const { dir, files } = await output(SPEC);
    const grants = files.get('grants.ts')!;
    expect(grants).toMatch(constant('AUTHORIZATION_ENDPOINT', 'https://beta.auth.wealthcare.com/connect/authorize'));
    expect(grants).toMatch(/inferred, not published/);
    for (const module of ['authorize', 'client-auth', 'dpop', 'jose', 'endpoint'])
      expect([...files.keys()]).toContain(`${module}.ts`);
    for (const module of ['revocation', 'introspection', 'device', 'discovery'])
      expect([...files.keys()]).not.toContain(`${module}.ts`);
    const consumer = `
import { buildAuthorizationRequest, AUTHORIZATION_ENDPOINT } from './index.js';
export const request = buildAuthorizationRequest({ clientId: 'c', redirectUri: 'https://app/cb', scope: ['openid'] });
export const endpoint: string = AUTHORIZATION_ENDPOINT;
`;
    expect(compile(dir, consumer)).toEqual([]);
  });
});
