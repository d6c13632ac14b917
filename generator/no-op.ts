import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { PrettierMode } from './config.js';
import { environmentStamp, type RunStamp } from './fingerprint.js';
import { sha256 } from './shared/hash.js';
import { sourceLabel } from './shared/source-label.js';
import { isUrl } from './shared/url.js';
import { readFileBounded } from './load/read-source.js';
import { MANIFEST_NAME, parseManifest } from './write/manifest.js';
import { hasLeftovers } from './write/staging.js';

/**
 * The no-op path of prebuild hooks and CI gates: decides, without loading the pipeline (so neither typescript,
 * ts-morph, openapi-typescript, prettier nor @redocly/openapi-core), whether a run would change nothing.
 *
 * Design. Every run that leaves the output equal to what it generated (a write, a run that found nothing to change,
 * a `--check` that found the output fresh) records one fact in a local cache: "with this {@link RunStamp} (tool,
 * settings, prettier config, and the hash of every input file as it was read), the output is the folder whose
 * manifest has this SHA-256". The pipeline is deterministic, so such a fact stays true forever; a later run only has
 * to find a fact whose stamp equals its own and whose manifest is the one on disk, and check that every file the
 * manifest lists still has its recorded hash (nobody edited the output). Anything else (no fact, any difference, an
 * unreadable file, a URL input, leftovers of a killed run) runs the pipeline, which records a new fact. So after
 * any run, the next one with unchanged inputs is a no-op, whatever changed before: a fresh clone (one full run
 * first), a clone at another path, an upgraded tool, a prettier config added or removed.
 *
 * The cache is local, never committed: the first of
 * - `$WEALTHCARE_CODEGEN_CACHE_DIR` when set,
 * - `node_modules/.cache/wealthcare-codegen/` in the nearest `node_modules` at or above the working directory
 *   (where babel, eslint and others keep theirs; `npm ci` empties it),
 * - `$XDG_CACHE_HOME/wealthcare-codegen/` or `~/.cache/wealthcare-codegen/`,
 * that can be written; entries are read from all of them. One file per output folder (named by the SHA-256 of its
 * absolute path), written atomically; at most {@link MAX_ENTRIES} per folder, the oldest removed. A cache that
 * cannot be read or written only costs speed: every run is then a full run.
 */

/** Entries kept per cache folder (one per output folder; temporary outputs of tests would otherwise pile up). */
export const MAX_ENTRIES = 200;

/** The fact a run records (see the module comment). */
interface CacheEntry {
  stamp: RunStamp;
  /** SHA-256 of the manifest's text. */
  manifest: string;
}

/** What identifies a run before its document is loaded. */
export interface NoOpSettings {
  input: string;
  output: string;
  cwd: string;
  prettier: PrettierMode;
  /** Options that shape the output besides prettier (jobs.ts outputVariant); empty for the defaults. */
  variant?: string;
}

/** The candidate cache folders, most preferred first. */
export function cacheFolders(cwd: string): string[] {
  const folders: string[] = [];
  const configured = process.env.WEALTHCARE_CODEGEN_CACHE_DIR;
  if (configured) return [resolve(cwd, configured)];
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) {
      folders.push(join(dir, 'node_modules', '.cache', 'wealthcare-codegen'));
      break;
    }
    if (dirname(dir) === dir) break;
  }
  const home = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  folders.push(join(home, 'wealthcare-codegen'));
  return folders;
}

function entryName(outputDir: string): string {
  return `${sha256(outputDir).slice(0, 40)}.json`;
}

/** A stamp with its inputs in a canonical order. */
function canonicalStamp(environment: Omit<RunStamp, 'inputs'>, inputs: Record<string, string>): RunStamp {
  return { ...environment, inputs: Object.fromEntries(Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/** Two stamps are equal when these texts are. */
function stampText(environment: Omit<RunStamp, 'inputs'>, inputs: Record<string, string>): string {
  return JSON.stringify(canonicalStamp(environment, inputs));
}

/** What identifies the run apart from its inputs. Throws on unreadable configuration (callers: a miss). */
export function runEnvironment(settings: NoOpSettings): Omit<RunStamp, 'inputs'> {
  const cwd = resolve(settings.cwd);
  return environmentStamp({
    cwd,
    outputDir: resolve(cwd, settings.output),
    source: sourceLabel(settings.input, cwd),
    prettier: settings.prettier,
    ...(settings.variant ? { variant: settings.variant } : {}),
  });
}

/**
 * Returns the number of files found fresh when the run would change nothing, or undefined when the full pipeline
 * must run. Never throws: any doubt means "run the pipeline".
 */
export async function detectNoOp(settings: NoOpSettings): Promise<number | undefined> {
  if (isUrl(settings.input)) return undefined;
  try {
    // First, before anything else: the tool's identity is computed once per process, and must describe the code as
    // it was before the pipeline is loaded (see toolIdentity).
    const environment = runEnvironment(settings);
    const outputDir = environment.output;
    const manifestText = await readFile(join(outputDir, MANIFEST_NAME), 'utf8');
    const manifest = parseManifest(manifestText);
    if (!manifest) return undefined;
    // A killed run left a swap to undo or temporaries to remove: the full pipeline's writer does that.
    if (await hasLeftovers(outputDir)) return undefined;
    const manifestHash = sha256(manifestText);
    let matched = false;
    for (const folder of cacheFolders(environment.cwd)) {
      const entry = await readEntry(join(folder, entryName(outputDir)));
      if (!entry || entry.manifest !== manifestHash) continue;
      const inputs = await currentHashes(Object.keys(entry.stamp.inputs));
      if (inputs && stampText(environment, inputs) === stampText(entry.stamp, entry.stamp.inputs)) {
        matched = true;
        break;
      }
    }
    if (!matched) return undefined;
    const checks = await Promise.all(
      Object.entries(manifest.files).map(async ([name, hash]) => {
        if (name.includes('..') || name.startsWith('/')) return false;
        return sha256(await readFile(join(outputDir, name))) === hash;
      }),
    );
    return checks.every(Boolean) ? checks.length + 1 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records that, with `environment` (taken before the run loaded anything) and the inputs as the loader read them,
 * the output is the one `manifestText` describes. Call it only when the output folder holds exactly what the run
 * generated. Never throws; records nothing when an input was a URL or changed while it was read.
 */
export async function recordRun(
  environment: Omit<RunStamp, 'inputs'>,
  inputHashes: Record<string, string>,
  files: readonly string[],
  manifestText: string,
): Promise<void> {
  const paths = Object.keys(inputHashes);
  if (paths.length === 0 || paths.some((path) => isUrl(path) || inputHashes[path] === '')) return;
  if (files.some((file) => !inputHashes[file])) return;
  const value: CacheEntry = { stamp: canonicalStamp(environment, inputHashes), manifest: sha256(manifestText) };
  const entry = `${JSON.stringify(value)}\n`;
  for (const folder of cacheFolders(environment.cwd)) {
    const target = join(folder, entryName(environment.output));
    const temporary = `${target}.${process.pid}.tmp`;
    try {
      await mkdir(folder, { recursive: true });
      await writeFile(temporary, entry);
      await rename(temporary, target);
      await prune(folder);
      return;
    } catch {
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  }
}

async function readEntry(path: string): Promise<CacheEntry | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<CacheEntry>;
    const inputs = value.stamp?.inputs;
    if (typeof value.manifest !== 'string' || typeof inputs !== 'object' || inputs === null) return undefined;
    if (Object.values(inputs).some((hash) => typeof hash !== 'string')) return undefined;
    return value as CacheEntry;
  } catch {
    return undefined;
  }
}

/** Hashes of the files' text, read as the loader reads them (read-source.ts); undefined when one cannot be read. */
async function currentHashes(paths: readonly string[]): Promise<Record<string, string> | undefined> {
  try {
    const hashes = await Promise.all(paths.map(async (path) => [path, sha256(await readFileBounded(path, path))]));
    return Object.fromEntries(hashes) as Record<string, string>;
  } catch {
    return undefined;
  }
}

/** Keeps the newest {@link MAX_ENTRIES} entries of a cache folder. */
async function prune(folder: string): Promise<void> {
  const names = (await readdir(folder)).filter((name) => name.endsWith('.json'));
  if (names.length <= MAX_ENTRIES) return;
  const dated = await Promise.all(
    names.map(async (name) => ({ name, time: (await stat(join(folder, name)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  dated.sort((a, b) => b.time - a.time);
  await Promise.all(dated.slice(MAX_ENTRIES).map(({ name }) => rm(join(folder, name), { force: true })));
}
