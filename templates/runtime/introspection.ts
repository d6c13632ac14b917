/**
 * Token introspection (RFC 7662): ask the authorization server whether a token is active, and what it grants.
 */
import type { ClientAuthenticator } from './client-auth.js';
import { InvalidResponseError } from './errors.js';
import { endpointUrl, requestEndpoint, type EndpointRequestOptions } from './endpoint.js';
import type { TokenTypeHint } from './revocation.js';

/** Options of {@link introspectToken}. */
export interface IntrospectionOptions extends EndpointRequestOptions {
  /** The introspection endpoint (the document's introspection operation, or `introspection_endpoint`). */
  endpoint: string | URL;
  /** How the client (a protected resource, RFC 7662 §2.1) authenticates. */
  clientAuthentication: ClientAuthenticator;
  /** Which kind of token it is (RFC 7662 §2.1). */
  tokenTypeHint?: TokenTypeHint;
}

/**
 * An introspection response (RFC 7662 §2.2). Only `active` is always there; an inactive token has nothing else
 * (§2.2: the server should not say why). Unknown members are kept.
 */
export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  username?: string;
  token_type?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  sub?: string;
  aud?: string | string[];
  iss?: string;
  jti?: string;
  /** Confirmation of a bound token, e.g. `{ jkt }` for DPoP (RFC 9449 §6.2). */
  cnf?: { jkt?: string; 'x5t#S256'?: string };
  [member: string]: unknown;
}

/**
 * Introspects a token (RFC 7662 §2.1). An expired, revoked or unknown token is not an error: the answer is
 * `{ active: false }`.
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 * @throws {InvalidResponseError} when the answer has no boolean `active`.
 * @throws {OAuthError} e.g. `invalid_client`; and the transport errors of errors.ts.
 */
export async function introspectToken(token: string, options: IntrospectionOptions): Promise<IntrospectionResponse> {
  const url = endpointUrl(options.endpoint, 'introspectToken', options.allowInsecureHttp);
  const form = new URLSearchParams({ token });
  if (options.tokenTypeHint !== undefined) form.set('token_type_hint', options.tokenTypeHint);
  const { status, json } = await requestEndpoint(
    'The introspection endpoint',
    url,
    form,
    options.clientAuthentication,
    options,
  );
  if (typeof json?.['active'] !== 'boolean') {
    throw new InvalidResponseError('The introspection endpoint answered without a boolean active (RFC 7662 §2.2)', {
      status,
    });
  }
  return json as IntrospectionResponse;
}
