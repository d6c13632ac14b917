/**
 * The device authorization grant (RFC 8628): ask for a device and user code, show the user where to enter it,
 * then poll the token endpoint until the user approved, declined, or the code expired.
 */
import type { ClientAuthenticator } from './client-auth.js';
import { AbortError, InvalidResponseError, NetworkError, TimeoutError, TokenClientError } from './errors.js';
import { OAuthError } from './client.js';
import { endpointUrl, hideSecrets, requestEndpoint, type EndpointRequestOptions } from './endpoint.js';

/** The `grant_type` of the token request that redeems a device code (RFC 8628 §3.4). */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** Options of {@link requestDeviceAuthorization}. */
export interface DeviceAuthorizationOptions extends EndpointRequestOptions {
  /** The device authorization endpoint (the document's operation, or `device_authorization_endpoint`). */
  endpoint: string | URL;
  /** How the client authenticates: the same method as at the token endpoint (RFC 8628 §3.1). */
  clientAuthentication: ClientAuthenticator;
  /** Scopes, space-delimited or a list (RFC 8628 §3.1, RFC 6749 §3.3). */
  scope?: string | readonly string[];
  /** More parameters (e.g. `resource`); `undefined` values are skipped. */
  extraParameters?: Record<string, string | undefined>;
}

/**
 * A device authorization response (RFC 8628 §3.2). Show `user_code` and `verification_uri` (or a QR code of
 * `verification_uri_complete`) to the user, then {@link pollDeviceAuthorization}. `device_code` is a secret:
 * inspecting or `JSON.stringify`-ing this object shows it as `[REDACTED]`.
 */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  /** Lifetime of the codes in seconds. */
  expires_in: number;
  /** Minimum seconds between polls; 5 when the server sent none (RFC 8628 §3.2). */
  interval: number;
  [member: string]: unknown;
}

/**
 * Starts a device authorization (RFC 8628 §3.1).
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 * @throws {InvalidResponseError} when a required member is missing or of the wrong type.
 * @throws {OAuthError} e.g. `invalid_client`, `invalid_scope`; and the transport errors of errors.ts.
 */
export async function requestDeviceAuthorization(
  options: DeviceAuthorizationOptions,
): Promise<DeviceAuthorizationResponse> {
  const url = endpointUrl(options.endpoint, 'requestDeviceAuthorization', options.allowInsecureHttp);
  const form = new URLSearchParams();
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  if (scope) form.set('scope', scope);
  for (const [name, value] of Object.entries(options.extraParameters ?? {}))
    if (value !== undefined) form.set(name, value);
  const who = 'The device authorization endpoint';
  const { status, json = {} } = await requestEndpoint(who, url, form, options.clientAuthentication, options);
  for (const name of ['device_code', 'user_code', 'verification_uri']) {
    if (typeof json[name] !== 'string' || json[name] === '') {
      throw new InvalidResponseError(`${who} answered without ${name} (RFC 8628 §3.2)`, { status });
    }
  }
  const expiresIn = json['expires_in'];
  if (typeof expiresIn !== 'number' || !(expiresIn > 0)) {
    throw new InvalidResponseError(`${who} answered without a positive expires_in (RFC 8628 §3.2)`, { status });
  }
  const interval = json['interval'] === undefined ? 5 : json['interval'];
  if (typeof interval !== 'number' || !(interval >= 0)) {
    throw new InvalidResponseError(`${who} answered an interval that is not a non-negative number`, { status });
  }
  return hideSecrets({ ...json, interval } as DeviceAuthorizationResponse, ['device_code']);
}

/** Options of {@link pollDeviceAuthorization}. */
export interface DevicePollingOptions {
  /** Stops polling (and any wait) when it fires: an {@link AbortError} is thrown. */
  signal?: AbortSignal;
  /**
   * Waits `ms` milliseconds, or rejects when `signal` fires. Default: a `setTimeout`. Tests pass one that
   * advances a fake clock instead of waiting.
   */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /** The clock in milliseconds since the epoch, for the `expires_in` deadline. Default: `Date.now`. */
  now?: () => number;
  /** Called after each poll that was asked to wait, with the interval in force (seconds), e.g. for a spinner. */
  onPending?: (state: {
    intervalSeconds: number;
    reason: 'authorization_pending' | 'slow_down' | 'no_response';
  }) => void;
}

/** The device code expired (its `expires_in` passed) before the user approved: start again. */
export class DeviceAuthorizationExpiredError extends TokenClientError {
  constructor() {
    super('The device code expired before the user approved (RFC 8628 §3.5 expires_in)');
  }
}

/**
 * Polls the token endpoint with the device code until the user decides (RFC 8628 §3.4–3.5). `requestToken` sends
 * ONE token request with grant_type {@link DEVICE_CODE_GRANT_TYPE} and `device_code` (the token client's
 * `deviceCode({ deviceCode })` helper, or any function that throws the {@link OAuthError} the server answered).
 * Between polls it waits `interval` seconds (first poll too); `authorization_pending` polls again, `slow_down` adds
 * 5 seconds to the interval for every later poll, a timeout or network failure doubles it (§3.5); any other
 * error — `access_denied`, `expired_token` — is thrown as the server's {@link OAuthError}. When `expires_in`
 * passes first, a {@link DeviceAuthorizationExpiredError} is thrown.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @example
 * const authorization = await requestDeviceAuthorization({ endpoint, clientAuthentication, scope: 'openid' });
 * show(authorization.user_code, authorization.verification_uri);
 * const tokens = await pollDeviceAuthorization(authorization, (signal) =>
 *   client.deviceCode({ deviceCode: authorization.device_code }, { signal }));
 */
export async function pollDeviceAuthorization<T>(
  authorization: Pick<DeviceAuthorizationResponse, 'expires_in' | 'interval'>,
  requestToken: (signal: AbortSignal) => Promise<T>,
  options: DevicePollingOptions = {},
): Promise<T> {
  const { signal, sleep = wait, now = Date.now, onPending } = options;
  // Always a signal, so `{ signal }` fits an options type whose `signal` is optional (exactOptionalPropertyTypes).
  const requestSignal = signal ?? new AbortController().signal;
  const deadline = now() + authorization.expires_in * 1000;
  let intervalSeconds = authorization.interval ?? 5;
  for (;;) {
    if (signal?.aborted)
      throw new AbortError('Device authorization polling was aborted by the caller', { mayHaveReachedServer: false });
    if (now() + intervalSeconds * 1000 > deadline) throw new DeviceAuthorizationExpiredError();
    try {
      await sleep(intervalSeconds * 1000, signal);
    } catch {
      throw new AbortError('Device authorization polling was aborted by the caller', { mayHaveReachedServer: false });
    }
    if (signal?.aborted)
      throw new AbortError('Device authorization polling was aborted by the caller', { mayHaveReachedServer: false });
    let reason: 'authorization_pending' | 'slow_down' | 'no_response';
    try {
      return await requestToken(requestSignal);
    } catch (error) {
      if (error instanceof OAuthError && error.error === 'authorization_pending') reason = 'authorization_pending';
      else if (error instanceof OAuthError && error.error === 'slow_down') {
        reason = 'slow_down';
        intervalSeconds += 5;
      } else if (error instanceof TimeoutError || error instanceof NetworkError) {
        reason = 'no_response';
        intervalSeconds *= 2;
      } else throw error;
    }
    onPending?.({ intervalSeconds, reason });
  }
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
