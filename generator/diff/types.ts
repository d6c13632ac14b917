/** How a change affects a client generated from the old document. */
export type Severity = 'breaking' | 'warning' | 'info';

/** Where a change sits when it lies inside a component schema that several operations share. */
export interface ChangeComponent {
  /** The schema's name in the new document (else the old one), e.g. `license-simple`. */
  name: string;
  /** The change described once for the component, without an operation: "Response field `url` of schema license-simple may now be null." */
  message: string;
  oldPointer?: string;
  newPointer?: string;
}

/** One classified difference between two OpenAPI documents. */
export interface Change {
  /** Rule id from generator/diff/rules/table.ts, e.g. `request-property-added-required`. */
  id: string;
  severity: Severity;
  /** RFC 6901 JSON pointer of the location in the old document (absent for additions). */
  oldPointer?: string;
  /** RFC 6901 JSON pointer of the location in the new document (absent for removals). */
  newPointer?: string;
  /** One sentence naming the thing that changed. */
  message: string;
  /** The operation the change affects, `GET /users/{username}` (absent for document-level changes). */
  operation?: string;
  /** Set when the change lies inside a shared component schema reached through `$ref` on both sides. */
  component?: ChangeComponent;
}

/** A change with its stable id, as the JSON output, the ignore file and the reports name it. */
export interface IdentifiedChange extends Change {
  /** `<rule>@<12 hex of SHA-256 of rule, old pointer and new pointer>`: the same change keeps its id across runs. */
  changeId: string;
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
