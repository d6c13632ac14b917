import type { ChangeList } from '../change-list.js';
import type { JsonObject } from '../resolve.js';
import type { SchemaComparer } from '../schema-diff.js';

/** The two documents being compared and the list the rules report into. */
export interface DocumentPair {
  oldRoot: JsonObject;
  newRoot: JsonObject;
  out: ChangeList;
  /** Compares schemas once per pair of resolved objects and reports each use (see SchemaComparer). */
  schemas: SchemaComparer;
  /** Deprecation rules: the date sunsets are judged against and the notice they must give. */
  deprecation: DeprecationPolicy;
}

/** When an `x-sunset` date gives too little notice. */
export interface DeprecationPolicy {
  /** `YYYY-MM-DD`: the day the diff runs (injectable so results are reproducible). */
  today: string;
  /** Minimum days between today and an operation's `x-sunset`. */
  minSunsetDays: number;
}

/** One path item present in both documents (its template may have renamed parameters), and where each sits. */
export interface PathPair {
  oldPath: string;
  newPath: string;
  oldItem: JsonObject;
  newItem: JsonObject;
  oldItemAt: string;
  newItemAt: string;
}

/** One operation present in both documents, with the path item it belongs to and where each sits. */
export interface OperationPair extends PathPair {
  /** `POST /connect/token` (with the new document's path template). */
  name: string;
  method: string;
  oldOperation: JsonObject;
  newOperation: JsonObject;
  oldAt: string;
  newAt: string;
}

/** A key present in the old map, the new one, or both. */
export interface KeyPair {
  oldKey?: string;
  newKey?: string;
}

/**
 * Pairs the keys of two maps: identical keys first, then keys that are equal after `normalize` (e.g. path
 * templates whose parameters were renamed, `2xx` and `2XX`). Unpaired keys come back with one side only, in
 * their documents' order.
 */
export function pairKeys(
  oldKeys: string[],
  newKeys: string[],
  normalize: (key: string) => string = (key) => key,
): KeyPair[] {
  const newSet = new Set(newKeys);
  const oldSet = new Set(oldKeys);
  const taken = new Set<string>();
  const pairs: KeyPair[] = [];
  for (const oldKey of oldKeys) {
    if (newSet.has(oldKey)) {
      taken.add(oldKey);
      pairs.push({ oldKey, newKey: oldKey });
      continue;
    }
    const normalized = normalize(oldKey);
    const match = newKeys.find(
      (newKey) => !oldSet.has(newKey) && !taken.has(newKey) && normalize(newKey) === normalized,
    );
    if (match !== undefined) taken.add(match);
    pairs.push(match !== undefined ? { oldKey, newKey: match } : { oldKey });
  }
  for (const newKey of newKeys) if (!taken.has(newKey)) pairs.push({ newKey });
  return pairs;
}

/** Media type keys compare without parameters and case: `application/json; charset=utf-8` ≈ `application/json`. */
export const normalizeMediaType = (type: string): string => (type.split(';')[0] ?? '').trim().toLowerCase();
