// Application code with decisions worth testing: what the app does when WealthCare refuses the client, is down,
// or rejects a token mid-flight. test/members.test.ts tests it with the generated test kit.
import {
  NetworkError,
  ServerError,
  TimeoutError,
  authorizedFetch,
  createTokenClient,
  createTokenSource,
  isOAuthError,
} from './wealthcare/index.js';

export interface Member {
  id: string;
  name: string;
}

export interface MembersOptions {
  clientId: string;
  clientSecret: string;
  /** Where the members API lives. */
  apiBaseUrl: string;
  /** Injected in tests (the kit's `fetch`); the global `fetch` otherwise. */
  fetch?: typeof fetch;
}

/** The members of the WealthCare API, or why there are none. */
export type MembersResult = { ok: true; members: Member[] } | { ok: false; reason: 'unauthorized' | 'unavailable' };

export function createMembersService(options: MembersOptions): { listMembers(): Promise<MembersResult> } {
  const client = createTokenClient({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const tokens = createTokenSource(client, { grant: 'client_credentials', scope: ['mbi_api'] });
  const api = authorizedFetch(tokens, options.fetch);
  return {
    async listMembers() {
      try {
        const response = await api(`${options.apiBaseUrl}/v1/members`);
        if (response.status === 401 || response.status === 403) return { ok: false, reason: 'unauthorized' };
        if (!response.ok) return { ok: false, reason: 'unavailable' };
        return { ok: true, members: (await response.json()) as Member[] };
      } catch (error) {
        if (isOAuthError(error, 'invalid_client')) return { ok: false, reason: 'unauthorized' };
        if (error instanceof ServerError || error instanceof NetworkError || error instanceof TimeoutError) {
          return { ok: false, reason: 'unavailable' };
        }
        throw error;
      }
    },
  };
}
