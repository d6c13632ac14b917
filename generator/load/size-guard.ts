import { InputError } from '../errors.js';

/**
 * The most nodes a document may expand to. YAML aliases let a tiny file describe an exponentially large tree
 * ("billion laughs"); every later stage walks the expanded tree, so we measure it first. Real documents are far
 * below this (openai.yaml, 1.9 MB, expands to about 400 000 nodes).
 */
export const MAX_EXPANDED_NODES = 5_000_000;

/** The deepest nesting we accept; deeper trees would overflow recursive walkers in this and other tools. */
export const MAX_DEPTH = 2_000;

/**
 * Throws when the parsed document would expand past `maxNodes` ({@link MAX_EXPANDED_NODES}) nodes or
 * {@link MAX_DEPTH} levels, or contains an alias cycle. Shared subtrees (YAML aliases) are sized once, so this
 * costs time linear in the unique nodes, not in the expansion. Returns the expanded size, in nodes.
 */
export function assertReasonableSize(root: unknown, where: string, maxNodes = MAX_EXPANDED_NODES): number {
  const sizes = new Map<object, number>();
  const onPath = new Set<object>();
  const fail = (why: string): never => {
    throw new InputError(why, where, 'If the document uses YAML anchors and aliases, inline them or use $ref instead.');
  };
  // An explicit stack instead of recursion, so that a 100 000-deep document cannot overflow ours.
  type Frame = { node: object; children: unknown[]; index: number; total: number };
  const stack: Frame[] = [];
  const sizeOf = (value: unknown): number | undefined => {
    if (value === null || typeof value !== 'object') return 1;
    return sizes.get(value);
  };
  const push = (node: object): void => {
    if (onPath.has(node)) fail('the document contains a YAML alias cycle');
    if (stack.length >= MAX_DEPTH) fail(`the document nests deeper than ${MAX_DEPTH} levels`);
    onPath.add(node);
    stack.push({ node, children: Array.isArray(node) ? node : Object.values(node), index: 0, total: 1 });
  };
  if (root === null || typeof root !== 'object') return 1;
  push(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.index < frame.children.length) {
      const child = frame.children[frame.index];
      const known = sizeOf(child);
      if (known === undefined) {
        push(child as object);
        continue;
      }
      frame.total += known;
      frame.index += 1;
      if (frame.total > maxNodes) fail(`the document expands to more than ${maxNodes} nodes`);
      continue;
    }
    stack.pop();
    onPath.delete(frame.node);
    sizes.set(frame.node, frame.total);
    if (frame.node === root) return frame.total;
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.total += frame.total;
      parent.index += 1;
      if (parent.total > maxNodes) fail(`the document expands to more than ${maxNodes} nodes`);
    }
  }
  return sizes.get(root) ?? 1;
}
