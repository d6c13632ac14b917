import { createHash } from 'node:crypto';

/** The name of the manifest the generator keeps in the output folder. */
export const MANIFEST_NAME = '.wealthcare-codegen.json';

/**
 * The bundled document the output was generated from, kept beside it so that a drift check can say what changed in
 * the API (not only in the code) even where the repository's history is not at hand (shallow CI clones).
 */
export const SOURCE_SNAPSHOT_NAME = '.wealthcare-codegen.openapi.json';

/**
 * What a generated folder was made from: lets `--check` name the document behind the committed output and lets
 * a later run remove files it no longer generates. Deterministic: no timestamps, sorted keys.
 *
 * It describes the output only, never the machine or the tool's code: it is committed, and anything that differs
 * between clones, paths or builds of the tool would make it stale everywhere but where it was written. What the
 * no-op path needs to know about the tool and the environment lives in a local cache (no-op.ts).
 */
export interface Manifest {
  tool: string;
  version: string;
  source: string;
  sha256: string;
  /** Local files the document was built from, relative to the working directory. */
  inputs: string[];
  /** Generated files (relative names) and the SHA-256 of their content. */
  files: Record<string, string>;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function createManifest(base: Omit<Manifest, 'files'>, files: Map<string, string>): Manifest {
  const entries = [...files].map(([name, text]) => [name, sha256(text)] as const).sort(([a], [b]) => (a < b ? -1 : 1));
  return { ...base, files: Object.fromEntries(entries) };
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Parses a manifest; anything unreadable counts as no manifest (the next write replaces it). */
export function parseManifest(text: string | undefined): Manifest | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<Manifest>;
    const valid =
      typeof value.files === 'object' &&
      value.files !== null &&
      typeof value.sha256 === 'string' &&
      Array.isArray(value.inputs);
    return valid ? (value as Manifest) : undefined;
  } catch {
    return undefined;
  }
}
