import type {
  AuthorizationCodeFlowIR,
  DiscoveryIR,
  HttpMethod,
  OAuthCapabilitiesIR,
  OAuthEndpointIR,
  TokenEndpointIR,
} from './ir.js';
import { flattenSchema } from './schema-utils.js';
import { securitySchemesOf } from './security.js';
import { isObject, type JsonObject } from '../shared/json.js';
import { deref, pointer } from '../shared/json-pointer.js';

const FORM = 'application/x-www-form-urlencoded';
const WELL_KNOWN = '/.well-known/openid-configuration';

/**
 * Decides which OAuth capabilities beyond the token client the document declares (issue 13). Shapes, not names:
 * an operation is a revocation endpoint because its form body has `token` and it is not introspection, whatever
 * its path. Never throws: a document that says nothing gets no capability, and a half-declared one gets a note.
 * @param tokenEndpoints The token endpoints analyze found (their requests decide whether device codes redeem).
 */
export function oauthCapabilitiesOf(
  root: JsonObject,
  defaultBaseUrl: string | undefined,
  tokenEndpoints: readonly TokenEndpointIR[],
): OAuthCapabilitiesIR {
  const notes: string[] = [];
  const capabilities: OAuthCapabilitiesIR = {
    jwtClientAuthentication: tokenEndpoints.length > 0,
    dpop: tokenEndpoints.length > 0,
    notes,
  };
  for (const [name, raw] of Object.entries(securitySchemesOf(root))) {
    const at = pointer('components', 'securitySchemes', name);
    const scheme = deref(root, raw, at);
    if (!scheme) continue;
    const { value } = scheme;
    if (value.type === 'oauth2' && isObject(value.flows) && !capabilities.authorizationCode) {
      const flow = authorizationCodeFlow(
        value.flows.authorizationCode,
        `${scheme.pointer}/flows/authorizationCode`,
        defaultBaseUrl,
      );
      if (typeof flow === 'string') notes.push(flow);
      else if (flow) capabilities.authorizationCode = flow;
    }
    if (value.type === 'openIdConnect' && !capabilities.discovery) {
      const discovery = discoveryOf(value, scheme.pointer, defaultBaseUrl);
      if (typeof discovery === 'string') notes.push(discovery);
      else capabilities.discovery = discovery;
    }
  }

  const tokenPaths = new Set(tokenEndpoints.map((endpoint) => endpoint.path));
  const paths = isObject(root.paths) ? root.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    if (tokenPaths.has(path)) continue;
    const item = deref(root, rawItem, pointer('paths', path))?.value;
    const operation = item?.['post' satisfies HttpMethod];
    if (!isObject(operation)) continue;
    const at = pointer('paths', path, 'post');
    const endpoint: OAuthEndpointIR = {
      pointer: at,
      method: 'POST',
      path,
      ...(typeof operation.operationId === 'string' ? { operationId: operation.operationId } : {}),
    };
    const request = formProperties(root, operation, at);
    if (!request) continue;
    const response = successJsonProperties(root, operation);
    const kind =
      response.has('device_code') && response.has('user_code')
        ? 'deviceAuthorization'
        : request.has('token') && response.has('active')
          ? 'introspection'
          : request.has('token') && !request.has('grant_type')
            ? 'revocation'
            : undefined;
    if (!kind) continue;
    if (capabilities[kind]) {
      notes.push(`${at}: a second ${kind} endpoint; the first (${capabilities[kind].pointer}) is used`);
      continue;
    }
    if (kind === 'deviceAuthorization' && !redeemsDeviceCodes(tokenEndpoints)) {
      notes.push(`${at}: device authorization without a token endpoint that takes device_code; not generated`);
      continue;
    }
    capabilities[kind] = endpoint;
  }
  return capabilities;
}

/** The flow, a note on why it cannot be used, or undefined when there is none. */
function authorizationCodeFlow(
  raw: unknown,
  at: string,
  baseUrl: string | undefined,
): AuthorizationCodeFlowIR | string | undefined {
  if (!isObject(raw)) return undefined;
  const authorizationUrl = absolute(raw.authorizationUrl, baseUrl);
  if (!authorizationUrl)
    return `${at}/authorizationUrl: not an absolute http(s) URL (nor relative to an absolute server); no authorization request is generated`;
  const tokenUrl = absolute(raw.tokenUrl, baseUrl);
  const inferred = raw['x-wealthcare-inferred'];
  return {
    pointer: at,
    authorizationUrl,
    ...(tokenUrl ? { tokenUrl } : {}),
    scopes: isObject(raw.scopes) ? Object.keys(raw.scopes) : [],
    inferred: Array.isArray(inferred) && inferred.includes('authorizationUrl'),
  };
}

function discoveryOf(scheme: JsonObject, at: string, baseUrl: string | undefined): DiscoveryIR | string {
  const url = absolute(scheme.openIdConnectUrl, baseUrl);
  if (!url) return `${at}/openIdConnectUrl: not an absolute http(s) URL; discovery needs an issuer at run time`;
  const issuer = url.endsWith(WELL_KNOWN) ? url.slice(0, -WELL_KNOWN.length) : undefined;
  return { pointer: at, openIdConnectUrl: url, ...(issuer ? { issuer } : {}) };
}

/** An absolute http(s) URL, or a relative one resolved against the base URL (OpenAPI 3.1 §4.8.27). */
function absolute(value: unknown, baseUrl: string | undefined): string | undefined {
  // WHATWG URL parsing would percent-encode spaces and take any text as a relative path: refuse what RFC 3986
  // does not allow in a URI reference first.
  if (typeof value !== 'string' || value === '' || /[\s<>"{}|\\^`]/.test(value)) return undefined;
  try {
    const url = new URL(value, baseUrl === undefined ? undefined : `${baseUrl}/`);
    return /^https?:$/.test(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Property names of the operation's form-urlencoded request body, or undefined when it has none. */
function formProperties(root: JsonObject, operation: JsonObject, at: string): Set<string> | undefined {
  const body = deref(root, operation.requestBody, `${at}/requestBody`)?.value;
  const media = body && isObject(body.content) ? body.content[FORM] : undefined;
  if (!isObject(media)) return undefined;
  return propertyNames(root, media.schema);
}

/** Property names of the first 2xx JSON response (across oneOf/anyOf variants). */
function successJsonProperties(root: JsonObject, operation: JsonObject): Set<string> {
  const responses = isObject(operation.responses) ? operation.responses : {};
  const status = Object.keys(responses)
    .sort()
    .find((code) => /^2(\d\d|XX)$/i.test(code));
  const response = status ? deref(root, responses[status], '')?.value : undefined;
  if (!response || !isObject(response.content)) return new Set();
  const type = Object.keys(response.content).find((name) => /^application\/(.+\+)?json(;|$)/i.test(name));
  const media = type ? response.content[type] : undefined;
  return isObject(media) ? propertyNames(root, media.schema) : new Set();
}

function propertyNames(root: JsonObject, schema: unknown): Set<string> {
  const names = new Set<string>();
  const resolved = deref(root, schema, '');
  const variants = [resolved?.value.oneOf, resolved?.value.anyOf].filter(Array.isArray).flat();
  for (const member of [schema, ...variants]) {
    for (const name of flattenSchema(root, member, '')?.properties.keys() ?? []) names.add(name);
  }
  return names;
}

/** Whether a token endpoint can redeem device codes: a `device_code` field, or the RFC 8628 grant. */
function redeemsDeviceCodes(tokenEndpoints: readonly TokenEndpointIR[]): boolean {
  return tokenEndpoints.some(
    (endpoint) =>
      endpoint.requestFields.some((field) => field.name === 'device_code') ||
      endpoint.grants.some((grant) => grant.grantType === 'urn:ietf:params:oauth:grant-type:device_code'),
  );
}
