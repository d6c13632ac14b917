import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from './errors.js';

/** Default config file name, looked up in the working directory when `--config` is not given. */
export const CONFIG_FILE = 'wealthcare-codegen.config.json';

/** Default input document and output folder, relative to the working directory. */
export const DEFAULT_INPUT = 'spec/wealthcare-access.openapi.yaml';
export const DEFAULT_OUTPUT = 'generated';

/**
 * When prettier formats the generated files:
 * - `auto`: when a prettier configuration of the repository applies to the output folder (prettier's own lookup:
 *   `.prettierrc*`, `prettier.config.*`, a `prettier` key in package.json; found at or below the folder holding
 *   `.git`, so a `~/.prettierrc` does not make one machine's output differ from CI's), every file is formatted with
 *   it, so the files pass the repository's format check. Without one, files are written as the generator prints them (templates and ts-morph
 *   in their own tidy style, `schema.ts` as openapi-typescript prints it), which skips prettier's cost (most of a
 *   cold run: see the README's Performance section).
 * - `always`: format with prettier, with the applicable configuration or prettier's defaults.
 * - `never`: never format.
 */
export type PrettierMode = 'auto' | 'always' | 'never';
export const PRETTIER_MODES: readonly PrettierMode[] = ['auto', 'always', 'never'];
export const DEFAULT_PRETTIER_MODE: PrettierMode = 'auto';

/** What a config file may set; command-line options override it. */
export interface CodegenConfig {
  /** The OpenAPI document: a path relative to the config file's folder, or an http(s) URL. */
  input?: string;
  /** The output folder, relative to the config file's folder. */
  output?: string;
  /** When prettier formats the output; see {@link PrettierMode}. */
  prettier?: PrettierMode;
}

const KEYS = new Set(['$schema', 'input', 'output', 'prettier']);

/**
 * Reads a config file. A missing default config is fine (returns `{}`); a missing explicit one, bad JSON, an unknown
 * key or a wrong type is an {@link InputError}.
 */
export async function readConfig(
  path: string | undefined,
  cwd: string,
): Promise<{ config: CodegenConfig; path?: string }> {
  const file = resolve(cwd, path ?? CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (path === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return { config: {} };
    throw new InputError('cannot read the config file', path ?? CONFIG_FILE, 'Check the --config path.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not valid JSON (${(error as Error).message})`, path ?? CONFIG_FILE);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError('the config must be a JSON object', path ?? CONFIG_FILE);
  for (const [key, member] of Object.entries(value)) {
    if (!KEYS.has(key))
      throw new InputError(
        `unknown key ${JSON.stringify(key)}`,
        `${path ?? CONFIG_FILE}#/${key}`,
        `Known keys: input, output, prettier.`,
      );
    if (typeof member !== 'string' || member === '')
      throw new InputError('must be a non-empty string', `${path ?? CONFIG_FILE}#/${key}`);
    if (key === 'prettier' && !isPrettierMode(member)) {
      throw new InputError(
        `must be one of ${PRETTIER_MODES.join(', ')} (got ${JSON.stringify(member)})`,
        `${path ?? CONFIG_FILE}#/${key}`,
      );
    }
  }
  return { config: value as CodegenConfig, path: file };
}

/** Whether `value` names a {@link PrettierMode}. */
export function isPrettierMode(value: unknown): value is PrettierMode {
  return typeof value === 'string' && (PRETTIER_MODES as readonly string[]).includes(value);
}
