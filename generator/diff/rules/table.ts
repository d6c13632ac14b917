import type { Severity } from '../types.js';

/**
 * Where a rule looks: what the client sends (`request`), what it receives (`response`), the operation or path as
 * a whole (`operation`), the document's security, servers and OAuth grants (`document`), or the generated
 * TypeScript a consumer imports (`code`, derived from the generated declarations of both versions).
 */
export type RuleDirection = 'request' | 'response' | 'operation' | 'document' | 'code';

/** One classification rule: the single source the classifier, its tests and docs/drift.md read. */
export interface Rule {
  id: string;
  direction: RuleDirection;
  severity: Severity;
  /** What the rule reports, and why it has this severity: one sentence. */
  sentence: string;
  /** A minimal change that triggers it. */
  example: string;
  /** Where the level differs from oasdiff's for the same change: oasdiff's level and why ours differs. */
  oasdiff?: string;
}

const r = (
  id: string,
  direction: RuleDirection,
  severity: Severity,
  sentence: string,
  example: string,
  oasdiff?: string,
): Rule => ({ id, direction, severity, sentence, example, ...(oasdiff !== undefined ? { oasdiff } : {}) });

/** Every rule the classifier can report, in the order docs/drift.md lists them. */
export const RULES: readonly Rule[] = [
  // Paths and operations.
  r(
    'path-removed',
    'operation',
    'breaking',
    'A path is gone: every generated call to it would 404.',
    'delete `/users/{id}`',
  ),
  r('path-added', 'operation', 'info', 'A new path; nothing generated before uses it.', 'add `/teams`'),
  r(
    'operation-removed',
    'operation',
    'breaking',
    'An operation is gone: its generated function disappears and calls would fail.',
    'delete `DELETE /users/{id}`',
  ),
  r('operation-added', 'operation', 'info', 'A new operation on an existing path.', 'add `PATCH /users/{id}`'),
  r(
    'operation-id-changed',
    'operation',
    'breaking',
    'The operationId changed (or was added): generated function and type names come from it, so code importing the old names no longer compiles.',
    '`operationId: users/get-by-username` → `users/get-user`',
    'oasdiff: ERR for a change, INFO/WARN for an addition; an addition renames the generated function as well (it was named after the route), so it is breaking here too.',
  ),
  r(
    'operation-id-removed',
    'operation',
    'breaking',
    'The operationId was removed: the generated function falls back to a name derived from the route, so imports of the old name break.',
    'drop `operationId: getUser`',
  ),
  r(
    'operation-deprecated',
    'operation',
    'info',
    'The operation is now deprecated (with its `x-sunset` date when given, and no earlier than the minimum notice).',
    '`deprecated: true` with `x-sunset: 2027-06-01`',
  ),
  r(
    'operation-sunset-too-soon',
    'operation',
    'warning',
    'The operation is deprecated with an `x-sunset` date closer than the minimum notice (default 180 days, `--min-sunset-days`), or already past: plan the migration now.',
    '`x-sunset: 2026-12-01` while the notice asks for 180 days',
    'oasdiff: ERR (api-sunset-date-too-small); a deprecation breaks nothing yet, so it warns here.',
  ),
  r(
    'operation-deprecated-without-sunset',
    'operation',
    'info',
    'The operation is now deprecated and gives no `x-sunset` date.',
    '`deprecated: true` alone',
  ),
  r('operation-undeprecated', 'operation', 'info', 'The operation is no longer deprecated.', 'drop `deprecated: true`'),
  r(
    'operation-removed-before-sunset',
    'operation',
    'breaking',
    'An operation was removed before the `x-sunset` date the old document announced.',
    'remove an operation whose `x-sunset` is next year',
  ),
  r(
    'operation-security-changed',
    'operation',
    'warning',
    'The security requirements in force changed: the client may attach the wrong credentials, depending on the alternative it uses.',
    '`security: [{oauth2: [read]}]` → `[{apiKey: []}]`',
  ),

  // Parameters.
  r(
    'request-parameter-removed',
    'request',
    'warning',
    'A parameter was removed: the old client still sends it and servers ignore unknown parameters, but the server no longer acts on it.',
    'drop query `?expand`',
  ),
  r(
    'request-parameter-became-required',
    'request',
    'breaking',
    'An optional parameter became required: old calls without it are rejected.',
    '`required: false` → `true`',
  ),
  r(
    'request-parameter-became-optional',
    'request',
    'info',
    'A required parameter became optional.',
    '`required: true` → `false`',
  ),
  r(
    'request-parameter-added-required',
    'request',
    'breaking',
    'A new required parameter: old calls do not send it.',
    'add required query `?org`',
  ),
  r('request-parameter-added', 'request', 'info', 'A new optional parameter.', 'add optional query `?per_page`'),
  r(
    'request-parameter-deprecated',
    'request',
    'info',
    'A parameter is now deprecated.',
    '`deprecated: true` on query `?sort`',
  ),

  // Request bodies.
  r(
    'request-body-added-required',
    'request',
    'breaking',
    'The operation now requires a body the old client does not send.',
    'add `requestBody: {required: true}`',
  ),
  r(
    'request-body-added',
    'request',
    'info',
    'The operation now accepts an optional body.',
    'add `requestBody` (optional)',
  ),
  r(
    'request-body-removed',
    'request',
    'warning',
    'The operation no longer takes a body; the old client still sends one, which servers usually ignore.',
    'drop `requestBody`',
  ),
  r('request-body-became-required', 'request', 'breaking', 'The body became required.', '`required: false` → `true`'),
  r('request-body-became-optional', 'request', 'info', 'The body became optional.', '`required: true` → `false`'),
  r(
    'request-content-type-removed',
    'request',
    'breaking',
    'A request media type is gone: the client sends that one.',
    'drop `application/x-www-form-urlencoded`',
  ),
  r(
    'request-content-type-added',
    'request',
    'info',
    'The server accepts one more request media type.',
    'add `multipart/form-data`',
  ),

  // Responses.
  r(
    'response-status-removed',
    'response',
    'breaking',
    'A success status is no longer documented: the client’s happy path for it disappears.',
    'drop `200`',
  ),
  r(
    'response-error-status-removed',
    'response',
    'warning',
    'A non-success status is no longer documented: its typed error goes away.',
    'drop `404`',
  ),
  r('response-status-added', 'response', 'info', 'A new status is documented.', 'add `429`'),
  r(
    'response-content-type-removed',
    'response',
    'breaking',
    'A response media type is gone: the client parses that one.',
    'drop `application/json` from 200',
  ),
  r(
    'response-content-type-added',
    'response',
    'info',
    'A response may also come as another media type; the generated client sends `Accept` with the types it parses, so a server honouring it keeps sending those.',
    'add `text/csv` to 200',
  ),
  r(
    'response-header-removed',
    'response',
    'breaking',
    'A required response header is gone: the client reads it unguarded.',
    'drop required `ETag`',
  ),
  r(
    'response-optional-header-removed',
    'response',
    'warning',
    'An optional response header is gone.',
    'drop `X-RateLimit-Reset`',
  ),
  r(
    'response-header-became-optional',
    'response',
    'breaking',
    'A required response header may now be missing.',
    '`required: true` → `false`',
  ),
  r('response-header-added', 'response', 'info', 'A new response header.', 'add `Link`'),

  // Schemas, per direction: what the client sends may widen but not narrow; what it receives may narrow but not widen.
  r(
    'request-type-changed',
    'request',
    'breaking',
    'The type of sent data changed: values the client sends no longer validate.',
    '`type: string` → `integer`',
  ),
  r(
    'response-type-changed',
    'response',
    'breaking',
    'The type of received data changed: the client parses the old type.',
    '`type: integer` → `string`',
  ),
  r(
    'request-type-widened',
    'request',
    'info',
    'Sent data now accepts a wider type; old values still validate.',
    '`integer` → `number`',
  ),
  r(
    'response-type-narrowed',
    'response',
    'info',
    'Received data is now a narrower type; the client still handles it.',
    '`number` → `integer`',
  ),
  r('request-became-nullable', 'request', 'info', 'Sent data may now be null.', 'add `nullable: true`'),
  r(
    'response-became-nullable',
    'response',
    'breaking',
    'Received data may now be null: a client that was promised a value breaks.',
    'add `nullable: true` to `license.url`',
  ),
  r('request-became-not-nullable', 'request', 'breaking', 'Sent data may no longer be null.', 'drop `nullable: true`'),
  r('response-became-not-nullable', 'response', 'info', 'Received data is no longer null.', 'drop `nullable: true`'),
  r(
    'request-format-added',
    'request',
    'warning',
    'Sent data gained a `format`: the type the client sends is unchanged, but the server may now reject values that do not match it.',
    'add `format: date-time` to a request string',
    'oasdiff: INFO; a server that starts validating the format rejects old values, so a human should look.',
  ),
  r(
    'response-format-added',
    'response',
    'info',
    'Received data gained a `format`: it documents values the client already receives; the generated type does not change.',
    'add `format: uri` to a response string',
  ),
  r(
    'request-format-removed',
    'request',
    'info',
    'Sent data lost its `format`: the server accepts more.',
    'drop `format: email`',
  ),
  r(
    'response-format-removed',
    'response',
    'warning',
    'Received data lost its `format`: a client that parsed it (a date, a URI) may get values that do not parse.',
    'drop `format: date-time` from a response string',
    'oasdiff: INFO; client code that parses formatted values breaks on unparsable ones.',
  ),
  r(
    'request-format-changed',
    'request',
    'breaking',
    'Sent data changed `format`: the client formats values the old way.',
    '`format: date` → `date-time`',
  ),
  r(
    'response-format-changed',
    'response',
    'breaking',
    'Received data changed `format`: the client parses values the old way.',
    '`format: int32` → `uuid`',
  ),
  r(
    'request-enum-narrowed',
    'request',
    'breaking',
    'Sent data allows fewer values: old values are rejected.',
    '`enum: [a, b]` → `[a]`',
  ),
  r('response-enum-narrowed', 'response', 'info', 'Received data has fewer values.', '`enum: [a, b]` → `[a]`'),
  r('request-enum-widened', 'request', 'info', 'Sent data allows more values.', '`enum: [a]` → `[a, b]`'),
  r(
    'response-enum-widened',
    'response',
    'warning',
    'Received data has more values: a client that switches exhaustively over the ones it knows breaks on a new one.',
    '`enum: [open, closed]` → `[open, closed, draft]`',
  ),
  r(
    'request-property-removed',
    'request',
    'warning',
    'A sent field is gone; servers usually ignore it if still sent, but no longer act on it.',
    'drop request field `note`',
  ),
  r(
    'response-property-removed',
    'response',
    'breaking',
    'A received field is gone: the client reads it.',
    'drop response field `contexts`',
  ),
  r(
    'request-property-became-required',
    'request',
    'breaking',
    'A sent field became required: old requests omit it.',
    'add `name` to `required`',
  ),
  r(
    'response-property-became-required',
    'response',
    'info',
    'A received field is now always present.',
    'add `id` to `required`',
  ),
  r(
    'request-property-became-optional',
    'request',
    'info',
    'A sent field became optional.',
    'drop `name` from `required`',
  ),
  r(
    'response-property-became-optional',
    'response',
    'breaking',
    'A received field may now be missing: a client reading it unguarded breaks.',
    'drop `id` from `required`',
  ),
  r(
    'request-property-added-required',
    'request',
    'breaking',
    'A new required sent field: old requests lack it.',
    'add required field `org`',
  ),
  r('request-property-added', 'request', 'info', 'A new optional sent field.', 'add field `note`'),
  r('response-property-added', 'response', 'info', 'A new received field.', 'add field `node_id`'),
  r(
    'request-property-deprecated',
    'request',
    'info',
    'A sent field is now deprecated.',
    '`deprecated: true` on a request field',
  ),
  r(
    'response-property-deprecated',
    'response',
    'info',
    'A received field is now deprecated.',
    '`deprecated: true` on a response field',
  ),
  r(
    'request-variants-changed',
    'request',
    'warning',
    'Sent data became (or stopped being) a `oneOf`/`anyOf` whose alternatives could not all be matched to the old schema.',
    '`type: string` → `oneOf: [{type: integer}, {type: boolean}]`',
  ),
  r(
    'response-variants-changed',
    'response',
    'warning',
    'Received data became (or stopped being) a `oneOf`/`anyOf` whose alternatives could not all be matched to the old schema.',
    '`type: string` → `anyOf: [{type: integer}, {type: array}]`',
  ),
  r(
    'request-variant-added',
    'request',
    'info',
    'Sent data accepts one more alternative; every old body still matches one (this includes a schema becoming a `oneOf` that contains it).',
    '`$ref: Issue` → `oneOf: [$ref: Issue, $ref: PullRequest]`',
    'oasdiff: WARN when a body becomes a oneOf; every old body still validates, so nothing the client sends breaks.',
  ),
  r(
    'response-variant-added',
    'response',
    'warning',
    'Received data may come as one more alternative the client does not handle.',
    'add a `oneOf` member',
  ),
  r(
    'request-variant-removed',
    'request',
    'breaking',
    'Sent data lost an alternative the client may send.',
    'remove a `oneOf` member',
  ),
  r(
    'response-variant-removed',
    'response',
    'info',
    'Received data has one alternative fewer.',
    'remove a `oneOf` member',
  ),

  // Security schemes and servers.
  r(
    'security-scheme-removed',
    'document',
    'breaking',
    'A security scheme is gone: the generated client authenticates with it.',
    'drop `clientSecretBasic`',
  ),
  r('security-scheme-added', 'document', 'info', 'A new security scheme.', 'add `apiKey`'),
  r(
    'security-scheme-type-changed',
    'document',
    'breaking',
    'A security scheme changed type (or HTTP scheme).',
    '`http basic` → `http bearer`',
  ),
  r(
    'security-api-key-changed',
    'document',
    'breaking',
    'An API key moved (location or name).',
    '`header X-Key` → `query key`',
  ),
  r(
    'security-openid-url-changed',
    'document',
    'breaking',
    'The OpenID Connect discovery URL changed.',
    'new `openIdConnectUrl`',
  ),
  r('security-flow-removed', 'document', 'breaking', 'An OAuth flow is gone.', 'drop the `password` flow'),
  r('security-flow-added', 'document', 'info', 'A new OAuth flow.', 'add `clientCredentials`'),
  r(
    'security-flow-url-changed',
    'document',
    'breaking',
    'A token, authorization or refresh URL changed or was removed.',
    '`tokenUrl` moved',
  ),
  r('security-flow-url-added', 'document', 'info', 'A flow gained a URL where it had none.', 'add `refreshUrl`'),
  r(
    'security-scope-removed',
    'document',
    'breaking',
    'A scope is gone: clients requesting it are refused.',
    'drop scope `admin`',
  ),
  r('security-scope-added', 'document', 'info', 'A new scope.', 'add scope `reports_api`'),
  r(
    'server-url-changed',
    'document',
    'warning',
    'The default (first) server changed: clients using the default base URL call the new one.',
    '`https://beta…` → `https://api…`',
  ),
  r('server-removed', 'document', 'warning', 'A non-default server was removed.', 'drop the second server'),
  r('server-added', 'document', 'info', 'A server was added.', 'add a server'),

  // The analyzer's OAuth view: the generated grant helpers.
  r(
    'oauth-grant-removed',
    'document',
    'breaking',
    'A grant is gone: its generated helper disappears.',
    'drop `password` from `grant_type`',
  ),
  r('oauth-grant-added', 'document', 'info', 'A new grant helper.', 'add the device_code grant'),
  r(
    'oauth-grant-required-field-added',
    'document',
    'breaking',
    'A grant now requires a field its old helper does not send.',
    'require `code_verifier`',
  ),
  r(
    'oauth-grant-field-added',
    'document',
    'info',
    'A grant can send one more optional field.',
    'add optional `resource`',
  ),
  r(
    'oauth-grant-field-became-optional',
    'document',
    'info',
    'A grant no longer requires a field.',
    'make `scope` optional',
  ),
  r(
    'oauth-grant-required-field-removed',
    'document',
    'breaking',
    'A field a grant required is gone from it.',
    'drop required `username`',
  ),
  r(
    'oauth-grant-field-removed',
    'document',
    'warning',
    'An optional field of a grant is gone.',
    'drop optional `scope`',
  ),

  // The generated TypeScript surface (`diff --code`, `generate --check`): derived from the declarations of both
  // versions, so it reports what the document rules above cause in code, in the code's own terms.
  r(
    'code-export-removed',
    'code',
    'breaking',
    'An export of the generated code is gone: imports of it no longer compile.',
    '`export function getUser` disappears',
  ),
  r(
    'code-export-renamed',
    'code',
    'breaking',
    'An export is renamed (same declaration, new name): imports of the old name no longer compile.',
    '`usersGetByUsername` → `usersGetUser`',
  ),
  r(
    'code-parameter-added-required',
    'code',
    'breaking',
    'A generated function takes a new required parameter: existing calls no longer compile.',
    '`createIssue(params)` → `createIssue(params, org)`',
  ),
  r(
    'code-parameter-became-required',
    'code',
    'breaking',
    'An optional parameter of a generated function became required.',
    '`list(params?)` → `list(params)`',
  ),
  r(
    'code-member-removed',
    'code',
    'breaking',
    'A member of a generated type is gone: code reading or setting it no longer compiles.',
    '`Hovercard.contexts` removed',
  ),
  r(
    'code-member-became-optional',
    'code',
    'breaking',
    'A member of a generated result type became optional: code using it unguarded no longer compiles under `strict`.',
    '`id: number` → `id?: number`',
  ),
  r(
    'code-member-became-required',
    'code',
    'breaking',
    'A member of a type that generated functions take became required: calls that omit it no longer compile.',
    '`codeVerifier?: string` → `codeVerifier: string`',
  ),
  r(
    'code-member-added-required',
    'code',
    'breaking',
    'A type that generated functions take gained a required member: existing calls no longer compile.',
    'new required `org` in `CreateIssueParams`',
  ),
  r(
    'code-union-member-removed',
    'code',
    'breaking',
    'A literal union (an enum) lost members: code naming them no longer compiles.',
    '`"open" | "closed"` → `"open"`',
  ),
  r(
    'code-type-changed',
    'code',
    'warning',
    'A parameter, result or member changed type in another way: code may or may not still compile.',
    '`string` → `number`',
  ),
];

/** The rules by id. */
export const RULE_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));

/** The severity the table gives a rule; throws for an id not in the table (a bug in the classifier, not input). */
export function severityOf(id: string): Severity {
  const rule = RULE_BY_ID.get(id);
  if (!rule) throw new Error(`rule ${id} is not in generator/diff/rules/table.ts`);
  return rule.severity;
}

/** Escapes a table cell of docs/drift.md (pipes only: the sentences are ours and use Markdown on purpose). */
const cell = (text: string): string => text.replace(/\|/g, '\\|');

/**
 * The rule table as docs/drift.md shows it, between `<!-- rules:start -->` and `<!-- rules:end -->`; a test
 * checks the file against it (`node scripts/drift-docs.mjs` rewrites that part after `npm run build`).
 */
export function renderRuleTable(): string {
  const icon: Record<Severity, string> = { breaking: '🔴 breaking', warning: '🟠 warning', info: '🔵 info' };
  const lines = [
    '| Rule | Direction | Severity | What and why | Example | Differs from oasdiff |',
    '| --- | --- | --- | --- | --- | --- |',
    ...RULES.map(
      (rule) =>
        `| \`${rule.id}\` | ${rule.direction} | ${icon[rule.severity]} | ${cell(rule.sentence)} | ${cell(rule.example)} | ${cell(rule.oasdiff ?? '')} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
