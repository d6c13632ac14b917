import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OAuthError } from '../../templates/runtime/client.js';
import { TokenClientError } from '../../templates/runtime/errors.js';
import type { TokenResponse } from '../../templates/runtime/models.js';
import {
  ReauthenticationRequiredError,
  createTokenSourceCore,
  type TokenRenewal,
} from '../../templates/runtime/token-source.js';

/**
 * The token source's runtime module in place (templates/runtime/token-source.ts), with a scripted renewal step
 * instead of a token client: what the core passes to the step grants.ts generates, and what it does with the answer.
 * The generated createTokenSource over real token endpoints is tested in token-source.test.ts.
 */

/** A renewal step that records its calls and answers from a queue (or access-N tokens when the queue is empty). */
function scripted(answers: Array<Partial<TokenResponse> | Error> = []) {
  const calls: Array<{ refreshToken: string | undefined; requestOptions: object }> = [];
  const pending: Array<() => void> = [];
  let gate: Promise<void> | undefined;
  const renew: TokenRenewal = async (refreshToken, requestOptions) => {
    calls.push({ refreshToken, requestOptions });
    if (gate) await gate;
    const next = answers.shift() ?? {};
    if (next instanceof Error) throw next;
    return { access_token: `access-${calls.length}`, token_type: 'Bearer', expires_in: 3600, ...next };
  };
  return {
    renew,
    calls,
    /** Holds every renewal until release() is called. */
    hold() {
      gate = new Promise((resolve) => pending.push(resolve));
    },
    release() {
      gate = undefined;
      for (const resolve of pending.splice(0)) resolve();
    },
  };
}

const invalidGrant = () => new OAuthError({ error: 'invalid_grant' }, { status: 400 });

describe('createTokenSourceCore (runtime module, scripted renewal)', () => {
  it('client_credentials: renews without a refresh token, with the request options, once for concurrent callers', async () => {
    const step = scripted();
    const source = createTokenSourceCore(step.renew, { grant: 'client_credentials', requestOptions: { timeoutMs: 5 } });
    const tokens = await Promise.all([source.getAccessToken(), source.getAccessToken(), source.getAccessToken()]);
    expect(tokens).toEqual(['access-1', 'access-1', 'access-1']);
    expect(step.calls).toEqual([{ refreshToken: undefined, requestOptions: { timeoutMs: 5 } }]);
  });

  it('refresh_token: passes options.refreshToken first, then the rotated one; keeps the old one when none is sent', async () => {
    const step = scripted([{ refresh_token: 'refresh-1' }, {}, {}]);
    const source = createTokenSourceCore(step.renew, { grant: 'refresh_token', refreshToken: 'refresh-0' });
    await source.getAccessToken();
    await source.getAccessToken({ forceRefresh: true });
    await source.getAccessToken({ forceRefresh: true });
    expect(step.calls.map((call) => call.refreshToken)).toEqual(['refresh-0', 'refresh-1', 'refresh-1']);
    expect(step.calls[0]!.requestOptions).toEqual({});
    expect(source.getTokens()?.refreshToken).toBe('refresh-1');
  });

  it('refresh_token: no refresh token rejects without calling the step; invalid_grant clears the source', async () => {
    const none = scripted();
    const empty = createTokenSourceCore(none.renew, { grant: 'refresh_token' });
    await expect(empty.getAccessToken()).rejects.toBeInstanceOf(ReauthenticationRequiredError);
    expect(none.calls).toHaveLength(0);

    const step = scripted([invalidGrant()]);
    const source = createTokenSourceCore(step.renew, {
      grant: 'refresh_token',
      initialTokens: { accessToken: 'old', expiresAt: 0, refreshToken: 'revoked' },
    });
    const error = await source.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReauthenticationRequiredError);
    expect((error as Error).cause).toBeInstanceOf(OAuthError);
    expect(source.getTokens()).toBeUndefined();
    await expect(source.getAccessToken()).rejects.toBe(error);
    expect(step.calls).toHaveLength(1);
  });

  it('other failures of the step reach the callers and are not cached', async () => {
    const step = scripted([new TokenClientError('boom')]);
    const source = createTokenSourceCore(step.renew, { grant: 'client_credentials' });
    await expect(source.getAccessToken()).rejects.toThrow('boom');
    expect(await source.getAccessToken()).toBe('access-2');
  });

  it('setTokens during a renewal wins: the late answer serves its callers but does not change the source', async () => {
    const step = scripted([{ refresh_token: 'late-refresh' }]);
    step.hold();
    const source = createTokenSourceCore(step.renew, { grant: 'refresh_token', refreshToken: 'refresh-0' });
    const waiting = source.getAccessToken();
    source.setTokens({ accessToken: 'seeded', refreshToken: 'seeded-refresh' });
    step.release();
    expect(await waiting).toBe('access-1');
    expect(source.getTokens()).toEqual({ accessToken: 'seeded', refreshToken: 'seeded-refresh' });
    expect(await source.getAccessToken()).toBe('seeded');
  });

  it('inspection shows the grant and the state, never a token', async () => {
    const step = scripted([{ refresh_token: 'secret-refresh' }]);
    const source = createTokenSourceCore(step.renew, { grant: 'refresh_token', refreshToken: 'secret-initial' });
    await source.getAccessToken();
    const shown = inspect(source);
    expect(shown).toContain("grant: 'refresh_token'");
    expect(shown).toContain('hasRefreshToken: true');
    for (const secret of ['secret-refresh', 'secret-initial', 'access-1']) expect(shown).not.toContain(secret);
  });
});
