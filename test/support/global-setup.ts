/**
 * Once per `vitest run`, before any test file:
 * - builds dist/ (incremental tsc; the suites that run the built CLI, worker thread included, need it current:
 *   test/hostile/built-cli.test.ts, test/cli/*), and marks it built so bin/ does not rebuild it in every child;
 * - points the no-op cache (generator/no-op.ts) at a temporary folder, so that tests leave nothing in the user's
 *   ~/.cache (tests that are about where the cache lives set their own environment);
 * - fails the run at once when the committed generated/ is stale ("run npm run generate"): suites that import it
 *   (integration, typecheck, runtime equivalence) must never test an output older than the generator and its
 *   runtime. The no-op check answers from the cache when it can; otherwise the pipeline compares in check mode, as
 *   `npm run generate -- --check` does, writing nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export default async function setup(): Promise<() => void> {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const buildInfo = join(ROOT, 'dist/.tsbuildinfo');
  const now = new Date();
  if (existsSync(buildInfo)) utimesSync(buildInfo, now, now);
  const cache = mkdtempSync(join(tmpdir(), 'wcg-test-cache-'));
  process.env.WEALTHCARE_CODEGEN_CACHE_DIR = cache;
  const cleanup = (): void => rmSync(cache, { recursive: true, force: true });
  try {
    await checkGeneratedIsFresh();
  } catch (error) {
    cleanup();
    throw error;
  }
  return cleanup;
}

async function checkGeneratedIsFresh(): Promise<void> {
  const { DEFAULT_PRETTIER_MODE } = await import('../../generator/config.js');
  const { generate } = await import('../../generator/generate.js');
  const options = {
    input: join(ROOT, 'spec/wealthcare-access.openapi.yaml'),
    output: join(ROOT, 'generated'),
    cwd: ROOT,
    prettier: DEFAULT_PRETTIER_MODE,
  };
  const result = await generate({ ...options, check: true });
  if (result.stale) {
    const files = result.statuses
      .filter((status) => status.state !== 'unchanged')
      .map((status) => status.name)
      .join(', ');
    throw new Error(`generated/ is stale: run npm run generate (differs: ${files})`);
  }
}
