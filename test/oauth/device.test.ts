import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicClient } from '../../templates/runtime/client-auth.js';
import {
  DEVICE_CODE_GRANT_TYPE,
  DeviceAuthorizationExpiredError,
  pollDeviceAuthorization,
  requestDeviceAuthorization,
} from '../../templates/runtime/device.js';
import { AbortError, NetworkError } from '../../templates/runtime/errors.js';
import { OAuthError } from '../../templates/runtime/client.js';
import { CLIENTS, startOAuthFeaturesServer, type OAuthFeaturesServer } from '../support/oauth-features-server.js';
import { thrown, tokenRequest } from './support.js';

/** A fake clock: sleep advances it instantly and records every wait. */
function fakeTime(start = 1_000_000) {
  let now = start;
  const waits: number[] = [];
  return {
    now: () => now,
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}
const oauthError = (error: string) => new OAuthError({ error }, { status: 400 });

describe('pollDeviceAuthorization (RFC 8628 §3.5), without real waiting', () => {
  it('waits the interval, keeps polling on authorization_pending, adds 5 s for every slow_down', async () => {
    const time = fakeTime();
    const answers = ['authorization_pending', 'slow_down', 'authorization_pending', 'slow_down'];
    const pending: string[] = [];
    const result = await pollDeviceAuthorization(
      { expires_in: 600, interval: 5 },
      async () => {
        const next = answers.shift();
        if (next) throw oauthError(next);
        return 'tokens';
      },
      { ...time, onPending: ({ reason, intervalSeconds }) => pending.push(`${reason}:${intervalSeconds}`) },
    );
    expect(result).toBe('tokens');
    expect(time.waits).toEqual([5000, 5000, 10_000, 10_000, 15_000]);
    expect(pending).toEqual(['authorization_pending:5', 'slow_down:10', 'authorization_pending:10', 'slow_down:15']);
  });

  it('throws access_denied and expired_token as the server said them', async () => {
    for (const code of ['access_denied', 'expired_token']) {
      const error = await thrown(() =>
        pollDeviceAuthorization(
          { expires_in: 600, interval: 1 },
          async () => Promise.reject(oauthError(code)),
          fakeTime(),
        ),
      );
      expect(error).toBeInstanceOf(OAuthError);
      expect((error as OAuthError).error).toBe(code);
    }
  });

  it('stops at expires_in with a DeviceAuthorizationExpiredError, and doubles the interval after a network failure', async () => {
    const time = fakeTime();
    let calls = 0;
    const error = await thrown(() =>
      pollDeviceAuthorization(
        { expires_in: 30, interval: 5 },
        async () => {
          calls += 1;
          throw calls === 1
            ? new NetworkError('down', { mayHaveReachedServer: false })
            : oauthError('authorization_pending');
        },
        time,
      ),
    );
    expect(error).toBeInstanceOf(DeviceAuthorizationExpiredError);
    expect(time.waits).toEqual([5000, 10_000, 10_000]);
    expect(time.now() - 1_000_000).toBeLessThanOrEqual(30_000);
  });

  it('the caller signal stops a wait and the loop with an AbortError', async () => {
    const controller = new AbortController();
    const polling = pollDeviceAuthorization({ expires_in: 600, interval: 60 }, async () => 'never', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    expect(await thrown(() => polling)).toBeInstanceOf(AbortError);
    const time = fakeTime();
    const aborted = new AbortController();
    aborted.abort();
    expect(
      await thrown(() =>
        pollDeviceAuthorization({ expires_in: 600, interval: 1 }, async () => 'x', { ...time, signal: aborted.signal }),
      ),
    ).toBeInstanceOf(AbortError);
    expect(time.waits).toEqual([]);
  });
});

describe('the device flow against oidc-provider 8.8.1', () => {
  let server: OAuthFeaturesServer;
  beforeAll(async () => {
    server = await startOAuthFeaturesServer();
  });
  afterAll(() => server?.close());
  const auth = () => publicClient(CLIENTS.device.clientId);
  const start = () =>
    requestDeviceAuthorization({
      endpoint: server.deviceAuthorizationEndpoint,
      clientAuthentication: auth(),
      scope: ['openid', 'offline_access', 'api'],
    });
  const redeem = (deviceCode: string) => () =>
    tokenRequest(
      server.tokenEndpoint,
      { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: deviceCode },
      { clientAuthentication: auth() },
    );

  it('requests codes, hides the device code, and gets tokens once the user approves while the client polls', async () => {
    const authorization = await start();
    expect(authorization).toMatchObject({
      user_code: expect.any(String),
      verification_uri: `${server.issuer}/connect/device`,
      interval: 5,
    });
    expect(inspect(authorization)).not.toContain(authorization.device_code);
    expect(JSON.stringify(authorization)).not.toContain(authorization.device_code);
    let polls = 0;
    const reasons: string[] = [];
    const tokens = await pollDeviceAuthorization(
      authorization,
      async () => {
        polls += 1;
        if (polls === 2) await server.approveDevice(authorization.user_code); // the user approves between polls
        return redeem(authorization.device_code)();
      },
      // Real polling, short waits: the server's own interval is 5 s, which this test need not spend.
      {
        sleep: (_ms, signal) => new Promise((resolve) => setTimeout(resolve, signal?.aborted ? 0 : 10)),
        onPending: ({ reason }) => reasons.push(reason),
      },
    );
    expect(reasons[0]).toMatch(/^(authorization_pending|slow_down)$/);
    expect(tokens).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String) });
  });

  it('the user declining ends the polling with access_denied', async () => {
    const authorization = await start();
    await server.approveDevice(authorization.user_code, 'deny');
    const error = await thrown(() =>
      pollDeviceAuthorization(authorization, redeem(authorization.device_code), { sleep: async () => {} }),
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('access_denied');
  });
});
