import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OAuthError } from '../../templates/runtime/client.js';
import { TokenClientError } from '../../templates/runtime/errors.js';
import type { TokenResponse } from '../../templates/runtime/models.js';
import {
  ReauthenticationRequiredError,
  createTokenSourceCore,
  type TokenRenewal,
  type TokenRevoker,
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

/** A revoker that records what it was asked to revoke, failing for the tokens in `failFor`. */
function recordingRevoker(failFor: string[] = []) {
  const revoked: Array<{ refreshToken?: string; accessToken?: string }> = [];
  const revoke: TokenRevoker = async (tokens) => {
    revoked.push({ ...tokens });
    const bad = [tokens.refreshToken, tokens.accessToken].find(
      (token) => token !== undefined && failFor.includes(token),
    );
    // As revokeTokens does: no token in the message.
    if (bad !== undefined) throw new TokenClientError('The revocation endpoint answered HTTP 503');
  };
  return { revoke, revoked };
}

describe('signOut (RFC 7009 revocation through the revoker it is given)', () => {
  const seeded = { accessToken: 'access-0', refreshToken: 'refresh-0', expiresAt: Date.now() + 3_600_000 };

  it('revokes the refresh token and the access token in one call, then the source holds nothing', async () => {
    const step = scripted();
    const onTokens: unknown[] = [];
    const source = createTokenSourceCore(step.renew, {
      grant: 'refresh_token',
      refreshToken: 'option-refresh',
      initialTokens: seeded,
      onTokens: (tokens) => void onTokens.push(tokens),
    });
    const { revoke, revoked } = recordingRevoker();
    await source.signOut(revoke);
    expect(revoked).toEqual([{ refreshToken: 'refresh-0', accessToken: 'access-0' }]);
    expect(source.getTokens()).toBeUndefined();
    // Not resurrected: neither the old tokens nor the refreshToken option are used again.
    const error = await source.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReauthenticationRequiredError);
    expect(step.calls).toHaveLength(0);
    expect(onTokens).toEqual([]);
    expect(inspect(source)).toContain('hasAccessToken: false');
    // Signing in again works as before.
    source.setTokens({ accessToken: 'access-new', refreshToken: 'refresh-new' });
    expect(await source.getAccessToken()).toBe('access-new');
  });

  it('clears the source even when revocation fails, then throws the failure (no token in it)', async () => {
    const source = createTokenSourceCore(scripted().renew, { grant: 'refresh_token', initialTokens: seeded });
    const { revoke } = recordingRevoker(['refresh-0']);
    const error = await source.signOut(revoke).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenClientError);
    expect(source.getTokens()).toBeUndefined();
    for (const text of [String(error), inspect(error), JSON.stringify(error)]) {
      expect(text).not.toContain('refresh-0');
      expect(text).not.toContain('access-0');
    }
    await expect(source.getAccessToken()).rejects.toBeInstanceOf(ReauthenticationRequiredError);
  });

  it('clears at once: a caller during a slow revocation does not get the old token', async () => {
    let finish: () => void = () => undefined;
    const revoke: TokenRevoker = () => new Promise((resolve) => (finish = resolve));
    const step = scripted();
    const source = createTokenSourceCore(step.renew, { grant: 'client_credentials', initialTokens: seeded });
    const signingOut = source.signOut(revoke);
    // A client_credentials source fetches a new token; the old one is never handed out again.
    expect(await source.getAccessToken()).toBe('access-1');
    finish();
    await signingOut;
    expect(source.getTokens()?.accessToken).toBe('access-1');
  });

  it('a renewal under way is awaited and its tokens revoked too; it no longer changes the source', async () => {
    const step = scripted([{ access_token: 'late-access', refresh_token: 'late-refresh' }]);
    step.hold();
    const onTokens: unknown[] = [];
    const source = createTokenSourceCore(step.renew, {
      grant: 'refresh_token',
      initialTokens: { ...seeded, expiresAt: 0 },
      onTokens: (tokens) => void onTokens.push(tokens),
    });
    const waiting = source.getAccessToken();
    const { revoke, revoked } = recordingRevoker();
    const signingOut = source.signOut(revoke);
    step.release();
    await signingOut;
    // Its caller still gets its token (the server rejects it now); the source keeps nothing.
    expect(await waiting).toBe('late-access');
    expect(revoked).toEqual([
      { refreshToken: 'late-refresh', accessToken: 'late-access' },
      { refreshToken: 'refresh-0', accessToken: 'access-0' },
    ]);
    expect(source.getTokens()).toBeUndefined();
    expect(onTokens).toEqual([]);
    await expect(source.getAccessToken()).rejects.toBeInstanceOf(ReauthenticationRequiredError);
  });

  it('revokes a token once when a renewal returned the same refresh token; a failed renewal adds nothing', async () => {
    const same = scripted([{ access_token: 'late-access', refresh_token: 'refresh-0' }]);
    same.hold();
    const source = createTokenSourceCore(same.renew, {
      grant: 'refresh_token',
      initialTokens: { ...seeded, expiresAt: 0 },
    });
    const waiting = source.getAccessToken();
    const first = recordingRevoker();
    const signingOut = source.signOut(first.revoke);
    same.release();
    await signingOut;
    await waiting;
    expect(first.revoked).toEqual([
      { refreshToken: 'refresh-0', accessToken: 'late-access' },
      { accessToken: 'access-0' },
    ]);

    const failing = scripted([invalidGrant()]);
    failing.hold();
    const other = createTokenSourceCore(failing.renew, {
      grant: 'refresh_token',
      initialTokens: { ...seeded, expiresAt: 0 },
    });
    const rejected = other.getAccessToken().catch((e: unknown) => e);
    const second = recordingRevoker();
    const out = other.signOut(second.revoke);
    failing.release();
    await out;
    expect(await rejected).toBeInstanceOf(ReauthenticationRequiredError);
    expect(second.revoked).toEqual([{ refreshToken: 'refresh-0', accessToken: 'access-0' }]);
  });

  it('without a revoker it only clears; with nothing to revoke the revoker is not called', async () => {
    const source = createTokenSourceCore(scripted().renew, { grant: 'refresh_token', initialTokens: seeded });
    await source.signOut();
    expect(source.getTokens()).toBeUndefined();
    const { revoke, revoked } = recordingRevoker();
    await source.signOut(revoke);
    expect(revoked).toEqual([]);
  });
});
