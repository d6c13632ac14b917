/**
 * Once per `vitest run`, before any test file:
 * - builds dist/ (incremental tsc; the suites that run the built CLI, worker thread included, need it current:
 *   test/hostile/built-cli.test.ts, test/cli/*), and marks it built so bin/ does not rebuild it in every child;
 * - points the no-op cache (generator/no-op.ts) at a temporary folder, so that tests leave nothing in the user's
 *   ~/.cache (tests that are about where the cache lives set their own environment).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export default function setup(): () => void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const buildInfo = join(ROOT, 'dist/.tsbuildinfo');
  const now = new Date();
  if (existsSync(buildInfo)) utimesSync(buildInfo, now, now);
  const cache = mkdtempSync(join(tmpdir(), 'wcg-test-cache-'));
  process.env.WEALTHCARE_CODEGEN_CACHE_DIR = cache;
  return () => rmSync(cache, { recursive: true, force: true });
}
