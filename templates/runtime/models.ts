/*
 * A typed stub of the document-specific models.ts, so that this folder type-checks and its unit tests run on their
 * own. It is never copied: the generator writes the real models.ts (ts-morph) from the document, with these names
 * narrowed to the document's values. Keep it to what the runtime modules import.
 */

/** A scope the document names; other strings are allowed. */
export type Scope = string;

/** An OAuth 2.0 error code (RFC 6749 §5.2). */
export type OAuthErrorCode = string;

/** A successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  [member: string]: unknown;
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
}
