import { createRequire } from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from './errors.js';

/**
 * The config file: what it may say (one declarative table, {@link OPTION_TABLE}, from which the validator and the
 * JSON Schema of the JSON form are both derived; the documented TypeScript types below are checked against it in
 * test/cli/config.test.ts), where it is looked up, and how it is loaded.
 *
 * This module is on the no-op path: node built-ins only. A TypeScript config loads jiti, lazily (see loadModule).
 */

/** Config file names looked up in the working directory when `--config` is not given, first match wins. */
export const CONFIG_FILES = [
  'wealthcare-codegen.config.ts',
  'wealthcare-codegen.config.mts',
  'wealthcare-codegen.config.mjs',
  'wealthcare-codegen.config.js',
  'wealthcare-codegen.config.json',
] as const;
/** The file `init` writes. */
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

/**
 * How the generated files name each other in relative imports:
 * - `js` (default): `./client.js`. NodeNext/Node16 resolution, every bundler, Deno with `--sloppy-imports`.
 * - `ts`: `./client.ts`. Deno, Bun, Node's type stripping, and `tsc` with `rewriteRelativeImportExtensions` (or
 *   `allowImportingTsExtensions` with `noEmit`).
 * - `none`: `./client`. `moduleResolution: "Bundler"` (Vite, webpack, esbuild) only.
 */
export type ImportStyle = 'js' | 'ts' | 'none';

/**
 * Whether the document's examples are validated against their schemas (they are what the test kit answers with):
 * - `off` (default): not checked. Checking costs: measured on ghes-diff.json (0.9 MB), validation grew from 1.5 s
 *   to 10 s; on the WealthCare document from 62 ms to 168 ms.
 * - `warn`: each invalid example is a warning line with its JSON pointer (all of them with `--verbose`).
 * - `error`: an invalid example fails the run (exit 2), naming the first; nothing is written. `--strict-examples`.
 */
export type ExamplesMode = 'off' | 'warn' | 'error';
export const EXAMPLES_MODES: readonly ExamplesMode[] = ['off', 'warn', 'error'];
export const DEFAULT_EXAMPLES_MODE: ExamplesMode = 'off';
export const IMPORT_STYLES: readonly ImportStyle[] = ['js', 'ts', 'none'];
export const DEFAULT_IMPORT_STYLE: ImportStyle = 'js';

/** Options every job has; at the top level of a config they are the defaults of its jobs. */
export interface OutputOptions {
  /** When prettier formats the output. Default: `auto`. See {@link PrettierMode}. */
  prettier?: PrettierMode;
  /** Extension of relative import specifiers in the output. Default: `js`. See {@link ImportStyle}. */
  importStyle?: ImportStyle;
  /** Validate the document's examples against their schemas. Default: `off`. See {@link ExamplesMode}. */
  examples?: ExamplesMode;
}

/** One document and where its client goes. */
export interface JobConfig extends OutputOptions {
  /** A name for messages and for {@link JobConfig.tokenClientFrom}. Default: the output folder. */
  name?: string;
  /** The OpenAPI document: a path relative to the config file's folder, or an http(s) URL. */
  input: string;
  /** The output folder, relative to the config file's folder. Each job needs its own. */
  output: string;
  /**
   * Another job (its `name`, or its `output` folder) whose output holds the token client these operations use:
   * this output then has no token client and no `errors.ts` of its own; its operations throw the other output's
   * error classes and `createApiConfig({ accessToken })` takes the other output's `TokenSource`. That job's
   * document must have a token endpoint.
   */
  tokenClientFrom?: string;
}

/** The config file's contents; command-line options override it. Write it with {@link defineConfig}. */
export interface CodegenConfig extends OutputOptions {
  /** The JSON Schema of this file, for editors (JSON form only). */
  $schema?: string;
  /** One document: its path relative to this file, or an http(s) URL. Not together with `jobs`. */
  input?: string;
  /** One output folder, relative to this file. Not together with `jobs`. */
  output?: string;
  /** Several documents generated in one run, each with its own output folder and manifest. */
  jobs?: JobConfig[];
}

/**
 * Types a config file: `export default defineConfig({ ... })` in `wealthcare-codegen.config.ts` (or `.mjs`).
 * Returns its argument unchanged.
 */
export function defineConfig(config: CodegenConfig): CodegenConfig {
  return config;
}

/** A declarative description of one option: what the validator checks and the JSON Schema says. */
type OptionSpec =
  { kind: 'string'; description: string } | { kind: 'enum'; values: readonly string[]; description: string };

/** The options of a job, by key. The single source of the validator and of the JSON Schema. */
export const JOB_OPTIONS = {
  name: { kind: 'string', description: 'A name for messages and for tokenClientFrom. Default: the output folder.' },
  input: {
    kind: 'string',
    description: "The OpenAPI document: a path relative to the config file's folder, or an http(s) URL.",
  },
  output: { kind: 'string', description: "The output folder, relative to the config file's folder." },
  prettier: {
    kind: 'enum',
    values: PRETTIER_MODES,
    description: 'When prettier formats the output: auto (when a prettier config applies), always, never.',
  },
  importStyle: {
    kind: 'enum',
    values: IMPORT_STYLES,
    description: 'Extension of relative import specifiers in the output: js (NodeNext), ts (Deno), none (Bundler).',
  },
  examples: {
    kind: 'enum',
    values: EXAMPLES_MODES,
    description:
      "Validate the document's examples against their schemas: off (default), warn (warning lines), error (fail the run).",
  },
  tokenClientFrom: {
    kind: 'string',
    description:
      "Another job (name or output folder) whose token client and errors this job's operations use instead of their own.",
  },
} as const satisfies Record<string, OptionSpec>;

/** The options of the top level, by key (`jobs` is described by {@link JOB_OPTIONS}). */
export const TOP_OPTIONS = {
  $schema: { kind: 'string', description: 'The JSON Schema of this file, for editors.' },
  input: JOB_OPTIONS.input,
  output: JOB_OPTIONS.output,
  prettier: JOB_OPTIONS.prettier,
  importStyle: JOB_OPTIONS.importStyle,
  examples: JOB_OPTIONS.examples,
} as const satisfies Record<string, OptionSpec>;

/** The JSON Schema (draft-07) of the JSON form of the config file, derived from the option tables. */
export function configJsonSchema(): Record<string, unknown> {
  const properties = (table: Record<string, OptionSpec>) =>
    Object.fromEntries(
      Object.entries(table).map(([key, spec]) => [
        key,
        spec.kind === 'enum'
          ? { enum: [...spec.values], description: spec.description }
          : { type: 'string', minLength: 1, description: spec.description },
      ]),
    );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'wealthcare-codegen config',
    type: 'object',
    additionalProperties: false,
    properties: {
      ...properties(TOP_OPTIONS),
      jobs: {
        description: 'Several documents generated in one run, each with its own output folder and manifest.',
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['input', 'output'],
          properties: properties(JOB_OPTIONS),
        },
      },
    },
    not: { anyOf: [{ required: ['jobs', 'input'] }, { required: ['jobs', 'output'] }] },
  };
}

/** Checks `value` against a table; `where` names the object (file#/pointer) in errors. */
function checkObject(value: unknown, table: Record<string, OptionSpec>, where: string, extra: string[] = []): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError('must be an object', where);
  for (const [key, member] of Object.entries(value)) {
    const at = `${where}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const spec = (table as Record<string, OptionSpec | undefined>)[key];
    if (spec === undefined) {
      if (extra.includes(key)) continue;
      throw new InputError(
        `unknown key ${JSON.stringify(key)}`,
        at,
        `Known keys: ${[...Object.keys(table).filter((name) => name !== '$schema'), ...extra].join(', ')}.`,
      );
    }
    if (typeof member !== 'string' || member === '') throw new InputError('must be a non-empty string', at);
    if (spec.kind === 'enum' && !spec.values.includes(member))
      throw new InputError(`must be one of ${spec.values.join(', ')} (got ${JSON.stringify(member)})`, at);
  }
}

/**
 * Validates a config's value (parsed JSON or a module's default export).
 * @param label The file, for messages: errors read `label#/jobs/1/importStyle: …`.
 */
export function validateConfig(value: unknown, label: string): CodegenConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError('the config must be an object', label);
  checkObject(value, TOP_OPTIONS, `${label}#`, ['jobs']);
  const config = value as CodegenConfig;
  if (config.jobs !== undefined) {
    if (!Array.isArray(config.jobs) || config.jobs.length === 0)
      throw new InputError('must be a non-empty array of jobs', `${label}#/jobs`);
    for (const key of ['input', 'output'] as const)
      if (config[key] !== undefined)
        throw new InputError(`not together with jobs`, `${label}#/${key}`, 'Give each job its own input and output.');
    config.jobs.forEach((job, index) => {
      checkObject(job, JOB_OPTIONS, `${label}#/jobs/${index}`);
      for (const key of ['input', 'output'] as const)
        if ((job as unknown as Record<string, unknown>)[key] === undefined)
          throw new InputError(`${key} is required`, `${label}#/jobs/${index}`);
    });
  }
  return config;
}

/** A job after the config file, the command line and the defaults are applied. Paths relative to `cwd`. */
export interface ResolvedJob {
  name: string;
  input: string;
  output: string;
  prettier: PrettierMode;
  importStyle: ImportStyle;
  examples: ExamplesMode;
  /** The name of the job whose token client this one uses. */
  tokenClientFrom?: string;
}

/** Command-line (or API) options that override the config file. */
export interface Overrides {
  input?: string | undefined;
  output?: string | undefined;
  prettier?: PrettierMode | undefined;
  importStyle?: ImportStyle | undefined;
  examples?: ExamplesMode | undefined;
}

/**
 * Turns a config into jobs: paths made relative to `cwd` (they are relative to the config file's folder), defaults
 * applied, names and `tokenClientFrom` checked.
 * @throws {InputError} on duplicate names or outputs, a `tokenClientFrom` naming no other job, or a cycle.
 */
export function resolveJobs(
  config: CodegenConfig,
  options: { cwd: string; configPath?: string | undefined; overrides?: Overrides },
): ResolvedJob[] {
  const { cwd, overrides = {} } = options;
  const label = options.configPath ? relativeLabel(cwd, options.configPath) : 'config';
  const configDir = options.configPath ? dirname(options.configPath) : cwd;
  const fromConfig = (path: string) =>
    /^https?:\/\//i.test(path) ? path : relative(cwd, resolve(configDir, path)) || '.';
  const common = (job: OutputOptions) => ({
    prettier: overrides.prettier ?? job.prettier ?? config.prettier ?? DEFAULT_PRETTIER_MODE,
    importStyle: overrides.importStyle ?? job.importStyle ?? config.importStyle ?? DEFAULT_IMPORT_STYLE,
    examples: overrides.examples ?? job.examples ?? config.examples ?? DEFAULT_EXAMPLES_MODE,
  });
  if (config.jobs === undefined) {
    const input = overrides.input ?? (config.input ? fromConfig(config.input) : DEFAULT_INPUT);
    const output = overrides.output ?? (config.output ? fromConfig(config.output) : DEFAULT_OUTPUT);
    return [{ name: toPosix(output), input, output, ...common(config) }];
  }
  if (overrides.input !== undefined || overrides.output !== undefined)
    throw new InputError(
      '--input and --output name one document, but the config lists jobs',
      label,
      'Edit the jobs in the config, or pass --config with a config of one document.',
    );
  const jobs = config.jobs.map((job) => {
    const output = fromConfig(job.output);
    return {
      name: job.name ?? toPosix(output),
      input: fromConfig(job.input),
      output,
      ...common(job),
      ...(job.tokenClientFrom !== undefined ? { tokenClientFrom: job.tokenClientFrom } : {}),
    } satisfies ResolvedJob;
  });
  jobs.forEach((job, index) => {
    const at = `${label}#/jobs/${index}`;
    const earlier = jobs.slice(0, index);
    if (earlier.some((other) => resolve(cwd, other.output) === resolve(cwd, job.output)))
      throw new InputError('another job writes to the same output folder', `${at}/output`);
    if (earlier.some((other) => other.name === job.name))
      throw new InputError(`the job name ${JSON.stringify(job.name)} is used twice`, `${at}/name`);
    if (job.tokenClientFrom === undefined) return;
    const reference = job.tokenClientFrom;
    const target = jobs.find(
      (other) => other.name === reference || resolve(cwd, other.output) === resolve(configDir, reference),
    );
    if (target === undefined || target === job)
      throw new InputError(
        `names no other job (${JSON.stringify(reference)})`,
        `${at}/tokenClientFrom`,
        `Use another job's name or output folder: ${jobs
          .filter((other) => other !== job)
          .map((other) => other.name)
          .join(', ')}.`,
      );
    if (target.tokenClientFrom !== undefined)
      throw new InputError(
        `names ${JSON.stringify(target.name)}, which takes its token client from another job itself`,
        `${at}/tokenClientFrom`,
        'Name the job that generates the token client.',
      );
    job.tokenClientFrom = target.name;
  });
  return jobs;
}

/**
 * Finds and loads the config file: `path` (relative to `cwd`), else the first of {@link CONFIG_FILES} in `cwd`.
 * Without either, the config is empty. `.json` is parsed; `.mjs`/`.js` are imported; `.ts`/`.mts`/`.cts` are loaded
 * with jiti (transpiled in-process, cached in node_modules/.cache/jiti), imported only for them.
 * @throws {InputError} when the file cannot be read, parsed, or run, or its value is invalid.
 */
export async function readConfig(
  path: string | undefined,
  cwd: string,
): Promise<{ config: CodegenConfig; path?: string }> {
  const file = path !== undefined ? resolve(cwd, path) : await findConfig(cwd);
  if (file === undefined) return { config: {} };
  const label = relativeLabel(cwd, file);
  const extension = extname(file).toLowerCase();
  let value: unknown;
  if (extension === '.json' || !['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].includes(extension)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new InputError('cannot read the config file', label, 'Check the --config path.');
    }
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InputError(`not valid JSON (${(error as Error).message})`, label);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new InputError('the config must be a JSON object', label);
  } else {
    value = await loadModule(file, label);
  }
  return { config: validateConfig(value, label), path: file };
}

async function findConfig(cwd: string): Promise<string | undefined> {
  for (const name of CONFIG_FILES) {
    const file = resolve(cwd, name);
    if (
      await stat(file).then(
        (info) => info.isFile(),
        () => false,
      )
    )
      return file;
  }
  return undefined;
}

/** Runs a JavaScript or TypeScript config module and returns its default export. */
async function loadModule(file: string, label: string): Promise<unknown> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new InputError('cannot read the config file', label, 'Check the --config path.');
  let module: { default?: unknown };
  try {
    if (/\.[mc]?ts$/i.test(file)) {
      // jiti (a cached transpile) only for TypeScript configs: Node 20 cannot run them. Loaded with require, not
      // import(): 23-60 ms instead of 80-160 ms on the 2-core machine (Node 20 parses its CommonJS bundle for named
      // exports on import), which keeps the no-op path of a TypeScript config within its budget (bench row 2).
      // moduleCache off: watch mode reloads the config after an edit.
      const { createJiti } = createRequire(import.meta.url)('jiti') as typeof import('jiti');
      const jiti = createJiti(import.meta.url, { moduleCache: false, interopDefault: false });
      module = (await jiti.import(file)) as { default?: unknown };
    } else {
      // The query makes a changed file a new module (watch mode); an unchanged one stays cached.
      module = (await import(`${pathToFileURL(file).href}?mtime=${info.mtimeMs}`)) as { default?: unknown };
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(
      `cannot load the config (${message.split('\n')[0]?.replace(/\s+$/, '')})`,
      label,
      'Fix the file; it must run on Node and export default defineConfig({ ... }).',
    );
  }
  if (!('default' in module) || module.default === undefined)
    throw new InputError('has no default export', label, 'Write export default defineConfig({ ... }).');
  return module.default;
}

/** Whether `value` names a {@link PrettierMode}. */
export function isPrettierMode(value: unknown): value is PrettierMode {
  return typeof value === 'string' && (PRETTIER_MODES as readonly string[]).includes(value);
}

/** Whether `value` names an {@link ImportStyle}. */
export function isImportStyle(value: unknown): value is ImportStyle {
  return typeof value === 'string' && (IMPORT_STYLES as readonly string[]).includes(value);
}

function relativeLabel(cwd: string, file: string): string {
  const path = relative(cwd, file);
  return path.startsWith('..') ? file : toPosix(path) || basename(file);
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
