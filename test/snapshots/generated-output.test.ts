import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, SPEC, generateToTemp, removeDir } from '../support/generate-to-temp.js';

/**
 * File snapshots of everything the generator writes: for the WealthCare document, and for variants that show how
 * the output follows spec changes. A reviewer reads the snapshot diff to see what a spec change does to users.
 * Update with `npx vitest run test/snapshots -u` after an intended change (`-u` last: it takes an optional value).
 */
const VARIANTS_DIR = join(ROOT, 'test/fixtures/variants');
const variants = (await readdir(VARIANTS_DIR)).filter((name) => name.endsWith('.yaml')).sort();
const cases: Array<[string, string]> = [
  ['wealthcare-access', SPEC],
  ...variants.map((name): [string, string] => [basename(name, '.yaml'), join(VARIANTS_DIR, name)]),
];
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

describe.each(cases)('generated output for %s', (name, input) => {
  it('matches the committed file snapshots', async () => {
    const { dir, files } = await generateToTemp(input);
    dirs.push(dir);
    expect([...files.keys()]).toContain('index.ts');
    for (const [file, text] of files) {
      // The manifest's fingerprint hashes the generator's own code: it is covered by test/cli, not snapshotted.
      if (file === '.wealthcare-codegen.json') continue;
      await expect(text).toMatchFileSnapshot(join(ROOT, 'test/__file_snapshots__', name, file));
    }
  });
});

it('has at least four spec variants besides the WealthCare document', () => {
  expect(variants.length).toBeGreaterThanOrEqual(4);
});
