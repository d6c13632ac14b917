// How an application uses the generated client: one token source for the service, and fetch that sends it.
import { authorizedFetch, createTokenClient, createTokenSource, isOAuthError } from './wealthcare/index.js';

const client = createTokenClient({
  clientId: process.env['WEALTHCARE_CLIENT_ID'] ?? '',
  clientSecret: process.env['WEALTHCARE_CLIENT_SECRET'] ?? '',
});

/** One token for the whole process, renewed 30 s before it expires; concurrent callers share one request. */
export const wealthcareTokens = createTokenSource(client, {
  grant: 'client_credentials',
  scope: ['bensoft_api', 'mbi_api'],
});

/** fetch with `Authorization: Bearer …`, renewing once on a 401 `invalid_token`. */
export const wealthcareFetch = authorizedFetch(wealthcareTokens);

export async function checkCredentials(): Promise<boolean> {
  try {
    await wealthcareTokens.getAccessToken();
    return true;
  } catch (error) {
    if (isOAuthError(error, 'invalid_client')) return false;
    throw error;
  }
}
