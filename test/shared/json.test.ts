import { describe, expect, it } from 'vitest';
import { hasOwn, isObject, members, own } from '../../generator/shared/json.js';

describe('JSON objects', () => {
  it('tells objects from arrays, null and scalars', () => {
    expect(isObject({})).toBe(true);
    expect(isObject(Object.create(null))).toBe(true);
    expect([[], null, undefined, 'x', 1, true].map(isObject)).toEqual([false, false, false, false, false, false]);
  });

  it('reads own members only: a member named like an Object.prototype one is the document’s', () => {
    const parsed = JSON.parse('{"constructor": 1, "__proto__": {"x": 2}}') as Record<string, unknown>;
    expect(own(parsed, 'constructor')).toBe(1);
    expect(own(parsed, '__proto__')).toEqual({ x: 2 });
    expect(own({}, 'constructor')).toBeUndefined();
    expect(own({}, 'toString')).toBeUndefined();
    expect(hasOwn({}, 'hasOwnProperty')).toBe(false);
    expect(hasOwn({ hasOwnProperty: 1 }, 'hasOwnProperty')).toBe(true);
  });

  it('members() gives an empty object for anything but an object', () => {
    const object = { a: 1 };
    expect(members(object)).toBe(object);
    expect(members([1])).toEqual({});
    expect(members(undefined)).toEqual({});
  });
});
