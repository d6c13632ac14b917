import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../generator/shared/hash.js';
import { HTTP_METHODS } from '../../generator/shared/http.js';
import { posixRelative, sourceLabel } from '../../generator/shared/source-label.js';
import { isUrl } from '../../generator/shared/url.js';
import { objectsIn } from '../../generator/shared/walk.js';

describe('isUrl', () => {
  it('is true for http(s) URLs only, in any case', () => {
    expect(['http://x/a.yaml', 'HTTPS://x/a.yaml'].map(isUrl)).toEqual([true, true]);
    expect(['http.yaml', 'spec/http://x', 'ftp://x/a', 'file:///a.yaml', 'https:/x'].map(isUrl)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('sourceLabel', () => {
  it('names files relative to the working directory with forward slashes, URLs as given', () => {
    expect(sourceLabel('./spec/../spec/api.yaml', '/repo')).toBe('spec/api.yaml');
    expect(sourceLabel('/repo/spec/api.yaml', '/repo')).toBe('spec/api.yaml');
    expect(sourceLabel('/elsewhere/api.yaml', '/repo')).toBe('../elsewhere/api.yaml');
    expect(sourceLabel('https://example.com/a/../api.yaml', '/repo')).toBe('https://example.com/a/../api.yaml');
    expect(posixRelative('/repo', '/repo')).toBe('');
  });
});

describe('sha256', () => {
  it('hashes text as UTF-8 and bytes alike, in lowercase hex', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256('é')).toBe(createHash('sha256').update(Buffer.from('é', 'utf8')).digest('hex'));
    expect(sha256(Buffer.from('é', 'utf8'))).toBe(sha256('é'));
  });
});

describe('HTTP_METHODS', () => {
  it('are the eight methods of an OpenAPI path item', () => {
    expect(HTTP_METHODS).toEqual(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
  });
});

describe('objectsIn', () => {
  it('yields every plain object once, through arrays, shared subtrees once, cycles included', () => {
    const shared = { id: 'shared' };
    const root: Record<string, unknown> = { a: [shared, { b: shared }], c: 1 };
    root.self = root;
    const seen = [...objectsIn(root)];
    expect(seen).toContain(root);
    expect(seen.filter((node) => node === shared)).toHaveLength(1);
    expect(seen).toHaveLength(3);
  });

  it('walks into members the consumer put in place of the old ones', () => {
    const root: Record<string, unknown> = { old: { id: 'old' } };
    const ids: unknown[] = [];
    for (const node of objectsIn(root)) {
      ids.push(node.id);
      if (node === root) {
        delete root.old;
        root.renamed = { id: 'new' };
      }
    }
    expect(ids).toEqual([undefined, 'new']);
  });

  it('is iterative: a 100 000-deep chain does not overflow the stack', () => {
    let node: Record<string, unknown> = {};
    const root = node;
    for (let depth = 0; depth < 100_000; depth += 1) node = node.next = {};
    expect([...objectsIn(root)]).toHaveLength(100_001);
  });
});
