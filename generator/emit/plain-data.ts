/**
 * What crosses a thread boundary must be plain data: `null`, booleans, finite numbers, strings, arrays and objects
 * whose prototype is Object.prototype (or null), nothing else. The structured clone of `postMessage` refuses a
 * function with `function Object() { [native code] } could not be cloned.` and turns a class instance into a
 * plain object silently; JSON drops `undefined` and turns `NaN` into `null`. Either way the worker would build
 * from something other than what the analyzer decided, and only the built CLI (not the in-process tests) would
 * see it. So the IR is checked and copied here, on both paths (worker and in-process): a value that is not plain
 * data is a bug of the analyzer, reported with the path of the value, never a clone error.
 */

/** A value that is not plain data, where it was found. */
export class NotPlainDataError extends Error {
  override readonly name = 'NotPlainDataError';
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(`not plain data at ${path}: ${what}`);
  }
}

/**
 * A deep copy of `value` as plain data (own enumerable string keys only, `undefined` members left out, each key
 * an own property even when it is `__proto__`), or a {@link NotPlainDataError} naming the first value that is not.
 * Shared objects are copied once per reference; a cycle is an error.
 */
export function toPlainData<T>(value: T, path = '$'): T {
  return copy(value, path, new Set()) as T;
}

function copy(value: unknown, path: string, ancestors: Set<object>): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotPlainDataError(path, String(value));
    return value;
  }
  if (typeof value !== 'object') throw new NotPlainDataError(path, describe(value));
  if (ancestors.has(value)) throw new NotPlainDataError(path, 'a cycle');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) throw new NotPlainDataError(path, 'an array subclass');
      return Array.from(value, (item, index) => {
        if (item === undefined) throw new NotPlainDataError(`${path}[${index}]`, 'undefined in an array');
        return copy(item, `${path}[${index}]`, ancestors);
      });
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null)
      throw new NotPlainDataError(path, `an instance of ${describe(value)}`);
    if (Object.getOwnPropertySymbols(value).length > 0) throw new NotPlainDataError(path, 'symbol keys');
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const member = (value as Record<string, unknown>)[key];
      if (member === undefined) continue;
      // defineProperty, not assignment: `result['__proto__'] = x` would set the prototype instead of a member.
      Object.defineProperty(result, key, {
        value: copy(member, `${path}.${key}`, ancestors),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  } finally {
    ancestors.delete(value);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'function') return `a function (${String(value).slice(0, 60)})`;
  if (typeof value === 'object' && value !== null) {
    const constructor = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor;
    return typeof constructor?.name === 'string' ? constructor.name : 'an object';
  }
  return `a ${typeof value}`;
}
