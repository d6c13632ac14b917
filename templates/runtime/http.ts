/*
 * The HTTP core shared by the token client (client.ts) and the operation functions (operations-runtime.ts): which
 * URLs may carry credentials, one request attempt with its timeout and the caller's signal, the classification of
 * failures into the error classes, and redacted body excerpts. One implementation and one set of messages.
 */
import { AbortError, ConfigurationError, NetworkError, TimeoutError, TokenClientError } from './errors.js';

/**
 * Hosts `http:` may reach without `allowInsecureHttp`: the loopback interface (RFC 8252 §8.3), 127.0.0.0/8 and ::1.
 * Tested on `URL.hostname`, which the URL parser has lower-cased and, for IPv4, normalised to four decimal parts (a
 * host of digits and dots that is not a valid address does not parse).
 */
const LOOPBACK_HOST = /^(localhost|127\.[\d.]+|\[::1\])$/;

/**
 * Parses an absolute http(s) URL that credentials or tokens will be sent to.
 * @param prefix Starts every message, e.g. `createTokenClient: `.
 * @param name The option that holds the URL, for messages.
 * @throws {ConfigurationError} when it is not absolute http(s), or is `http:` to a non-loopback host without
 * `allowInsecureHttp`.
 */
export function secureUrl(href: string, allowInsecureHttp: boolean | undefined, prefix = '', name = 'baseUrl'): URL {
  let url: URL | undefined;
  try {
    url = new URL(href);
  } catch {
    // reported below
  }
  const problem = !/^https?:$/.test(url?.protocol!)
    ? `${name} must be an absolute http(s) URL`
    : url!.protocol == 'http:' && !LOOPBACK_HOST.test(url!.hostname) && allowInsecureHttp !== true
      ? 'Refusing http: to a non-loopback host (clear text); use https: or allowInsecureHttp: true'
      : '';
  if (problem) throw new ConfigurationError(prefix + problem);
  return url!;
}

/**
 * The fetch to use: the option, else the global one.
 * @throws {ConfigurationError} when there is none.
 */
export function fetchOf(fetchOption: typeof fetch | undefined, prefix = ''): typeof fetch {
  const fetchImpl = fetchOption ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new ConfigurationError(`${prefix}no fetch: pass options.fetch`);
  return fetchImpl;
}

/** Replaces secret values in a text: redacts known values before any text leaves the client in an error. */
export type Redactor = (text: string) => string;

/**
 * Sends one request and reads its answer with `read`, both within `timeoutMs`; the caller's `signal` aborts either.
 * `read` may call `keepSignal()` when what it returns (a stream) must stay cancellable after the call. Errors `read`
 * throws that are {@link TokenClientError}s pass through; every other failure is classified. Positional parameters
 * rather than an options object: property names survive minification, and the token client's bundle has a budget.
 * @param label Names the request in messages, e.g. `POST /connect/token`.
 * @param redact Redacts this request's secret values in the messages of network failures.
 * @param delayMs Backoff before sending; the caller's signal ends it early (and nothing is sent).
 * @param sentBefore An earlier attempt of the same call was sent: an abort now may follow a request the server saw.
 * @throws {AbortError} when the caller's signal fired (`mayHaveReachedServer: false` when nothing was sent).
 * @throws {TimeoutError} when the timeout elapsed first.
 * @throws {NetworkError} when no complete response arrived.
 */
export async function exchange<T>(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  label: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  redact: Redactor | undefined,
  read: (response: Response, keepSignal: () => void) => Promise<T>,
  delayMs?: number,
  sentBefore = false,
): Promise<T> {
  // One controller per attempt: the caller's signal, the timeout and the backoff before it share it.
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  signal?.addEventListener('abort', abort);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let keep = false;
  try {
    if (delayMs) {
      await new Promise((resolve) => {
        timer = setTimeout(resolve, delayMs);
        controller.signal.addEventListener('abort', resolve);
      });
    }
    if (signal?.aborted) throw signal.reason;
    timer = setTimeout(abort, timeoutMs);
    sentBefore = true; // from here on the request may reach the server
    return await read(await fetchImpl(url, { ...init, signal: controller.signal }), () => (keep = true));
  } catch (cause) {
    throw cause instanceof TokenClientError
      ? cause
      : signal?.aborted
        ? new AbortError(`${label} was aborted by the caller`, { mayHaveReachedServer: sentBefore })
        : controller.signal.aborted
          ? new TimeoutError(`${label} timed out after ${timeoutMs} ms`, { timeoutMs })
          : networkError(label, cause, redact);
  } finally {
    clearTimeout(timer);
    if (!keep) signal?.removeEventListener('abort', abort);
  }
}

/**
 * fetch's refusal to build the request, if that is why it failed: nothing was sent, and every retry would be
 * refused the same way (a bad header name or value, a method fetch forbids such as TRACE, a body with GET or HEAD).
 * The Request constructor runs fetch's checks; a placeholder stands in for the body, so a caller's stream is never
 * read. Quoted text (where runtimes quote the offending header value) is left out of the message, and the
 * NetworkError has no cause: the reason is in the message, and a cause would hold the value.
 */
export function unsent(url: string, init: RequestInit, label: string, redact: Redactor = String): NetworkError | void {
  try {
    new Request(url, { ...init, body: init.body && '' } as RequestInit);
  } catch (error) {
    const reason = redact(String((error as Error)?.message ?? error)).replace(/"[^]*"/, '"…"');
    return new NetworkError(`${label} was not sent: ${reason}`, { mayHaveReachedServer: false });
  }
}

/**
 * `error` as {@link exchange} threw it, or, when it is a NetworkError fetch's refusal to build the request explains,
 * the {@link unsent} error instead. For the callers whose requests carry values from their callers (the operation
 * functions' parameters, the OAuth endpoints' headers); the token client checks its headers itself before sending,
 * so its bundle has none of this (bundle budget).
 */
export function unsentOr(error: unknown, url: string, init: RequestInit, label: string, redact?: Redactor): unknown {
  return (error instanceof NetworkError && error.mayHaveReachedServer && unsent(url, init, label, redact)) || error;
}

type Cause =
  { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown } | null | undefined;
/** ECONNREFUSED, or an AggregateError (Node tries several addresses) all of whose errors are refusals. */
const isRefused = (error: Cause): boolean =>
  error?.code == 'ECONNREFUSED' || (Array.isArray(error?.errors) && error.errors[0] && error.errors.every(isRefused));

/**
 * No complete response. Refused (nothing was sent) when a link of the cause chain is a refusal. The cause kept is the
 * innermost one (at most 5 links down) reduced to its name, redacted message and code: no request, no headers.
 */
export function networkError(label: string, error: unknown, redact: Redactor = String): NetworkError {
  let inner = error as Cause;
  let refused = isRefused(inner);
  for (let depth = 0; depth < 5 && inner?.cause; depth += 1) refused ||= isRefused((inner = inner.cause as Cause));
  const cause = Object.assign(new Error(redact(String(inner?.message ?? inner))), {
    name: String(inner?.name ?? 'Error'),
    ...(typeof inner?.code == 'string' && { code: inner.code }),
  });
  return new NetworkError(
    label +
      (refused
        ? ': the server refused the connection'
        : ': no complete response (in a browser, often CORS: does the server allow this origin?)'),
    { cause, mayHaveReachedServer: !refused },
  );
}

/** Encodes one value as application/x-www-form-urlencoded (space → `+`), as RFC 6749 §2.3.1 asks for Basic credentials. */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** What a redacted value becomes in every message, excerpt and inspection. */
export const REDACTED = '[REDACTED]';

/** Replaces secret values (raw, form-encoded, URI-encoded, JSON-escaped) in a text. */
export function redactValues(text: string, values: ReadonlyArray<string | null | undefined>): string {
  return values
    .filter((value): value is string => (value?.length as number) >= 4) // shorter is never a real secret, and would shred the text
    .flatMap((value) => [value, formEncode(value), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])
    .sort((a, b) => b.length - a.length)
    .reduce((result, needle) => result.split(needle).join(REDACTED), text);
}

/**
 * Redacts the values of members with these names: as JSON members (also in truncated JSON or HTML echoing a
 * request) and as form fields.
 */
export function redactMembers(text: string, names: Iterable<string>): string {
  const alternatives = [...names].map((name) => name.replace(/\W/g, '\\$&')).join('|');
  const members = new RegExp(
    `("(?:${alternatives})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*|\\b((?:${alternatives})=)[^&\\s"'<]*`,
    'g',
  );
  return text.replace(members, (_, json?: string, form?: string) => `${json ?? form}${REDACTED}`);
}

/**
 * Makes Node's `util.inspect` and Deno's console show `view()` instead of the object (non-enumerable, so spreading
 * and `JSON.stringify` do not see it). Symbol.for() is called here, not at the top level: an app that imports
 * nothing that uses it stays free of it.
 */
export function inspectAs<T extends object>(object: T, view: (this: T) => unknown): T {
  for (const key of ['nodejs.util.inspect.custom', 'Deno.customInspect'])
    Object.defineProperty(object, Symbol.for(key), { value: view });
  return object;
}

/** The start of a body for error reports, redacted, whitespace folded; undefined for an empty body. */
export function excerpt(text: string, redact: Redactor): string | undefined {
  const folded = redact(text).replace(/\s+/g, ' ').trim();
  return folded.length > 200 ? `${folded.slice(0, 200)}…` : folded || undefined;
}
