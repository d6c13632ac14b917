import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { NODE_NEXT, STRICT_CONSUMER } from '../support/strict-options.js';
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
  it.skipIf(!existsSync(join(CORPUS, name)))(
    'generates output that compiles strictly',
    async () => {
      const started = performance.now();
      const { dir, files, result } = await generateToTemp(join(CORPUS, name));
      const generatedIn = performance.now() - started;
      dirs.push(dir);
      // The output folder lies outside any package: mark it as ES modules, as a consumer's package would be.
      await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
      expect(files.get('schema.ts')?.length).toBeGreaterThan(10_000);
      expect(result.warnings.length).toBeGreaterThan(0);
      // Every operation has its function (the corpus documents have no token endpoint to leave out).
      expect(result.ir.operations.length).toBeGreaterThan(100);
      const functions = files.get('operations.ts')?.match(/^export (async )?function \w+/gm) ?? [];
      expect(functions.map((line) => line.replace(/^export (async )?function /, ''))).toEqual([
        // isApiError lives in the copied operations runtime (operations-runtime.ts).
        'createApiConfig',
        ...result.ir.operations.map((operation) => operation.functionName),
      ]);
      expect(new Set(result.ir.operations.map((operation) => operation.functionName)).size).toBe(
        result.ir.operations.length,
      );
      expect(files.get('testing.ts')?.match(/^export function mock\w+/gm)).toHaveLength(result.ir.operations.length);
      const program = ts.createProgram({
        // testing.ts too: index.ts never imports the test kit, and its typed mocks of every operation must compile.
        rootNames: [join(dir, 'index.ts'), join(dir, 'testing.ts')],
        options: { ...STRICT_CONSUMER, ...NODE_NEXT, skipLibCheck: true },
      });
      const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics.slice(0, 5)).toEqual([]);
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      console.log(
        `${name}: ${result.ir.operations.length} operations; generated in ${seconds(generatedIn)}, type-checked in ${seconds(performance.now() - started - generatedIn)}`,
      );
    },
    300_000,
  );
});
