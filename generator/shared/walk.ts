/**
 * Every plain object under `root` (arrays are walked through, not yielded), each once: YAML aliases share nodes,
 * and a shared subtree is visited once. Iterative (no recursion depth limit) and linear in the unique nodes.
 *
 * Children are read when the walk resumes after yielding their parent, so the consumer may rename or replace the
 * parent's members (load/prototype-keys.ts does) and the walk goes on into the new ones. Order: depth-first, last
 * member first (a stack); callers that report "the first" of something rely on it being stable, not on it being
 * document order.
 */
export function* objectsIn(root: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (!Array.isArray(value)) yield value as Record<string, unknown>;
    // A loop, not push(...values): a spread of a huge array would overflow the call's argument list.
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push(child);
  }
}
