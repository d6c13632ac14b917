import { severityOf } from './rules/table.js';
import type { Change, ChangeComponent, Severity } from './types.js';

/** Where a change sits: the pointer in the old document, the new one, or both; and what it belongs to. */
export interface Pointers {
  oldPointer?: string | undefined;
  newPointer?: string | undefined;
  /** `GET /users/{id}` when the change belongs to one operation. */
  operation?: string | undefined;
  component?: ChangeComponent | undefined;
}

/** What rules report into. Severities come from the rule table (generator/diff/rules/table.ts), never from a rule. */
export class ChangeList {
  readonly changes: Change[] = [];
  /** The operation being compared: changes added meanwhile belong to it unless they name their own. */
  operation: string | undefined;

  /** Records one change; pointers that are undefined are left out of the change. */
  add(id: string, message: string, where: Pointers): void {
    const operation = where.operation ?? this.operation;
    this.changes.push({
      id,
      severity: severityOf(id),
      ...(where.oldPointer !== undefined ? { oldPointer: where.oldPointer } : {}),
      ...(where.newPointer !== undefined ? { newPointer: where.newPointer } : {}),
      message,
      ...(operation !== undefined ? { operation } : {}),
      ...(where.component !== undefined ? { component: where.component } : {}),
    });
  }
}

const RANK: Record<Severity, number> = { breaking: 0, warning: 1, info: 2 };
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Sorts changes deterministically: breaking, then warning, then info; within a severity by pointer (the new one,
 * else the old one), then rule id, then message and old pointer (so equal keys never depend on input order).
 */
export function sortChanges<T extends Change>(changes: readonly T[]): T[] {
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
