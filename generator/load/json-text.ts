/**
 * A JSON document parsed with `JSON.parse` instead of js-yaml (which @redocly/openapi-core's
 * `makeDocumentFromString` uses for JSON too): on GitHub's 13 MB description 0.06-0.15 s for `JSON.parse`, 0.17-0.2 s
 * with the checks below, against 0.42-0.68 s for js-yaml (docs/performance.md). Only where the result is provably what js-yaml would give; in every other case the
 * caller parses with js-yaml as before, so its refusals and their messages (with line and column) are unchanged.
 * Where the two differ on text `JSON.parse` accepts, and how each is detected here:
 *
 * - a duplicated key: js-yaml refuses it ("duplicated mapping key"), `JSON.parse` keeps the last value. Each member
 *   of a JSON object has exactly one `:` outside strings, so the text has no duplicate iff its count of `:` is the
 *   members parsed plus the `:` inside parsed strings (a `:` written as `\u003a` would break that count: such text
 *   takes js-yaml's way);
 * - nesting: js-yaml refuses a node {@link YAML_MAX_DEPTH} - 1 levels below the root (its `maxDepth`: scalars
 *   count, and so does the document around the root);
 * - a number too large for a double: js-yaml reads `1e400` as the string "1e400", `JSON.parse` as Infinity; and
 *   `-0`, which js-yaml reads as 0 (but `-0.0` as -0: any -0 takes js-yaml's way);
 * - a key on one line and its `:` on a later one: valid JSON, refused by js-yaml (a YAML implicit key ends with its
 *   line). Strings hold no raw line break, so a line that starts (after blanks) with `:` is exactly that case.
 *
 * The tree `JSON.parse` returns shares no nodes, so its size is counted here, in the same walk, instead of by
 * size-guard.ts (which exists for YAML aliases).
 */

/**
 * js-yaml's default `maxDepth` (redocly passes none). Measured on js-yaml 4.3.2: 98 arrays around a scalar parse,
 * 99 do not; so a node at level 99 (the root at 0) is refused.
 */
export const YAML_MAX_DEPTH = 100;

/**
 * The document and its size in nodes (containers and scalars, as size-guard.ts counts), when `text` is a JSON
 * object that js-yaml would read to the same value; otherwise undefined (the caller then parses with js-yaml).
 */
export function parseJsonText(
  text: string,
  maxNodes: number,
): { parsed: Record<string, unknown>; nodes: number } | undefined {
  if (!/^[ \t\r\n]*\{/.test(text) || text.includes('\\u003a') || text.includes('\\u003A')) return undefined;
  const colons = structuralColons(text);
  if (colons === undefined) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  let nodes = 0;
  let members = 0;
  let colonsInStrings = 0;
  const containers: object[] = [parsed];
  const levels: number[] = [0];
  // A child of a node at `level`; false when it is a scalar js-yaml would read differently.
  const child = (value: unknown, level: number): boolean => {
    if (value !== null && typeof value === 'object') {
      containers.push(value);
      levels.push(level + 1);
      return true;
    }
    nodes += 1;
    if (typeof value === 'string') colonsInStrings += colonsIn(value);
    return typeof value !== 'number' || (Number.isFinite(value) && !Object.is(value, -0));
  };
  while (containers.length > 0) {
    const node = containers.pop()!;
    const level = levels.pop()!;
    nodes += 1;
    if (nodes > maxNodes) return undefined;
    if (Array.isArray(node)) {
      if (node.length > 0 && level + 2 >= YAML_MAX_DEPTH) return undefined;
      for (const value of node as unknown[]) if (!child(value, level)) return undefined;
    } else {
      const keys = Object.keys(node);
      if (keys.length > 0 && level + 2 >= YAML_MAX_DEPTH) return undefined;
      members += keys.length;
      for (const key of keys) {
        colonsInStrings += colonsIn(key);
        if (!child((node as Record<string, unknown>)[key], level)) return undefined;
      }
    }
  }
  return nodes <= maxNodes && colons === members + colonsInStrings ? { parsed, nodes } : undefined;
}

/**
 * The `:` in `text`; undefined when one starts a line (after blanks): outside a string that is a key whose `:` is on
 * a later line, and inside one it cannot be (JSON strings hold no raw line break).
 */
function structuralColons(text: string): number | undefined {
  let count = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) {
    count += 1;
    let before = at - 1;
    while (text[before] === ' ' || text[before] === '\t') before -= 1;
    if (text[before] === '\n' || text[before] === '\r') return undefined;
  }
  return count;
}

function colonsIn(text: string): number {
  let count = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) count += 1;
  return count;
}
