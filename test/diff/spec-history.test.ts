import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../generator/analyze/analyze.js';
import { diffDocuments, formatChanges, oauthView } from '../../generator/diff/index.js';
import { loadDocument } from '../../generator/load/load.js';
import { ROOT, generateToTemp, removeDir } from '../support/generate-to-temp.js';

/**
 * Successive versions of the WealthCare document. For each step: the expected classification as a committed
 * snapshot (`NN-name.changes.txt`) and the diff of the generated code it causes (`NN-name.generated.diff`), so a
 * reviewer sees how every kind of spec change reaches generated code. Update after an intended change with
 * `npx vitest run test/diff -u`.
 */
const HISTORY = join(ROOT, 'test/fixtures/spec-history');
const SNAPSHOTS = join(HISTORY, '__snapshots__');
const versions = (await readdir(HISTORY)).filter((name) => name.endsWith('.yaml')).sort();
const steps = versions.slice(1).map((name, index) => [basename(name, '.yaml'), versions[index]!, name] as const);
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

async function side(name: string) {
  const loaded = await loadDocument(join(HISTORY, name), { cwd: ROOT });
  const generated = await generateToTemp(join(HISTORY, name));
  dirs.push(generated.dir);
  return { loaded, ir: analyze(loaded), files: generated.files };
}

it('has at least 15 steps', () => {
  expect(steps.length).toBeGreaterThanOrEqual(15);
});

describe.each(steps)('%s', (name, before, after) => {
  it('classifies the change and shows its effect on generated code', async () => {
    const [old, next] = await Promise.all([side(before), side(after)]);
    const changes = diffDocuments(old.loaded.document, next.loaded.document, {
      oldOAuth: oauthView(old.ir),
      newOAuth: oauthView(next.ir),
    });
    await expect(formatChanges(changes, 'text')).toMatchFileSnapshot(join(SNAPSHOTS, `${name}.changes.txt`));
    // Only the code: the header's SHA-256 line and the manifest files change with every step anyway.
    const code = (files: Map<string, string>, file: string) =>
      (files.get(file) ?? '').replace(/^\/\/ (Source|SHA-256): .*\n/gm, '');
    const names = [...new Set([...old.files.keys(), ...next.files.keys()])]
      .filter((file) => file.endsWith('.ts'))
      .sort();
    const patch = names
      .map((file) =>
        createTwoFilesPatch(file, file, code(old.files, file), code(next.files, file), before, after, { context: 2 }),
      )
      .filter((text) => text.includes('\n@@'))
      .join('');
    await expect(patch || '(no change to generated code)\n').toMatchFileSnapshot(
      join(SNAPSHOTS, `${name}.generated.diff`),
    );
  });
});
