import { createHash } from 'node:crypto';
import { sha256 } from './shared/hash.js';
import { posixRelative } from './shared/source-label.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PrettierMode } from './config.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

/**
 * What a run's output depends on besides its inputs' content: the tool (its code, templates and the libraries that
 * shape the output), the settings of the run, and the prettier configuration that applies to the output folder.
 * Together with the hashes of the input files (load.ts records them as it reads), this is the {@link RunStamp} the
 * no-op path (no-op.ts) keeps in a local cache, never in the committed output: the committed manifest describes the
 * output only, so a fresh clone, a clone at another path or an upgrade of the tool changes nothing the user commits.
 *
 * This module must stay light: node built-ins and small local modules only (the no-op path runs it without loading
 * the pipeline).
 */

/** Bump when the stamp's composition changes: every cached stamp then misses once. */
const STAMP_FORMAT = '3';

/** Where prettier 3 looks for a config, in every folder from the file up (its config-searcher). */
const PRETTIER_CONFIG_FILES = [
  'package.yaml',
  '.prettierrc',
  '.prettierrc.json',
  '.prettierrc.yml',
  '.prettierrc.yaml',
  '.prettierrc.json5',
  '.prettierrc.js',
  'prettier.config.js',
  '.prettierrc.ts',
  'prettier.config.ts',
  '.prettierrc.mjs',
  'prettier.config.mjs',
  '.prettierrc.mts',
  'prettier.config.mts',
  '.prettierrc.cjs',
  'prettier.config.cjs',
  '.prettierrc.cts',
  'prettier.config.cts',
  '.prettierrc.toml',
  // format.ts resolves with `editorconfig: true`.
  '.editorconfig',
];

/**
 * Libraries whose version can change the output (schema.ts, models.ts, formatting, bundling) or its validation.
 * A change of any of them (an `npm update`) must not be answered from the no-op path.
 */
const OUTPUT_SHAPING_PACKAGES = [
  '@redocly/openapi-core',
  'handlebars',
  'openapi-typescript',
  'prettier',
  'ts-morph',
  'typescript',
];

/** Folder of this module: dist/ when run from the build, generator/ when run from sources (tests). */
const CODE_DIR = dirname(fileURLToPath(import.meta.url));
const TEMPLATES_DIR = join(CODE_DIR, '..', 'templates');

/**
 * Everything a run's output is a function of, as it was when the run started (so that a change during the run
 * makes the stamp miss, never match wrongly). Two runs with equal stamps and equal recorded output have the same
 * output: see no-op.ts for how it is used.
 */
export interface RunStamp {
  format: string;
  /** {@link toolIdentity}. */
  tool: string;
  /** Absolute working directory, output folder and the source as headers print it. */
  cwd: string;
  output: string;
  source: string;
  /** The settings of the run that shape the output. */
  options: { prettier: PrettierMode; variant?: string };
  /** {@link prettierConfigHash} of the output folder. */
  prettier: string;
  /** SHA-256 of the text of every local file the document was built from (absolute path → hash), as load read it. */
  inputs: Record<string, string>;
}

/** SHA-256 over every file below `dir` whose name passes `keep`, by relative path, in sorted order. */
function hashTree(dir: string, keep: (name: string) => boolean): string {
  const hash = createHash('sha256');
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (keep(entry.name)) hash.update(`${posixRelative(dir, path)}\0${sha256(readFileSync(path))}\n`);
    }
  };
  if (existsSync(dir)) walk(dir);
  return hash.digest('hex');
}

/** The version of an installed package as Node would resolve it from this module (undefined when not found). */
function installedVersion(name: string): string {
  for (let dir = CODE_DIR; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) {
      try {
        return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version);
      } catch {
        return 'unreadable';
      }
    }
    if (dirname(dir) === dir) return 'missing';
  }
}

let identity: string | undefined;

/**
 * The identity of the tool that runs: its name and version, a hash of its code (dist/ or generator/) and of
 * templates/ (the runtime modules copied into the output and the handlebars templates), the versions of the
 * libraries that shape the output, and Node's version. Computed once per process, on the first call: the CLI calls
 * it (through no-op.ts) before it loads the pipeline, so it describes the code that then runs (a rebuild during the
 * run makes the stamp miss next time, not match wrongly).
 */
export function toolIdentity(): string {
  identity ??= sha256(
    [
      `${TOOL_NAME} ${TOOL_VERSION}`,
      `code ${hashTree(CODE_DIR, (name) => /\.(js|ts)$/.test(name) && !name.endsWith('.d.ts'))}`,
      `templates ${hashTree(TEMPLATES_DIR, () => true)}`,
      ...OUTPUT_SHAPING_PACKAGES.map((name) => `${name} ${installedVersion(name)}`),
      `node ${process.version}`,
    ].join('\n'),
  );
  return identity;
}

/**
 * Prettier configuration that may apply to the output folder: config files from the folder up to the repository
 * root (see {@link repositoryRoot}), and the `prettier` key of package.json files on the way. A config added,
 * removed or edited anywhere there changes the hash. Stopping at the repository root keeps it in step with
 * format.ts, which ignores configs above it.
 */
export function prettierConfigHash(outputDir: string): string {
  const hash = createHash('sha256');
  const root = repositoryRoot(outputDir);
  hash.update(`root ${posixRelative(outputDir, root)}\n`);
  for (let dir = outputDir; ; dir = dirname(dir)) {
    for (const name of PRETTIER_CONFIG_FILES) {
      const path = join(dir, name);
      if (existsSync(path))
        hash.update(`${relative(outputDir, path).split(sep).join('/')}\0${sha256(readFileSync(path))}\n`);
    }
    const packageJson = join(dir, 'package.json');
    if (existsSync(packageJson)) {
      try {
        const prettier = (JSON.parse(readFileSync(packageJson, 'utf8')) as { prettier?: unknown }).prettier;
        if (prettier !== undefined)
          hash.update(
            `${relative(outputDir, packageJson).split(sep).join('/')}#prettier\0${JSON.stringify(prettier)}\n`,
          );
      } catch {
        hash.update(`${relative(outputDir, packageJson)}#unreadable\n`);
      }
    }
    if (dir === root || dirname(dir) === dir) break;
  }
  return hash.digest('hex');
}

/**
 * The repository the output folder belongs to: the nearest folder at or above it holding `.git`, or the filesystem
 * root when there is none. Prettier configs above it are the machine's, not the repository's (see write/format.ts).
 */
export function repositoryRoot(outputDir: string): string {
  let dir = outputDir;
  while (!existsSync(join(dir, '.git')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * The stamp of a run, without its inputs (known only once the document is loaded, or from a cached stamp).
 * Throws only on unreadable configuration files, which callers treat as a miss.
 */
export function environmentStamp(settings: {
  cwd: string;
  outputDir: string;
  source: string;
  prettier: PrettierMode;
  /** Other options that shape the output (jobs.ts outputVariant); empty for the defaults. */
  variant?: string;
}): Omit<RunStamp, 'inputs'> {
  return {
    format: STAMP_FORMAT,
    tool: toolIdentity(),
    cwd: settings.cwd,
    output: settings.outputDir,
    source: settings.source,
    options: { prettier: settings.prettier, ...(settings.variant ? { variant: settings.variant } : {}) },
    prettier: prettierConfigHash(settings.outputDir),
  };
}
