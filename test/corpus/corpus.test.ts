import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, generateToTemp, removeDir } from '../support/generate-to-temp.js';

/**
 * Real documents as their owners publish them (../shared/corpus, read in place): each generates, and the output
 * compiles under the strict settings consumers use. They carry validation problems (openai.yaml uses the 3.0
 * keyword `nullable` in 3.1): generation goes on and reports them as warnings.
 */
const CORPUS = join(ROOT, '../shared/corpus');
const documents = ['clerk.yaml', 'ghes-diff.json', 'openai.yaml'];
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

describe.each(documents)('%s', (name) => {
  it.skipIf(!existsSync(join(CORPUS, name)))('generates output that compiles strictly', async () => {
    const { dir, files, result } = await generateToTemp(join(CORPUS, name));
    dirs.push(dir);
    expect(files.get('schema.ts')?.length).toBeGreaterThan(10_000);
    expect(result.warnings.length).toBeGreaterThan(0);
    const program = ts.createProgram({
      rootNames: [join(dir, 'index.ts')],
      options: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: [],
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        noEmit: true,
        skipLibCheck: true,
      },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics.slice(0, 5)).toEqual([]);
  }, 120_000);
});
