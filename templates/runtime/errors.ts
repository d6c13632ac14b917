/**
 * Every error the token client and the operation functions throw extends this class, so
 * `catch (e) { if (e instanceof TokenClientError) … }` separates request failures from bugs. No instance ever holds
 * a credential or token: bodies are excerpted and redacted, causes are reduced to their name, message and code.
 */
export class TokenClientError extends Error {
  // `declare`: assigned by the constructor only (no class-field initialisers to emit, run or ship).
  /** HTTP status of the response, when there was one. */
  declare readonly status: number | undefined;
  /** The first characters of the response body, with secrets redacted, when there was a body. */
  declare readonly bodyExcerpt: string | undefined;

  /**
   * @param details Becomes the error's own members (each class declares the ones it has); `cause` is also the
   * standard Error cause.
   */
  constructor(message: string, details: ErrorDetails = {}) {
    // Error reads only `cause` from its options (and only when the key is present): `details` serves as them. One
    // assignment here instead of a constructor per subclass: the token client's bundle has a budget (measured: −47 B
    // min+gz with the constructors removed).
    super(message, details);
    this.name = new.target.name;
    Object.assign(this, details);
  }
}

/** The members an error is built with; each class declares those it has (`timeoutMs` on {@link TimeoutError}, …). */
export interface ErrorDetails {
  status?: number | undefined;
  bodyExcerpt?: string | undefined;
  contentType?: string | undefined;
  wwwAuthenticate?: string | undefined;
  mayHaveReachedServer?: boolean;
  timeoutMs?: number;
  cause?: unknown;
}

/** A non-success response that is not an OAuth error object: an HTML page, plain text, unexpected JSON, a redirect. */
export class UnexpectedResponseError extends TokenClientError {
  /** The response's `Content-Type`, if any. */
  declare readonly contentType: string | undefined;
}

/** A 5xx response that is not an OAuth error object: the server failed, the request may or may not have been acted on. */
export class ServerError extends UnexpectedResponseError {}

/** A success status whose body is not what was expected: not a valid token response (RFC 6749 §5.1), invalid JSON, … */
export class InvalidResponseError extends TokenClientError {}

/**
 * The request did not complete: the connection was refused, reset or failed before a full response arrived. In a
 * browser a request the page's origin may not make (CORS) fails the same way, without any detail.
 */
export class NetworkError extends TokenClientError {
  /**
   * Whether the request may have reached the server. `false` only when the connection was refused, so the
   * grant was certainly not used; retries of single-use grants depend on it.
   */
  declare readonly mayHaveReachedServer: boolean;
}

/** No complete response arrived within the configured timeout. */
export class TimeoutError extends TokenClientError {
  /** The timeout that elapsed, in milliseconds. */
  declare readonly timeoutMs: number;
}

/** The caller's `AbortSignal` aborted the request. */
export class AbortError extends TokenClientError {
  /** `false` when the signal had fired before any request was sent: the server saw nothing. */
  declare readonly mayHaveReachedServer: boolean;
}

/** The client was configured in a way that cannot work or is unsafe (e.g. an `http:` URL to a remote host). */
export class ConfigurationError extends TokenClientError {}
