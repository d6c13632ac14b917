/**
 * Reading an already-parsed OpenAPI document: own-property access (a path named `constructor` is a path, not
 * `Object.prototype.constructor`), RFC 6901 pointers, and local `$ref` resolution that stops on cycles.
 */

/** A JSON object as the diff reads it. */
export type JsonObject = Record<string, unknown>;

/** Whether a value is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `key` is an own property of `object` (never one inherited from `Object.prototype`). */
export function hasOwn(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** The own property `key` of `object`, or undefined. */
export function own(object: JsonObject, key: string): unknown {
  return hasOwn(object, key) ? object[key] : undefined;
}

/** The value when it is an object, else an empty object: lets rules read optional members without checks. */
export function members(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

/** Escapes one reference token of a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a JSON pointer from unescaped tokens: `pointer('paths', '/a', 'post')` → `/paths/~1a/post`. */
export function pointer(...tokens: string[]): string {
  return tokens.map((token) => `/${escapeToken(token)}`).join('');
}

/** Appends unescaped tokens to a JSON pointer. */
export function child(at: string, ...tokens: string[]): string {
  return at + pointer(...tokens);
}

/** Looks up a local reference (`#/a/b`, URI-fragment encoded) in `root`; undefined when it names nothing. */
export function getByRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (path === '') return root;
  if (!path.startsWith('/')) return undefined;
  let node: unknown = root;
  for (const raw of path.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (isObject(node) && hasOwn(node, token)) {
      node = node[token];
    } else {
      return undefined;
    }
  }
  return node;
}

/**
 * Follows a chain of local `$ref`s to the object it names. Remote refs, missing targets and ref cycles
 * (`A → B → A`) resolve to undefined; a non-ref object resolves to itself.
 */
export function resolve(root: unknown, value: unknown): JsonObject | undefined {
  let current = value;
  const seen = new Set<string>();
  while (isObject(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (seen.has(ref)) return undefined;
    seen.add(ref);
    current = getByRef(root, ref);
  }
  return isObject(current) ? current : undefined;
}
