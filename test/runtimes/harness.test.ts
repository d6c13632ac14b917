import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../support/generate-to-temp.js';
import { RUNTIMES, runInRuntimes, skipOrFailMissing } from './harness.js';

/**
 * The harness itself: a scenario given as source, with input and an extra module, that throws in every runtime.
 * Its failure must come back as a `failed` result carrying the runtime's own error, never as a pass or a hang.
 */
describe('runInRuntimes', () => {
  let dir: string | undefined;
  afterAll(() => (dir ? removeDir(dir) : undefined));

  it('reports a scenario that throws as failed, with the error raised in each runtime', async (context) => {
    dir = await tempDir('wcg-harness-');
    const extra = join(dir, 'extra.ts');
    await writeFile(extra, 'export const answer: number = 42;\n');
    const source = `
      export default async (input: { word: string }, context: { runtime: string; modules: { extra: { answer: number } } }) => {
        throw new RangeError(\`\${input.word} in \${context.runtime} with \${context.modules.extra.answer}\`);
      };
    `;
    const results = await runInRuntimes({ source, dir }, { input: { word: 'boom' }, modules: { extra } });
    for (const runtime of RUNTIMES) {
      const result = results[runtime];
      if (result.status === 'unavailable') continue;
      expect(result, result.log).toMatchObject({
        runtime,
        status: 'failed',
        error: { name: 'RangeError', message: `boom in ${runtime} with 42` },
      });
    }
    // The runtimes present were checked above; a missing one skips outside CI and fails in CI.
    skipOrFailMissing(Object.values(results), context);
  }, 600_000);

  it('reports a scenario that cannot load as failed in every runtime', async (context) => {
    dir ??= await tempDir('wcg-harness-');
    const source = `import { missing } from './does-not-exist.js';\nexport default async () => missing;\n`;
    const results = await runInRuntimes({ source, dir });
    for (const runtime of RUNTIMES) {
      const result = results[runtime];
      if (result.status !== 'unavailable') expect(result, result.log).toMatchObject({ runtime, status: 'failed' });
    }
    skipOrFailMissing(Object.values(results), context);
  }, 600_000);
});
