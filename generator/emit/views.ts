import type { GeneratorIR, GrantIR, TokenEndpointIR } from '../analyze/ir.js';
import { objectKey, tsString } from './escape.js';
import { optionTypeText } from './field-types.js';

/**
 * What the runtime templates see. Every key is present (null when absent) because templates compile in strict mode.
 * Raw document text stays raw here; the templates' helpers escape it for its context. The only pre-rendered
 * TypeScript (`tsType`, `exampleArguments`) is built from escaped parts.
 */
export interface EndpointView {
  method: string;
  path: string;
  clientAuthentication: TokenEndpointIR['clientAuthentication'];
}

export function endpointView(endpoint: TokenEndpointIR): EndpointView {
  return { method: endpoint.method, path: endpoint.path, clientAuthentication: endpoint.clientAuthentication };
}

export function grantsView(ir: GeneratorIR, endpoint: TokenEndpointIR) {
  const grants = endpoint.grants.map(grantView);
  const first = endpoint.grants[0];
  return {
    defaultBaseUrl: ir.defaultBaseUrl ?? null,
    secretParameters: endpoint.secretParameters,
    endpoint: endpointView(endpoint),
    grants,
    firstHelper: first?.helperName ?? null,
    exampleArguments: first ? exampleArguments(first) : '',
    oauth: oauthView(ir),
    tokenSource: tokenSourceView(ir, endpoint),
  };
}

/** The document's OAuth endpoints grants.ts names (outputPlan decides the matching runtime modules and exports). */
function oauthView(ir: GeneratorIR) {
  const { authorizationCode, revocation, introspection, deviceAuthorization, discovery } = ir.oauth;
  return {
    authorization: authorizationCode
      ? {
          url: authorizationCode.authorizationUrl,
          inferred: authorizationCode.inferred,
          pointer: authorizationCode.pointer,
        }
      : null,
    revocationPath: revocation?.path ?? null,
    introspectionPath: introspection?.path ?? null,
    deviceAuthorizationPath: deviceAuthorization?.path ?? null,
    discoveryIssuer: discovery?.issuer ?? null,
  };
}

const RETRY_SAFETY_CODES: Record<GrantIR['retrySafety'], 0 | 1 | 2> = {
  replayable: 0,
  'not-after-send': 1,
  'single-use': 2,
};

function grantView(grant: GrantIR) {
  return {
    grantType: grant.grantType,
    helperName: grant.helperName,
    typeName: grant.typeName,
    reference: grant.reference ?? null,
    description: grant.description ?? null,
    deprecated: grant.deprecated ?? null,
    retrySafety: grant.retrySafety,
    /** The generated client's RetrySafety code: 0 replayable, 1 not after send, 2 single use. */
    retrySafetyCode: RETRY_SAFETY_CODES[grant.retrySafety],
    hasRequiredField: grant.fields.some((field) => field.required),
    fields: grant.fields.map((field) => ({
      name: field.name,
      /** The wire name as an object-literal key (never the `__proto__` setter). */
      key: objectKey(field.name),
      optionName: field.optionName,
      required: field.required,
      requiredBy: field.requiredBy ?? null,
      description: field.description ?? `The \`${field.name}\` parameter.`,
      tsType: optionTypeText(field.name, field.type),
    })),
  };
}

/** `{ code: '…' }`-style arguments for the JSDoc example of the first helper. */
function exampleArguments(grant: GrantIR): string {
  const required = grant.fields.filter((field) => field.required);
  if (required.length > 0)
    return `{ ${required.map((field) => `${field.optionName}: ${field.optionName}`).join(', ')} }`;
  const scope = grant.fields.find((field) => field.name === 'scope');
  return scope ? `{ ${scope.optionName}: ${tsString('…')} }` : '';
}

/**
 * The token source's part of grants.ts (the rest is the runtime module token-source.ts): the grants a source can
 * repeat without the user — client_credentials (fetch again) and refresh_token (renew) — with their helper and option
 * names. Other grants seed a source via setTokens().
 */
function tokenSourceView(ir: GeneratorIR, endpoint: TokenEndpointIR) {
  const find = (grantType: string) => endpoint.grants.find((grant) => grant.grantType === grantType);
  const option = (grant: GrantIR | undefined, wire: string) =>
    grant?.fields.find((field) => field.name === wire)?.optionName ?? null;
  const cc = find('client_credentials');
  const rt = find('refresh_token');
  const clientCredentials = cc ? { helper: cc.helperName, scopeOption: option(cc, 'scope') } : null;
  const refreshToken = rt
    ? { helper: rt.helperName, tokenOption: option(rt, 'refresh_token'), scopeOption: option(rt, 'scope') }
    : null;
  return {
    clientCredentials,
    refreshToken,
    hasRenewableGrant: cc !== undefined || rt !== undefined,
    hasScope: Boolean(clientCredentials?.scopeOption ?? refreshToken?.scopeOption),
    // JSDoc examples use the document's own scopes and servers, never another API's.
    // String literals, printed through the template's `jsdoc` helper (a `*/` in them cannot end the comment).
    exampleScope: ir.scopes[0] ? tsString(ir.scopes[0].name) : null,
    exampleUrl: tsString(`${ir.defaultBaseUrl ?? 'https://api.example.com'}/…`),
  };
}
