import type { Change, Severity } from './types.js';

/** Where a change sits: the pointer in the old document, the new one, or both. */
export interface Pointers {
  oldPointer?: string | undefined;
  newPointer?: string | undefined;
}

/**
 * How many schema pairs one `diffDocuments` call compares at most. Recursive schemas already terminate (a pair
 * is never compared twice on one path), but a hostile document whose schemas all reference one another has
 * exponentially many paths; past the budget the diff stops descending and says so.
 */
export const SCHEMA_BUDGET = 20_000;

/** What rules report into. */
export class ChangeList {
  readonly changes: Change[] = [];
  /** Schema comparisons left before the diff gives up descending (see {@link SCHEMA_BUDGET}). */
  budget = SCHEMA_BUDGET;

  /** Records one change; pointers that are undefined are left out of the change. */
  add(id: string, severity: Severity, message: string, pointers: Pointers): void {
    this.changes.push({
      id,
      severity,
      ...(pointers.oldPointer !== undefined ? { oldPointer: pointers.oldPointer } : {}),
      ...(pointers.newPointer !== undefined ? { newPointer: pointers.newPointer } : {}),
      message,
    });
  }
}

const RANK: Record<Severity, number> = { breaking: 0, warning: 1, info: 2 };
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Sorts changes deterministically: breaking, then warning, then info; within a severity by pointer (the new one,
 * else the old one), then rule id, then message and old pointer (so equal keys never depend on input order).
 */
export function sortChanges(changes: readonly Change[]): Change[] {
  const where = (change: Change): string => change.newPointer ?? change.oldPointer ?? '';
  return [...changes].sort(
    (a, b) =>
      RANK[a.severity] - RANK[b.severity] ||
      compare(where(a), where(b)) ||
      compare(a.id, b.id) ||
      compare(a.message, b.message) ||
      compare(a.oldPointer ?? '', b.oldPointer ?? ''),
  );
}

/** "request field `x`" → "Request field `x`". */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
