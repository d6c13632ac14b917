/**
 * JSON pointers (RFC 6901) and local `$ref`s, with one decoding policy for every stage.
 *
 * Building ({@link pointer}, {@link child}): each token is escaped, `~` → `~0` and `/` → `~1`, and nothing is
 * percent-encoded: `pointer('paths', '/a', 'post')` is `/paths/~1a/post`. These pointers name places in messages
 * (`spec.yaml#/paths/~1a/post: …`), spelled as the validator spells them.
 *
 * Reading a `$ref` ({@link decodeRef}, {@link getByRef}, {@link deref}): the fragment after `#` is split at
 * `/`, each token is unescaped (`~1` → `/`, then `~0` → `~`) and then percent-decoded, and empty tokens are
 * skipped. That is exactly how @redocly/openapi-core resolves a `$ref` (`parseRef` in its ref-utils, which
 * openapi-typescript uses for schema.ts as well), and the loader accepts a document only when redocly resolves
 * every `$ref` in it: so a `$ref` names the same node in load, analyze, emit and diff as in the validator and in
 * schema.ts (test/shared/json-pointer.test.ts checks the agreement on random refs). A literal reading of RFC 6901 §6
 * (percent-decode the whole fragment, then split and unescape) differs in three corners, where we follow redocly:
 * - `%2F` inside a token is a `/` in the key (`#/definitions/a%2Fb` names the member `a/b`), not a separator;
 * - `%7E1` is a literal `~1` in the key, not a `/`;
 * - an empty token (`#/a//b`) is skipped, so the member named `` (empty) cannot be referenced.
 * A non-local ref (`other.yaml#/x`), a fragment that does not start with `/`, or a malformed percent escape
 * (`#/a%zz`) names nothing: undefined, never an exception.
 */
import { hasOwn, isObject, type JsonObject } from './json.js';

/** Escapes one reference token: `~` → `~0`, `/` → `~1` (RFC 6901 §3). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Unescapes one reference token: `~1` → `/`, then `~0` → `~` (in that order: `~01` is `~1`, RFC 6901 §4). */
export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Builds a JSON pointer from unescaped tokens: `pointer('paths', '/a', 'post')` → `/paths/~1a/post`. */
export function pointer(...tokens: string[]): string {
  return tokens.map((token) => `/${escapeToken(token)}`).join('');
}

/** Appends unescaped tokens to a JSON pointer: `child('/paths', '/a')` → `/paths/~1a`. */
export function child(at: string, ...tokens: string[]): string {
  return at + pointer(...tokens);
}

/**
 * The reference tokens of a local `$ref` (`#`, `#/a/b`), decoded by the policy in the module comment; undefined
 * when the ref is not local or not well-formed.
 */
export function decodeRef(ref: string): string[] | undefined {
  if (!ref.startsWith('#')) return undefined;
  const fragment = ref.slice(1);
  if (fragment === '') return [];
  if (!fragment.startsWith('/')) return undefined;
  const tokens: string[] = [];
  for (const raw of fragment.slice(1).split('/')) {
    const token = decodeRefToken(raw);
    if (token === undefined) return undefined;
    if (token !== '') tokens.push(token);
  }
  return tokens;
}

/** One token of a `$ref` fragment as it names a member: unescaped, then percent-decoded; undefined if malformed. */
export function decodeRefToken(raw: string): string | undefined {
  // Most tokens hold neither escape: skip the work (the diff resolves refs in its inner loop).
  if (!raw.includes('~') && !raw.includes('%')) return raw;
  try {
    return decodeURIComponent(unescapeToken(raw));
  } catch {
    return undefined;
  }
}

/** The member `tokens` name in `root`: own properties of objects, and array indexes (`0`, `12`, never `length`). */
export function getByTokens(root: unknown, tokens: readonly string[]): unknown {
  let node: unknown = root;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= node.length) return undefined;
      node = node[Number(token)];
    } else if (isObject(node) && hasOwn(node, token)) {
      node = node[token];
    } else {
      return undefined;
    }
  }
  return node;
}

/** What a local `$ref` (`#/a/b`) names in `root`; undefined when it names nothing. */
export function getByRef(root: unknown, ref: string): unknown {
  const tokens = decodeRef(ref);
  return tokens === undefined ? undefined : getByTokens(root, tokens);
}

/**
 * Follows a chain of local `$ref`s from `value` (found at pointer `at`) to the object it names, and returns that
 * object and its pointer (the fragment of the last `$ref`, as written). A non-ref object resolves to itself;
 * remote refs, missing targets, non-objects and ref cycles (`A → B → A`) resolve to undefined.
 */
export function deref(root: unknown, value: unknown, at = ''): { value: JsonObject; pointer: string } | undefined {
  let current = value;
  let where = at;
  const seen = new Set<string>();
  while (isObject(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (seen.has(ref)) return undefined;
    seen.add(ref);
    const tokens = decodeRef(ref);
    if (tokens === undefined) return undefined;
    where = ref.slice(1);
    current = getByTokens(root, tokens);
  }
  return isObject(current) ? { value: current, pointer: where } : undefined;
}

/** The component name a ref or pointer to `#/components/schemas/<name>` names (decoded), else undefined. */
export function schemaComponentName(refOrPointer: string): string | undefined {
  const tokens = decodeRef(refOrPointer.startsWith('#') ? refOrPointer : `#${refOrPointer}`);
  return tokens?.length === 3 && tokens[0] === 'components' && tokens[1] === 'schemas' ? tokens[2] : undefined;
}
