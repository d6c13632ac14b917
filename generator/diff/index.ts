/**
 * Breaking-change classification of OpenAPI 3.0/3.1 documents (the `diff` command and `generate --check`),
 * direction-aware in the manner of oasdiff; rules and severities in generator/diff/rules/table.ts.
 */
export { DEFAULT_MIN_SUNSET_DAYS, diffDocuments, type DiffOptions, type DiffStats } from './diff-documents.js';
export {
  COMMENT_LIMIT,
  FORMATS,
  formatChanges,
  identify,
  meetsFailOn,
  summarize,
  type FailOn,
  type Format,
} from './format.js';
export { oauthView } from './oauth-view.js';
export { applyIgnores, applyOverrides, readIgnoreFile, readOverrides, type IgnoreEntry } from './review.js';
export { RULES, RULE_BY_ID, type Rule } from './rules/table.js';
export type { Change, ChangeComponent, IdentifiedChange, OAuthGrantView, OAuthView, Severity } from './types.js';
