import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffDocuments, formatChanges, type Change, type DiffStats } from '../../generator/diff/index.js';
import { ROOT } from '../support/generate-to-temp.js';

/**
 * The drift gate on GitHub's real REST description. Fixtures are excerpts cut from @octokit/openapi versions by
 * scripts/cut-github-fixtures.mjs (the operations named, with every component they reference); each case is a
 * change the issue measured on the full documents.
 */
const HISTORY = join(ROOT, 'test/fixtures/github-history');
const read = (name: string, side: 'old' | 'new') =>
  JSON.parse(readFileSync(join(HISTORY, `${name}.${side}.json`), 'utf8')) as unknown;
const diff = (name: string) =>
  diffDocuments(read(name, 'old'), read(name, 'new'), { deprecation: { today: '2026-11-30' } });
const rows = (changes: Change[]) => changes.map((change) => [change.severity, change.id, change.operation ?? null]);

describe('GitHub REST description excerpts', () => {
  it('a required response field removed (hovercard `contexts`) is breaking', () => {
    const changes = diff('hovercard-contexts-removed');
    expect(rows(changes)).toEqual([['breaking', 'response-property-removed', 'GET /users/{username}/hovercard']]);
    expect(changes[0]!.message).toBe('Response field `contexts` of GET /users/{username}/hovercard was removed.');
    expect(changes[0]!.component?.message).toBe('Response field `contexts` of schema hovercard was removed.');
  });

  it('oneOf variants moved into components with identical content are no change; only real edits remain', () => {
    const changes = diff('rulesets-variants-moved');
    expect(changes.filter((change) => /variant/.test(change.id))).toEqual([]);
    expect(rows(changes)).toEqual([
      ['breaking', 'request-enum-narrowed', 'POST /orgs/{org}/rulesets'],
      ['info', 'request-property-added', 'POST /orgs/{org}/rulesets'],
      ['info', 'response-enum-narrowed', 'POST /orgs/{org}/rulesets'],
      ['info', 'response-property-added', 'POST /orgs/{org}/rulesets'],
    ]);
  });

  it('operationId renames are breaking (generated names change)', () => {
    expect(rows(diff('operation-ids-renamed'))).toEqual([
      ['breaking', 'operation-id-changed', 'GET /orgs/{org}/properties/schema'],
      ['breaking', 'operation-id-changed', 'GET /repos/{owner}/{repo}/properties/values'],
    ]);
  });

  it('a shared component change is listed once in markdown, with the operations it affects', () => {
    const changes = diff('license-url-nullable');
    const nullable = changes.filter((change) => change.id === 'response-became-nullable');
    expect(nullable).toHaveLength(2);
    expect(new Set(nullable.map((change) => change.component?.message))).toEqual(
      new Set(['Response field `license.url` of schema minimal-repository may now be null.']),
    );
    const markdown = formatChanges(changes, 'markdown');
    expect(markdown.match(/may now be null/g)).toHaveLength(1);
    expect(markdown).toContain(
      'affects 2 operations: `GET /notifications`, `GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories`',
    );
    expect(markdown.indexOf('**2 breaking, 0 warning, 10 info**')).toBeLessThan(markdown.indexOf('###', 10));
  });

  it('an added format: info on what the client receives, a warning on what it sends', () => {
    expect(rows(diff('job-id-format-added'))).toEqual([
      ['warning', 'request-format-added', 'GET /repos/{owner}/{repo}/actions/jobs/{job_id}'],
      ['info', 'response-format-added', 'GET /repos/{owner}/{repo}/actions/jobs/{job_id}'],
      ['info', 'response-format-added', 'GET /repos/{owner}/{repo}/actions/jobs/{job_id}'],
    ]);
  });

  it('an added response media type is info; a renamed one still loses the old name (breaking)', () => {
    expect(rows(diff('sarif-content-type-added'))).toEqual([
      ['breaking', 'response-content-type-removed', 'GET /repos/{owner}/{repo}/code-scanning/analyses/{analysis_id}'],
      ['info', 'response-content-type-added', 'GET /repos/{owner}/{repo}/code-scanning/analyses/{analysis_id}'],
    ]);
  });
});

/**
 * The full documents (11-13 MB each), when they are in the cache `node scripts/github-openapi.mjs 22.0.0 23.0.2`
 * fills (the package is 400-580 MB unpacked per version, too large for a devDependency). Asserts completeness:
 * every operation present in both is compared, and an edit to a late operation is found.
 */
const CACHE = process.env.GITHUB_OPENAPI_CACHE ?? join(ROOT, 'node_modules/.cache/github-openapi');
const pair = ['22.0.0', '23.0.2'].map((version) => join(CACHE, version, 'api.github.com.json'));
describe.runIf(pair.every((path) => existsSync(path)))('the full GitHub 22.0.0 → 23.0.2 pair', () => {
  type Doc = { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, any> } };
  // Read in the tests, not while collecting: a skipped describe's body still runs at collection.
  let oldDoc: Doc;
  let newDoc: Doc;
  beforeAll(() => {
    [oldDoc, newDoc] = pair.map((path) => JSON.parse(readFileSync(path, 'utf8')) as Doc) as [Doc, Doc];
  });
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  const normalize = (path: string) => path.replace(/\{[^}]*\}/g, '{}');
  const operations = (doc: Doc) =>
    new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        methods.filter((method) => item[method] !== undefined).map((method) => `${method} ${normalize(path)}`),
      ),
    );

  it('compares every shared operation and finds the hovercard edit', () => {
    const oldOperations = operations(oldDoc);
    const shared = [...operations(newDoc)].filter((operation) => oldOperations.has(operation)).length;
    expect(shared).toBeGreaterThan(1000);
    const hovercard = newDoc.components.schemas.hovercard;
    delete hovercard.properties.contexts;
    hovercard.required = hovercard.required.filter((name: string) => name !== 'contexts');
    const stats: DiffStats = { operationsCompared: 0, schemaPairs: 0 };
    const changes = diffDocuments(oldDoc, newDoc, { stats, deprecation: { today: '2026-11-30' } });
    expect(stats.operationsCompared).toBe(shared);
    expect(changes).toContainEqual(
      expect.objectContaining({
        id: 'response-property-removed',
        severity: 'breaking',
        message: 'Response field `contexts` of GET /users/{username}/hovercard was removed.',
      }),
    );
    const markdown = formatChanges(changes, 'markdown');
    expect(markdown.length).toBeLessThanOrEqual(65_536);
    expect(markdown).toMatch(/Left out to fit a pull-request comment/);
  });
});
