import { join } from 'node:path';
import * as prettier from 'prettier';

/**
 * Formats generated TypeScript with prettier, using the prettier config that applies to the output folder (the
 * target repo's, when it has one), so that generated code passes the repo's own format check.
 * @param outputDir Absolute path of the output folder; config is resolved for files inside it.
 */
export async function formatFiles(files: Map<string, string>, outputDir: string): Promise<Map<string, string>> {
  const formatted = new Map<string, string>();
  // Files are formatted concurrently: prettier is async and the files are independent.
  await Promise.all(
    [...files].map(async ([name, text]) => {
      const filepath = join(outputDir, name);
      const config = (await prettier.resolveConfig(filepath, { editorconfig: true })) ?? {};
      formatted.set(name, await prettier.format(text, { ...config, filepath, parser: 'typescript' }));
    }),
  );
  // Keep the caller's order: Map order is part of deterministic output listings.
  return new Map([...files.keys()].map((name) => [name, formatted.get(name)!]));
}
