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
  options: Pick<DiffOptions, 'deprecation'> & { code?: boolean } = {},
): Promise<Change[]> {
  const [oldDoc, newDoc] = await Promise.all([loadAnyDocument(oldName, cwd), loadAnyDocument(newName, cwd)]);
  const changes = compareLoaded(oldDoc, newDoc, options);
  return options.code ? [...changes, ...(await compareGeneratedCode(oldDoc, newDoc))] : changes;
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

/**
 * What changes in the generated TypeScript surface between two documents: both are analyzed and emitted in memory
 * (the same emit `generate` runs, unformatted) and their exported declarations compared (diff/code-surface.ts).
 */
export async function compareGeneratedCode(oldDoc: LoadedDocument, newDoc: LoadedDocument): Promise<Change[]> {
  const [{ emit }, { diffGeneratedCode }] = await Promise.all([
    import('./emit/emit.js'),
    import('./diff/code-surface.js'),
  ]);
  const oldFiles = await emit(oldDoc, analyze(oldDoc));
  const newFiles = await emit(newDoc, analyze(newDoc));
  return diffGeneratedCode(oldFiles, newFiles);
}
