/**
 * Breaking-change classification of OpenAPI 3.0/3.1 documents (the `diff` command and `generate --check`),
 * direction-aware in the manner of oasdiff.
 */
export { diffDocuments } from './diff-documents.js';
export { formatChanges, meetsFailOn, summarize } from './format.js';
export { oauthView } from './oauth-view.js';
export type { Change, OAuthGrantView, OAuthView, Severity } from './types.js';
