import type { JsonObject } from '../resolve.js';
import type { DeprecationPolicy, DocumentPair, OperationPair } from './context.js';

const operationIdOf = (operation: JsonObject): string | undefined =>
  typeof operation.operationId === 'string' && operation.operationId.trim() !== '' ? operation.operationId : undefined;

/** An `x-sunset` value as `YYYY-MM-DD`, or undefined when absent or not a date. */
export function sunsetOf(operation: JsonObject): string | undefined {
  const raw = operation['x-sunset'];
  const text = raw instanceof Date ? raw.toISOString() : typeof raw === 'string' ? raw : undefined;
  const match = text !== undefined ? /^(\d{4}-\d{2}-\d{2})/.exec(text.trim()) : null;
  return match && !Number.isNaN(Date.parse(match[1]!)) ? match[1] : undefined;
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`). */
const daysBetween = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/**
 * What users of the generated code import by name, and the operation's life cycle: an operationId changed, added
 * or removed renames the generated function and its types (breaking for their build); an operation newly
 * deprecated is reported with its `x-sunset` date, as a warning when that date gives less notice than the policy.
 */
export function diffOperationMeta(docs: DocumentPair, op: OperationPair): void {
  const { out } = docs;
  const oldId = operationIdOf(op.oldOperation);
  const newId = operationIdOf(op.newOperation);
  if (oldId !== newId) {
    if (newId === undefined)
      out.add(
        'operation-id-removed',
        `The operationId ${oldId!} of ${op.name} was removed; its generated function is renamed after the route.`,
        { oldPointer: `${op.oldAt}/operationId` },
      );
    else
      out.add(
        'operation-id-changed',
        oldId === undefined
          ? `${op.name} now has operationId ${newId}; its generated function is renamed after it.`
          : `The operationId of ${op.name} changed from ${oldId} to ${newId}; its generated function and types are renamed.`,
        {
          ...(oldId !== undefined ? { oldPointer: `${op.oldAt}/operationId` } : {}),
          newPointer: `${op.newAt}/operationId`,
        },
      );
  }
  const wasDeprecated = op.oldOperation.deprecated === true;
  const isDeprecated = op.newOperation.deprecated === true;
  const pointers = { oldPointer: op.oldAt, newPointer: `${op.newAt}/deprecated` };
  if (wasDeprecated && !isDeprecated) {
    out.add('operation-undeprecated', `${op.name} is no longer deprecated.`, {
      oldPointer: `${op.oldAt}/deprecated`,
      newPointer: op.newAt,
    });
    return;
  }
  if (!isDeprecated) return;
  const sunset = sunsetOf(op.newOperation);
  const oldSunset = wasDeprecated ? sunsetOf(op.oldOperation) : undefined;
  if (wasDeprecated && sunset === oldSunset) return;
  if (sunset === undefined) {
    if (!wasDeprecated)
      out.add('operation-deprecated-without-sunset', `${op.name} is now deprecated, with no sunset date.`, pointers);
    return;
  }
  // Messages name dates, never "in N days": a change keeps its id (and an ignore entry keeps matching) day by day.
  const notice = daysBetween(docs.deprecation.today, sunset);
  if (notice < docs.deprecation.minSunsetDays) {
    out.add(
      'operation-sunset-too-soon',
      `${op.name} is deprecated with sunset ${sunset}, ${notice < 0 ? 'already past' : `less than the ${docs.deprecation.minSunsetDays} days of notice asked`}.`,
      { ...pointers, newPointer: `${op.newAt}/x-sunset` },
    );
  } else {
    out.add('operation-deprecated', `${op.name} is now deprecated; sunset ${sunset}.`, {
      ...pointers,
      newPointer: `${op.newAt}/x-sunset`,
    });
  }
}

/** Whether a removed operation had announced a sunset that is still in the future. */
export function removedBeforeSunset(operation: JsonObject, policy: DeprecationPolicy): string | undefined {
  const sunset = sunsetOf(operation);
  return sunset !== undefined && sunset > policy.today ? sunset : undefined;
}
