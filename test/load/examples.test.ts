import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../support/generate-to-temp.js';
import { cliIn } from '../support/run-cli.js';

/**
 * Examples are what the test kit answers with, so the generator can check them against their schemas (issue 14
 * item 4): off by default (the check costs several times the rest of validation), warnings with JSON pointers under
 * --check-examples (or `examples: 'warn'`), and a failed run that writes nothing under --strict-examples.
 */
let dir: string;
const cli = cliIn(() => dir);
const DOCUMENT = `openapi: 3.0.3
info: { title: Examples, version: '1' }
servers: [{ url: 'https://x.test' }]
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - { name: n, in: query, schema: { type: integer }, example: 'three' }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { type: object, required: [id], properties: { id: { type: integer } } }
              example: { id: 'not-a-number' }
  /b:
    get:
      operationId: getB
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { type: object, properties: { id: { type: integer } } }
              example: { id: 1 }
`;
beforeAll(async () => {
  dir = await tempDir('wcg-examples-');
  await writeFile(join(dir, 'api.yaml'), DOCUMENT);
});
afterAll(async () => removeDir(dir));

describe('example validation', () => {
  it('is off by default: no warning about examples', async () => {
    const run = await cli('generate', '-i', 'api.yaml', '-o', 'off');
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/example/i);
  });

  it('--check-examples lists every invalid example with its JSON pointer, and still generates', async () => {
    const run = await cli('generate', '-i', 'api.yaml', '-o', 'warn', '--check-examples', '--verbose');
    expect(run.code).toBe(0);
    const lines = run.stderr.split('\n').filter((line) => line.includes('invalid example:'));
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toContain('api.yaml#/paths/~1a/get/responses/200/content/application~1json/example/id');
    expect(lines.join('\n')).toContain('api.yaml#/paths/~1a/get/parameters/0/example');
    expect(lines.join('\n')).not.toContain('~1b');
    expect(await readdir(join(dir, 'warn'))).toContain('testing.ts');
  });

  it('a run that checks examples is not answered by the fast path of one that did not', async () => {
    expect((await cli('generate', '-i', 'api.yaml', '-o', 'off')).stdout).toMatch(/nothing changed/);
    const checked = await cli('generate', '-i', 'api.yaml', '-o', 'off', '--check-examples');
    expect(checked.stderr).toMatch(/invalid example/);
  });

  it('--strict-examples fails the run in one line, exit 2, and writes nothing', async () => {
    const run = await cli('generate', '-i', 'api.yaml', '-o', 'strict', '--strict-examples');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /#\/paths\/~1a\/get\/.*example.*must be integer \(and 1 more; --check-examples lists them\)\. Fix the example/,
    );
    await expect(readdir(join(dir, 'strict'))).rejects.toThrow();
  });

  it('the config key is checked: an unknown mode is a one-line error naming the key', async () => {
    await writeFile(join(dir, 'bad.config.json'), JSON.stringify({ input: 'api.yaml', output: 'x', examples: 'loud' }));
    const run = await cli('generate', '-c', 'bad.config.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/#\/examples: must be one of off, warn, error/);
  });
});
