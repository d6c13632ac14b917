import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, removeDir, tempDir } from '../hostile/support.js';

/** A valid document with four structural problems the validator reports without stopping generation. */
const DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'Warnings', version: '1' },
  paths: {
    '/a': {
      get: {
        responses: {
          '200': {
            description: 'ok',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      A: {
        type: 'object',
        nullable: true,
        properties: { x: { type: 'string', nullable: true }, 'y/z': { type: 'integer', bogus: 1 } },
      },
      B: { type: 'string', wrong: 2 },
    },
  },
};

let dir: string;
beforeEach(async () => {
  dir = await tempDir('wcg-warnings-');
  await writeFile(join(dir, 'doc.json'), JSON.stringify(DOCUMENT));
});
afterEach(async () => removeDir(dir));

const run = (...argv: string[]) => cli(dir, ...argv);

const ALL = [
  '  doc.json#/components/schemas/A/nullable: Property `nullable` is not expected here.',
  '  doc.json#/components/schemas/A/properties/x/nullable: Property `nullable` is not expected here.',
  '  doc.json#/components/schemas/A/properties/y~1z/bogus: Property `bogus` is not expected here.',
  '  doc.json#/components/schemas/B/wrong: Property `wrong` is not expected here.',
];

describe('validation problems that do not stop generation', () => {
  it('are summed up in one line by default, naming the first and the option that lists them all', async () => {
    const result = await run('generate', '-i', 'doc.json', '-o', 'out');
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      'wealthcare-codegen: warning: 4 validation problem(s) did not stop generation; first: ' +
        'doc.json#/components/schemas/A/nullable: Property `nullable` is not expected here. ' +
        'Run with --verbose to list all 4, one per line.',
    ]);
  });

  it('are all listed, one per line with their JSON pointers, with --verbose, also when nothing changed', async () => {
    expect((await run('generate', '-i', 'doc.json', '-o', 'out')).code).toBe(0);
    // The output is fresh now: without --verbose the no-op path answers and finds no problems to list.
    const verbose = await run('generate', '-i', 'doc.json', '-o', 'out', '--verbose');
    expect(verbose.code).toBe(0);
    expect(verbose.stdout).toMatch(/out: nothing changed/);
    expect(verbose.stderr.split('\n')).toEqual([
      'wealthcare-codegen: warning: 4 validation problem(s) did not stop generation:',
      ...ALL,
      '',
    ]);
    // The same through the full parser (another option order, --check).
    const check = await run('--verbose', 'generate', '--check', '-i', 'doc.json', '-o', 'out');
    expect(check.code).toBe(0);
    expect(check.stderr.split('\n').slice(1, -1)).toEqual(ALL);
  });
});
