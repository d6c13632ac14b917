import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PrettierMode } from './config.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

/**
 * The fingerprint of everything a run's output depends on: the tool (its version and the code that runs), the
 * templates, the input files (the document and every file it `$ref`s), the names the headers print, and the
 * prettier configuration that applies to the output folder. When the fingerprint in the output's manifest matches
 * and every generated file still has its recorded hash, the run can stop without loading the heavy modules
 * (typescript, ts-morph, openapi-typescript, prettier): that is the no-op path of prebuild hooks and CI gates.
 *
 * This module must stay light: node built-ins and small local modules only.
 */

/** Bump when the fingerprint's composition changes. */
const FINGERPRINT_FORMAT = '2';

const PRETTIER_CONFIG_FILES = [
  '.prettierrc',
  '.prettierrc.json',
  '.prettierrc.yaml',
  '.prettierrc.yml',
  '.prettierrc.json5',
  '.prettierrc.js',
  '.prettierrc.cjs',
  '.prettierrc.mjs',
  '.prettierrc.ts',
  '.prettierrc.cts',
  '.prettierrc.mts',
  '.prettierrc.toml',
  'prettier.config.js',
  'prettier.config.cjs',
  'prettier.config.mjs',
  'prettier.config.ts',
  'prettier.config.cts',
  'prettier.config.mts',
  '.editorconfig',
];

/** Folder of this module: dist/ when run from the build, generator/ when run from sources (tests). */
const CODE_DIR = dirname(fileURLToPath(import.meta.url));
const TEMPLATES_DIR = join(CODE_DIR, '..', 'templates');

export interface FingerprintInputs {
  /** Where headers say the document came from. */
  source: string;
  /** Absolute paths of the document and every local file it references. */
  inputFiles: readonly string[];
  /** Absolute output folder. */
  outputDir: string;
  /** Base for the relative paths recorded (the working directory). */
  cwd: string;
  /** When prettier formats (config.ts). */
  prettier: PrettierMode;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 over every file below `dir` whose name passes `keep`, by relative path, in sorted order. */
function hashTree(dir: string, keep: (name: string) => boolean): string {
  const hash = createHash('sha256');
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (keep(entry.name))
        hash.update(`${relative(dir, path).split(sep).join('/')}\0${sha256(readFileSync(path))}\n`);
    }
  };
  if (existsSync(dir)) walk(dir);
  return hash.digest('hex');
}

/**
 * Prettier configuration that may apply to the output folder: config files from the folder up to the repository
 * root (the first folder holding `.git`), and the `prettier` key of package.json files on the way. Stopping at the
 * repository root keeps the fingerprint the same on every machine that checks the repository out.
 */
function prettierConfigHash(outputDir: string): string {
  const hash = createHash('sha256');
  const root = repositoryRoot(outputDir);
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
    if (dir === root) break;
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

/** Computes the fingerprint (hex SHA-256). Throws only on unreadable input files, which the caller treats as a miss. */
export function computeFingerprint(inputs: FingerprintInputs): string {
  const parts = [
    `format ${FINGERPRINT_FORMAT}`,
    `tool ${TOOL_NAME} ${TOOL_VERSION}`,
    `code ${hashTree(CODE_DIR, (name) => /\.(js|ts)$/.test(name) && !name.endsWith('.d.ts'))}`,
    `templates ${hashTree(TEMPLATES_DIR, (name) => name.endsWith('.hbs') || name.endsWith('.ts'))}`,
    `source ${inputs.source}`,
    `output ${relative(inputs.cwd, inputs.outputDir).split(sep).join('/')}`,
    ...[...new Set(inputs.inputFiles)]
      .sort()
      .map((file) => `input ${relative(inputs.cwd, file).split(sep).join('/')} ${sha256(readFileSync(file))}`),
    `prettier ${inputs.prettier} ${prettierConfigHash(inputs.outputDir)}`,
  ];
  return sha256(parts.join('\n'));
}
