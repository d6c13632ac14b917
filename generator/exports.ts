/**
 * The one owner of what the generated folder consists of: which files are emitted for a document (copied runtime
 * modules, rendered templates, models and schema), every name they export, and the suffixes of the names derived
 * from the document. analyze reads it to keep operation names clear of these names (an operation's function or
 * types never shadow an export of another file); emit reads it to know which files to write and to generate
 * index.ts. The names the copied runtime modules export are read from their sources, not kept by hand.
 */
import { RUNTIME_GLOBALS } from './runtime-globals.js';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type TS from 'typescript';
import type { GeneratorIR } from './analyze/ir.js';

/** Folder of the runtime modules: ordinary TypeScript, copied into the output verbatim (header added). */
export const RUNTIME_DIR = new URL('../templates/runtime/', import.meta.url);

/** The runtime modules, in the order they are written. `models.ts` in that folder is a typed stub and never copied. */
export const RUNTIME_MODULES = [
  'errors',
  'http',
  'client',
  'pkce',
  'token-source',
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

/** The name of an operation's mock in testing.ts: `getUser` → `mockGetUser`. */
export function mockName(functionName: string): string {
  return `mock${functionName.charAt(0).toUpperCase()}${functionName.slice(1)}`;
}

/**
 * Names an operation's mock must not take: the test kit's exports. testing.ts re-exports the kit with `export *`,
 * where its own declaration would silently win, so an operation named `operation` would hand the consumers of
 * testing.ts its mock as the kit's `mockOperation`.
 */
export function testKitExportNames(): string[] {
  return runtimeExports(runtimeSource('test-kit')).map(({ name }) => name);
}

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

/** Names the templates declare whatever the document (grants.ts, operations.ts). */
const TEMPLATE_EXPORTS = {
  grants: [
    'DEFAULT_BASE_URL',
    'TOKEN_PATH',
    'SUPPORTED_CLIENT_AUTHENTICATION',
    'SECRET_PARAMETERS',
    'createTokenClient',
    'TokenClient',
    'ScopeParameter',
    // The token source's document-specific part (its runtime is token-source.ts).
    'createTokenSource',
    'TokenSourceGrant',
    'TokenSourceOptions',
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

/** Folder of the templates: their static text (outside `{{…}}`) is generated code too. */
const TEMPLATES_DIR = new URL('../templates/', import.meta.url);

/** A TypeScript module's text, named by its path (relative imports between sources resolve against it). */
export interface SourceText {
  path: string;
  text: string;
}

/** Stands in for every `{{…}}` of a template, so the rest parses as TypeScript; never taken for a global. */
const MUSTACHE_STAND_IN = '_$hbs$_';

/**
 * The TypeScript the templates always print: each template's text with every Handlebars expression (`{{x}}`,
 * `{{{x}}}`, `{{#each}}`…) replaced by a stand-in identifier. Names a template prints only through an expression
 * are not in it; those come from the document and are what this list keeps clear.
 */
export function templateStaticText(template: string): string {
  return (
    template
      // Blocks and comments print no text of their own: dropping them keeps every branch's code, whole.
      .replace(/\{\{~?[#/^!][\s\S]*?\}\}|\{\{~?else~?\}\}/g, ' ')
      .replace(/\{\{\{[\s\S]*?\}\}\}|\{\{[\s\S]*?\}\}/g, MUSTACHE_STAND_IN)
  );
}

/**
 * The global identifiers `sources` refer to: every identifier in a reference position (an expression, a type, a
 * `typeof` query, a heritage clause) that resolves to no declaration of the sources themselves. Resolution is the
 * TypeScript checker's own, without any lib file: a global (`fetch`, `Promise`, `URL`, `Record`) resolves to
 * nothing, while a local of the same name (a parameter named `fetch`, an import) resolves to its declaration, so a
 * name is reported exactly where it reaches the global scope. `typescript` is `require`d (0.3 s against 1.0 s for
 * an ESM import on Node 20; openapi-typescript loads the same copy anyway).
 */
export function globalReferences(sources: readonly SourceText[]): string[] {
  const ts = createRequire(import.meta.url)('typescript') as typeof TS;
  const options: TS.CompilerOptions = {
    noLib: true,
    types: [],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  };
  const byPath = new Map(sources.map((source) => [source.path, source.text]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) => {
    const text = byPath.get(file);
    return text !== undefined
      ? ts.createSourceFile(file, text, language, true)
      : getSourceFile(file, language, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => byPath.has(file) || fileExists(file);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => byPath.get(file) ?? readFile(file);
  const program = ts.createProgram({ rootNames: [...byPath.keys()], options, host });
  const checker = program.getTypeChecker();
  const found = new Set<string>();
  for (const path of byPath.keys()) {
    const file = program.getSourceFile(path);
    if (!file) continue;
    const visit = (node: TS.Node): void => {
      // A keyword read as an identifier is where a template's branches meet (`string = x` / `string | undefined`).
      if (
        ts.isIdentifier(node) &&
        node.text !== '' &&
        ts.identifierToKeywordKind(node) === undefined &&
        isReference(ts, node) &&
        !node.text.includes(MUSTACHE_STAND_IN)
      ) {
        // Unresolved: no symbol (an expression) or the checker's `unknown` symbol, declared nowhere (a type).
        if (!checker.getSymbolAtLocation(node)?.declarations?.length) found.add(node.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return [...found].sort();
}

/**
 * Whether an identifier names something in scope, rather than being a member name (`a.b`, `{ b: 1 }`, `b()` in a
 * class or interface), a declaration's own name, a label, or an import/export specifier's property name.
 */
function isReference(ts: typeof TS, node: TS.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) return parent.getChildAt(0) === node;
  if (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.initializer === node;
  if (ts.isPropertySignature(parent)) return false;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if (ts.isBindingElement(parent)) return parent.initializer === node;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent)) return false;
  if (ts.isNamespaceImport(parent) || ts.isNamespaceExport(parent)) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isJsxAttribute(parent) || ts.isEnumMember(parent)) return false;
  if (ts.isTypeReferenceNode(parent) || ts.isExpressionWithTypeArguments(parent) || ts.isTypeQueryNode(parent))
    return true;
  if (
    (ts.isFunctionDeclaration(parent) ||
      ts.isFunctionExpression(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isClassExpression(parent) ||
      ts.isInterfaceDeclaration(parent) ||
      ts.isTypeAliasDeclaration(parent) ||
      ts.isEnumDeclaration(parent) ||
      ts.isModuleDeclaration(parent) ||
      ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isTypeParameterDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessor(parent) ||
      ts.isSetAccessor(parent)) &&
    (parent as TS.NamedDeclaration).name === node
  )
    return false;
  if (ts.isMetaProperty(parent)) return false;
  return true;
}

let sourcesCache: SourceText[] | undefined;

/** The runtime modules (all of `templates/runtime`, whether or not a document gets them) and the templates' static text. */
function generatedSources(): SourceText[] {
  if (sourcesCache) return sourcesCache;
  const runtimeDir = fileURLToPath(RUNTIME_DIR);
  const templatesDir = fileURLToPath(TEMPLATES_DIR);
  sourcesCache = [
    ...readdirSync(runtimeDir)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
      .sort()
      .map((name) => ({ path: `${runtimeDir}${name}`, text: readFileSync(`${runtimeDir}${name}`, 'utf8') })),
    // In the runtime folder, so that their imports of `./client.js`, `./errors.js`… resolve to the modules there.
    ...readdirSync(templatesDir)
      .filter((name) => name.endsWith('.ts.hbs'))
      .sort()
      .map((name) => ({
        path: `${runtimeDir}__template__${name.replace(/\.hbs$/, '')}`,
        text: templateStaticText(readFileSync(`${templatesDir}${name}`, 'utf8')),
      })),
  ];
  return sourcesCache;
}

/**
 * The globals the generated code refers to, derived now: {@link globalReferences} of every runtime module and of
 * the static text of every template. Generation reads the committed {@link RUNTIME_GLOBALS} instead (this costs the
 * checker's pass); the test checks the two agree.
 */
export function scanReferencedGlobals(): string[] {
  return globalReferences(generatedSources()).sort();
}

/** The globals the generated code refers to (the committed list, see generator/runtime-globals.ts). */
export function referencedGlobals(): readonly string[] {
  return RUNTIME_GLOBALS;
}

let reservedCache: Set<string> | undefined;

/**
 * Whether a declaration the document names may not take `name`: a global the generated code refers to
 * ({@link referencedGlobals}) or an export of the output ({@link reservedExportNames}).
 */
export function isReservedName(name: string): boolean {
  reservedCache ??= new Set([...reservedExportNames(), ...RUNTIME_GLOBALS]);
  return reservedCache.has(name);
}

/** The public API of each runtime module: what index.ts re-exports from it. The rest is internal to the output. */
const PUBLIC_RUNTIME_EXPORTS: Record<RuntimeModule, readonly string[]> = {
  errors: [
    'AbortError',
    'ConfigurationError',
    'ErrorDetails',
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
  // createTokenSource, TokenSourceGrant and TokenSourceOptions are grants.ts's (they name the document's grants).
  'token-source': [
    'ReauthenticationRequiredError',
    'UnsupportedTokenTypeError',
    'tokensFromResponse',
    'authorizedFetch',
    'StoredTokens',
    'TokenSource',
    'TokenRevoker',
  ],
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
    'ApiDPoP',
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
  /** Whether the document has a token endpoint: grants.ts, models.ts, the token client and the token source. */
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
  // endpoint.ts builds on http.ts and client.ts (always there with a token client) and imports client-auth.ts's types
  // only: the .ts file must be there for the output to compile.
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
      case 'token-source':
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
    ...(tokenClient ? ['grants.ts'] : []),
    ...(operations ? ['operations.ts'] : []),
    ...(testing ? ['testing.ts'] : []),
    'index.ts',
  ];
  return { tokenClient, operations, testing, documentOAuth, runtime, files };
}

/** The names of {@link TEMPLATE_EXPORTS}.grants that are types (exported with `type` from index.ts). */
const GRANTS_TYPES = new Set(['TokenClient', 'ScopeParameter', 'TokenSourceGrant', 'TokenSourceOptions']);

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
          .map((name) => ({ name, type: GRANTS_TYPES.has(name) })),
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
  if (plan.tokenClient) lines.push(`export type * from './models.js';`);
  if (plan.operations) lines.push(`export * from './operations.js';`);
  lines.push(`export type { components, operations, paths } from './schema.js';`);
  return `${lines.join('\n')}\n`;
}
