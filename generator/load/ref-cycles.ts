/**
 * `$ref` cycles that break later stages, found up front so that they fail as bad input (exit 2, one line naming
 * the file and pointer) instead of crashing a library or producing code that does not compile.
 *
 * - {@link assertNoBareRefCycles}: `$ref`s that only point at other `$ref`s in a loop (`A: {$ref: B}`,
 *   `B: {$ref: A}`) name no schema at all; @redocly/openapi-core throws "Self-referencing circular pointer" from
 *   inside its resolver on them.
 * - {@link assertTypeableCycles}: recursion TypeScript cannot express (and chains longer than it can check, see
 *   {@link MAX_TYPE_CHAIN}) in openapi-typescript's output. A schema may
 *   refer to itself through an object property (`Node.next: Node` is fine: an object type defers its members), but
 *   not through what openapi-typescript writes as the schema's own type — `allOf` (an intersection), `oneOf` and
 *   `anyOf` (unions), array `items`/`prefixItems` (`X[]`) and plain `$ref` (an indexed access). Such a cycle, e.g.
 *   `Pet: {oneOf: [Cat]}` with `Cat: {allOf: [Pet]}`, makes schema.ts fail with TS2502 ("referenced directly or
 *   indirectly in its own type annotation").
 *
 * Both walk each node once, iteratively (no recursion depth limit), so they are linear in the document's size.
 */
import { InputError, locate } from '../errors.js';
import { isObject } from '../shared/json.js';
import { getByRef, schemaComponentName } from '../shared/json-pointer.js';
import { objectsIn } from '../shared/walk.js';

type Node = Record<string, unknown>;

function localRef(node: Node): string | undefined {
  const ref = node['$ref'];
  return typeof ref === 'string' && ref.startsWith('#') ? ref : undefined;
}

/**
 * The longest chain of `$ref`s to `$ref`s accepted. @redocly/openapi-core follows such a chain from every link,
 * in time and memory quadratic in its length (1 000 links took 20 s and 1.2 GB, 10 000 ran out of memory after
 * three minutes); real documents have chains of two or three.
 */
export const MAX_BARE_REF_CHAIN = 32;

/**
 * Throws when a chain of local `$ref`s comes back to itself without reaching anything but `$ref`s, or is longer
 * than {@link MAX_BARE_REF_CHAIN}.
 * @param file How messages name the document.
 * @param display Turns a pointer into the spelling the user wrote (see prototype-keys.ts).
 */
export function assertNoBareRefCycles(
  root: unknown,
  file: string,
  display: (text: string) => string = (text) => text,
): void {
  // For each settled $ref object: how many $refs its chain has from it to a schema (itself included).
  const lengths = new Map<Node, number>();
  const settled = { has: (node: Node) => lengths.has(node) };
  // Targets by `$ref` text: GitHub's description has some 10 000 $refs to fewer than 2 000 places.
  const targets = new Map<string, unknown>();
  const target = (ref: string): unknown => {
    if (!targets.has(ref)) targets.set(ref, getByRef(root, ref));
    return targets.get(ref);
  };
  for (const start of objectsIn(root)) {
    if (settled.has(start) || localRef(start) === undefined) continue;
    const path: Node[] = [];
    const refs: string[] = [];
    const onPath = new Set<Node>();
    let node: unknown = start;
    while (isObject(node) && localRef(node) !== undefined && !settled.has(node)) {
      if (onPath.has(node)) {
        const loop = refs.slice(path.indexOf(node));
        throw new InputError(
          display(`the $refs ${[...loop, loop[0]].join(' → ')} point only at each other and never reach a schema`),
          display(locate(file, loop[0]!.slice(1) || '/')),
          'Point one of them at a schema',
        );
      }
      onPath.add(node);
      path.push(node);
      const ref = localRef(node)!;
      refs.push(ref);
      node = target(ref);
    }
    // Lengths from the end of the chain back to its start; too long a chain is reported at its start.
    let length = isObject(node) ? (lengths.get(node) ?? 0) : 0;
    for (let index = path.length - 1; index >= 0; index -= 1) {
      length += 1;
      lengths.set(path[index]!, length);
      if (length > MAX_BARE_REF_CHAIN) {
        // Where path[index] is: the target of the link before it (the start of a chain has no known pointer).
        const at = index > 0 ? refs[index - 1]! : refs[0]!;
        throw new InputError(
          display(`more than ${MAX_BARE_REF_CHAIN} $refs in a row point at other $refs, through this one`),
          display(locate(file, at.slice(1) || '/')),
          'Point the $refs at the schema itself',
        );
      }
    }
  }
}

/**
 * The longest chain of schemas one type may be built from through allOf/oneOf/anyOf/items/$ref: the TypeScript
 * checker resolves such a chain recursively and ran out of stack on a chain of 1 000 allOfs (300 checked fine).
 */
export const MAX_TYPE_CHAIN = 300;

/** Keywords whose sub-schemas openapi-typescript writes into the schema's own type (not inside an object type). */
const EAGER_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;

/** The `$ref`s a schema's own type mentions, with the pointer of each `$ref` (relative to `base`). */
function eagerRefs(schema: unknown, base: string): Array<{ target: string; at: string }> {
  const found: Array<{ target: string; at: string }> = [];
  const stack: Array<{ node: unknown; at: string }> = [{ node: schema, at: base }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { node, at } = stack.pop()!;
    if (!isObject(node) || seen.has(node)) continue;
    seen.add(node);
    const ref = localRef(node);
    if (ref !== undefined) {
      found.push({ target: ref, at });
      continue;
    }
    const next: Array<{ node: unknown; at: string }> = [];
    for (const keyword of EAGER_LISTS) {
      const list = node[keyword];
      if (Array.isArray(list))
        list.forEach((member, index) => next.push({ node: member, at: `${at}/${keyword}/${index}` }));
    }
    const items = node['items'];
    if (Array.isArray(items)) items.forEach((member, index) => next.push({ node: member, at: `${at}/items/${index}` }));
    else next.push({ node: items, at: `${at}/items` });
    // Reversed onto the stack: found in document order, so the first cycle reported is the first one written.
    for (let index = next.length - 1; index >= 0; index -= 1) stack.push(next[index]!);
  }
  return found;
}

/**
 * Throws when schemas include each other through `allOf`/`oneOf`/`anyOf`/`items`/`$ref` only (see the module
 * comment). Call it on the bundled document (every `$ref` local).
 */
export function assertTypeableCycles(root: unknown, file: string): void {
  // Nodes of the graph: the targets of $refs, by pointer. Edges: the $refs their own type mentions.
  const targets = new Set<string>();
  for (const node of objectsIn(root)) {
    const ref = localRef(node);
    if (ref !== undefined) targets.add(ref);
  }
  const edges = new Map<string, Array<{ target: string; at: string }>>();
  const edgesOf = (target: string): Array<{ target: string; at: string }> => {
    let list = edges.get(target);
    if (!list) {
      list = eagerRefs(getByRef(root, target), target.slice(1));
      edges.set(target, list);
    }
    return list;
  };
  // Iterative depth-first search with three colours: a grey target reached again closes a cycle. Black targets
  // know the length of the longest chain of schemas their type is built from (`depths`).
  const colour = new Map<string, 'grey' | 'black'>();
  const depths = new Map<string, number>();
  for (const start of targets) {
    if (colour.has(start)) continue;
    const stack: Array<{ target: string; index: number; depth: number }> = [{ target: start, index: 0, depth: 1 }];
    colour.set(start, 'grey');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const next = edgesOf(frame.target)[frame.index];
      if (!next) {
        if (frame.depth > MAX_TYPE_CHAIN) {
          throw new InputError(
            `the type of ${name(frame.target)} is built from a chain of more than ${MAX_TYPE_CHAIN} schemas through allOf/oneOf/anyOf/items/$ref, deeper than TypeScript can check`,
            locate(file, frame.target.slice(1)),
            'Shorten the chain, e.g. by nesting some of it in object properties',
          );
        }
        colour.set(frame.target, 'black');
        depths.set(frame.target, frame.depth);
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) parent.depth = Math.max(parent.depth, frame.depth + 1);
        continue;
      }
      frame.index += 1;
      const state = colour.get(next.target);
      if (state === 'black') {
        frame.depth = Math.max(frame.depth, depths.get(next.target)! + 1);
        continue;
      }
      if (state === 'grey') {
        const loop = stack
          .slice(stack.findIndex((entry) => entry.target === next.target))
          .map((entry) => name(entry.target));
        throw new InputError(
          `the schemas ${[...loop, loop[0]].join(' → ')} contain each other through allOf/oneOf/anyOf/items/$ref alone, which TypeScript cannot express (schema.ts would not compile)`,
          locate(file, next.at),
          'Let the recursion pass through an object property instead',
        );
      }
      colour.set(next.target, 'grey');
      stack.push({ target: next.target, index: 0, depth: 1 });
    }
  }
}

/** `#/components/schemas/Pet` → `Pet`; other pointers as they are. */
function name(ref: string): string {
  return schemaComponentName(ref) ?? ref;
}
