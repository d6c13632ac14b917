/** Breaking-change classification of OpenAPI documents (the `diff` command and `generate --check`). */
export { diffDocuments } from './diff-documents.js';
export { formatChanges, meetsFailOn, summarize } from './format.js';
export { oauthView } from './oauth-view.js';
export type { Change, OAuthGrantView, OAuthView, Severity } from './types.js';
