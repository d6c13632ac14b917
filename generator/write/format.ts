import { createRequire } from 'node:module';
import { isAbsolute, join, relative } from 'node:path';
import type * as Prettier from 'prettier';
import type { PrettierMode } from '../config.js';
import { repositoryRoot } from '../fingerprint.js';

/**
 * Formats generated TypeScript with prettier when `mode` asks for it (see PrettierMode in config.ts), using the
 * prettier config that applies to the output folder (the target repo's, when it has one), so that generated code
 * passes the repo's own format check.
 *
 * Why not always: a cold prettier costs more than everything else a run adds to openapi-typescript (0.65 s of a
 * 2.7 s run on the WealthCare document; 5 s and 70 MiB of an 11 s run on openai.yaml). Without a prettier config
 * in the target repository nobody checks the format, and the generator's own printing is already tidy.
 * prettier is imported only when it runs or must be asked whether a config applies.
 * @param outputDir Absolute path of the output folder; config is resolved for files inside it.
 */
export async function formatFiles(
  files: Map<string, string>,
  outputDir: string,
  mode: PrettierMode,
): Promise<Map<string, string>> {
  if (mode === 'never') return files;
  const prettier = await import('prettier');
  if (mode === 'auto' && !(await repositoryHasPrettierConfig(prettier, outputDir))) return files;
  const formatted = new Map<string, string>();
  // Files are formatted concurrently: prettier is async and the files are independent.
  await Promise.all(
    [...files].map(async ([name, text]) => {
      const filepath = join(outputDir, name);
      const config = (await prettier.resolveConfig(filepath, { editorconfig: true })) ?? {};
      formatted.set(name, await formatTypeScript(text, { ...config, filepath, parser: 'typescript' }));
    }),
  );
  // Keep the caller's order: Map order is part of deterministic output listings.
  return new Map([...files.keys()].map((name) => [name, formatted.get(name)!]));
}

/**
 * Whether a prettier config of the output folder's repository applies to it. One found above the repository root
 * (a `~/.prettierrc` on a developer's machine) does not count: it would make the output differ between that machine
 * and CI, and the drift check fail. The fingerprint (fingerprint.ts) stops at the same root.
 */
async function repositoryHasPrettierConfig(prettier: typeof Prettier, outputDir: string): Promise<boolean> {
  const file = await prettier.resolveConfigFile(join(outputDir, 'index.ts'));
  if (file === null) return false;
  const root = repositoryRoot(outputDir);
  const within = relative(root, file);
  return within !== '' && !within.startsWith('..') && !isAbsolute(within);
}

/**
 * Above this size a file is formatted in pieces. Prettier's time grows faster than linearly with the size of one
 * file: operations.ts for 10 000 operations (14 MB) took 72 s whole; 1 000 operations took 2.9 s.
 */
export const CHUNK_CHARS = 256 * 1024;

/**
 * Formats TypeScript with prettier; a large file is cut between top-level statements into pieces of about
 * `chunkChars`, each formatted alone, and joined as prettier joins statements: one blank line kept where the source
 * had at least one. The result is the same as formatting the whole file (test/hostile/format-chunks.test.ts
 * compares them): prettier formats top-level statements independently, and a cut is only made where the next
 * statement (with its leading comments) starts on a new line, so no trailing comment changes owner.
 */
export async function formatTypeScript(
  text: string,
  options: Prettier.Options,
  chunkChars = CHUNK_CHARS,
): Promise<string> {
  const prettier = await import('prettier');
  if (text.length <= chunkChars * 2) return prettier.format(text, options);
  const pieces = await splitTopLevel(text, chunkChars);
  let result = '';
  for (const piece of pieces) {
    const formatted = await prettier.format(piece.text, options);
    result += `${result !== '' && piece.blankBefore ? '\n' : ''}${formatted}`;
  }
  return result;
}

async function splitTopLevel(text: string, chunkChars: number): Promise<Array<{ text: string; blankBefore: boolean }>> {
  // require, not import: see loadOpenapiTypescript in emit/schema-types.ts (import costs about 0.7 s more).
  const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
  const file = ts.createSourceFile('piece.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const pieces: Array<{ text: string; blankBefore: boolean }> = [];
  let start = 0;
  let blankBefore = false;
  for (let index = 1; index < file.statements.length; index += 1) {
    const previous = file.statements[index - 1]!;
    const statement = file.statements[index]!;
    const begin = ts.getLeadingCommentRanges(text, statement.pos)?.[0]?.pos ?? statement.getStart(file);
    const gap = text.slice(previous.end, begin);
    if (begin - start < chunkChars || !/^\s*$/.test(gap) || !gap.includes('\n')) continue;
    pieces.push({ text: text.slice(start, begin), blankBefore });
    blankBefore = (gap.match(/\n/g) ?? []).length >= 2;
    start = begin;
  }
  pieces.push({ text: text.slice(start), blankBefore });
  return pieces;
}
