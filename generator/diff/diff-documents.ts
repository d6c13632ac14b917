import { ChangeList, sortChanges, SCHEMA_BUDGET } from './change-list.js';
import { members } from './resolve.js';
import type { DocumentPair } from './rules/context.js';
import { diffOAuth } from './rules/oauth.js';
import { diffParameters } from './rules/parameters.js';
import { diffPaths } from './rules/paths.js';
import { diffRequestBody } from './rules/request-body.js';
import { diffResponses } from './rules/responses.js';
import { diffOperationSecurity, diffSecuritySchemes } from './rules/security.js';
import { diffOperationServers, diffPathServers, diffRootServers } from './rules/servers.js';
import type { Change, OAuthView } from './types.js';

/**
 * Classifies every difference between two parsed OpenAPI 3.0/3.1 documents from the point of view of a client
 * generated from the old one, direction-aware: what the client sends (parameters, request bodies) may widen but
 * not narrow; what it receives (responses) may narrow but not widen. Also compares security schemes and
 * requirements, servers, and — when both views are given — the analyzer's OAuth grants.
 *
 * Local `$ref`s are resolved against their own document (cycle-safe) and compared by what they resolve to, so
 * moving a schema into or out of `components` is not a change. Pointers name the location in each document's
 * operation tree (a property reached through a `$ref` is reported under the operation that uses it).
 *
 * @returns Changes sorted breaking → warning → info, then by pointer, then by rule id.
 */
export function diffDocuments(
  oldDoc: unknown,
  newDoc: unknown,
  options: { oldOAuth?: OAuthView; newOAuth?: OAuthView } = {},
): Change[] {
  const out = new ChangeList();
  const docs: DocumentPair = { oldRoot: members(oldDoc), newRoot: members(newDoc), out };
  diffPaths(docs, {
    pathItem: (path) => diffPathServers(docs, path),
    operation: (op) => {
      diffParameters(docs, op);
      diffRequestBody(docs, op);
      diffResponses(docs, op);
      diffOperationSecurity(docs, op);
      diffOperationServers(docs, op);
    },
  });
  diffSecuritySchemes(docs);
  diffRootServers(docs);
  if (options.oldOAuth && options.newOAuth) diffOAuth(options.oldOAuth, options.newOAuth, out);
  if (out.budget <= 0) {
    out.add(
      'diff-incomplete',
      'warning',
      `The schemas are too intertwined to compare fully; comparison stopped after ${SCHEMA_BUDGET} schema pairs.`,
      {},
    );
  }
  return sortChanges(out.changes);
}
