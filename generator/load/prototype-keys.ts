/**
 * Keys named like members of Object.prototype (`toString`, `hasOwnProperty`, `constructor`, `__proto__`, …) are
 * legal names of schemas, properties, scopes and security schemes, but @redocly/openapi-core looks document keys
 * up in plain objects (`type.properties[key]`, `target[segment]`): `hasOwnProperty` as a property name crashes its
 * resolver with a TypeError (and leaves unhandled rejections behind), `toString` resolves a `$ref` to a missing
 * schema to a function, `constructor` draws bogus struct warnings.
 *
 * So the loader hands redocly a document whose such keys (and the `$ref` tokens that name them) carry a marker
 * prefix no OpenAPI keyword has, and removes the marker from the bundled result. Keys that already start with the
 * marker get a second one, so the mapping is reversible whatever the document holds. Both passes work in place,
 * visit each node once (YAML aliases share nodes) and keep key order.
 */

import { isObject } from '../shared/json.js';
import { decodeRefToken, escapeToken } from '../shared/json-pointer.js';
import { objectsIn } from '../shared/walk.js';

/** A prefix from the Unicode private use area; never part of an OpenAPI keyword. */
export const KEY_MARKER = '\uE000wcg\uE001';

const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

function needsMarker(key: string): boolean {
  return INHERITED.has(key) || key.startsWith(KEY_MARKER);
}

/**
 * Rewrites the keys of every object under `root` with `rename` (undefined: keep), in place and in order. Returns
 * whether anything changed.
 */
function renameKeys(
  root: unknown,
  rename: (key: string) => string | undefined,
  rewriteRef: (ref: string) => string,
): boolean {
  let changed = false;
  const rewrite = (ref: string): string => {
    const rewritten = rewriteRef(ref);
    if (rewritten !== ref) changed = true;
    return rewritten;
  };
  for (const record of objectsIn(root)) {
    const keys = Object.keys(record);
    if (keys.some((key) => rename(key) !== undefined)) {
      changed = true;
      const entries = keys.map((key) => [rename(key) ?? key, record[key]] as const);
      for (const key of keys) delete record[key];
      // defineProperty: an own `__proto__` must stay a member, not become the prototype.
      for (const [key, value] of entries)
        Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
    }
    if (typeof record['$ref'] === 'string') record['$ref'] = rewrite(record['$ref']);
    const mapping = record['mapping'];
    if (typeof record['propertyName'] === 'string' && isObject(mapping)) {
      for (const [name, target] of Object.entries(mapping))
        if (typeof target === 'string') mapping[name] = rewrite(target);
    }
  }
  return changed;
}

/** Applies `token` to every reference token of a `$ref`'s fragment (or to a bare component name). */
function rewriteTokens(ref: string, token: (decoded: string) => string | undefined): string {
  const hash = ref.indexOf('#');
  if (hash === -1) {
    // A discriminator mapping may name a schema without a pointer.
    return /[/.]/.test(ref) ? ref : (token(ref) ?? ref);
  }
  const fragment = ref.slice(hash + 1);
  const tokens = fragment.split('/').map((raw) => {
    const decoded = decodeRefToken(raw);
    const renamed = decoded === undefined ? undefined : token(decoded);
    // `%` re-encoded: readers percent-decode each token (see shared/json-pointer.ts), so a literal one must stay `%25`.
    return renamed === undefined ? raw : escapeToken(renamed).replace(/%/g, '%25');
  });
  return `${ref.slice(0, hash + 1)}${tokens.join('/')}`;
}

/**
 * A reference token of a `$ref` without `%` is the token with `~1`/`~0` decoded: one that holds `~` decodes to a
 * text with `~` or `/`, which no Object.prototype member has. So such a `$ref` needs a marker only when one of its
 * raw tokens is an inherited name or holds the marker; the test spares the split, decode and re-encode of every
 * token of every `$ref` (most of a marking pass's time on GitHub's description).
 */
const MARKABLE_TOKEN = new RegExp(`[/#](?:${[...INHERITED].join('|')})(?=/|$)|${KEY_MARKER[0]}`);

/** Marks the keys of `root` (and the `$ref` tokens) that redocly cannot handle. In place; returns whether any. */
export function markPrototypeKeys(root: unknown): boolean {
  const mark = (key: string): string | undefined => (needsMarker(key) ? `${KEY_MARKER}${key}` : undefined);
  return renameKeys(root, mark, (ref) =>
    ref.includes('%') || !ref.includes('#') || MARKABLE_TOKEN.test(ref) ? rewriteTokens(ref, mark) : ref,
  );
}

/** Removes the markers {@link markPrototypeKeys} added. In place. */
export function unmarkPrototypeKeys(root: unknown): void {
  const unmark = (key: string): string | undefined =>
    key.startsWith(KEY_MARKER) ? key.slice(KEY_MARKER.length) : undefined;
  // Without `%` (percent-encoded marker) or the marker itself, no token of a `$ref` starts with the marker.
  renameKeys(root, unmark, (ref) =>
    ref.includes('%') || ref.includes(KEY_MARKER[0]!) ? rewriteTokens(ref, unmark) : ref,
  );
}

/** A redocly message or pointer as the user's document spells it. */
export function unmarkText(text: string): string {
  return text.split(KEY_MARKER).join('');
}

/**
 * TypeScript printed from a marked document with the marks removed: they only occur in keys, printed as string
 * literals either raw or \u-escaped.
 */
export function unmarkSchemaText(text: string): string {
  return unmarkText(text).replace(/\\u[eE]000wcg\\u[eE]001/g, '');
}
