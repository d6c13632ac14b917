import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { PrettierMode } from './config.js';
import { computeFingerprint } from './fingerprint.js';
import { MANIFEST_NAME, parseManifest } from './write/manifest.js';
import { hasLeftovers } from './write/staging.js';

/**
 * The no-op path: decides from the output's manifest alone whether a run would change nothing, without loading the
 * pipeline (and so neither typescript, ts-morph, openapi-typescript, prettier nor @redocly/openapi-core).
 * Returns the number of files found fresh, or undefined when the full pipeline must run. Never throws: any doubt
 * (a URL input, no manifest, an unreadable file) means "run the pipeline".
 */
export async function detectNoOp(options: {
  input: string;
  output: string;
  cwd: string;
  prettier: PrettierMode;
  /** See FingerprintInputs.variant. */
  variant?: string;
}): Promise<number | undefined> {
  if (/^https?:\/\//i.test(options.input)) return undefined;
  try {
    const outputDir = resolve(options.cwd, options.output);
    const manifest = parseManifest(await readFile(join(outputDir, MANIFEST_NAME), 'utf8'));
    if (!manifest) return undefined;
    // A killed run left a swap to undo or temporaries to remove: the full pipeline's writer does that.
    if (await hasLeftovers(outputDir)) return undefined;
    const source = relative(options.cwd, resolve(options.cwd, options.input)).split(sep).join('/');
    if (manifest.source !== source) return undefined;
    const inputFiles = manifest.inputs.map((file) => resolve(options.cwd, file));
    if (
      computeFingerprint({
        source,
        inputFiles,
        outputDir,
        cwd: options.cwd,
        prettier: options.prettier,
        variant: options.variant ?? '',
      }) !== manifest.fingerprint
    )
      return undefined;
    const checks = await Promise.all(
      Object.entries(manifest.files).map(async ([name, hash]) => {
        if (name.includes('..')) return false;
        const text = await readFile(join(outputDir, name));
        return createHash('sha256').update(text).digest('hex') === hash;
      }),
    );
    return checks.every(Boolean) ? checks.length + 1 : undefined;
  } catch {
    return undefined;
  }
}
