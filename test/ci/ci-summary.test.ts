import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/generate-to-temp.js';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wcg-ci-summary-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs scripts/ci-summary.mjs on a vitest report with these counts and these check arguments. */
async function summary(
  counts: { passed: number; failed: number; brokenSuites?: number } | undefined,
  ...checks: string[]
): Promise<{ line: string; code: number; stdout: string }> {
  const file = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  if (counts) {
    const broken = Array.from({ length: counts.brokenSuites ?? 0 }, () => ({ status: 'failed', assertionResults: [] }));
    await writeFile(
      file,
      JSON.stringify({ numPassedTests: counts.passed, numFailedTests: counts.failed, testResults: broken }),
    );
  }
  const result = await run(process.execPath, [join(ROOT, 'scripts/ci-summary.mjs'), file, ...checks]).then(
    ({ stdout }) => ({ stdout, code: 0 }),
    (error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }),
  );
  return { ...result, line: result.stdout.trim().split('\n').pop()! };
}

describe('ci-summary', () => {
  it('counts vitest tests alone as before', async () => {
    expect(await summary({ passed: 5, failed: 0 })).toMatchObject({ line: '5 passed, 0 failed', code: 0 });
    expect(await summary({ passed: 5, failed: 2, brokenSuites: 1 })).toMatchObject({
      line: '5 passed, 3 failed',
      code: 1,
    });
    expect(await summary(undefined)).toMatchObject({ line: '0 passed, 1 failed', code: 1 });
  });

  it('counts each other check as one item, passed or failed, and fails the run when one fails', async () => {
    expect(
      await summary({ passed: 5, failed: 0 }, 'typecheck=0', 'format:check=0', 'generate --check=0'),
    ).toMatchObject({ line: '8 passed, 0 failed', code: 0 });
    const failing = await summary({ passed: 5, failed: 0 }, 'typecheck=2', 'format:check=0', 'generate --check=1');
    expect(failing).toMatchObject({ line: '6 passed, 2 failed', code: 1 });
    expect(failing.stdout).toContain('Failed check: typecheck');
    expect(failing.stdout).toContain('Failed check: generate --check');
    // Without a report the checks still count.
    expect(await summary(undefined, 'typecheck=0', 'format:check=1')).toMatchObject({
      line: '1 passed, 2 failed',
      code: 1,
    });
  });

  it('treats a malformed check argument as a failure', async () => {
    expect(await summary({ passed: 1, failed: 0 }, 'typecheck')).toMatchObject({ line: '1 passed, 1 failed', code: 1 });
    expect(await summary({ passed: 1, failed: 0 }, 'typecheck=')).toMatchObject({
      line: '1 passed, 1 failed',
      code: 1,
    });
  });

  it('.ci/run passes the type check and the format check to it, and package.json has the scripts they run', async () => {
    const script = await readFile(join(ROOT, '.ci/run'), 'utf8');
    expect(script).toMatch(/^npm run typecheck$/m);
    expect(script).toMatch(/^npm run format:check$/m);
    expect(script).toMatch(
      /ci-summary\.mjs "\$results" \\\n\s+"typecheck=\$typecheck_status" "format:check=\$format_status"/,
    );
    const scripts = (
      JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts['format:check']).toBe('prettier --check .');
    expect(scripts['format']).toBe('prettier --write .');
    // The runtime modules (templates/runtime) are type-checked under their own tsconfig (DOM + ES2022, no Node).
    expect(scripts['typecheck']).toBe('tsc -p tsconfig.json && tsc -p templates/runtime/tsconfig.json');
  });
});
