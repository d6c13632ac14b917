import { child, isObject, members, own, pointer, resolve } from '../resolve.js';
import { removedBeforeSunset } from './operation.js';
import { pairKeys, type DocumentPair, type OperationPair, type PathPair } from './context.js';

/** The HTTP methods a path item can hold, in the order operations are compared. */
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** `/items/{id}` and `/items/{itemId}` are the same path: parameter names do not reach the wire. */
const normalizePath = (path: string): string => path.replace(/\{[^}]*\}/g, '{}');

/**
 * Paths and operations: a path or operation removed is breaking (the generated call would 404), one added is
 * info. Calls `visit.pathItem` for each path in both documents and `visit.operation` for each operation in both.
 */
export function diffPaths(
  docs: DocumentPair,
  visit: { pathItem: (pair: PathPair) => void; operation: (pair: OperationPair) => void },
): void {
  const { oldRoot, newRoot, out } = docs;
  const oldPaths = members(oldRoot.paths);
  const newPaths = members(newRoot.paths);
  for (const { oldKey: oldPath, newKey: newPath } of pairKeys(
    Object.keys(oldPaths),
    Object.keys(newPaths),
    normalizePath,
  )) {
    if (newPath === undefined) {
      out.add('path-removed', `Path ${oldPath!} was removed.`, { oldPointer: pointer('paths', oldPath!) });
      continue;
    }
    if (oldPath === undefined) {
      out.add('path-added', `Path ${newPath} was added.`, { newPointer: pointer('paths', newPath) });
      continue;
    }
    const oldItemAt = pointer('paths', oldPath);
    const newItemAt = pointer('paths', newPath);
    const oldItem = resolve(oldRoot, own(oldPaths, oldPath)) ?? {};
    const newItem = resolve(newRoot, own(newPaths, newPath)) ?? {};
    const pathPair: PathPair = { oldPath, newPath, oldItem, newItem, oldItemAt, newItemAt };
    visit.pathItem(pathPair);
    for (const method of METHODS) {
      const name = `${method.toUpperCase()} ${newPath}`;
      const oldOperation = own(oldItem, method);
      const newOperation = own(newItem, method);
      if (isObject(oldOperation) && !isObject(newOperation)) {
        const sunset = removedBeforeSunset(oldOperation, docs.deprecation);
        out.add(
          sunset !== undefined ? 'operation-removed-before-sunset' : 'operation-removed',
          `Operation ${method.toUpperCase()} ${oldPath} was removed${sunset !== undefined ? ` before its announced sunset ${sunset}` : ''}.`,
          { oldPointer: child(oldItemAt, method), operation: `${method.toUpperCase()} ${oldPath}` },
        );
      } else if (!isObject(oldOperation) && isObject(newOperation)) {
        out.add('operation-added', `Operation ${name} was added.`, {
          newPointer: child(newItemAt, method),
          operation: name,
        });
      } else if (isObject(oldOperation) && isObject(newOperation)) {
        visit.operation({
          ...pathPair,
          name,
          method,
          oldOperation,
          newOperation,
          oldAt: child(oldItemAt, method),
          newAt: child(newItemAt, method),
        });
      }
    }
  }
}
