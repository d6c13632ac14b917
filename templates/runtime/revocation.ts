/**
 * Token revocation (RFC 7009): tell the authorization server a refresh or access token is no longer needed.
 */
import type { ClientAuthenticator } from './client-auth.js';
import { endpointUrl, requestEndpoint, type EndpointRequestOptions } from './endpoint.js';

/** Which kind of token is revoked (RFC 7009 §2.1, RFC 7662 §2.1): a hint that speeds up the server's lookup. */
export type TokenTypeHint = 'access_token' | 'refresh_token' | (string & {});

/** Options of {@link revokeToken}. */
export interface RevocationOptions extends EndpointRequestOptions {
  /** The revocation endpoint (the document's revocation operation, or `revocation_endpoint` from discovery). */
  endpoint: string | URL;
  /** How the client authenticates: the same method as at the token endpoint (RFC 7009 §2.1). */
  clientAuthentication: ClientAuthenticator;
}

/**
 * Revokes one token (RFC 7009 §2.1). Resolves when the server answered 200: also for a token that was invalid
 * or already revoked, which the RFC treats as success (§2.2). Revoking a refresh token also invalidates access
 * tokens of the same grant when the server supports it.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 * @throws {OAuthError} e.g. `unsupported_token_type` (RFC 7009 §2.2.1), `invalid_client`.
 * @throws {ConfigurationError} | {NetworkError} | {TimeoutError} | {AbortError} | {UnexpectedResponseError} | {ServerError}
 */
export async function revokeToken(
  token: string,
  tokenTypeHint: TokenTypeHint | undefined,
  options: RevocationOptions,
): Promise<void> {
  const url = endpointUrl(options.endpoint, 'revokeToken', options.allowInsecureHttp);
  const form = new URLSearchParams({ token });
  if (tokenTypeHint !== undefined) form.set('token_type_hint', tokenTypeHint);
  // RFC 7009 §2.2: the content of a 200 is ignored (usually empty).
  await requestEndpoint('The revocation endpoint', url, form, options.clientAuthentication, options, true);
}

/**
 * Revokes what a session holds, refresh token first (it can mint new access tokens, and servers revoke the
 * grant's access tokens with it), then the access token: what a token source's `signOut()` does before it
 * forgets its tokens. Both are attempted; the first failure is thrown after the second attempt.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export async function revokeTokens(
  tokens: { refreshToken?: string | undefined; accessToken?: string | undefined },
  options: RevocationOptions,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const [token, hint] of [
    [tokens.refreshToken, 'refresh_token'],
    [tokens.accessToken, 'access_token'],
  ] as const) {
    if (token === undefined) continue;
    try {
      await revokeToken(token, hint, options);
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
