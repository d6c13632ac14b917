/**
 * Authorization server metadata (RFC 8414) and OpenID Connect Discovery 1.0: fetch the server's metadata,
 * check it belongs to the expected issuer, and check it agrees with the document.
 */
import { TokenClientError } from './errors.js';
import { endpointUrl, requestEndpoint, type EndpointRequestOptions } from './endpoint.js';

/** The members of RFC 8414 §2 (and OpenID Connect Discovery §3) the generated client uses; others are kept. */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  jwks_uri?: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  device_authorization_endpoint?: string;
  userinfo_endpoint?: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  grant_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  dpop_signing_alg_values_supported?: string[];
  /** RFC 9207 §3: when true, authorization responses carry `iss` and a response without it is refused. */
  authorization_response_iss_parameter_supported?: boolean;
  [member: string]: unknown;
}

/** Why discovery failed. */
export type DiscoveryErrorReason = 'issuer_mismatch' | 'invalid_metadata' | 'token_endpoint_mismatch';

/**
 * The metadata cannot be used: its `issuer` is not exactly the one asked for (RFC 8414 §3.3, OIDC Discovery §4.3:
 * possible impersonation), it is not a metadata object, or it disagrees with the OpenAPI document.
 */
export class DiscoveryError extends TokenClientError {
  /** What is wrong. */
  declare readonly reason: DiscoveryErrorReason;
  constructor(reason: DiscoveryErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Options of {@link discoverAuthorizationServer}. */
export interface DiscoveryOptions extends EndpointRequestOptions {
  /**
   * Which well-known document: `openid-configuration` (OpenID Connect Discovery §4: appended to the issuer) or
   * `oauth-authorization-server` (RFC 8414 §3: inserted between host and path). Default: `openid-configuration`.
   */
  wellKnown?: 'openid-configuration' | 'oauth-authorization-server';
}

/**
 * The metadata URL of an issuer: RFC 8414 §3.1 inserts `/.well-known/oauth-authorization-server` between the
 * host and the issuer's path; OpenID Connect Discovery §4.1 appends `/.well-known/openid-configuration`.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.1
 */
export function metadataUrl(
  issuer: string | URL,
  wellKnown: 'openid-configuration' | 'oauth-authorization-server' = 'openid-configuration',
): URL {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  url.pathname =
    wellKnown === 'openid-configuration'
      ? `${path}/.well-known/openid-configuration`
      : `/.well-known/oauth-authorization-server${path}`;
  url.search = '';
  url.hash = '';
  return url;
}

/**
 * Fetches the issuer's metadata and checks that its `issuer` is identical to `issuer` (RFC 8414 §3.3, OpenID
 * Connect Discovery §4.3; no normalisation: a trailing slash counts) and that its endpoints are strings.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 * @throws {DiscoveryError} `issuer_mismatch` or `invalid_metadata`; and the transport errors of errors.ts.
 */
export async function discoverAuthorizationServer(
  issuer: string,
  options: DiscoveryOptions = {},
): Promise<AuthorizationServerMetadata> {
  endpointUrl(issuer, 'discoverAuthorizationServer', options.allowInsecureHttp, 'issuer');
  const url = metadataUrl(issuer, options.wellKnown);
  const { json } = await requestEndpoint('The metadata endpoint', url, undefined, undefined, options);
  const metadata = json ?? {};
  if (typeof metadata['issuer'] !== 'string') {
    throw new DiscoveryError('invalid_metadata', `The metadata at ${url.href} has no issuer`);
  }
  if (metadata['issuer'] !== issuer) {
    throw new DiscoveryError(
      'issuer_mismatch',
      `The metadata at ${url.href} is for issuer ${JSON.stringify(metadata['issuer'])}, not ${JSON.stringify(issuer)} (RFC 8414 §3.3)`,
    );
  }
  for (const [name, value] of Object.entries(metadata)) {
    if ((name.endsWith('_endpoint') || name === 'jwks_uri') && typeof value !== 'string') {
      throw new DiscoveryError('invalid_metadata', `The metadata at ${url.href} has a ${name} that is not a string`);
    }
  }
  return metadata as AuthorizationServerMetadata;
}

/**
 * Checks that the metadata's `token_endpoint` is the one the OpenAPI document names (compared as parsed URLs),
 * so the generated client never silently sends credentials somewhere the document does not say.
 * @throws {DiscoveryError} `token_endpoint_mismatch`, naming both URLs.
 */
export function assertTokenEndpoint(metadata: AuthorizationServerMetadata, documentTokenEndpoint: string | URL): void {
  const expected = new URL(documentTokenEndpoint).href;
  const actual = metadata.token_endpoint === undefined ? undefined : new URL(metadata.token_endpoint).href;
  if (actual !== expected) {
    throw new DiscoveryError(
      'token_endpoint_mismatch',
      `The metadata of ${metadata.issuer} names the token endpoint ${actual ?? '(none)'}, the document ${expected}`,
    );
  }
}
