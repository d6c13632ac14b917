import { parseRef } from '@redocly/openapi-core/lib/ref-utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  child,
  decodeRef,
  deref,
  escapeToken,
  getByRef,
  pointer,
  schemaComponentName,
  unescapeToken,
} from '../../generator/shared/json-pointer.js';

describe('building pointers', () => {
  it('escapes ~ before / (RFC 6901 §3), and percent-encodes nothing', () => {
    expect(pointer('paths', '/a/{id}', 'post')).toBe('/paths/~1a~1{id}/post');
    expect(escapeToken('~/')).toBe('~0~1');
    expect(escapeToken('a b%20')).toBe('a b%20');
    expect(child('/paths', '/a', 'get')).toBe('/paths/~1a/get');
    expect(pointer()).toBe('');
  });

  it('unescapes ~1 before ~0, so ~01 is ~1 and not / (RFC 6901 §4)', () => {
    expect(unescapeToken('~01')).toBe('~1');
    expect(unescapeToken('~10')).toBe('/0');
    expect(unescapeToken('a~0b~1c')).toBe('a~b/c');
  });

  it('round-trips every token', () => {
    fc.assert(fc.property(fc.string(), (token) => unescapeToken(escapeToken(token)) === token));
  });
});

describe('decoding $refs (the one policy, see shared/json-pointer.ts)', () => {
  it('decodes ~0 and ~1', () => {
    expect(decodeRef('#/paths/~1a~1b/get')).toEqual(['paths', '/a/b', 'get']);
    expect(decodeRef('#/x/~0~1')).toEqual(['x', '~/']);
    expect(decodeRef('#/x/~01')).toEqual(['x', '~1']);
  });

  it('percent-decodes each token after unescaping it', () => {
    expect(decodeRef('#/components/schemas/My%20Schema')).toEqual(['components', 'schemas', 'My Schema']);
    // %2F is a slash inside the key, not a separator.
    expect(decodeRef('#/definitions/a%2Fb')).toEqual(['definitions', 'a/b']);
    // %7E1 is a literal ~1 (unescaping happens first), and %25 a literal %.
    expect(decodeRef('#/x/%7E1')).toEqual(['x', '~1']);
    expect(decodeRef('#/x/100%25')).toEqual(['x', '100%']);
    expect(decodeRef('#/x/%C3%A9')).toEqual(['x', 'é']);
  });

  it('names the root with # and #/, skips empty tokens', () => {
    expect(decodeRef('#')).toEqual([]);
    expect(decodeRef('#/')).toEqual([]);
    expect(decodeRef('#/a//b/')).toEqual(['a', 'b']);
  });

  it('names nothing for remote refs, fragments without a leading /, and malformed escapes, without throwing', () => {
    expect(decodeRef('other.yaml#/a')).toBeUndefined();
    expect(decodeRef('#a')).toBeUndefined();
    expect(decodeRef('#/a%zz')).toBeUndefined();
    expect(decodeRef('#/a/%E0%A4%A')).toBeUndefined();
    expect(getByRef({ a: 1 }, '#/a%')).toBeUndefined();
  });

  it('agrees with @redocly/openapi-core (the validator) and so with openapi-typescript on random refs', () => {
    // Pieces where the policies could differ: escapes, percent escapes of ~ / % and their malformed forms.
    const piece = fc.constantFrom(
      'a',
      '~',
      '~0',
      '~1',
      '/',
      '%',
      '%7E',
      '%7E1',
      '%7e0',
      '%2F',
      '%25',
      '%zz',
      'é',
      '%C3%A9',
      '#',
      '1',
    );
    fc.assert(
      fc.property(fc.array(fc.string({ unit: piece, maxLength: 4 }), { maxLength: 5 }), (raw) => {
        const ref = `#/${raw.join('/')}`;
        let expected: string[] | undefined;
        try {
          expected = parseRef(ref).pointer;
          // redocly splits at every '#/', so a ref holding a second one is not a local pointer to it.
          if (raw.join('/').includes('#/')) return true;
        } catch {
          expected = undefined;
        }
        expect(decodeRef(ref)).toEqual(expected);
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('reading by ref', () => {
  const root = {
    paths: { '/a': { get: { operationId: 'a' } } },
    'a/b': 1,
    list: ['zero', 'one'],
    components: { schemas: { 'My Schema': { type: 'object' }, 'a~b': { type: 'string' } } },
  };

  it('reads members and array indexes', () => {
    expect(getByRef(root, '#/paths/~1a/get/operationId')).toBe('a');
    expect(getByRef(root, '#/a~1b')).toBe(1);
    expect(getByRef(root, '#/a%2Fb')).toBe(1);
    expect(getByRef(root, '#/list/1')).toBe('one');
    expect(getByRef(root, '#')).toBe(root);
  });

  it('never reads inherited members, array length or non-canonical indexes', () => {
    expect(getByRef(root, '#/constructor')).toBeUndefined();
    expect(getByRef(root, '#/paths/toString')).toBeUndefined();
    expect(getByRef(root, '#/list/length')).toBeUndefined();
    expect(getByRef(root, '#/list/01')).toBeUndefined();
    expect(getByRef(root, '#/list/2')).toBeUndefined();
    expect(getByRef(root, '#/list/-')).toBeUndefined();
  });

  it('follows $ref chains to an object, and stops on cycles and dead ends', () => {
    const doc = {
      a: { $ref: '#/b' },
      b: { $ref: '#/c' },
      c: { type: 'string' },
      loop1: { $ref: '#/loop2' },
      loop2: { $ref: '#/loop1' },
      dead: { $ref: '#/missing' },
      remote: { $ref: 'other.yaml#/c' },
      scalar: { $ref: '#/a~1b' },
      'a/b': 1,
    };
    expect(deref(doc, doc.a, '/a')).toEqual({ value: { type: 'string' }, pointer: '/c' });
    expect(deref(doc, doc.c, '/c')).toEqual({ value: { type: 'string' }, pointer: '/c' });
    expect(deref(doc, doc.loop1)).toBeUndefined();
    expect(deref(doc, doc.dead)).toBeUndefined();
    expect(deref(doc, doc.remote)).toBeUndefined();
    expect(deref(doc, doc.scalar)).toBeUndefined();
  });

  it('names schema components, decoded', () => {
    expect(schemaComponentName('#/components/schemas/My%20Schema')).toBe('My Schema');
    expect(schemaComponentName('/components/schemas/a~0b')).toBe('a~b');
    expect(schemaComponentName('#/components/schemas/A/properties/b')).toBeUndefined();
    expect(schemaComponentName('#/components/responses/A')).toBeUndefined();
  });
});
