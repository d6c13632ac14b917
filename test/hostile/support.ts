/**
 * Shared by the hostile-input suites: the CLI in-process, a strict compile of a generated folder with the
 * TypeScript 5.9 API, and a way to execute the generated modules (transpiled to plain ES modules).
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { BUNDLER, STRICT_CONSUMER } from '../support/strict-options.js';
import { runCli } from '../../generator/cli.js';

export { ROOT, removeDir, tempDir } from '../support/generate-to-temp.js';

/** What one in-process CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in-process in `cwd`. */
export async function cli(cwd: string, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { cwd, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** A stack frame as Node prints it (`at fn (file:1:2)` or `at file:1:2`). */
export const STACK_FRAME = /^\s+at .*:\d+:\d+\)?$/m;

/**
 * Asserts the shape every bad-input failure must have: exit 2, nothing on stdout, exactly one line on stderr, no
 * stack frame, no "internal error". Returns that line.
 */
export function oneLineFailure(run: CliRun): string {
  const problems: string[] = [];
  if (run.code !== 2) problems.push(`exit code ${run.code}, expected 2`);
  if (run.stdout !== '') problems.push(`stdout not empty: ${JSON.stringify(run.stdout.slice(0, 300))}`);
  if (!run.stderr.endsWith('\n') || run.stderr.slice(0, -1).includes('\n'))
    problems.push(`stderr is not one line: ${JSON.stringify(run.stderr.slice(0, 500))}`);
  if (STACK_FRAME.test(run.stderr)) problems.push('stderr holds a stack trace');
  if (/internal error/i.test(run.stderr)) problems.push(`an internal error escaped: ${run.stderr.trim()}`);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return run.stderr.trimEnd();
}

/** The strict consumer settings of test/typecheck/generated-types.test.ts: DOM lib only, no Node types. */
// Bundler resolution: the folder needs no package.json (NodeNext is covered by test/typecheck).
export const STRICT: ts.CompilerOptions = { ...STRICT_CONSUMER, ...BUNDLER };

/** Library files parsed once per worker: lib.dom.d.ts dominates the cost of every program. */
const libFiles = new Map<string, ts.SourceFile | undefined>();

/**
 * Type-checks every `.ts` file of `dir` (plus `extra` files, by name relative to `dir`, with their text) under
 * {@link STRICT}. Returns the diagnostics as `file:line message` texts; empty means it compiles.
 */
export async function compileStrict(dir: string, extra: Record<string, string> = {}): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.ts'));
  const rootNames = [...names, ...Object.keys(extra)].map((name) => join(dir, name));
  const host = ts.createCompilerHost(STRICT);
  const getSourceFile = host.getSourceFile.bind(host);
  const extraPaths = new Map(Object.entries(extra).map(([name, text]) => [join(dir, name), text]));
  host.getSourceFile = (file, language, ...rest) => {
    const text = extraPaths.get(file);
    if (text !== undefined) return ts.createSourceFile(file, text, language);
    if (file.startsWith(dir)) return getSourceFile(file, language, ...rest);
    const key = `${file}|${typeof language === 'object' ? language.impliedNodeFormat : language}`;
    if (!libFiles.has(key)) libFiles.set(key, getSourceFile(file, language, ...rest));
    return libFiles.get(key);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => extraPaths.has(file) || fileExists(file);
  const readFileText = host.readFile.bind(host);
  host.readFile = (file) => extraPaths.get(file) ?? readFileText(file);
  const program = ts.createProgram({ rootNames, options: STRICT, host });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/**
 * Transpiles every `.ts` file of `dir` to an ES module in `outDir` (imports already name `./x.js`) and imports
 * `index.js`. Only the generated code runs: no bundler, no loader hooks.
 */
export async function importGenerated(dir: string, outDir: string): Promise<Record<string, unknown>> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'package.json'), '{"type":"module"}\n');
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.ts')) continue;
    const source = await readFile(join(dir, name), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: name,
    });
    await writeFile(join(outDir, name.replace(/\.ts$/, '.js')), outputText);
  }
  return (await import(/* @vite-ignore */ pathToFileURL(join(outDir, 'index.js')).href)) as Record<string, unknown>;
}

/** Every file of a folder (recursively, by relative name) with its bytes and mtime. */
export async function folderState(dir: string): Promise<Map<string, { bytes: Buffer; mtimeMs: number }>> {
  const state = new Map<string, { bytes: Buffer; mtimeMs: number }>();
  const walk = async (sub: string): Promise<void> => {
    for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
      const name = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(name);
      else state.set(name, { bytes: await readFile(join(dir, name)), mtimeMs: (await stat(join(dir, name))).mtimeMs });
    }
  };
  await walk('');
  return state;
}
