import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_PRETTIER_MODE } from '../../generator/config.js';
import { generate, type GenerateResult } from '../../generator/generate.js';

/** The repository root, for paths in tests. */
export const ROOT = resolve(import.meta.dirname, '../..');
/** The WealthCare document. */
export const SPEC = join(ROOT, 'spec/wealthcare-access.openapi.yaml');

/** A temporary folder that tests remove in afterAll/afterEach. */
export async function tempDir(prefix = 'wcg-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Runs the real pipeline on `input` into a fresh temporary folder and returns the generated files by name. No
 * prettier config applies in the temporary folder, so with the default `auto` the files are as the generator prints
 * them (what a repository without prettier gets).
 * `cwd` is the repo root, so headers name the input as the CLI would.
 */
export async function generateToTemp(
  input: string,
): Promise<{ dir: string; files: Map<string, string>; result: GenerateResult }> {
  const dir = await tempDir();
  const result = await generate({ input, output: dir, cwd: ROOT, check: false, prettier: DEFAULT_PRETTIER_MODE });
  const files = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(join(dir, name), 'utf8'));
  return { dir, files, result };
}
