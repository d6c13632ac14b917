// GitHub's REST API description as published on npm (@octokit/openapi, generated/api.github.com.json), one file
// per version in a cache folder: a real spec history for the drift gate's tests and bench. The package unpacks to
// 400-580 MB per version (every GHES variant, dereferenced copies), too large for a devDependency, so only the one
// file is extracted from the tarball that `npm pack` downloads.
//
//   node scripts/github-openapi.mjs 22.0.0 23.0.2     download (if missing) and print the paths
//
// The cache is node_modules/.cache/github-openapi/<version>/api.github.com.json (or $GITHUB_OPENAPI_CACHE).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const CACHE = process.env.GITHUB_OPENAPI_CACHE ?? join(ROOT, 'node_modules/.cache/github-openapi');
const FILE = 'package/generated/api.github.com.json';

/** Where a version's description is (or would be) cached. */
export const cachedPath = (version) => join(CACHE, version, 'api.github.com.json');

/** The cached description of one version, downloaded with `npm pack` first when missing. */
export function githubOpenapi(version) {
  const target = cachedPath(version);
  if (existsSync(target)) return target;
  const work = mkdtempSync(join(tmpdir(), 'github-openapi-'));
  try {
    execFileSync('npm', ['pack', `@octokit/openapi@${version}`, '--silent', '--pack-destination', work], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack @octokit/openapi@${version} produced no tarball`);
    execFileSync('tar', ['xzf', join(work, tarball), '-C', work, FILE]);
    mkdirSync(join(CACHE, version), { recursive: true });
    renameSync(join(work, FILE), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const version of process.argv.slice(2)) console.log(githubOpenapi(version));
}
