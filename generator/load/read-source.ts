import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';

/** Raw text of an input document and where it came from. */
export interface SourceText {
  /** Absolute path or URL, as given to the resolver of `$ref`s. */
  absoluteRef: string;
  /** The location as the user named it, for messages and generated headers. */
  displayName: string;
  text: string;
}

/** A hard cap on what we read: far above any real OpenAPI document, low enough to fail fast on a runaway download. */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** Whether `input` names an http(s) URL rather than a file. */
export function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/**
 * Reads a document from a file path or an http(s) URL.
 * @param input A file path (relative to `cwd`) or an http(s) URL.
 * @param options.cwd Base directory for relative paths.
 * @param options.timeoutMs How long a URL may take to answer.
 */
export async function readSource(input: string, options: { cwd: string; timeoutMs?: number }): Promise<SourceText> {
  if (isUrl(input)) return readUrl(input, options.timeoutMs ?? 30_000);
  const absoluteRef = resolve(options.cwd, input);
  let bytes: Buffer;
  try {
    bytes = await readFile(absoluteRef);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot read (${code ?? 'unknown error'})`;
    throw new InputError(why, input, 'Pass an OpenAPI document with --input.');
  }
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new InputError(`document is larger than ${MAX_DOCUMENT_BYTES} bytes`, input);
  return { absoluteRef, displayName: input, text: decodeText(bytes, input) };
}

async function readUrl(url: string, timeoutMs: number): Promise<SourceText> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'network error';
    throw new InputError(`cannot download the document (${reason})`, url, 'Check the URL, or download it and pass the file.');
  }
  if (!response.ok) throw new InputError(`download failed with HTTP ${response.status}`, url);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new InputError(`document is larger than ${MAX_DOCUMENT_BYTES} bytes`, url);
  return { absoluteRef: url, displayName: url, text: decodeText(bytes, url) };
}

/** Decodes UTF-8 strictly: a binary file gets a clear error instead of a parser's confusion. */
function decodeText(bytes: Buffer, where: string): string {
  if (bytes.length === 0) throw new InputError('the document is empty', where, 'Pass an OpenAPI 3.0 or 3.1 document.');
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.includes('\u0000')) throw new Error('NUL');
    return text.replace(/^\uFEFF/, '');
  } catch {
    throw new InputError('the document is not UTF-8 text (binary file?)', where, 'Pass an OpenAPI document in YAML or JSON.');
  }
}
