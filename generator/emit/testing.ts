import type { BodyKind, Json } from '../analyze/ir.js';
import { objectKey, tsString } from './escape.js';
import type { GeneratorIR, TokenEndpointIR } from '../analyze/ir.js';
import { mockName } from '../exports.js';

/**
 * What the generated `testing.ts` passes to the fake authorization server of the test kit: the token endpoint as
 * the document describes it. Structurally the runtime's `FakeEndpointSpec` (templates/runtime/testing.ts; the
 * generator cannot import the runtime's types across its rootDir, so test/testkit checks the two agree).
 */
export interface FakeEndpointSpecData {
  defaultBaseUrl?: string;
  tokenPath: string;
  clientAuthentication: readonly string[];
  grants: readonly { grantType: string; required: readonly string[]; issuesRefreshToken: boolean }[];
  scopes: readonly string[];
  secretParameters: readonly string[];
  authorization?: { url: string; path: string };
  revocationPath?: string;
  introspectionPath?: string;
  deviceAuthorizationPath?: string;
  discovery?: boolean;
}

/**
 * Derives the fake server's description of `endpoint` from the IR: every grant with the wire names of the fields
 * it requires (by the RFC or the document), whether it issues refresh tokens (only when the document also has the
 * refresh_token grant), the accepted client authentication methods and the document's scopes.
 */
export function fakeEndpointSpec(ir: GeneratorIR, endpoint: TokenEndpointIR): FakeEndpointSpecData {
  const refreshable = endpoint.grants.some((grant) => grant.grantType === 'refresh_token');
  return {
    ...(ir.defaultBaseUrl !== undefined ? { defaultBaseUrl: ir.defaultBaseUrl } : {}),
    tokenPath: endpoint.path,
    clientAuthentication: endpoint.clientAuthentication.supported,
    grants: endpoint.grants.map((grant) => ({
      grantType: grant.grantType,
      required: grant.fields.filter((field) => field.required).map((field) => field.name),
      issuesRefreshToken: refreshable && grant.yieldsRefreshToken,
    })),
    scopes: ir.scopes.map((scope) => scope.name),
    secretParameters: endpoint.secretParameters,
    ...oauthEndpoints(ir),
  };
}

/**
 * The issue-13 endpoints the document declares, for the fake to serve beside the token endpoint. The authorization
 * endpoint is served under the fake's base URL: at the path below the document's server when the
 * `authorizationUrl` lies under it, else at the URL's own path.
 */
function oauthEndpoints(ir: GeneratorIR): Partial<FakeEndpointSpecData> {
  const oauth = ir.oauth;
  const flow = oauth?.authorizationCode;
  const base = ir.defaultBaseUrl?.replace(/\/+$/, '');
  const authorizationPath =
    flow === undefined
      ? undefined
      : base !== undefined && flow.authorizationUrl.startsWith(`${base}/`)
        ? flow.authorizationUrl.slice(base.length)
        : new URL(flow.authorizationUrl).pathname;
  return {
    ...(flow && authorizationPath ? { authorization: { url: flow.authorizationUrl, path: authorizationPath } } : {}),
    ...(oauth?.revocation ? { revocationPath: oauth.revocation.path } : {}),
    ...(oauth?.introspection ? { introspectionPath: oauth.introspection.path } : {}),
    ...(oauth?.deviceAuthorization ? { deviceAuthorizationPath: oauth.deviceAuthorization.path } : {}),
    ...(oauth?.discovery ? { discovery: true } : {}),
  };
}

/** A TypeScript expression for a JSON value: like JSON, with `__proto__` keys written as computed keys. */
export function jsonLiteral(value: Json | undefined): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object')
    return typeof value === 'string' ? tsString(value) : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => jsonLiteral(item)).join(', ')}]`;
  const members = Object.entries(value).map(([key, member]) => `${objectKey(key)}: ${jsonLiteral(member)}`);
  return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`;
}

const DECODED_BODY: Record<BodyKind, string> = {
  json: '',
  form: 'kit.DecodedForm',
  multipart: 'kit.DecodedMultipart',
  text: 'string',
  binary: 'Uint8Array',
};

/** The view of templates/testing.ts.hbs: the fake server's spec and one mock factory per operation. */
export function testingView(ir: GeneratorIR, endpoint: TokenEndpointIR | undefined) {
  const kinds = new Set(ir.operations.map((operation) => operation.requestBody?.kind));
  return {
    usesForm: kinds.has('form'),
    usesMultipart: kinds.has('multipart'),
    usesJson: kinds.has('json'),
    endpoint: endpoint ? { method: endpoint.method, path: endpoint.path } : null,
    spec: endpoint ? jsonLiteral(fakeEndpointSpec(ir, endpoint) as unknown as Json) : null,
    operations: ir.operations.map((operation) => {
      const kind = operation.requestBody?.kind;
      return {
        method: operation.method.toUpperCase(),
        path: operation.path,
        functionName: operation.functionName,
        typeName: operation.typeName,
        importsRequest: kind === 'json',
        mockName: mockName(operation.functionName),
        status: operation.mockAnswer.status,
        contentType: operation.mockAnswer.contentType ?? null,
        requestBodyType:
          kind === undefined
            ? 'undefined'
            : kind === 'json'
              ? `kit.RequestBodyOf<${operation.typeName}Request>`
              : `${DECODED_BODY[kind]}${operation.requestBody!.required ? '' : ' | undefined'}`,
        route: jsonLiteral({
          method: operation.method.toUpperCase(),
          path: operation.path,
          bearer: operation.bearer,
          response: {
            status: operation.mockAnswer.status,
            ...(operation.mockAnswer.contentType !== undefined
              ? { contentType: operation.mockAnswer.contentType }
              : {}),
            ...(operation.mockAnswer.body !== undefined ? { body: operation.mockAnswer.body } : {}),
          },
        }),
      };
    }),
  };
}
