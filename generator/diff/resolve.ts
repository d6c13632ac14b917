/**
 * Reading an already-parsed OpenAPI document: own-property access (a path named `constructor` is a path, not
 * `Object.prototype.constructor`), RFC 6901 pointers, and local `$ref` resolution that stops on cycles. The helpers
 * are the generator's shared ones (generator/shared/), so a `$ref` names the same node here as in every other stage.
 */
import type { JsonObject } from '../shared/json.js';
import { deref } from '../shared/json-pointer.js';

export { hasOwn, isObject, members, own, type JsonObject } from '../shared/json.js';
export { child, escapeToken, pointer } from '../shared/json-pointer.js';

/**
 * Follows a chain of local `$ref`s to the object it names. Remote refs, missing targets and ref cycles
 * (`A → B → A`) resolve to undefined; a non-ref object resolves to itself.
 */
export function resolve(root: unknown, value: unknown): JsonObject | undefined {
  return deref(root, value)?.value;
}
