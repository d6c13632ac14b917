/**
 * What the OAuth endpoint modules (revocation, introspection, device authorization, discovery) add to the HTTP core
 * of http.ts: the options they share, one request to an endpoint with the client authentication applied and its answer
 * classified as the token client's are (client.ts `interpret`), and objects whose secret members stay out of logs.
 * The URL check, the attempt with its timeout and signal, the classification of failures, the redaction and their
 * messages are http.ts's. Internal: not exported from the package index.
 */
import type { TokenClientError } from './errors.js';
import { exchange, fetchOf, inspectAs, redactValues, secureUrl, unsentOr, REDACTED, type Redactor } from './http.js';
import { DEFAULT_TIMEOUT_MS, interpret } from './client.js';
import type { ClientAuthenticator } from './client-auth.js';

/** Options every endpoint helper takes: how to send, nothing implied. */
export interface EndpointRequestOptions {
  /** The fetch implementation. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Aborts the request when it fires (an {@link AbortError} is thrown). */
  signal?: AbortSignal;
  /** Timeout of the request in milliseconds (the whole exchange, body included). Default: 30 000. */
  timeoutMs?: number;
  /** `http:` is refused for hosts other than loopback unless this is `true` (tokens would travel in clear text). */
  allowInsecureHttp?: boolean;
  /** Extra headers sent with the request (e.g. a `User-Agent`). */
  headers?: Record<string, string>;
}

/** A JSON object answered by an endpoint, with the response's status and headers. */
export interface EndpointAnswer {
  status: number;
  headers: Headers;
  json: Record<string, unknown> | undefined;
}

/** Members whose values are credentials or tokens in any OAuth request or response (RFC 6749, 7009, 7523, 8628). */
const SECRET_MEMBERS = [
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'code',
  'code_verifier',
  'device_code',
  'client_secret',
  'client_assertion',
  'password',
];

/**
 * The endpoint URL, checked by http.ts `secureUrl`: absolute http(s), and `http:` only to loopback unless
 * `allowInsecureHttp`.
 * @param who The function the URL was given to, e.g. `revokeToken`: starts the messages.
 * @param name The option that holds the URL.
 * @throws {ConfigurationError}
 */
export function endpointUrl(
  value: string | URL,
  who: string,
  allowInsecureHttp: boolean | undefined,
  name = 'endpoint',
): URL {
  return secureUrl(`${value}`, allowInsecureHttp, `${who}: `, name);
}

/**
 * Sends one request (a form POST when `form` is given, else a GET) with the client authentication applied to it,
 * through http.ts `exchange` (label `POST /path`), and returns the JSON object of a success answer. The answer is
 * classified by client.ts `interpret`: an OAuth error object (RFC 6749 §5.2) is an {@link OAuthError} whatever the
 * status; anything else that is not a 2xx JSON object (or an empty 2xx when `emptyOk`) the matching error class.
 * Redirects are not followed.
 * @param who The endpoint's name for the messages about its answer, e.g. `The revocation endpoint`.
 */
export async function requestEndpoint(
  who: string,
  url: URL,
  form: URLSearchParams | undefined,
  clientAuthentication: ClientAuthenticator | undefined,
  options: EndpointRequestOptions,
  emptyOk = false,
): Promise<EndpointAnswer> {
  const fetchImpl = fetchOf(options.fetch, `${who}: `);
  const body = form && new URLSearchParams(form);
  // A plain record: fetch checks names and values when it sends; a bad one is reported as not sent (`unsentOr` below).
  const headers: Record<string, string> = {
    ...options.headers,
    accept: 'application/json',
    ...(body && { 'content-type': 'application/x-www-form-urlencoded' }),
  };
  await clientAuthentication?.({ url, body: body ?? new URLSearchParams(), headers });
  const redact: Redactor = (text) =>
    redactValues(
      text,
      SECRET_MEMBERS.flatMap((name) => body?.getAll(name) ?? []),
    );
  const method = body ? 'POST' : 'GET';
  const init: RequestInit = { method, headers, redirect: 'manual', ...(body && { body: `${body}` }) };
  const label = `${method} ${url.pathname}`;
  try {
    return await exchange(
      fetchImpl,
      url.href,
      init,
      label,
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      options.signal,
      redact,
      async (response) => {
        const text = await response.text();
        const json = interpret(response, text, redact, SECRET_MEMBERS, (record) =>
          record || (emptyOk && text.trim() == '') ? '' : 'the body is not a JSON object',
        );
        return { status: response.status, headers: response.headers, json };
      },
    );
  } catch (caught) {
    // A header the caller or the authenticator set that fetch refuses: nothing was sent.
    const error = unsentOr(caught, url.href, init, label, redact) as TokenClientError;
    // interpret's messages name the token endpoint; this request went to another one.
    error.message = error.message.replace(/^The token endpoint/, who);
    throw error;
  }
}

/**
 * Makes `object` safe to log: Node's `util.inspect`, Deno's console and `JSON.stringify` show it with the members
 * named in `secrets` replaced by `[REDACTED]`. The members stay readable as properties (the caller needs them);
 * a copy made by spreading loses the protection.
 */
export function hideSecrets<T extends object>(object: T, secrets: readonly string[]): T {
  const redacted = (): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...(object as Record<string, unknown>) };
    for (const name of secrets) if (copy[name] !== undefined) copy[name] = REDACTED;
    return copy;
  };
  Object.defineProperty(object, 'toJSON', { value: redacted });
  return inspectAs(object, redacted);
}

/** Whether a value is `[REDACTED]`: what a secret member of a {@link hideSecrets} object became in JSON. */
export function isRedacted(value: unknown): boolean {
  return value === REDACTED;
}
