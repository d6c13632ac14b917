/**
 * JSON values as the generator reads them from a parsed document. Every read of a document member goes through
 * {@link own}/{@link hasOwn}: a path, schema or property named `constructor` or `toString` is a member of the
 * document, never a member of `Object.prototype`.
 */

/** A JSON object. Members are `unknown` until a check narrows them. */
export type JsonObject = Record<string, unknown>;

/** Whether a value is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `key` is an own property of `object` (never one inherited from `Object.prototype`). */
export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** The own property `key` of `object`, or undefined. */
export function own(object: JsonObject, key: string): unknown {
  return hasOwn(object, key) ? object[key] : undefined;
}

/** The value when it is an object, else an empty object: lets readers take optional members without checks. */
export function members(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}
