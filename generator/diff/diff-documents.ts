import { ChangeList, sortChanges } from './change-list.js';
import { members } from './resolve.js';
import type { DeprecationPolicy, DocumentPair } from './rules/context.js';
import { diffOAuth } from './rules/oauth.js';
import { diffOperationMeta } from './rules/operation.js';
import { diffParameters } from './rules/parameters.js';
import { diffPaths } from './rules/paths.js';
import { diffRequestBody } from './rules/request-body.js';
import { diffResponses } from './rules/responses.js';
import { diffOperationSecurity, diffSecuritySchemes } from './rules/security.js';
import { diffOperationServers, diffPathServers, diffRootServers } from './rules/servers.js';
import { SchemaComparer } from './schema-diff.js';
import type { Change, OAuthView } from './types.js';

/** Options of {@link diffDocuments}. */
export interface DiffOptions {
  oldOAuth?: OAuthView;
  newOAuth?: OAuthView;
  /** Deprecation policy: `today` defaults to the current UTC date, `minSunsetDays` to 180. */
  deprecation?: Partial<DeprecationPolicy>;
  /** Filled in with what was compared: lets tests (and curious callers) check that nothing was skipped. */
  stats?: DiffStats;
}

/** What one {@link diffDocuments} call compared. */
export interface DiffStats {
  /** Operations present in both documents, each compared in full. */
  operationsCompared: number;
  /** Distinct pairs of resolved schema objects compared (each once). */
  schemaPairs: number;
}

/** Days of notice an `x-sunset` date must give by default (oasdiff's default for stable APIs). */
export const DEFAULT_MIN_SUNSET_DAYS = 180;

/**
 * Classifies every difference between two parsed OpenAPI 3.0/3.1 documents from the point of view of a client
 * generated from the old one, direction-aware: what the client sends (parameters, request bodies) may widen but
 * not narrow; what it receives (responses) may narrow but not widen. Also compares operationIds (the generated
 * names), deprecation, security schemes and requirements, servers, and — when both views are given — the
 * analyzer's OAuth grants. Severities come from the rule table (generator/diff/rules/table.ts).
 *
 * Every shared operation is compared in full: schema pairs are memoized by resolved identity, so the cost grows
 * with the documents, not with how often a schema is used. A hostile document past the hard limits throws an
 * InputError naming what could not be compared; the result is never silently partial.
 *
 * Local `$ref`s are resolved against their own document (cycle-safe) and compared by what they resolve to, so
 * moving a schema into or out of `components` is not a change. Pointers name the location in each document's
 * operation tree (a property reached through a `$ref` is reported under the operation that uses it, and carries
 * the component it lies in).
 *
 * @returns Changes sorted breaking → warning → info, then by pointer, then by rule id.
 */
export function diffDocuments(oldDoc: unknown, newDoc: unknown, options: DiffOptions = {}): Change[] {
  const out = new ChangeList();
  const oldRoot = members(oldDoc);
  const newRoot = members(newDoc);
  const docs: DocumentPair = {
    oldRoot,
    newRoot,
    out,
    schemas: new SchemaComparer({ oldRoot, newRoot }, out),
    deprecation: {
      today: options.deprecation?.today ?? new Date().toISOString().slice(0, 10),
      minSunsetDays: options.deprecation?.minSunsetDays ?? DEFAULT_MIN_SUNSET_DAYS,
    },
  };
  let compared = 0;
  diffPaths(docs, {
    pathItem: (path) => diffPathServers(docs, path),
    operation: (op) => {
      compared += 1;
      out.operation = op.name;
      diffOperationMeta(docs, op);
      diffParameters(docs, op);
      diffRequestBody(docs, op);
      diffResponses(docs, op);
      diffOperationSecurity(docs, op);
      diffOperationServers(docs, op);
      out.operation = undefined;
    },
  });
  docs.schemas.finish();
  if (options.stats) {
    options.stats.operationsCompared = compared;
    options.stats.schemaPairs = docs.schemas.pairs;
  }
  diffSecuritySchemes(docs);
  diffRootServers(docs);
  if (options.oldOAuth && options.newOAuth) diffOAuth(options.oldOAuth, options.newOAuth, out);
  return sortChanges(out.changes);
}
