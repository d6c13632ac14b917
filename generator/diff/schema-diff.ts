import { capitalize, type ChangeList } from './change-list.js';
import { InputError } from '../errors.js';
import { isObject, resolve, type JsonObject } from './resolve.js';
import {
  enumUnion,
  enumValues,
  flatten,
  isNullable,
  pairVariants,
  refTarget,
  typeName,
  typesCovered,
  typesOf,
  unionOf,
  type Direction,
  type Union,
} from './schema-shape.js';

export type { Direction } from './schema-shape.js';

/** Where two schemas sit in each document, and how messages name them. */
export interface SchemaSite {
  direction: Direction;
  /** e.g. `POST /connect/token`; empty for a component schema described on its own. */
  operation: string;
  /** What the root schema belongs to, e.g. "the request body (application/json)" or "query parameter `expand`". */
  subject: string;
  /** Dotted path of the field below the root (`address.city`, `tags[]`), once inside a property. */
  field?: string | undefined;
  /** e.g. "oneOf variant Card", when inside a `oneOf`/`anyOf` member. */
  qualifier?: string | undefined;
  oldPointer: string;
  newPointer: string;
}

/** The documents the schemas resolve against (each side's `$ref`s in its own document). */
export interface SchemaRoots {
  oldRoot: unknown;
  newRoot: unknown;
}

/** Names a site in a message: "request field `scope` of POST /connect/token". */
export function labelOf(site: SchemaSite): string {
  const what = site.field !== undefined ? `${site.direction} field \`${site.field}\`` : site.subject;
  const within =
    site.operation !== '' ? ` of ${site.operation}` : site.field !== undefined ? ` of ${site.subject}` : '';
  return `${what}${site.qualifier !== undefined ? ` (${site.qualifier})` : ''}${within}`;
}

/** Moves a site one level down (into a property, `items`, a variant…). */
type Step = (site: SchemaSite) => SchemaSite;

/** A change found when comparing one pair of schemas, described relative to wherever the pair is used. */
interface LocalChange {
  id: string;
  /** Where below the pair the change sits (a property), if not at the pair itself. */
  step?: Step;
  message: (site: SchemaSite) => string;
  pointers: 'old' | 'new' | 'both';
}

/** A pair of schemas to compare below this one, and how to get there. */
interface Edge {
  step: Step;
  node: PairNode;
  /** Both sides reached the pair through a `$ref`: changes below belong to that component. */
  component?: { name: string; oldPointer: string; newPointer: string };
}

/** One pair of resolved schema objects in one direction: compared once, whatever number of places use it. */
interface PairNode {
  oldSchema: JsonObject;
  newSchema: JsonObject;
  direction: Direction;
  changes: LocalChange[];
  edges: Edge[];
  parents: PairNode[];
  /** A change is reachable from here: set after all pairs are compared. */
  dirty: boolean;
}

/** How deep one use of a schema is followed when reporting (recursive schemas are cut earlier, on repetition). */
const MAX_DEPTH = 64;

/**
 * Hard limits against hostile documents, far above real ones (GitHub's 11-13 MB REST description needs tens of
 * thousands of schema pairs and report steps for a major version pair). Passing either is an error (exit 2) that
 * names what could not be compared, never a silent pass.
 */
export const LIMITS = { pairs: 2_000_000, reportSteps: 20_000_000 };

const identities = new WeakMap<object, number>();
let nextIdentity = 0;
function identity(value: object): number {
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return id;
}

/**
 * Compares schemas as seen in one direction: type, nullability, format and enum changes, then recursively
 * properties (with `allOf` merged), `items`, `additionalProperties` and `oneOf`/`anyOf` members (paired by
 * content). `$ref`s are followed in their own document, so where a schema lives does not matter.
 *
 * Each pair of resolved schema objects is compared once (memoized by identity), so the cost is bounded by the
 * documents' size rather than by how many operations share a schema; every use (a parameter, body or response
 * of one operation) then reports each changed pair it reaches once, under its own operation and the first path
 * that reaches it (depth-first, in document order), naming the component the change lies in. Reporting is thus
 * bounded by uses × changed pairs, however many paths lead to a pair. Nothing is skipped to save time: past {@link LIMITS} the comparison
 * stops with an {@link InputError}.
 */
export class SchemaComparer {
  private readonly nodes = new Map<string, PairNode>();
  private readonly queue: PairNode[] = [];
  private readonly uses: Array<{ node: PairNode; site: SchemaSite; component?: SchemaSite }> = [];
  private steps = 0;

  constructor(
    private readonly roots: SchemaRoots,
    private readonly out: ChangeList,
  ) {}

  /** Distinct pairs of resolved schemas compared so far. */
  get pairs(): number {
    return this.nodes.size;
  }

  /** Schedules the comparison of two (possibly `$ref`) schemas used at `site`; changes are reported by {@link finish}. */
  compare(oldRaw: unknown, newRaw: unknown, site: SchemaSite): void {
    const node = this.node(oldRaw, newRaw, site.direction, site);
    if (!node) return;
    const component = componentOf(oldRaw, newRaw);
    this.uses.push({ node, site, ...(component ? { component: componentSite(component, site.direction) } : {}) });
    this.drain(site);
  }

  /** Marks which pairs lead to a change, then reports every use's changes. */
  finish(): void {
    const pending = [...this.nodes.values()].filter((node) => node.changes.length > 0);
    for (const node of pending) node.dirty = true;
    while (pending.length > 0) {
      for (const parent of pending.pop()!.parents) {
        if (parent.dirty) continue;
        parent.dirty = true;
        pending.push(parent);
      }
    }
    for (const use of this.uses) {
      if (!use.node.dirty) continue;
      this.report(use.node, use.site, use.component);
    }
  }

  private node(oldRaw: unknown, newRaw: unknown, direction: Direction, site: SchemaSite): PairNode | undefined {
    const oldSchema = resolve(this.roots.oldRoot, oldRaw);
    const newSchema = resolve(this.roots.newRoot, newRaw);
    if (!oldSchema || !newSchema) return undefined;
    const key = `${identity(oldSchema)}:${identity(newSchema)}:${direction}`;
    let node = this.nodes.get(key);
    if (!node) {
      if (this.nodes.size >= LIMITS.pairs) {
        throw new InputError(
          `cannot compare ${labelOf(site)}: the schemas are intertwined beyond ${LIMITS.pairs} schema pairs`,
          site.newPointer,
          'The diff stops here rather than pass an incomplete comparison; reduce the document or report it.',
        );
      }
      node = { oldSchema, newSchema, direction, changes: [], edges: [], parents: [], dirty: false };
      this.nodes.set(key, node);
      this.queue.push(node);
    }
    return node;
  }

  private drain(site: SchemaSite): void {
    while (this.queue.length > 0) this.build(this.queue.pop()!, site);
  }

  /**
   * Reports the changes one use reaches, breadth-first so each changed pair is reported at the shortest path that
   * reaches it (in document order among equals), and once per use however many paths lead to it.
   */
  private report(root: PairNode, use: SchemaSite, rootComponent: SchemaSite | undefined): void {
    const visited = new Set<PairNode>([root]);
    let level: Array<{ node: PairNode; site: SchemaSite; component: SchemaSite | undefined }> = [
      { node: root, site: use, component: rootComponent },
    ];
    for (let depth = 0; level.length > 0 && depth <= MAX_DEPTH; depth++) {
      const next: typeof level = [];
      for (const { node, site, component } of level) {
        if (++this.steps > LIMITS.reportSteps) {
          throw new InputError(
            `cannot report the changes of ${labelOf(use)}: more than ${LIMITS.reportSteps} changed schema pairs to report`,
            use.newPointer,
            'The diff stops here rather than pass an incomplete comparison; reduce the document or report it.',
          );
        }
        for (const change of node.changes) this.emit(change, site, component);
        for (const edge of node.edges) {
          if (!edge.node.dirty || visited.has(edge.node)) continue;
          visited.add(edge.node);
          next.push({
            node: edge.node,
            site: edge.step(site),
            component: edge.component
              ? componentSite(edge.component, node.direction)
              : component && edge.step(component),
          });
        }
      }
      level = next;
    }
  }

  private emit(change: LocalChange, site: SchemaSite, component: SchemaSite | undefined): void {
    const at = change.step ? change.step(site) : site;
    const inComponent = component && (change.step ? change.step(component) : component);
    this.out.add(change.id, change.message(at), {
      ...pointersOf(change, at),
      operation: site.operation,
      ...(inComponent
        ? {
            component: {
              name: component!.subject.replace(/^schema /, ''),
              message: change.message(inComponent),
              ...pointersOf(change, inComponent),
            },
          }
        : {}),
    });
  }

  private build(node: PairNode, use: SchemaSite): void {
    const local = (
      id: string,
      message: (site: SchemaSite) => string,
      pointers: LocalChange['pointers'] = 'both',
      step?: Step,
    ) => node.changes.push({ id, message, pointers, ...(step ? { step } : {}) });
    const edge = (oldRaw: unknown, newRaw: unknown, step: Step) => {
      const child = this.node(oldRaw, newRaw, node.direction, step(use));
      if (!child) return;
      child.parents.push(node);
      const component = componentOf(oldRaw, newRaw);
      node.edges.push({ step, node: child, ...(component ? { component } : {}) });
    };
    const direction = node.direction;
    const oldSchema = enumUnion(this.roots.oldRoot, node.oldSchema) ?? node.oldSchema;
    const newSchema = enumUnion(this.roots.newRoot, node.newSchema) ?? node.newSchema;
    if (this.comparePromotion(oldSchema, newSchema, direction, local, edge)) return;
    if (!compareScalars(oldSchema, newSchema, direction, local)) return;
    compareProperties(oldSchema, newSchema, direction, this.roots, local, edge);
    compareContainers(oldSchema, newSchema, edge);
    this.compareVariants(oldSchema, newSchema, direction, local, edge);
  }

  /**
   * A schema that became a pure `oneOf`/`anyOf` (or stopped being one) is compared as a one-member list against
   * the other side's members, paired by content: a request body becoming a `oneOf` that still contains the old
   * shape is one more accepted alternative, not a new schema. Returns false when the case does not apply.
   */
  private comparePromotion(
    oldSchema: JsonObject,
    newSchema: JsonObject,
    direction: Direction,
    local: LocalAdder,
    edge: EdgeAdder,
  ): boolean {
    const oldUnion = unionOf(oldSchema);
    const newUnion = unionOf(newSchema);
    if ((oldUnion === undefined) === (newUnion === undefined)) return false;
    const union = (oldUnion ?? newUnion)!;
    if (!union.pure) return false;
    const single: Union = {
      keyword: union.keyword,
      list: [oldUnion ? newSchema : oldSchema],
      pure: true,
      discriminator: undefined,
    };
    const [oldSide, newSide] = oldUnion ? [oldUnion, single] : [single, newUnion!];
    const pairs = pairVariants(this.roots, oldSide, newSide);
    if (!pairs.some((pair) => pair.oldIndex !== undefined && pair.newIndex !== undefined)) return false;
    this.reportVariantPairs(oldSide, newSide, pairs, direction, local, edge, {
      oldWrapped: !!oldUnion,
      newWrapped: !!newUnion,
    });
    return true;
  }

  private compareVariants(
    oldSchema: JsonObject,
    newSchema: JsonObject,
    direction: Direction,
    local: LocalAdder,
    edge: EdgeAdder,
  ): void {
    const oldUnion = unionOf(oldSchema);
    const newUnion = unionOf(newSchema);
    if (!oldUnion && !newUnion) return;
    if (!oldUnion || !newUnion) {
      const keyword = (oldUnion ?? newUnion)!.keyword;
      local(
        `${direction}-variants-changed`,
        (site) => `${capitalize(labelOf(site))} ${newUnion ? 'is now' : 'is no longer'} a ${keyword} of alternatives.`,
      );
      return;
    }
    const pairs = pairVariants(this.roots, oldUnion, newUnion);
    this.reportVariantPairs(oldUnion, newUnion, pairs, direction, local, edge, { oldWrapped: true, newWrapped: true });
  }

  private reportVariantPairs(
    oldUnion: Union,
    newUnion: Union,
    pairs: ReturnType<typeof pairVariants>,
    direction: Direction,
    local: LocalAdder,
    edge: EdgeAdder,
    wrapped: { oldWrapped: boolean; newWrapped: boolean },
  ): void {
    const keyword = (wrapped.newWrapped ? newUnion : oldUnion).keyword;
    const oldSuffix = (index: number) => (wrapped.oldWrapped ? `/${oldUnion.keyword}/${index}` : '');
    const newSuffix = (index: number) => (wrapped.newWrapped ? `/${newUnion.keyword}/${index}` : '');
    for (const variant of pairs) {
      const { oldIndex, newIndex } = variant;
      if (oldIndex === undefined) {
        // Request: the server accepts one more shape. Response: the client may receive a shape it does not handle.
        local(
          `${direction}-variant-added`,
          (site) => `${capitalize(labelOf(site))} gained ${keyword} variant ${variant.name}.`,
          'new',
          (site) => ({ ...site, newPointer: site.newPointer + newSuffix(newIndex!) }),
        );
      } else if (newIndex === undefined) {
        local(
          `${direction}-variant-removed`,
          (site) => `${capitalize(labelOf(site))} lost ${keyword} variant ${variant.name}.`,
          'old',
          (site) => ({ ...site, oldPointer: site.oldPointer + oldSuffix(oldIndex) }),
        );
      } else {
        const qualifier = `${keyword} variant ${variant.name}`;
        edge(oldUnion.list[oldIndex], newUnion.list[newIndex], (site) => ({
          ...site,
          qualifier: site.qualifier !== undefined ? `${site.qualifier}, ${qualifier}` : qualifier,
          oldPointer: site.oldPointer + oldSuffix(oldIndex),
          newPointer: site.newPointer + newSuffix(newIndex),
        }));
      }
    }
  }
}

type LocalAdder = (
  id: string,
  message: (site: SchemaSite) => string,
  pointers?: LocalChange['pointers'],
  step?: Step,
) => void;
type EdgeAdder = (oldRaw: unknown, newRaw: unknown, step: Step) => void;

function pointersOf(change: LocalChange, site: SchemaSite): { oldPointer?: string; newPointer?: string } {
  return {
    ...(change.pointers !== 'new' ? { oldPointer: site.oldPointer } : {}),
    ...(change.pointers !== 'old' ? { newPointer: site.newPointer } : {}),
  };
}

/** The component both raw schemas reference (`$ref` on both sides), named as in the new document. */
function componentOf(oldRaw: unknown, newRaw: unknown): Edge['component'] {
  const oldRef = refTarget(oldRaw);
  const newRef = refTarget(newRaw);
  if (!oldRef || !newRef) return undefined;
  return { name: newRef.name, oldPointer: oldRef.pointer, newPointer: newRef.pointer };
}

function componentSite(component: NonNullable<Edge['component']>, direction: Direction): SchemaSite {
  return {
    direction,
    operation: '',
    subject: `schema ${component.name}`,
    oldPointer: component.oldPointer,
    newPointer: component.newPointer,
  };
}

/** Type, nullability, format and enum. Returns false when the type changed: nothing below is comparable then. */
function compareScalars(
  oldSchema: JsonObject,
  newSchema: JsonObject,
  direction: Direction,
  local: LocalAdder,
): boolean {
  const request = direction === 'request';
  // An untyped schema on either side (e.g. only `allOf`) is not compared by type: its members are.
  const oldTypes = typesOf(oldSchema);
  const newTypes = typesOf(newSchema);
  if (oldTypes && newTypes && typeName(oldTypes) !== typeName(newTypes)) {
    const from = typeName(oldTypes);
    const to = typeName(newTypes);
    if (request && typesCovered(oldTypes, newTypes)) {
      local('request-type-widened', (site) => `${capitalize(labelOf(site))} now also accepts ${to} (was ${from}).`);
    } else if (!request && typesCovered(newTypes, oldTypes)) {
      local('response-type-narrowed', (site) => `${capitalize(labelOf(site))} is now only ${to} (was ${from}).`);
    } else {
      local(`${direction}-type-changed`, (site) => `The type of ${labelOf(site)} changed from ${from} to ${to}.`);
      return false;
    }
  }

  const wasNullable = isNullable(oldSchema);
  const nowNullable = isNullable(newSchema);
  if (!wasNullable && nowNullable) {
    local(`${direction}-became-nullable`, (site) => `${capitalize(labelOf(site))} may now be null.`);
  } else if (wasNullable && !nowNullable) {
    local(`${direction}-became-not-nullable`, (site) => `${capitalize(labelOf(site))} may no longer be null.`);
  }

  const oldFormat = typeof oldSchema.format === 'string' ? oldSchema.format : undefined;
  const newFormat = typeof newSchema.format === 'string' ? newSchema.format : undefined;
  if (oldFormat !== newFormat) {
    const kind = oldFormat === undefined ? 'added' : newFormat === undefined ? 'removed' : 'changed';
    local(
      `${direction}-format-${kind}`,
      (site) => `The format of ${labelOf(site)} changed from ${oldFormat ?? 'none'} to ${newFormat ?? 'none'}.`,
    );
  }

  compareEnums(oldSchema, newSchema, direction, local);
  return true;
}

function compareEnums(oldSchema: JsonObject, newSchema: JsonObject, direction: Direction, local: LocalAdder): void {
  const oldEnum = enumValues(oldSchema);
  const newEnum = enumValues(newSchema);
  if (!oldEnum && !newEnum) return;
  const removed = oldEnum && newEnum ? oldEnum.filter((value) => !newEnum.includes(value)) : [];
  const added = oldEnum && newEnum ? newEnum.filter((value) => !oldEnum.includes(value)) : [];
  const list = (values: string[]) => values.join(', ');
  // A free value becoming an enum narrows it; an enum becoming a free value widens it.
  if (newEnum && (!oldEnum || removed.length > 0)) {
    const what = !oldEnum ? `now only allows ${list(newEnum)}` : `no longer allows ${list(removed)}`;
    local(`${direction}-enum-narrowed`, (site) => `${capitalize(labelOf(site))} ${what}.`);
  }
  if (oldEnum && (!newEnum || added.length > 0)) {
    const what = !newEnum ? 'now allows any value' : `now also allows ${list(added)}`;
    local(`${direction}-enum-widened`, (site) => `${capitalize(labelOf(site))} ${what}.`);
  }
}

function compareProperties(
  oldSchema: JsonObject,
  newSchema: JsonObject,
  direction: Direction,
  roots: SchemaRoots,
  local: LocalAdder,
  edge: EdgeAdder,
): void {
  const request = direction === 'request';
  const oldFlat = flatten(roots.oldRoot, oldSchema, direction);
  const newFlat = flatten(roots.newRoot, newSchema, direction);
  if (oldFlat.properties.size === 0 && newFlat.properties.size === 0) return;
  const at =
    (name: string, oldSuffix: string | undefined, newSuffix: string | undefined): Step =>
    (site) => ({
      ...site,
      field: site.field !== undefined ? `${site.field}.${name}` : name,
      oldPointer: site.oldPointer + (oldSuffix ?? ''),
      newPointer: site.newPointer + (newSuffix ?? ''),
    });
  const label = (site: SchemaSite) => capitalize(labelOf(site));

  for (const [name, oldProperty] of oldFlat.properties) {
    const newProperty = newFlat.properties.get(name);
    if (!newProperty) {
      const step = at(name, oldProperty.suffix, undefined);
      if (request) {
        // Warning, not breaking: the old client keeps sending the field, and servers ignore unknown form fields and
        // (almost always) unknown JSON members; but the server may no longer act on it, so a human should look.
        local(
          'request-property-removed',
          (site) => `${label(site)} was removed; servers usually ignore it if it is still sent.`,
          'old',
          step,
        );
      } else {
        local('response-property-removed', (site) => `${label(site)} was removed.`, 'old', step);
      }
      continue;
    }
    const step = at(name, oldProperty.suffix, newProperty.suffix);
    const wasRequired = oldFlat.required.has(name);
    const isRequired = newFlat.required.has(name);
    if (!wasRequired && isRequired) {
      local(`${direction}-property-became-required`, (site) => `${label(site)} is now required.`, 'both', step);
    } else if (wasRequired && !isRequired) {
      // A response field that may now be missing breaks a client that reads it unguarded.
      local(`${direction}-property-became-optional`, (site) => `${label(site)} is now optional.`, 'both', step);
    }
    if (!oldProperty.deprecated && newProperty.deprecated)
      local(`${direction}-property-deprecated`, (site) => `${label(site)} is now deprecated.`, 'both', step);
    edge(oldProperty.schema, newProperty.schema, step);
  }
  for (const [name, newProperty] of newFlat.properties) {
    if (oldFlat.properties.has(name)) continue;
    const step = at(name, undefined, newProperty.suffix);
    if (request && newFlat.required.has(name))
      local('request-property-added-required', (site) => `${label(site)} was added as required.`, 'new', step);
    else
      local(
        `${direction}-property-added`,
        (site) => `${label(site)} was added${request ? ' as optional' : ''}.`,
        'new',
        step,
      );
  }
}

/** `items` and schema-valued `additionalProperties`. */
function compareContainers(oldSchema: JsonObject, newSchema: JsonObject, edge: EdgeAdder): void {
  if (oldSchema.items !== undefined && newSchema.items !== undefined) {
    edge(oldSchema.items, newSchema.items, (site) => ({
      ...site,
      ...(site.field !== undefined ? { field: `${site.field}[]` } : { subject: `the items of ${site.subject}` }),
      oldPointer: `${site.oldPointer}/items`,
      newPointer: `${site.newPointer}/items`,
    }));
  }
  if (isObject(oldSchema.additionalProperties) && isObject(newSchema.additionalProperties)) {
    edge(oldSchema.additionalProperties, newSchema.additionalProperties, (site) => ({
      ...site,
      ...(site.field !== undefined
        ? { field: `${site.field}.*` }
        : { subject: `the additional properties of ${site.subject}` }),
      oldPointer: `${site.oldPointer}/additionalProperties`,
      newPointer: `${site.newPointer}/additionalProperties`,
    }));
  }
}
