import { GRANT_PARAMS_SUFFIX } from '../exports.js';
import type { LoadedDocument } from '../load/load.js';
import { fieldsOf, mergeFields } from './fields.js';
import { deriveGrants } from './grants.js';
import { oauthCapabilitiesOf } from './oauth-capabilities.js';
import { operationsOf } from './operations.js';
import type { ClientAuthenticationMethod, FieldIR, GeneratorIR, GrantIR, ScopeIR, TokenEndpointIR } from './ir.js';
import { isObject, own, type JsonObject } from '../shared/json.js';
import { deref, pointer } from '../shared/json-pointer.js';
import { flattenSchema } from './schema-utils.js';
import { requirementsOf, securitySchemesOf } from './security.js';
import { ALWAYS_SECRET, OAUTH_ERROR_CODES, SECRET_FIELDS } from './rfc-grants.js';

const FORM = 'application/x-www-form-urlencoded';

/** Builds the IR of a loaded document. Never throws for documents that passed `load`, except on a bad `x-grant-types`. */
export function analyze(loaded: LoadedDocument): GeneratorIR {
  const root = loaded.document;
  const info = isObject(root.info) ? root.info : {};
  const defaultBaseUrl = baseUrlOf(root.servers);
  const tokenEndpoints = tokenEndpointsOf(loaded);
  // Names the token client's models and parameter types take (they depend on the grants) are not free either.
  const grantTypeNames = (tokenEndpoints[0]?.grants ?? []).flatMap((grant) => [
    grant.requestTypeName,
    `${grant.typeName}${GRANT_PARAMS_SUFFIX}`,
  ]);
  const warnings: string[] = [];
  const operations = operationsOf(root, tokenEndpoints[0], grantTypeNames, warnings);
  return {
    document: {
      source: loaded.source,
      sha256: loaded.sha256,
      title: typeof info.title === 'string' ? info.title : '',
      version: typeof info.version === 'string' ? info.version : String(info.version ?? ''),
      openapi: loaded.version,
    },
    ...(defaultBaseUrl !== undefined ? { defaultBaseUrl } : {}),
    scopes: scopesOf(root),
    tokenEndpoints,
    operations,
    warnings,
    oauth: oauthCapabilitiesOf(root, defaultBaseUrl, tokenEndpoints),
  };
}

/** The first server's URL with its variables' defaults, when it is absolute; relative or missing → undefined. */
export function baseUrlOf(servers: unknown): string | undefined {
  if (!Array.isArray(servers) || !isObject(servers[0]) || typeof servers[0].url !== 'string') return undefined;
  const server = servers[0];
  const variables = isObject(server.variables) ? server.variables : {};
  const url = (server.url as string).replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && typeof variable.default === 'string' ? variable.default : whole;
  });
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return url.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

function scopesOf(root: JsonObject): ScopeIR[] {
  const scopes = new Map<string, ScopeIR>();
  for (const [name, raw] of Object.entries(securitySchemesOf(root))) {
    const scheme = deref(root, raw, `/components/securitySchemes/${name}`)?.value;
    if (!scheme || scheme.type !== 'oauth2' || !isObject(scheme.flows)) continue;
    for (const flow of Object.values(scheme.flows)) {
      if (!isObject(flow) || !isObject(flow.scopes)) continue;
      for (const [scope, description] of Object.entries(flow.scopes)) {
        if (!scopes.has(scope))
          scopes.set(scope, {
            name: scope,
            ...(typeof description === 'string' && description !== '' ? { description } : {}),
          });
      }
    }
  }
  return [...scopes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function tokenEndpointsOf(loaded: LoadedDocument): TokenEndpointIR[] {
  const root = loaded.document;
  const paths = isObject(root.paths) ? root.paths : {};
  const endpoints: TokenEndpointIR[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(root, rawItem, pointer('paths', path))?.value;
    if (!item) continue;
    // Only a POST can be a token endpoint (RFC 6749 §3.2).
    const operation = item.post;
    if (!isObject(operation)) continue;
    const endpoint = tokenEndpoint(loaded, path, operation);
    if (endpoint) endpoints.push(endpoint);
  }
  return endpoints;
}

function tokenEndpoint(loaded: LoadedDocument, path: string, operation: JsonObject): TokenEndpointIR | undefined {
  const root = loaded.document;
  const at = pointer('paths', path, 'post');
  const body = deref(root, operation.requestBody, `${at}/requestBody`)?.value;
  const media = body && isObject(body.content) ? body.content[FORM] : undefined;
  if (!isObject(media) || media.schema === undefined) return undefined;
  const requestSchema = media.schema;
  const requestFields = requestFieldsOf(
    root,
    requestSchema,
    `${at}/requestBody/content/${FORM.replace('/', '~1')}/schema`,
  );
  if (!requestFields.some((field) => field.name === 'grant_type')) return undefined;

  const responses = isObject(operation.responses) ? operation.responses : {};
  const statuses = Object.keys(responses).sort();
  const successStatus = statuses.find((status) => /^2(\d\d|XX)$/i.test(status));
  const responseFields = successStatus ? jsonFields(root, responses[successStatus]) : [];
  if (!responseFields.some((field) => field.name === 'access_token')) return undefined;

  const errorStatuses = statuses.filter((status) => /^4(\d\d|XX)$/i.test(status));
  const errorFields = mergeFields(errorStatuses.map((status) => jsonFields(root, responses[status])));
  const { source, grants } = deriveGrants(root, operation, requestSchema, { file: loaded.source, pointer: at });
  const supported = clientAuthenticationOf(root, operation, requestFields);
  return {
    pointer: at,
    method: 'POST',
    path,
    ...(typeof operation.operationId === 'string' ? { operationId: operation.operationId } : {}),
    ...(typeof operation.summary === 'string' ? { summary: operation.summary } : {}),
    ...(typeof operation.description === 'string' ? { description: operation.description } : {}),
    requestFields,
    grants,
    grantSource: source,
    clientAuthentication: { supported, default: supported[0] ?? 'none' },
    secretParameters: secretParametersOf([
      ...requestFields,
      ...grants.flatMap((grant) => grant.fields),
      ...responseFields,
    ]),
    errorCodes: errorCodesOf(grants, errorFields),
    responseFields,
    errorFields,
    errorStatuses,
  };
}

/**
 * The secrets a client of this endpoint can send or receive, by name: {@link ALWAYS_SECRET} and every secret field
 * of the request, its grants and its success response. Secret fields of grants the document lacks (a device code,
 * a token-exchange token) are left out: this client never holds them.
 */
function secretParametersOf(fields: readonly FieldIR[]): string[] {
  const secret = fields.filter((field) => field.secret || SECRET_FIELDS.has(field.name)).map((field) => field.name);
  return [...new Set([...ALWAYS_SECRET, ...secret])].sort();
}

/** RFC 6749 §5.2 codes, those of the document's grants' extensions, then the document's own `error` enum. */
function errorCodesOf(grants: readonly GrantIR[], errorFields: readonly FieldIR[]): string[] {
  const grantTypes = new Set(grants.map((grant) => grant.grantType));
  const documented = errorFields.find((field) => field.name === 'error');
  return [
    ...OAUTH_ERROR_CODES.filter((entry) => entry.grant === undefined || grantTypes.has(entry.grant)).map(
      (entry) => entry.code,
    ),
    ...(documented?.type.kind === 'string' ? (documented.type.enum ?? []) : []),
  ];
}

/** All fields of the request schema, also across `oneOf`/`anyOf` variants. */
function requestFieldsOf(root: JsonObject, schema: unknown, at: string): FieldIR[] {
  const resolved = deref(root, schema, at);
  if (!resolved) return [];
  const variants = [resolved.value.oneOf, resolved.value.anyOf].find(Array.isArray) as unknown[] | undefined;
  const lists = [fieldsOf(root, flattenSchema(root, schema, at))];
  variants?.forEach((variant, index) =>
    lists.push(fieldsOf(root, flattenSchema(root, variant, `${resolved.pointer}/oneOf/${index}`))),
  );
  return mergeFields(lists);
}

function jsonFields(root: JsonObject, rawResponse: unknown): FieldIR[] {
  const response = deref(root, rawResponse, '')?.value;
  if (!response || !isObject(response.content)) return [];
  const mediaType = Object.keys(response.content).find((type) => /^application\/(.+\+)?json(;|$)/i.test(type));
  const media = mediaType ? response.content[mediaType] : undefined;
  return isObject(media) ? fieldsOf(root, flattenSchema(root, media.schema, '')) : [];
}

/**
 * Client authentication methods in the document's order of preference: each security requirement of the
 * operation (or the document) that maps to a method. An empty requirement `{}` means credentials in the body
 * when the body declares `client_secret` (client_secret_post), else a public client (`none`); an HTTP Basic
 * scheme means client_secret_basic. Without any requirement, the body decides.
 */
function clientAuthenticationOf(
  root: JsonObject,
  operation: JsonObject,
  requestFields: FieldIR[],
): ClientAuthenticationMethod[] {
  const hasSecret = requestFields.some((field) => field.name === 'client_secret');
  const bodyMethod: ClientAuthenticationMethod = hasSecret ? 'client_secret_post' : 'none';
  const schemes = securitySchemesOf(root);
  const methods: ClientAuthenticationMethod[] = [];
  for (const requirement of requirementsOf(root, operation)) {
    const names = Object.keys(requirement);
    if (names.length === 0) methods.push(bodyMethod);
    for (const name of names) {
      const scheme = deref(root, own(schemes, name), '')?.value;
      if (scheme?.type === 'http' && typeof scheme.scheme === 'string' && scheme.scheme.toLowerCase() === 'basic')
        methods.push('client_secret_basic');
    }
  }
  if (methods.length === 0) methods.push(bodyMethod);
  if (hasSecret && !methods.includes('client_secret_post')) methods.push('client_secret_post');
  if (!methods.includes('none')) methods.push('none');
  return [...new Set(methods)];
}
