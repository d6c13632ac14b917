/** How a change affects a client generated from the old document. */
export type Severity = 'breaking' | 'warning' | 'info';

/** One classified difference between two OpenAPI documents. */
export interface Change {
  /** Stable rule id, e.g. `request-property-added-required`. */
  id: string;
  severity: Severity;
  /** RFC 6901 JSON pointer of the location in the old document (absent for additions). */
  oldPointer?: string;
  /** RFC 6901 JSON pointer of the location in the new document (absent for removals). */
  newPointer?: string;
  /** One sentence naming the thing that changed. */
  message: string;
}

/** The OAuth 2.0 view the analyzer derives from a document: its token endpoints and their grants. */
export interface OAuthView {
  tokenEndpoints: Array<{ method: string; path: string; grants: OAuthGrantView[] }>;
}

/** One grant of a token endpoint, as the generated helper for it sees the request. */
export interface OAuthGrantView {
  /** The `grant_type` value, e.g. `client_credentials`. */
  grantType: string;
  /** Wire names of the fields the grant requires. */
  requiredFields: string[];
  /** Wire names of the fields the grant may send. */
  optionalFields: string[];
}
