// Cuts the committed fixtures of test/fixtures/github-history/ from real versions of GitHub's REST description
// (see scripts/github-openapi.mjs): for each case, the named operations of an old and a new version with every
// component they reference (transitively), at the same pointers, so `$ref`s resolve as in the full documents.
// One case also applies a documented edit to the new version (the hovercard check).
//
//   node scripts/cut-github-fixtures.mjs        rewrite test/fixtures/github-history/*.json
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { githubOpenapi, ROOT } from './github-openapi.mjs';

const OUT = join(ROOT, 'test/fixtures/github-history');

/** Each case: versions, operations to keep, an optional edit of the new version, and why it is here. */
const CASES = [
  {
    name: 'hovercard-contexts-removed',
    old: '22.0.0',
    new: '23.0.2',
    operations: [['get', '/users/{username}/hovercard']],
    why: 'The required response field `contexts` removed from GET /users/{username}/hovercard (an edit of 23.0.2): with the old budget of 20,000 schema pairs this was compared after the budget ran out and passed with 0 breaking.',
    edit: (doc) => {
      const hovercard = doc.components.schemas.hovercard;
      delete hovercard.properties.contexts;
      hovercard.required = hovercard.required.filter((name) => name !== 'contexts');
    },
  },
  {
    name: 'rulesets-variants-moved',
    old: '18.2.0',
    new: '19.0.0',
    operations: [['post', '/orgs/{org}/rulesets']],
    why: 'Inline oneOf variants of the ruleset rules moved into components with identical content: paired by position they were reported as removed plus added (8 of the 12 breaking changes of the pair).',
  },
  {
    name: 'operation-ids-renamed',
    old: '20.0.0',
    new: '21.0.0',
    operations: [
      ['get', '/orgs/{org}/properties/schema'],
      ['get', '/repos/{owner}/{repo}/properties/values'],
    ],
    why: 'v21 renamed nine operationIds (its BREAKING CHANGE notes list them): generated function names change.',
  },
  {
    name: 'license-url-nullable',
    old: '22.0.0',
    new: '23.0.2',
    operations: [
      ['get', '/notifications'],
      ['get', '/orgs/{org}/actions/runner-groups/{runner_group_id}/repositories'],
    ],
    why: 'One component change (license.url may now be null) reached from many operations: listed once in the markdown report, with the operations it affects.',
  },
  {
    name: 'job-id-format-added',
    old: '22.0.0',
    new: '23.0.2',
    operations: [['get', '/repos/{owner}/{repo}/actions/jobs/{job_id}']],
    why: 'format: int64 added to a response field (info, as in oasdiff) and to a path parameter (a request: warning).',
  },
  {
    name: 'sarif-content-type-added',
    old: '22.0.0',
    new: '23.0.2',
    operations: [['get', '/repos/{owner}/{repo}/code-scanning/analyses/{analysis_id}']],
    why: 'A response media type added (application/sarif+json): info, the generated client sends Accept.',
  },
];

/** Every local `$ref` target under `value`, as JSON pointers. */
function refsIn(value, found) {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/'))
        found.add(decodeURIComponent(inner.slice(1)));
      else refsIn(inner, found);
    }
  }
}

const tokens = (pointer) =>
  pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));

/** The operations with the components they need (transitively), examples left out (they are not compared). */
function cut(doc, operations) {
  const out = {
    openapi: doc.openapi,
    info: { ...doc.info, description: 'Excerpt cut by scripts/cut-github-fixtures.mjs.' },
    paths: {},
    components: {},
  };
  for (const [method, path] of operations) {
    const item = doc.paths[path];
    if (!item?.[method]) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    const { parameters } = item;
    out.paths[path] = {
      ...(out.paths[path] ?? {}),
      ...(parameters ? { parameters } : {}),
      [method]: stripExamples(item[method]),
    };
  }
  const pending = new Set();
  refsIn(out.paths, pending);
  const done = new Set();
  while (pending.size > 0) {
    const [pointer] = pending;
    pending.delete(pointer);
    if (done.has(pointer)) continue;
    done.add(pointer);
    const [root, kind, name] = tokens(pointer);
    if (root !== 'components' || kind === 'examples') continue;
    const value = stripExamples(doc.components[kind][name]);
    out.components[kind] ??= {};
    out.components[kind][name] = value;
    refsIn(value, pending);
  }
  // Stable order for reviewable fixtures.
  for (const kind of Object.keys(out.components))
    out.components[kind] = Object.fromEntries(
      Object.entries(out.components[kind]).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  return out;
}

function stripExamples(value) {
  if (Array.isArray(value)) return value.map(stripExamples);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'examples' && key !== 'example')
      .map(([key, inner]) => [key, stripExamples(inner)]),
  );
}

const documents = new Map();
const load = (version) => {
  if (!documents.has(version)) documents.set(version, JSON.parse(readFileSync(githubOpenapi(version), 'utf8')));
  return documents.get(version);
};

mkdirSync(OUT, { recursive: true });
for (const c of CASES) {
  const before = cut(load(c.old), c.operations);
  const after = cut(load(c.new), c.operations);
  c.edit?.(after);
  const header = { 'x-cut': { from: `@octokit/openapi@${c.old}`, to: `@octokit/openapi@${c.new}`, why: c.why } };
  writeFileSync(join(OUT, `${c.name}.old.json`), `${JSON.stringify({ ...before, ...header }, null, 1)}\n`);
  writeFileSync(join(OUT, `${c.name}.new.json`), `${JSON.stringify({ ...after, ...header }, null, 1)}\n`);
  console.log(
    `${c.name}: ${c.operations.length} operation(s), ${Object.values(after.components).reduce((n, m) => n + Object.keys(m).length, 0)} components`,
  );
}
