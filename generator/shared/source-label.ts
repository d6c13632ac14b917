import { relative, resolve, sep } from 'node:path';
import { isUrl } from './url.js';

/** `path` with forward slashes, whatever the OS writes. */
export function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** The path of `path` relative to `from`, with forward slashes (`''` when they are the same folder). */
export function posixRelative(from: string, path: string): string {
  return toPosix(relative(from, path));
}

/**
 * How headers, manifests and messages name an input document: a URL as given, a file relative to the working
 * directory with forward slashes (`./spec/../spec/api.yaml` → `spec/api.yaml`). Generated files are then the same
 * on every machine and OS, and the no-op path compares the manifest's `source` with the label of the same input:
 * both must come from this one function.
 */
export function sourceLabel(input: string, cwd: string): string {
  return isUrl(input) ? input : posixRelative(cwd, resolve(cwd, input));
}
