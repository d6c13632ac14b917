import { execFile } from 'node:child_process';
import { cp, copyFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SPEC, removeDir, tempDir } from '../support/generate-to-temp.js';

/**
 * The consumer example's own test suite (examples/consumer/test), which tests the app's code with the generated test
 * kit and MSW 2: generated into a copy of the example by the built CLI, compiled strictly, and run with vitest as the
 * consumer would run it. The copy uses this repository's node_modules (vitest, msw, typescript) instead of installing.
 */
const exec = promisify(execFile);
let consumer: string;

beforeAll(async () => {
  consumer = join(await tempDir('wcg-kit-'), 'consumer');
  await cp(join(ROOT, 'examples/consumer'), consumer, {
    recursive: true,
    filter: (source) => !/node_modules|src[\\/]wealthcare$/.test(source),
  });
  await copyFile(SPEC, join(consumer, 'openapi/wealthcare-access.openapi.yaml'));
  await rm(join(consumer, 'node_modules'), { recursive: true, force: true });
  await symlink(join(ROOT, 'node_modules'), join(consumer, 'node_modules'), 'dir');
  await exec(process.execPath, [join(ROOT, 'bin/wealthcare-codegen.js'), 'generate'], { cwd: consumer });
}, 120_000);
afterAll(async () => removeDir(join(consumer, '..')));

describe('examples/consumer', () => {
  it('compiles strictly with the generated client and kit', async () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await expect(
      exec(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit'], { cwd: consumer }),
    ).resolves.toBeDefined();
  }, 120_000);

  it("runs the app's own tests, written with the generated test kit and MSW", async () => {
    const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
    const { stdout } = await exec(process.execPath, [vitest, 'run', '--root', consumer], {
      cwd: consumer,
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    });
    expect(stdout).toMatch(/Tests\s+4 passed \(4\)/);
  }, 120_000);
});
