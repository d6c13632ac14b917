/**
 * The one owner of what the generated folder consists of: which files are emitted for a document (copied runtime
 * modules, rendered templates, models and schema), every name they export, and the suffixes of the names derived
 * from the document. analyze reads it to keep operation names clear of these names (an operation's function or
 * types never shadow an export of another file); emit reads it to know which files to write and to generate
 * index.ts. The names the copied runtime modules export are read from their sources, not kept by hand.
 */
import { readFileSync } from 'node:fs';
import type { GeneratorIR } from './analyze/ir.js';

/** Folder of the runtime modules: ordinary TypeScript, copied into the output verbatim (header added). */
export const RUNTIME_DIR = new URL('../templates/runtime/', import.meta.url);

/** The runtime modules, in the order they are written. `models.ts` in that folder is a typed stub and never copied. */
export const RUNTIME_MODULES = [
  'errors',
  'http',
  'client',
  'pkce',
  // OAuth capabilities (docs/oauth.md): internals first, then one module per capability.
  'jose',
  'endpoint',
  'client-auth',
  'dpop',
  'authorize',
  'revocation',
  'introspection',
  'device',
  'discovery',
  'operations-runtime',
  'test-kit',
] as const;
export type RuntimeModule = (typeof RUNTIME_MODULES)[number];

/** Suffixes of the types derived from an operation's type name: `GetUserRequest`, `GetUserResponse`, `GetUserError`. */
export const OPERATION_TYPE_SUFFIXES = ['Request', 'Response', 'Error'] as const;
/** Suffix of a grant's parameter type (grants.ts): `ClientCredentialsParams`. */
export const GRANT_PARAMS_SUFFIX = 'Params';
/** Suffix of a grant's request model (models.ts): `ClientCredentialsTokenRequest`. */
export const GRANT_REQUEST_SUFFIX = 'TokenRequest';

/** One exported name of a module, and whether it is a type (exported with `type` from index.ts). */
export interface ExportedName {
  name: string;
  type: boolean;
}

const EXPORT =
  /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(function|const|let|class|interface|type)\s+([\w$]+)/gm;

/** The names a runtime module's source exports (top-level `export` declarations; runtime modules use no others). */
export function runtimeExports(source: string): ExportedName[] {
  return [...source.matchAll(EXPORT)].map(([, kind, name]) => ({
    name: name!,
    type: kind === 'interface' || kind === 'type',
  }));
}

const sourceCache = new Map<RuntimeModule, string>();

/** The text of a runtime module as it is in the repository. */
export function runtimeSource(module: RuntimeModule): string {
  let text = sourceCache.get(module);
  if (text === undefined) {
    text = readFileSync(new URL(`${module}.ts`, RUNTIME_DIR), 'utf8');
    sourceCache.set(module, text);
  }
  return text;
}

/** Names the templates declare whatever the document (grants.ts, token-source.ts, operations.ts). */
const TEMPLATE_EXPORTS = {
  grants: [
    'DEFAULT_BASE_URL',
    'TOKEN_PATH',
    'SUPPORTED_CLIENT_AUTHENTICATION',
    'SECRET_PARAMETERS',
    'createTokenClient',
    'TokenClient',
    'ScopeParameter',
  ],
  'token-source': [
    'StoredTokens',
    'ReauthenticationRequiredError',
    'UnsupportedTokenTypeError',
    'TokenSourceGrant',
    'TokenSourceOptions',
    'TokenSource',
    'tokensFromResponse',
    'createTokenSource',
    'authorizedFetch',
  ],
  /** grants.ts declares these when the document has the capability (see {@link OutputPlan.documentOAuth}). */
  'grants-oauth': [
    'AUTHORIZATION_ENDPOINT',
    'REVOCATION_PATH',
    'INTROSPECTION_PATH',
    'DEVICE_AUTHORIZATION_PATH',
    'DISCOVERY_ISSUER',
  ],
  operations: ['API_DEFAULT_BASE_URL', 'createApiConfig'],
  models: ['Scope', 'OAuthErrorCode', 'TokenRequest', 'TokenResponse', 'TokenErrorResponse'],
  schema: ['paths', 'components', 'operations', 'webhooks', '$defs'],
} as const;

/**
 * Names an operation's function or types must not take: every export of every runtime module (the generated
 * operations.ts imports some of them, index.ts re-exports others) and every fixed name of the templates, models and
 * schema (index.ts re-exports operations.ts with `export *`, where a duplicate name would be an error).
 */
export function reservedExportNames(): string[] {
  return [
    ...new Set([
      // The test kit is its own entry point (testing.ts), never re-exported by index.ts or imported by operations.ts.
      ...RUNTIME_MODULES.filter((module) => module !== 'test-kit').flatMap((module) =>
        runtimeExports(runtimeSource(module)).map(({ name }) => name),
      ),
      ...Object.values(TEMPLATE_EXPORTS).flat(),
    ]),
  ];
}

/** The public API of each runtime module: what index.ts re-exports from it. The rest is internal to the output. */
const PUBLIC_RUNTIME_EXPORTS: Record<RuntimeModule, readonly string[]> = {
  errors: [
    'AbortError',
    'ConfigurationError',
    'InvalidResponseError',
    'NetworkError',
    'ServerError',
    'TimeoutError',
    'TokenClientError',
    'UnexpectedResponseError',
  ],
  http: ['formEncode'],
  client: [
    'DEFAULT_RETRY',
    'DEFAULT_TIMEOUT_MS',
    'OAuthError',
    'isOAuthError',
    'ClientAuthentication',
    'RequestOptions',
    'RetryOptions',
    'TokenClientOptions',
  ],
  pkce: ['computeCodeChallenge', 'createPkce', 'Pkce'],
  jose: ['JwsAlgorithm', 'SigningKey'],
  endpoint: [],
  'client-auth': [
    'privateKeyJwt',
    'clientSecretJwt',
    'clientSecretBasic',
    'clientSecretPost',
    'publicClient',
    'ClientAuthenticator',
    'ClientAuthenticationRequest',
    'JwtClientAuthenticationOptions',
    'PrivateKeyJwtOptions',
    'ClientSecretJwtOptions',
  ],
  dpop: [
    'createDPoP',
    'fetchWithDPoP',
    'isDPoPNonceChallenge',
    'calculateJwkThumbprint',
    'exportPublicJwk',
    'DPoP',
    'DPoPAlgorithm',
    'DPoPOptions',
    'DPoPProofRequest',
    'DPoPFetchRequest',
    'DPoPFetchOptions',
  ],
  authorize: [
    'buildAuthorizationRequest',
    'parseAuthorizationResponse',
    'InvalidAuthorizationResponseError',
    'AuthorizationResponseError',
    'AuthorizationRequestOptions',
    'AuthorizationRequest',
    'ExpectedAuthorizationResponse',
    'AuthorizationResponse',
    'InvalidAuthorizationResponseReason',
  ],
  revocation: ['revokeToken', 'revokeTokens', 'TokenTypeHint', 'RevocationOptions'],
  introspection: ['introspectToken', 'IntrospectionOptions', 'IntrospectionResponse'],
  device: [
    'DEVICE_CODE_GRANT_TYPE',
    'requestDeviceAuthorization',
    'pollDeviceAuthorization',
    'DeviceAuthorizationExpiredError',
    'DeviceAuthorizationOptions',
    'DeviceAuthorizationResponse',
    'DevicePollingOptions',
  ],
  discovery: [
    'discoverAuthorizationServer',
    'assertTokenEndpoint',
    'metadataUrl',
    'DiscoveryError',
    'AuthorizationServerMetadata',
    'DiscoveryErrorReason',
    'DiscoveryOptions',
  ],
  // testing.ts re-exports it; index.ts never does, so the kit never reaches an application bundle.
  'test-kit': [],
  'operations-runtime': [
    'API_DEFAULT_TIMEOUT_MS',
    'ApiError',
    'isApiError',
    'AccessTokenProvider',
    'ApiCallOptions',
    'ApiConfig',
    'ApiConfigOptions',
    'MultipartBody',
  ],
};

/** The public runtime exports of a module with their kinds, read from its source; a listed name it lacks throws. */
export function publicRuntimeExports(module: RuntimeModule): ExportedName[] {
  const declared = new Map(runtimeExports(runtimeSource(module)).map((entry) => [entry.name, entry]));
  return PUBLIC_RUNTIME_EXPORTS[module].map((name) => {
    const entry = declared.get(name);
    if (!entry) throw new Error(`templates/runtime/${module}.ts does not export ${name}`);
    return entry;
  });
}

/** What is generated for one document. */
export interface OutputPlan {
  /** Whether the document has a token endpoint: grants.ts, token-source.ts, models.ts and the token client. */
  tokenClient: boolean;
  /** Whether it has operations besides the token endpoint: operations.ts and its runtime. */
  operations: boolean;
  /** Whether it gets the test kit (testing.ts): with a token client or operations. */
  testing: boolean;
  /**
   * Names grants.ts exports for the document's OAuth capabilities: its endpoints' URLs and paths, and
   * `buildAuthorizationRequest` bound to the document's `authorizationUrl` (which then replaces authorize.ts's in
   * index.ts). Empty without a token client.
   */
  documentOAuth: string[];
  /** Runtime modules copied, in write order. */
  runtime: RuntimeModule[];
  /** Every file of the output folder, in write order. */
  files: string[];
}

/**
 * Decides once which files a document gets. A document without a token endpoint gets no token client; one with
 * operations besides the token endpoint gets operations.ts; errors.ts and http.ts come with either; one with
 * neither gets only schema.ts and index.ts.
 */
export function outputPlan(
  ir: Pick<GeneratorIR, 'tokenEndpoints' | 'operations'> & Partial<Pick<GeneratorIR, 'oauth'>>,
  options: { sharedErrors?: boolean } = {},
): OutputPlan {
  const tokenClient = ir.tokenEndpoints.length > 0;
  const operations = ir.operations.length > 0;
  // The OAuth capabilities come with a token client only: they throw its OAuthError (client.ts) and their helpers
  // share its client authentication. Client authentication and DPoP come with every token endpoint.
  const oauth = tokenClient ? ir.oauth : undefined;
  const capability = {
    'client-auth': tokenClient && (oauth?.jwtClientAuthentication ?? true),
    dpop: tokenClient && (oauth?.dpop ?? true),
    authorize: oauth?.authorizationCode !== undefined,
    revocation: oauth?.revocation !== undefined,
    introspection: oauth?.introspection !== undefined,
    device: oauth?.deviceAuthorization !== undefined,
    discovery: oauth?.discovery !== undefined,
  };
  // endpoint.ts imports client-auth.ts's types only: the .ts file must be there for the output to compile.
  const endpoint =
    capability.authorize ||
    capability.revocation ||
    capability.introspection ||
    capability.device ||
    capability.discovery;
  const documentOAuth = [
    ...(capability.authorize ? ['AUTHORIZATION_ENDPOINT', 'buildAuthorizationRequest'] : []),
    ...(capability.revocation ? ['REVOCATION_PATH'] : []),
    ...(capability.introspection ? ['INTROSPECTION_PATH'] : []),
    ...(capability.device ? ['DEVICE_AUTHORIZATION_PATH'] : []),
    ...(oauth?.discovery?.issuer !== undefined ? ['DISCOVERY_ISSUER'] : []),
  ];
  // The test kit (testing.ts and its runtime, test-kit.ts): a fake of the token endpoint and mocks of the operations.
  const testing = tokenClient || operations;
  const runtime = RUNTIME_MODULES.filter((module) => {
    switch (module) {
      case 'errors':
        // Taken from another output (EmitOptions.tokenClientFrom).
        return !options.sharedErrors && (tokenClient || operations);
      case 'http':
        return tokenClient || operations;
      case 'client':
      case 'pkce':
        return tokenClient;
      case 'jose':
        return capability['client-auth'] || capability.dpop || capability.authorize;
      case 'endpoint':
        return endpoint;
      case 'client-auth':
        return capability['client-auth'] || endpoint;
      case 'dpop':
      case 'authorize':
      case 'revocation':
      case 'introspection':
      case 'device':
      case 'discovery':
        return capability[module];
      case 'operations-runtime':
        return operations;
      case 'test-kit':
        return tokenClient || operations;
    }
  });
  const files = [
    'schema.ts',
    ...(tokenClient ? ['models.ts'] : []),
    ...runtime.map((module) => `${module}.ts`),
    ...(tokenClient ? ['grants.ts', 'token-source.ts'] : []),
    ...(operations ? ['operations.ts'] : []),
    ...(testing ? ['testing.ts'] : []),
    'index.ts',
  ];
  return { tokenClient, operations, testing, documentOAuth, runtime, files };
}

/** index.ts: the public API, built from the plan, the runtime modules' public exports and the document's names. */
export function indexSource(plan: OutputPlan, grantTypeNames: readonly string[]): string {
  const lines: string[] = [];
  const from = (names: ReadonlyArray<ExportedName>, file: string): void => {
    const list = names.map(({ name, type }) => (type ? `type ${name}` : name));
    lines.push(`export { ${list.join(', ')} } from './${file}.js';`);
  };
  if (plan.tokenClient) {
    from(
      [
        ...TEMPLATE_EXPORTS.grants
          .filter((name) => name !== 'SECRET_PARAMETERS')
          .map((name) => ({ name, type: name === 'TokenClient' || name === 'ScopeParameter' })),
        ...grantTypeNames.map((name) => ({ name: `${name}${GRANT_PARAMS_SUFFIX}`, type: true })),
        ...plan.documentOAuth.map((name) => ({ name, type: false })),
      ],
      'grants',
    );
  }
  for (const module of plan.runtime) {
    // A name grants.ts binds to the document (buildAuthorizationRequest) replaces the runtime's generic one.
    const names = publicRuntimeExports(module).filter(({ name }) => !plan.documentOAuth.includes(name));
    if (names.length > 0) from(names, module);
  }
  if (plan.tokenClient) {
    lines.push(`export * from './token-source.js';`);
    lines.push(`export type * from './models.js';`);
  }
  if (plan.operations) lines.push(`export * from './operations.js';`);
  lines.push(`export type { components, operations, paths } from './schema.js';`);
  return `${lines.join('\n')}\n`;
}
