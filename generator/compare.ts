import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { analyze } from './analyze/analyze.js';
import { diffDocuments, oauthView, type Change, type DiffOptions } from './diff/index.js';
import { InputError } from './errors.js';
import { loadDocument, loadDocumentFromText, type LoadedDocument } from './load/load.js';

const run = promisify(execFile);

/**
 * Loads a document named as the `diff` command accepts it: a file, an http(s) URL, or `git:<rev>:<path>` for a
 * committed version (read with `git show`, so `$ref`s to other files resolve against the working tree).
 */
export async function loadAnyDocument(name: string, cwd: string): Promise<LoadedDocument> {
  const git = /^git:([^:]+):(.+)$/.exec(name);
  if (!git) return loadDocument(name, { cwd });
  const [, rev, path] = git as unknown as [string, string, string];
  let text: string;
  try {
    ({ stdout: text } = await run('git', ['show', `${rev}:${path.replace(/^\.\//, './')}`], {
      cwd,
      maxBuffer: 256 * 1024 * 1024,
    }));
  } catch (error) {
    const reason = String((error as { stderr?: string }).stderr ?? '').split('\n')[0] || 'git failed';
    throw new InputError(
      `cannot read from git (${reason.trim()})`,
      name,
      'Use git:<rev>:<path>, with the path relative to the working directory (e.g. git:HEAD~1:./spec/api.yaml).',
    );
  }
  return loadDocumentFromText({ absoluteRef: resolve(cwd, path), displayName: name, text });
}

/** Loads both documents, analyzes both, and classifies the differences including the OAuth view. */
export async function compareDocuments(
  oldName: string,
  newName: string,
  cwd: string,
  options: Pick<DiffOptions, 'deprecation'> = {},
): Promise<Change[]> {
  const [oldDoc, newDoc] = await Promise.all([loadAnyDocument(oldName, cwd), loadAnyDocument(newName, cwd)]);
  return compareLoaded(oldDoc, newDoc, options);
}

export function compareLoaded(
  oldDoc: LoadedDocument,
  newDoc: LoadedDocument,
  options: Pick<DiffOptions, 'deprecation'> = {},
): Change[] {
  return diffDocuments(oldDoc.document, newDoc.document, {
    ...options,
    oldOAuth: oauthView(analyze(oldDoc)),
    newOAuth: oauthView(analyze(newDoc)),
  });
}
