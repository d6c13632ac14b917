/** The classification of a change, from the point of view of a client generated from the old document. */
export type Severity = 'breaking' | 'warning' | 'info';

/** One difference between two documents. */
export interface Change {
  /** Stable rule id, e.g. `request-property-became-required`. */
  id: string;
  severity: Severity;
  /** JSON pointer of the location in the old document (absent for additions). */
  oldPointer?: string;
  /** JSON pointer of the location in the new document (absent for removals). */
  newPointer?: string;
  /** One sentence naming the thing that changed. */
  message: string;
}

/** The OAuth 2.0 view of a document that the analyzer derives: its token endpoints and their grants. */
export interface OAuthView {
  tokenEndpoints: Array<{ method: string; path: string; grants: OAuthGrantView[] }>;
}

export interface OAuthGrantView {
  grantType: string;
  /** Wire names of the fields the grant requires. */
  requiredFields: string[];
  /** Wire names of the fields the grant may send. */
  optionalFields: string[];
}

/** What rules report into: keeps the list and the context of the current location. */
export class ChangeList {
  readonly changes: Change[] = [];
  add(id: string, severity: Severity, message: string, pointers: { oldPointer?: string | undefined; newPointer?: string | undefined }): void {
    this.changes.push({
      id,
      severity,
      ...(pointers.oldPointer !== undefined ? { oldPointer: pointers.oldPointer } : {}),
      ...(pointers.newPointer !== undefined ? { newPointer: pointers.newPointer } : {}),
      message,
    });
  }
}

const ORDER: Record<Severity, number> = { breaking: 0, warning: 1, info: 2 };

/** Breaking first, then warnings, then info; within a severity by pointer, then rule id: stable across runs. */
export function sortChanges(changes: Change[]): Change[] {
  const key = (change: Change) => change.newPointer ?? change.oldPointer ?? '';
  return [...changes].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
