/**
 * The intermediate representation: the single contract between `analyze` and `emit`. Everything emit needs is
 * here, already decided; emit never reads the OpenAPI document except to hand it to openapi-typescript.
 * All text fields hold raw text from the document: emitters must escape them for the context they write into.
 */
import type { HttpMethod } from '../shared/http.js';

/** How the client proves its identity at the token endpoint (RFC 6749 §2.3, RFC 7591 §2 names). */
export type ClientAuthenticationMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** The whole analysis of one document. */
export interface GeneratorIR {
  document: {
    /** Where it came from, as the user named it. */
    source: string;
    sha256: string;
    title: string;
    version: string;
    openapi: '3.0' | '3.1';
  };
  /** Absolute base URL of the first server, with variables replaced by their defaults; absent when unknown. */
  defaultBaseUrl?: string;
  /** Every OAuth 2.0 scope the document's security schemes name, sorted, without duplicates. */
  scopes: ScopeIR[];
  tokenEndpoints: TokenEndpointIR[];
  /**
   * Every operation that gets a generic function in operations.ts, in document order (paths, then methods in
   * the order of the Path Item Object). The token endpoint served by the token client is not among them.
   */
  operations: OperationIR[];
  /** The OAuth capabilities beyond the token client (issue 13): which runtime modules to emit. */
  oauth: OAuthCapabilitiesIR;
  /** What generation left out or cannot honour, one line each naming the operation's pointer (CLI warnings). */
  warnings: string[];
}

export interface ScopeIR {
  name: string;
  description?: string;
}

/** An operation that issues OAuth 2.0 tokens: form-urlencoded body with `grant_type`, `access_token` in the answer. */
export interface TokenEndpointIR {
  /** JSON pointer of the operation, e.g. `/paths/~1connect~1token/post`. */
  pointer: string;
  method: 'POST';
  path: string;
  operationId?: string;
  summary?: string;
  description?: string;
  /** The request body's schema, flattened: every property any grant may send, in document order. */
  requestFields: FieldIR[];
  grants: GrantIR[];
  /** How grants were found, for the reader of generated code and for diagnostics. */
  grantSource: GrantSource;
  clientAuthentication: {
    /** Methods the document shows the endpoint accepts, in the document's order of preference. */
    supported: ClientAuthenticationMethod[];
    /** The first of `supported`: what the generated client uses unless told otherwise. */
    default: ClientAuthenticationMethod;
  };
  /**
   * The secrets this client can send or receive, by name, sorted: {@link ALWAYS_SECRET} and every secret field (a
   * registered credential or token name, or `format: password`) of the request, its grants and its success
   * response. The generated client redacts their values from every error and inspection.
   */
  secretParameters: string[];
  /** The error codes a token error response may carry: RFC 6749 §5.2, the grants' extensions, the document's enum. */
  errorCodes: string[];
  /** Members of the success response (first 2xx application/json), in document order. */
  responseFields: FieldIR[];
  /** Members of the error responses (4xx application/json), merged, in document order. */
  errorFields: FieldIR[];
  /** Status codes the document lists for errors, e.g. ['400', '401']. */
  errorStatuses: string[];
}

/** Where the list of grants came from (see analyze/grants.ts for the order of precedence). */
export type GrantSource = 'enum' | 'discriminator' | 'extension' | 'rfc-fields';

/** One OAuth 2.0 grant: one generated helper and one request model. */
export interface GrantIR {
  /** The `grant_type` value on the wire, e.g. `urn:ietf:params:oauth:grant-type:device_code`. */
  grantType: string;
  /** Name of the client method, e.g. `deviceCode`. */
  helperName: string;
  /** Prefix of the helper's type names, e.g. `DeviceCode` → `DeviceCodeParams`. */
  typeName: string;
  /** Name of the grant's token request model, e.g. `DeviceCodeTokenRequest`, `RefreshTokenRequest` (grants.ts). */
  requestTypeName: string;
  /** The specification that defines the grant, when it is a registered one. */
  reference?: SpecReference;
  /** Text from the document describing this grant (a oneOf variant's description), if any. */
  description?: string;
  /** Why the grant should not be used, when a current best practice says so. */
  deprecated?: string;
  /** Whether a response to it may carry a refresh token that renews it (used by the token source). */
  yieldsRefreshToken: boolean;
  /** When a failed request for this grant may be sent again. Unknown grants are `not-after-send`. */
  retrySafety: RetrySafety;
  /** Fields the helper takes: grant-specific and shared ones, never grant_type or client credentials. */
  fields: GrantFieldIR[];
}

/**
 * When a grant may be sent again after a failure: `replayable` (client_credentials, password: nothing is used
 * up), `not-after-send` (only when the server cannot have acted: refused, 429, 503), `single-use` (only when the
 * connection was refused: a replayed authorization code revokes tokens, RFC 6749 §4.1.2).
 */
export type RetrySafety = 'replayable' | 'not-after-send' | 'single-use';

export interface SpecReference {
  /** e.g. `RFC 6749 §4.4` */
  citation: string;
  url: string;
}

/** The JSON type of a field as far as the generated code cares. */
export type FieldType =
  | { kind: 'string'; format?: string; enum?: string[] }
  | { kind: 'number'; integer: boolean; format?: string; enum?: number[] }
  | { kind: 'boolean' }
  | { kind: 'array'; items: FieldType }
  | { kind: 'object' }
  | { kind: 'unknown' };

/** A member of a request or response object. */
export interface FieldIR {
  /** The name on the wire, exactly as in the document. */
  name: string;
  type: FieldType;
  description?: string;
  /** Marked required by the document (not by an RFC). */
  requiredBySpec: boolean;
  /** Carries a credential or token: kept out of errors, logs and inspection. */
  secret: boolean;
  deprecated?: boolean;
}

/** A field of a grant helper. */
export interface GrantFieldIR extends FieldIR {
  /** The option name in the helper, camelCase, e.g. `codeVerifier`. */
  optionName: string;
  /** Required for this grant, by the RFC or by the document. */
  required: boolean;
  /** Why it is required, for the JSDoc: an RFC citation or "the document". */
  requiredBy?: string;
}

/** An HTTP method of a Path Item Object, lower-case as in the document. */
export type { HttpMethod };

/** One operation: one exported function in operations.ts. */
export interface OperationIR {
  /** JSON pointer of the operation, e.g. `/paths/~1pets~1{id}/get`. */
  pointer: string;
  method: HttpMethod;
  /** The path template exactly as in the document, e.g. `/pets/{id}`: the key into openapi-typescript's `paths`. */
  path: string;
  operationId?: string;
  /** The function's name: decided, unique, a safe identifier (see analyze/operations.ts). */
  functionName: string;
  /** Prefix of the operation's exported types: `<typeName>Request`, `<typeName>Response`, `<typeName>Error`. */
  typeName: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  /** Path-level and operation-level parameters merged (the operation's win), in document order. */
  parameters: ParameterIR[];
  requestBody?: RequestBodyIR;
  /** Responses in the document's order. */
  responses: ResponseIR[];
  /** The test kit's default answer: the first success response, its first media type, an example or a sample. */
  mockAnswer: MockAnswerIR;
  /**
   * Whether the operation sends `Authorization: Bearer <token>`: `required` when every security requirement
   * names a bearer scheme (oauth2, openIdConnect, http bearer), `optional` when some alternative needs none of
   * them, `none` when no alternative does.
   */
  bearer: 'required' | 'optional' | 'none';
  /** Names of the bearer schemes the requirements use, for the JSDoc. */
  bearerSchemes: string[];
}

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

/** Serialization styles of OpenAPI 3.x parameters (and of form-urlencoded body properties). */
export type ParameterStyle = 'matrix' | 'label' | 'simple' | 'form' | 'spaceDelimited' | 'pipeDelimited' | 'deepObject';

export interface ParameterIR {
  /** The name on the wire, exactly as in the document. */
  name: string;
  in: ParameterLocation;
  required: boolean;
  /** The document's style, or the default of the location (form for query and cookie, simple for path and header). */
  style: ParameterStyle;
  /** The document's explode, or the default of the style (true for form, false otherwise). */
  explode: boolean;
  allowReserved: boolean;
  /** Set when the parameter uses `content` instead of `schema`: the value is sent in this media type (JSON). */
  contentType?: string;
  description?: string;
  deprecated: boolean;
}

/** How a body of a media type is built on the wire. */
export type BodyKind = 'json' | 'form' | 'multipart' | 'text' | 'binary';

export interface RequestBodyIR {
  required: boolean;
  /** The media type the function sends: the first JSON one, else form, else multipart, else the first listed. */
  contentType: string;
  kind: BodyKind;
  /** Every media type the document lists, in its order. */
  contentTypes: string[];
  /** Encoding Objects of form and multipart bodies by property name. */
  encoding: EncodingIR[];
}

export interface EncodingIR {
  property: string;
  contentType?: string;
  style?: ParameterStyle;
  explode?: boolean;
  allowReserved?: boolean;
}

export interface ResponseIR {
  /** `200`, `2XX` or `default`, as in the document. */
  status: string;
  /** Success (2xx, or `default` when no 2xx response is listed) or error (anything else). */
  success: boolean;
  description?: string;
  content: Array<{ contentType: string; kind: BodyKind | 'event-stream' }>;
}

/**
 * The OAuth capabilities beyond the token client that the document declares (issue 13), each decided here so
 * emit only copies the matching runtime module (templates/runtime/<module>.ts) and wires it. See docs/oauth.md.
 */
export interface OAuthCapabilitiesIR {
  /**
   * Authorization request and callback (RFC 6749 §4.1, RFC 7636, RFC 9207) → authorize.ts: from the first
   * `oauth2` scheme with an `authorizationCode` flow.
   */
  authorizationCode?: AuthorizationCodeFlowIR;
  /** Token revocation (RFC 7009) → revocation.ts: a form POST with `token` (and `token_type_hint`) that is not introspection. */
  revocation?: OAuthEndpointIR;
  /** Token introspection (RFC 7662) → introspection.ts: a form POST with `token` whose success answer has `active`. */
  introspection?: OAuthEndpointIR;
  /**
   * Device authorization (RFC 8628) → device.ts: a form POST answering `device_code` and `user_code`, present only
   * when the token endpoint also takes `device_code` (else the codes could not be redeemed).
   */
  deviceAuthorization?: OAuthEndpointIR;
  /** Discovery (RFC 8414, OpenID Connect Discovery) → discovery.ts: from an `openIdConnect` scheme. */
  discovery?: DiscoveryIR;
  /**
   * JWT client authentication (RFC 7523) and DPoP (RFC 9449) → client-auth.ts, dpop.ts: offered whenever there is a
   * token endpoint, since servers advertise them in metadata, not in OpenAPI.
   */
  jwtClientAuthentication: boolean;
  dpop: boolean;
  /** Why a capability the document hints at is not generated (one line each, for `--verbose` and reviewers). */
  notes: string[];
}

/** An `oauth2` `authorizationCode` flow. */
export interface AuthorizationCodeFlowIR {
  /** JSON pointer of the flow, e.g. `/components/securitySchemes/oauth2/flows/authorizationCode`. */
  pointer: string;
  /** The `authorizationUrl`, resolved against the default base URL when relative. */
  authorizationUrl: string;
  /** The flow's `tokenUrl`, resolved likewise, when present. */
  tokenUrl?: string;
  /** The flow's scope names, in document order. */
  scopes: string[];
  /** The document marks the URL as inferred (`x-wealthcare-inferred: [authorizationUrl]`), not published. */
  inferred: boolean;
}

/** An operation of an OAuth endpoint's shape. */
export interface OAuthEndpointIR {
  /** JSON pointer of the operation. */
  pointer: string;
  method: 'POST';
  /** The path template, appended to the base URL like the token path. */
  path: string;
  operationId?: string;
}

/** Where discovery starts. */
export interface DiscoveryIR {
  /** JSON pointer of the `openIdConnect` security scheme. */
  pointer: string;
  /** The scheme's `openIdConnectUrl` (resolved against the default base URL when relative). */
  openIdConnectUrl: string;
  /** The issuer: the URL without `/.well-known/openid-configuration`, when it ends so; else undefined. */
  issuer?: string;
}

/** A JSON value (examples and samples). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a mocked operation answers unless a test says otherwise (see analyze/samples.ts). */
export interface MockAnswerIR {
  /** The first success status (`2XX` and `default` become 200). */
  status: number;
  contentType?: string;
  /** The document's example or a sample built from the schema; JSON media types only. */
  body?: Json;
  /** `example` when the body is (or contains) a value the document wrote, which may not fit its schema. */
  bodyFrom?: 'example' | 'schema';
}
