import { members } from '../resolve.js';
import type { DocumentPair, OperationPair, PathPair } from './context.js';

/** A server's URL with its variables replaced by their defaults: what a client calls by default. */
function urlOf(server: unknown): string {
  const { url, variables } = members(server);
  const defaults = members(variables);
  return String(url ?? '').replace(/\{([^}]*)\}/g, (whole, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(defaults, name) ? members(defaults[name]).default : undefined;
    return typeof value === 'string' ? value : whole;
  });
}

/**
 * One `servers` list. The generated client bakes in the first server as its default base URL, so that one
 * changing or going away is a warning (callers that pass their own base URL are unaffected); another server
 * removed is a warning too, one added is info.
 */
function diffServerList(
  docs: DocumentPair,
  oldList: unknown,
  newList: unknown,
  oldAt: string,
  newAt: string,
  scope: string | undefined,
): void {
  const { out } = docs;
  const oldUrls = Array.isArray(oldList) ? oldList.map(urlOf) : [];
  const newUrls = Array.isArray(newList) ? newList.map(urlOf) : [];
  const of = scope !== undefined ? ` of ${scope}` : '';
  const [oldDefault] = oldUrls;
  const [newDefault] = newUrls;
  if (oldDefault !== undefined && oldDefault !== newDefault) {
    out.add(
      'server-url-changed',
      `The default server${of} changed from ${oldDefault} to ${newDefault ?? 'none'}; clients using the default base URL will call the new one.`,
      {
        oldPointer: `${oldAt}/servers/0/url`,
        ...(newDefault !== undefined ? { newPointer: `${newAt}/servers/0/url` } : {}),
      },
    );
  }
  oldUrls.forEach((url, index) => {
    if (index > 0 && !newUrls.includes(url))
      out.add('server-removed', `Server ${url}${of} was removed.`, {
        oldPointer: `${oldAt}/servers/${index}`,
      });
  });
  newUrls.forEach((url, index) => {
    // A new default where there was one is reported as changed above.
    if (!oldUrls.includes(url) && (index > 0 || oldDefault === undefined))
      out.add('server-added', `Server ${url}${of} was added.`, { newPointer: `${newAt}/servers/${index}` });
  });
}

/** The document's `servers`. */
export function diffRootServers(docs: DocumentPair): void {
  diffServerList(docs, docs.oldRoot.servers, docs.newRoot.servers, '', '', undefined);
}

/** The `servers` override of a path item. */
export function diffPathServers(docs: DocumentPair, path: PathPair): void {
  diffServerList(
    docs,
    path.oldItem.servers,
    path.newItem.servers,
    path.oldItemAt,
    path.newItemAt,
    `path ${path.newPath}`,
  );
}

/** The `servers` override of an operation. */
export function diffOperationServers(docs: DocumentPair, op: OperationPair): void {
  diffServerList(docs, op.oldOperation.servers, op.newOperation.servers, op.oldAt, op.newAt, op.name);
}
