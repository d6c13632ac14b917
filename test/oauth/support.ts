import type { ClientAuthenticator } from '../../templates/runtime/client-auth.js';
import { fetchWithDPoP, type DPoP } from '../../templates/runtime/dpop.js';
import { InvalidResponseError } from '../../templates/runtime/errors.js';
import { OAuthError } from '../../templates/runtime/client.js';

/** What the token endpoint answers on success (RFC 6749 §5.1). */
export interface Tokens {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  id_token?: string;
}

/**
 * A minimal token request until the token client integration lands (issue 11 + 13): ONE request, client
 * authentication applied per attempt through `prepare`, DPoP proof and nonce retry through fetchWithDPoP. It
 * throws the OAuthError class of errors.ts for an error object, as the token client does.
 */
export async function tokenRequest(
  tokenEndpoint: string,
  parameters: Record<string, string>,
  options: { clientAuthentication: ClientAuthenticator; dpop?: DPoP },
): Promise<Tokens> {
  const body = new URLSearchParams(parameters);
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  let response: Response;
  if (options.dpop) {
    response = await fetchWithDPoP(
      options.dpop,
      { method: 'POST', url: tokenEndpoint, headers, body },
      { prepare: options.clientAuthentication },
    );
  } else {
    const requestHeaders: Record<string, string> = { ...headers };
    await options.clientAuthentication({ url: new URL(tokenEndpoint), body, headers: requestHeaders });
    response = await fetch(tokenEndpoint, { method: 'POST', headers: requestHeaders, body: body.toString() });
  }
  const json = (await response.json()) as Record<string, unknown>;
  if (typeof json['error'] === 'string') {
    throw new OAuthError(json as { error: string }, { status: response.status });
  }
  if (!response.ok || typeof json['access_token'] !== 'string') {
    throw new InvalidResponseError(`token endpoint answered HTTP ${response.status}`, { status: response.status });
  }
  return json as unknown as Tokens;
}

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
export async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** The header and payload of a compact JWS, unverified (tests check signatures separately). */
export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = jwt
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
  return { header: header!, payload: payload! };
}
