/**
 * What the OAuth endpoint modules (revocation, introspection, device authorization, discovery) share until the
 * HTTP core of issue 11 (`http.ts`) takes it over: one request with timeout and caller signal, the URL safety
 * rule, classification into the error classes of `errors.ts`, redacted body excerpts, and hiding secret members
 * of returned objects from inspection and JSON. Internal: not exported from the package index.
 */
import {
  AbortError,
  ConfigurationError,
  InvalidResponseError,
  NetworkError,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  type TokenClientError,
} from './errors.js';
import { OAuthError } from './client.js';
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

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
const REDACTED = '[REDACTED]';
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
 * The endpoint URL, checked: absolute http(s), and `http:` only to loopback unless `allowInsecureHttp`.
 * @throws {ConfigurationError}
 */
export function endpointUrl(value: string | URL, who: string, allowInsecureHttp: boolean | undefined): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw new ConfigurationError(`${who}: the URL must be absolute http(s)`);
  if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname) && allowInsecureHttp !== true) {
    throw new ConfigurationError(
      `${who}: http: to a non-loopback host sends secrets in clear text; use https: or allowInsecureHttp: true`,
    );
  }
  return url;
}

/**
 * Sends one request (a form POST when `form` is given, else a GET) with the client authentication applied to
 * it, and returns the JSON object of a success answer. An OAuth error object (RFC 6749 §5.2) becomes an
 * {@link OAuthError} whatever the status; anything else that is not a 2xx JSON object (or an empty 2xx when
 * `emptyOk`) becomes the matching error class. Redirects are not followed.
 * @param who The endpoint's name for messages, e.g. `The revocation endpoint`.
 */
export async function requestEndpoint(
  who: string,
  url: URL,
  form: URLSearchParams | undefined,
  clientAuthentication: ClientAuthenticator | undefined,
  options: EndpointRequestOptions,
  emptyOk = false,
): Promise<EndpointAnswer> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new ConfigurationError(`${who}: no fetch: pass options.fetch`);
  const headers = new Headers(options.headers);
  headers.set('accept', 'application/json');
  const body = form && new URLSearchParams(form);
  if (body) headers.set('content-type', 'application/x-www-form-urlencoded');
  await clientAuthentication?.({ url, body: body ?? new URLSearchParams(), headers });
  const redact = (text: string): string => redactValues(text, body);
  const { signal } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  signal?.addEventListener('abort', abort);
  const timer = setTimeout(abort, timeoutMs);
  let response: Response;
  let text: string;
  try {
    if (signal?.aborted) throw signal.reason;
    response = await fetchImpl(url.href, {
      method: body ? 'POST' : 'GET',
      headers,
      ...(body ? { body: body.toString() } : {}),
      redirect: 'manual',
      signal: controller.signal,
    });
    text = await response.text();
  } catch (cause) {
    throw renamed(
      signal?.aborted
        ? new AbortError('The request was aborted by the caller', true)
        : controller.signal.aborted
          ? new TimeoutError(`The token endpoint sent no complete response within ${timeoutMs} ms`, timeoutMs)
          : network(cause, redact),
      who,
    );
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  const record = json instanceof Object && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const { status, ok } = response;
  if (ok && (record || (emptyOk && text.trim() === ''))) return { status, headers: response.headers, json: record };
  const contentType = response.headers.get('content-type') ?? undefined;
  const details = { status, contentType, bodyExcerpt: excerpt(text, redact) };
  if (typeof record?.['error'] === 'string') {
    const member = (name: string): string | undefined =>
      typeof record[name] === 'string' ? redact(record[name]) : undefined;
    const wwwAuthenticate = response.headers.get('www-authenticate') ?? undefined;
    const error = new OAuthError(
      { error: member('error')!, error_description: member('error_description'), error_uri: member('error_uri') },
      { ...details, wwwAuthenticate },
    );
    throw renamed(error, who);
  }
  const kind = ok
    ? 'a body that is not a JSON object'
    : status < 400
      ? 'a redirect, which is not followed'
      : json !== undefined
        ? 'JSON that is not an OAuth error'
        : 'a non-JSON body';
  const Class = ok ? InvalidResponseError : status < 500 ? UnexpectedResponseError : ServerError;
  throw new Class(`${who} answered HTTP ${status} with ${kind}`, details);
}

/** The error classes of errors.ts name the token endpoint; these modules talk to others. */
function renamed<E extends TokenClientError>(error: E, who: string): E {
  error.message = error.message.replace(/^The token endpoint/, who);
  return error;
}

function network(error: unknown, redact: (text: string) => string): NetworkError {
  let inner = error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown } | undefined;
  let refused = inner?.code === 'ECONNREFUSED';
  for (let depth = 0; depth < 5 && inner?.cause; depth += 1) {
    inner = inner.cause as typeof inner;
    refused ||= inner?.code === 'ECONNREFUSED';
  }
  const cause = Object.assign(new Error(redact(String(inner?.message ?? inner))), {
    name: String(inner?.name ?? 'Error'),
  });
  return new NetworkError(`The token endpoint ${refused ? 'refused the connection' : 'sent no complete response'}`, {
    cause,
    mayHaveReachedServer: !refused,
  });
}

/** Replaces every secret value this request sent (raw and encoded) in a text. */
function redactValues(text: string, form: URLSearchParams | undefined): string {
  const values = SECRET_MEMBERS.flatMap((name) => form?.getAll(name) ?? []).filter((value) => value.length >= 4);
  return values
    .flatMap((value) => [value, new URLSearchParams([['', value]]).toString().slice(1), encodeURIComponent(value)])
    .sort((a, b) => b.length - a.length)
    .reduce((result, needle) => result.split(needle).join(REDACTED), text);
}

/** Redacts the values of secret members, as JSON members and as form fields. */
export function redactMembers(text: string): string {
  const names = SECRET_MEMBERS.join('|');
  const members = new RegExp(`("(?:${names})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*|\\b((?:${names})=)[^&\\s"'<]*`, 'g');
  return text.replace(members, (_, json?: string, form?: string) => `${json ?? form}${REDACTED}`);
}

function excerpt(text: string, redact: (text: string) => string): string | undefined {
  const folded = redact(redactMembers(text)).replace(/\s+/g, ' ').trim();
  return folded.length > 200 ? `${folded.slice(0, 200)}…` : folded || undefined;
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
  Object.defineProperty(object, 'toJSON', { value: redacted, enumerable: false });
  // Symbol.for() is called here, not at the top level, so an app that imports nothing of this stays free of it.
  for (const key of ['nodejs.util.inspect.custom', 'Deno.customInspect']) {
    Object.defineProperty(object, Symbol.for(key), { value: redacted, enumerable: false });
  }
  return object;
}

/** Whether a value is `[REDACTED]`: what a secret member of a {@link hideSecrets} object became in JSON. */
export function isRedacted(value: unknown): boolean {
  return value === REDACTED;
}
