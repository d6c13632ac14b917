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
 */
export interface Manifest {
  tool: string;
  version: string;
  source: string;
  sha256: string;
  /** Local files the document was built from, relative to the working directory (for the no-op check). */
  inputs: string[];
  /** See fingerprint.ts: when it and every file hash still match, a run has nothing to do. */
  fingerprint: string;
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
      Array.isArray(value.inputs) &&
      typeof value.fingerprint === 'string';
    return valid ? (value as Manifest) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether two manifests differ in anything but the fingerprint. */
export function sameOutput(a: Manifest, b: Manifest): boolean {
  return serializeManifest({ ...a, fingerprint: '' }) === serializeManifest({ ...b, fingerprint: '' });
}
