/*
 * The runtime of the operation functions that the generated operations.ts declares, one per operation of the
 * document: `fn(config, request, options)` builds an {@link _OperationSpec} and calls {@link _send}. Parameters are
 * serialized with their `style` and `explode` as OpenAPI 3.1.1 §4.8.12.4 defines them; the request goes through the
 * HTTP core (http.ts) shared with the token client. Nothing here depends on the document.
 */
import { AbortError, ConfigurationError, InvalidResponseError, TokenClientError } from './errors.js';
import { excerpt, exchange, fetchOf, redactValues, secureUrl, unsentOr, type Redactor } from './http.js';

/** Default timeout of one call in milliseconds: the whole exchange, body included (streams: until the headers). */
export const API_DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Where bearer tokens come from: a token source (`createTokenSource`, or anything with `getAccessToken`), whose
 * token is renewed and the call sent once more when the server answers 401 `invalid_token`; or a function.
 */
export type AccessTokenProvider =
  | {
      getAccessToken(options?: { signal?: AbortSignal; forceRefresh?: boolean }): Promise<string>;
      /** The token source's stored tokens: their `tokenType` decides between Bearer and DPoP (with `dpop`). */
      getTokens?(): { tokenType?: string | undefined } | undefined;
    }
  | (() => Promise<string>);

/**
 * What the operation functions use of a DPoP key: `createDPoP()` (dpop.ts) returns one. Declared here, by shape, so
 * that a document without a token endpoint (no dpop.ts in its output) still compiles, and no DPoP code reaches a
 * bundle unless the app imports `createDPoP`.
 */
export interface ApiDPoP {
  /** A fresh proof for one attempt, with the token's hash (`ath`) and the nonce remembered for the URL's origin. */
  proof(request: { method: string; url: string | URL; accessToken?: string }): Promise<string>;
  /** Keeps the `DPoP-Nonce` of a response for its origin. */
  rememberNonce(url: string | URL, response: Response): void;
}

/** Options of `createApiConfig`. Nothing is implied: every default is named here. */
export interface ApiConfigOptions {
  /**
   * Base URL the operations' paths are appended to. Default: `API_DEFAULT_BASE_URL`, the document's first server;
   * required when the document names no absolute server URL.
   */
  baseUrl?: string;
  /** The fetch implementation. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Timeout of one call in milliseconds. Default: {@link API_DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Bearer tokens for the operations the document secures with OAuth 2.0, OpenID Connect or HTTP bearer. */
  accessToken?: AccessTokenProvider;
  /** Extra headers sent with every call (e.g. a `User-Agent`, or an API key the document asks for). */
  headers?: Record<string, string>;
  /** `http:` is refused for hosts other than loopback unless this is `true` (tokens would travel in clear text). */
  allowInsecureHttp?: boolean;
  /**
   * The DPoP key the access tokens are bound to (RFC 9449), the instance the token client used: calls then send
   * `Authorization: DPoP <token>` with a fresh proof per attempt carrying the token's hash (`ath`, §7.1), keep the
   * resource's nonce and answer its `use_dpop_nonce` challenge once (§9). When `accessToken` is a token source whose
   * tokens are of type Bearer, Bearer is sent; a function's tokens are taken as DPoP-bound.
   * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
   */
  dpop?: ApiDPoP;
}

/** A settled configuration: the first argument of every operation function. */
export interface ApiConfig {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly accessToken: AccessTokenProvider | undefined;
  readonly dpop: ApiDPoP | undefined;
}

/** Per-call options of every operation function. */
export interface ApiCallOptions {
  /** Aborts the call when it fires (a returned stream too). */
  signal?: AbortSignal;
  /** Overrides the configuration's timeout for this call. */
  timeoutMs?: number;
  /** Extra headers for this call; they win over the configuration's and the parameters'. */
  headers?: Record<string, string>;
}

/** A multipart/form-data body as an object: string members also take a Blob (or File); lists repeat the part. */
export type MultipartBody<T> = { [K in keyof T]: _MultipartValue<T[K]> };
type _MultipartValue<V> = V extends string
  ? string | Blob
  : V extends readonly (infer Item)[]
    ? ReadonlyArray<_MultipartValue<Item>>
    : V;

/**
 * An operation function got a response whose status is not 2xx. `body` is the response parsed as the server
 * labelled it (JSON, else text; undefined when empty); the operation's `…Error` type describes it, e.g.
 * `isApiError<GetUserError>(e, 404)`. `bodyExcerpt` has the bearer token redacted, should a server echo it.
 */
export class ApiError<Body = unknown> extends TokenClientError {
  /** The operation, e.g. `GET /users/{id}`. */
  readonly operation: string;
  /** The parsed body of the response. */
  readonly body: Body;
  /** The response's headers. */
  readonly headers: Headers;
  /** The response's `Content-Type`, if any. */
  readonly contentType: string | undefined;

  constructor(
    message: string,
    details: {
      operation: string;
      status: number;
      body: Body;
      headers: Headers;
      contentType?: string | undefined;
      bodyExcerpt?: string | undefined;
    },
  ) {
    super(message, details);
    this.operation = details.operation;
    this.body = details.body;
    this.headers = details.headers;
    this.contentType = details.contentType;
  }
}

/**
 * Checks options and settles defaults; the generated `createApiConfig` passes the document's default base URL.
 * @throws {ConfigurationError} on a missing or relative base URL, or `http:` to a remote host.
 */
export function settleApiConfig(options: ApiConfigOptions, defaultBaseUrl: string | undefined): ApiConfig {
  // Without a base URL (the document names no absolute server) secureUrl says it is not an absolute URL.
  const baseUrl = options.baseUrl ?? defaultBaseUrl ?? '';
  secureUrl(baseUrl, options.allowInsecureHttp);
  return Object.freeze({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    fetch: fetchOf(options.fetch),
    timeoutMs: options.timeoutMs ?? API_DEFAULT_TIMEOUT_MS,
    headers: Object.freeze({ ...options.headers }),
    accessToken: options.accessToken,
    dpop: options.dpop,
  });
}

/**
 * Narrows an unknown error to an {@link ApiError}, optionally of a given status, with the body type of the
 * operation's `…Error` type.
 * @example
 * if (isApiError<GetUserError>(e, 404)) show(e.body);
 */
export function isApiError<Body = unknown>(error: unknown, status?: number): error is ApiError<Body> {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

// ---------------------------------------------------------------------------------------------------------------
// What the operation functions of the generated operations.ts call.

type _Style = 'matrix' | 'label' | 'simple' | 'form' | 'spaceDelimited' | 'pipeDelimited' | 'deepObject';

interface _Encoding {
  readonly contentType?: string;
  readonly style?: _Style;
  readonly explode?: boolean;
  readonly allowReserved?: boolean;
}

/** What a function tells {@link _send} about its operation; built from the document at generation time. */
export interface _OperationSpec {
  readonly method: string;
  readonly path: string;
  readonly parameters: ReadonlyArray<{
    readonly name: string;
    readonly in: 'path' | 'query' | 'header' | 'cookie';
    readonly style: _Style;
    readonly explode: boolean;
    readonly allowReserved?: boolean;
    /** The parameter uses `content`: its value is sent as JSON text. */
    readonly json?: boolean;
  }>;
  readonly body?: {
    readonly contentType: string;
    readonly kind: 'json' | 'form' | 'multipart' | 'text' | 'binary';
    readonly encoding: ReadonlyArray<readonly [string, _Encoding]>;
  };
  /** The media types of the success responses, for the `Accept` header ('' for none). */
  readonly accept: string;
  /** Every success response declares bytes only (octet-stream, images, `*\/*`…): read a Blob whatever the content type. */
  readonly blob?: boolean;
  readonly bearer: 'required' | 'optional' | 'none';
}

interface _RequestParts {
  readonly path?: unknown;
  readonly query?: unknown;
  readonly header?: unknown;
  readonly cookie?: unknown;
  readonly body?: unknown;
}

/** Builds the request, sends it (once more after a 401 `invalid_token` when the token can be renewed), reads the answer. */
export async function _send(
  config: ApiConfig,
  operation: _OperationSpec,
  request: _RequestParts,
  options: ApiCallOptions = {},
): Promise<unknown> {
  const label = `${operation.method.toUpperCase()} ${operation.path}`;
  let path = operation.path;
  const query: string[] = [];
  const cookies: string[] = [];
  const headers = new Headers();
  const setHeader = (name: string, value: string): void => {
    try {
      headers.set(name, value);
    } catch {
      throw new ConfigurationError(`${label}: the value of header ${JSON.stringify(name)} is not a valid header value`);
    }
  };
  for (const [name, value] of Object.entries(config.headers)) setHeader(name, value);
  for (const parameter of operation.parameters) {
    const given = _member(request[parameter.in], parameter.name);
    if (given === undefined || given === null) {
      if (parameter.in === 'path')
        throw new ConfigurationError(`${label}: the path parameter ${JSON.stringify(parameter.name)} is missing`);
      continue;
    }
    const value = parameter.json ? JSON.stringify(given) : given;
    switch (parameter.in) {
      case 'path':
        path = path
          .split(`{${parameter.name}}`)
          .join(_pathValue(parameter.name, value, parameter.style, parameter.explode));
        break;
      case 'query':
        query.push(
          ..._formPairs(parameter.name, value, parameter.style, parameter.explode, parameter.allowReserved === true),
        );
        break;
      case 'header':
        setHeader(
          parameter.name,
          _delimited(value, parameter.explode, ',', (value) => value),
        );
        break;
      case 'cookie':
        cookies.push(..._formPairs(parameter.name, value, 'form', parameter.explode, false));
        break;
    }
  }
  // A value that makes a whole segment `.` or `..` would move the request to another path once the URL is resolved.
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path) && !/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(operation.path)) {
    throw new ConfigurationError(`${label}: a path parameter value would make a dot segment ('.' or '..')`);
  }
  if (cookies.length > 0) setHeader('cookie', cookies.join('; '));
  if (operation.accept !== '') setHeader('accept', operation.accept);
  const body =
    operation.body && request.body !== undefined ? _encodeBody(operation.body, request.body, setHeader) : undefined;
  for (const [name, value] of Object.entries(options.headers ?? {})) setHeader(name, value);

  const provider = config.accessToken;
  if (operation.bearer === 'required' && provider === undefined) {
    throw new ConfigurationError(`${label} needs a bearer token: pass accessToken to createApiConfig`);
  }
  const withToken = operation.bearer !== 'none' && provider !== undefined;
  const url = `${config.baseUrl}${path}${query.length > 0 ? `?${query.join('&')}` : ''}`;
  const timeoutMs = options.timeoutMs ?? config.timeoutMs;
  const dpop = config.dpop;
  const attempt = async (forceRefresh: boolean, sentBefore = forceRefresh): Promise<_Exchange> => {
    let token: string | undefined;
    let bound = false;
    if (withToken) {
      if (options.signal?.aborted)
        throw new AbortError(`${label} was aborted by the caller`, { mayHaveReachedServer: sentBefore });
      token =
        typeof provider === 'function'
          ? await provider()
          : await provider.getAccessToken({
              ...(options.signal ? { signal: options.signal } : {}),
              ...(forceRefresh ? { forceRefresh: true } : {}),
            });
      const tokenType = typeof provider === 'function' ? undefined : provider.getTokens?.()?.tokenType?.toLowerCase();
      bound = dpop !== undefined && (tokenType === undefined || tokenType === 'dpop');
      // A DPoP-bound token sent as Bearer is refused by the resource (RFC 9449 §7.2): say what is missing instead.
      if (!bound && tokenType === 'dpop')
        throw new ConfigurationError(`${label}: the access token is DPoP-bound: pass dpop to createApiConfig`);
      try {
        headers.set('authorization', `${bound ? 'DPoP' : 'Bearer'} ${token}`);
      } catch {
        // Not a valid header value (a line break, say): nothing is sent, and the message leaves the token out.
        throw new ConfigurationError(
          `${label} was not sent: the access token of config.accessToken is not a valid header value`,
        );
      }
    }
    const method = operation.method.toUpperCase();
    // A fresh proof per attempt (new jti, the nonce remembered for this origin); none when the token went as Bearer.
    if (bound) headers.set('dpop', await dpop!.proof({ method, url, accessToken: token! }));
    else if (dpop) headers.delete('dpop');
    const init: RequestInit = { method, headers, ...(body !== undefined ? { body } : {}) };
    const result = await _exchange(
      config.fetch,
      url,
      init,
      timeoutMs,
      options.signal,
      label,
      [token, headers.get('dpop') ?? undefined],
      sentBefore,
      operation.blob,
    );
    if (bound) dpop!.rememberNonce(url, result.response);
    return { ...result, bound };
  };
  const replayable = !(body instanceof ReadableStream);
  let result = await attempt(false);
  const challenge = (pattern: RegExp): boolean =>
    result.response.status === 401 && pattern.test(result.response.headers.get('www-authenticate') ?? '');
  // RFC 9449 §9: the resource asks for its nonce (remembered above); one more attempt with a new proof, never more.
  if (result.bound && replayable && challenge(/\buse_dpop_nonce\b/)) result = await attempt(false, true);
  const renewable = withToken && typeof provider === 'object' && replayable;
  if (renewable && challenge(/\binvalid_token\b/i)) result = await attempt(true);
  if (result.error) throw result.error;
  return result.data;
}

/** An own member of a request part (never one inherited from Object.prototype, such as `__proto__`). */
function _member(part: unknown, name: string): unknown {
  return typeof part === 'object' && part !== null && Object.hasOwn(part, name)
    ? (part as Record<string, unknown>)[name]
    : undefined;
}

/** Text of a scalar: strings as they are, objects (nested deeper than a style can express) as JSON. */
function _text(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** Replaces lone surrogates with U+FFFD, as URLSearchParams does, so that encoding never throws. */
function _wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Percent-encodes for a URL; with `allowReserved`, RFC 3986 reserved characters that are safe in a query stay as they are. */
function _encode(value: string, allowReserved = false): string {
  const encoded = encodeURIComponent(_wellFormed(value));
  return allowReserved
    ? encoded.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => decodeURIComponent(escape))
    : encoded;
}

type _Entries = Array<readonly [string, unknown]>;

function _entriesOf(value: unknown): _Entries | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.entries(value).filter(([, item]) => item !== undefined);
}

/** Lists and objects as one delimited text (simple style; also form, space- and pipe-delimited without explode). */
function _delimited(value: unknown, explode: boolean, delimiter: string, escape: (value: string) => string): string {
  if (Array.isArray(value)) return value.map((item) => escape(_text(item))).join(delimiter);
  const entries = _entriesOf(value);
  if (entries)
    return entries
      .map(([key, item]) =>
        explode ? `${escape(key)}=${escape(_text(item))}` : `${escape(key)}${delimiter}${escape(_text(item))}`,
      )
      .join(delimiter);
  return escape(_text(value));
}

/** A path parameter in simple, label or matrix style (OpenAPI 3.1.1 §4.8.12.4). */
function _pathValue(name: string, value: unknown, style: _Style, explode: boolean): string {
  const entries = _entriesOf(value);
  const list = Array.isArray(value) ? value : undefined;
  if (style === 'label') {
    if (!explode) return `.${_delimited(value, false, ',', _encode)}`;
    if (list) return list.map((item) => `.${_encode(_text(item))}`).join('');
    if (entries) return entries.map(([key, item]) => `.${_encode(key)}=${_encode(_text(item))}`).join('');
    return `.${_encode(_text(value))}`;
  }
  if (style === 'matrix') {
    if (explode && list) return list.map((item) => `;${_encode(name)}=${_encode(_text(item))}`).join('');
    if (explode && entries) return entries.map(([key, item]) => `;${_encode(key)}=${_encode(_text(item))}`).join('');
    const serialized = _delimited(value, false, ',', _encode);
    return serialized === '' && !list && !entries ? `;${_encode(name)}` : `;${_encode(name)}=${serialized}`;
  }
  return _delimited(value, explode, ',', _encode);
}

/**
 * `name=value` pairs, percent-encoded, of a query parameter (or a form body member, or a cookie) in form,
 * spaceDelimited, pipeDelimited or deepObject style (OpenAPI 3.1.1 §4.8.12.4).
 */
function _formPairs(name: string, value: unknown, style: _Style, explode: boolean, allowReserved: boolean): string[] {
  const key = _encode(name, allowReserved);
  const escape = (item: string): string => _encode(item, allowReserved);
  const entries = _entriesOf(value);
  if (style === 'deepObject' && entries) return _deepPairs(key, entries, allowReserved);
  if (Array.isArray(value)) {
    if (explode) return value.map((item) => `${key}=${escape(_text(item))}`);
    const delimiter = style === 'spaceDelimited' ? '%20' : style === 'pipeDelimited' ? '%7C' : ',';
    return [`${key}=${_delimited(value, false, delimiter, escape)}`];
  }
  if (entries) {
    if (explode) return entries.map(([name, item]) => `${escape(name)}=${escape(_text(item))}`);
    const delimiter = style === 'spaceDelimited' ? '%20' : style === 'pipeDelimited' ? '%7C' : ',';
    return [`${key}=${_delimited(value, false, delimiter, escape)}`];
  }
  return [`${key}=${escape(_text(value))}`];
}

/** deepObject: `name[member]=value`, nested objects as `name[a][b]=value`, lists repeated. */
function _deepPairs(prefix: string, entries: _Entries, allowReserved: boolean): string[] {
  return entries.flatMap(([name, item]) => {
    const key = `${prefix}[${_encode(name, allowReserved)}]`;
    const nested = _entriesOf(item);
    if (nested) return _deepPairs(key, nested, allowReserved);
    const items = Array.isArray(item) ? item : [item];
    return items.map((element) => `${key}=${_encode(_text(element), allowReserved)}`);
  });
}

function _isJsonMedia(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return /(^|\/|\+)json$/.test(type) || /\/json-/.test(type);
}

/** The body on the wire: JSON text, a form string, FormData, or the caller's BodyInit as it is. */
function _encodeBody(
  spec: NonNullable<_OperationSpec['body']>,
  value: unknown,
  setHeader: (name: string, value: string) => void,
): BodyInit {
  const encodings = new Map(spec.encoding);
  switch (spec.kind) {
    case 'json':
      setHeader('content-type', spec.contentType);
      return JSON.stringify(value);
    case 'form': {
      setHeader('content-type', spec.contentType);
      if (value instanceof URLSearchParams || typeof value === 'string') return value.toString();
      const pairs = (_entriesOf(value) ?? []).flatMap(([name, item]) => {
        const encoding = encodings.get(name) ?? {};
        const member =
          encoding.contentType !== undefined && _isJsonMedia(encoding.contentType) ? JSON.stringify(item) : item;
        const style = encoding.style ?? 'form';
        return _formPairs(name, member, style, encoding.explode ?? style === 'form', encoding.allowReserved === true);
      });
      return pairs.join('&');
    }
    case 'multipart':
      // fetch sets the content type of a FormData itself, with the boundary.
      return value instanceof FormData ? value : _multipart(value, encodings, setHeader);
    default:
      if (!spec.contentType.includes('*')) setHeader('content-type', spec.contentType);
      return value as BodyInit;
  }
}

/**
 * A multipart/form-data body (RFC 7578) from an object, written here because FormData cannot give a part a
 * Content-Type without also giving it a filename (which servers take for a file upload). Objects, and arrays of
 * objects, are JSON parts with `Content-Type: application/json`, OpenAPI's default for object values; Blobs are
 * file parts; other values text parts; lists repeat the part. A property whose Encoding Object has `style` or
 * `explode` (kept for OpenAPI 3.1 documents only, which apply them to multipart) is serialized as a form query
 * parameter would be, each `name=value` pair one text part.
 */
function _multipart(
  value: unknown,
  encodings: ReadonlyMap<string, _Encoding>,
  setHeader: (name: string, value: string) => void,
): Blob {
  const boundary = `----wcg${Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
  // HTML's multipart/form-data encoding escapes these three in names and filenames.
  const quoted = (text: string): string => `"${text.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
  const parts: BlobPart[] = [];
  const add = (name: string, part: unknown, declared: string | undefined): void => {
    // A declared content type that lists several (or a wildcard) names none for the part.
    const single = declared !== undefined && !/[*,]/.test(declared) ? declared : undefined;
    let head = `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}`;
    if (part instanceof Blob) {
      const filename = typeof File !== 'undefined' && part instanceof File ? part.name : 'blob';
      head += `; filename=${quoted(filename)}\r\nContent-Type: ${part.type || single || 'application/octet-stream'}`;
    } else if (typeof part === 'object' && part !== null) {
      head += `\r\nContent-Type: ${single !== undefined && _isJsonMedia(single) ? single : 'application/json'}`;
    } else if (single !== undefined) {
      head += `\r\nContent-Type: ${single}`;
    }
    parts.push(
      `${head}\r\n\r\n`,
      part instanceof Blob ? part : typeof part === 'string' ? part : JSON.stringify(part),
      '\r\n',
    );
  };
  for (const [name, item] of _entriesOf(value) ?? []) {
    const encoding = encodings.get(name) ?? {};
    const items = Array.isArray(item) ? item : [item];
    if (
      (encoding.style !== undefined || encoding.explode !== undefined) &&
      !items.some((part) => part instanceof Blob)
    ) {
      for (const [key, text] of _styledPairs(name, item, encoding)) add(key, text, undefined);
      continue;
    }
    const asJson = encoding.contentType !== undefined && _isJsonMedia(encoding.contentType);
    for (const part of asJson ? [item] : items) if (part !== undefined) add(name, part, encoding.contentType);
  }
  parts.push(`--${boundary}--\r\n`);
  setHeader('content-type', `multipart/form-data; boundary=${boundary}`);
  return new Blob(parts);
}

/** The `name=value` pairs of a property serialized with its Encoding Object's style (OpenAPI 3.1), not percent-encoded. */
function _styledPairs(name: string, value: unknown, encoding: _Encoding): Array<[string, string]> {
  const style = encoding.style ?? 'form';
  return _formPairs(name, value, style, encoding.explode ?? style === 'form', false).map((pair) => {
    const at = pair.indexOf('=');
    return [decodeURIComponent(pair.slice(0, at)), decodeURIComponent(pair.slice(at + 1))];
  });
}

interface _Exchange {
  response: Response;
  data?: unknown;
  error?: ApiError;
  /** The attempt sent a DPoP-bound token with a proof. */
  bound?: boolean;
}

/** One request with its timeout and the caller's signal (http.ts); reads and parses the body of the answer. */
async function _exchange(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  label: string,
  secrets: ReadonlyArray<string | undefined>,
  sentBefore: boolean,
  blob = false,
): Promise<_Exchange> {
  // The access token and the DPoP proof, should a server echo them, never reach a message or an excerpt.
  const redact: Redactor = (text) => redactValues(text, secrets);
  try {
    return await exchange(
      fetchImpl,
      url,
      init,
      label,
      timeoutMs,
      signal,
      redact,
      async (response, keepSignal) => {
        const contentType = response.headers.get('content-type') ?? '';
        if (response.ok && /^\s*text\/event-stream/i.test(contentType)) {
          // The stream outlives this call: the timeout ends here, the caller's signal still cancels it.
          keepSignal();
          return { response, data: response.body };
        }
        if (
          response.ok &&
          response.status !== 204 &&
          response.status !== 205 &&
          (blob || (!_isTextual(contentType) && contentType !== ''))
        ) {
          return { response, data: await response.blob() };
        }
        const body = await response.text();
        const parsed = body === '' ? undefined : _isJsonMedia(contentType) ? _parseJson(body) : body;
        if (response.ok) {
          if (parsed === _INVALID)
            throw new InvalidResponseError(`${label}: the response (HTTP ${response.status}) is not valid JSON`, {
              status: response.status,
              bodyExcerpt: excerpt(body, redact),
            });
          return { response, data: parsed };
        }
        const error = new ApiError(`${label} failed with HTTP ${response.status}`, {
          operation: label,
          status: response.status,
          body: parsed === _INVALID ? body : parsed,
          headers: response.headers,
          contentType: contentType === '' ? undefined : contentType,
          bodyExcerpt: excerpt(body, redact),
        });
        return { response, error };
      },
      undefined,
      sentBefore,
    );
  } catch (error) {
    // A request fetch refuses to build (a header value from a parameter, a body on GET): nothing was sent.
    throw unsentOr(error, url, init, label, redact);
  }
}

const _INVALID = Symbol('invalid JSON');

function _parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return _INVALID;
  }
}

function _isTextual(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    _isJsonMedia(type) ||
    type.startsWith('text/') ||
    /(^|\/|\+)xml$/.test(type) ||
    type === 'application/x-www-form-urlencoded' ||
    type === 'application/javascript'
  );
}
