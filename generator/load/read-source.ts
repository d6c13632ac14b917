import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { isUrl } from '../shared/url.js';

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

/**
 * Reads a document from a file path or an http(s) URL.
 * @param input A file path (relative to `cwd`) or an http(s) URL.
 * @param options.cwd Base directory for relative paths.
 * @param options.timeoutMs How long a URL may take to answer.
 */
export async function readSource(input: string, options: { cwd: string; timeoutMs?: number }): Promise<SourceText> {
  if (isUrl(input)) return readUrl(input, options.timeoutMs ?? 30_000);
  const absoluteRef = resolve(options.cwd, input);
  return { absoluteRef, displayName: input, text: await readFileBounded(absoluteRef, input) };
}

/**
 * Reads a local file as UTF-8 text, refusing before reading what is not a regular file (a named pipe or /dev/zero
 * would never end) or is larger than {@link MAX_DOCUMENT_BYTES}: memory is bounded by construction.
 * @param where How messages name the file.
 */
export async function readFileBounded(absolutePath: string, where: string): Promise<string> {
  const fail = (error: unknown): never => {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : `cannot read (${code ?? 'unknown error'})`;
    throw new InputError(why, where, 'Pass an OpenAPI document with --input.');
  };
  // Non-blocking: opening a named pipe for reading would otherwise wait for a writer, forever.
  const handle = await open(absolutePath, constants.O_RDONLY | constants.O_NONBLOCK).catch(fail);
  try {
    const stats = await handle.stat().catch(fail);
    if (stats.isDirectory())
      throw new InputError('is a directory, not a file', where, 'Pass an OpenAPI document with --input.');
    if (!stats.isFile()) throw new InputError('is not a regular file', where, 'Pass an OpenAPI document with --input.');
    if (stats.size > MAX_DOCUMENT_BYTES)
      throw new InputError(`document is larger than ${MAX_DOCUMENT_BYTES} bytes`, where);
    const bytes = Buffer.alloc(stats.size);
    let length = 0;
    while (length < bytes.length) {
      const { bytesRead } = await handle.read(bytes, length, bytes.length - length, length).catch(fail);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return decodeText(bytes.subarray(0, length), where);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function readUrl(url: string, timeoutMs: number): Promise<SourceText> {
  return { absoluteRef: url, displayName: url, text: (await readUrlBounded(url, timeoutMs)).text };
}

/**
 * Downloads a document as UTF-8 text within `timeoutMs` (body included), reading at most
 * {@link MAX_DOCUMENT_BYTES}: a runaway or endless response is cut off, never buffered whole.
 */
export async function readUrlBounded(
  url: string,
  timeoutMs = 30_000,
): Promise<{ text: string; contentType: string | undefined }> {
  const signal = AbortSignal.timeout(timeoutMs);
  const failed = (error: unknown): never => {
    if (error instanceof InputError) throw error;
    const reason =
      (error as Error).name === 'TimeoutError' || signal.aborted ? `no answer within ${timeoutMs} ms` : 'network error';
    throw new InputError(
      `cannot download the document (${reason})`,
      url,
      'Check the URL, or download it and pass the file.',
    );
  };
  const tooLarge = (): never => {
    throw new InputError(`document is larger than ${MAX_DOCUMENT_BYTES} bytes`, url);
  };
  const response = await fetch(url, { signal, redirect: 'follow' }).catch(failed);
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new InputError(`download failed with HTTP ${response.status}`, url);
  }
  if (Number(response.headers.get('content-length') ?? 0) > MAX_DOCUMENT_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const chunk = reader ? await reader.read().catch(failed) : undefined;
      if (!chunk || chunk.done) break;
      const { value } = chunk;
      length += value.length;
      if (length > MAX_DOCUMENT_BYTES) tooLarge();
      chunks.push(value);
    }
  } finally {
    await reader?.cancel().catch(() => undefined);
  }
  return {
    text: decodeText(Buffer.concat(chunks, length), url),
    contentType: response.headers.get('content-type') ?? undefined,
  };
}

/** Decodes UTF-8 strictly: a binary file gets a clear error instead of a parser's confusion. */
function decodeText(bytes: Buffer, where: string): string {
  if (bytes.length === 0) throw new InputError('the document is empty', where, 'Pass an OpenAPI 3.0 or 3.1 document.');
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.includes('\u0000')) throw new Error('NUL');
    return text.replace(/^\uFEFF/, '');
  } catch {
    throw new InputError(
      'the document is not UTF-8 text (binary file?)',
      where,
      'Pass an OpenAPI document in YAML or JSON.',
    );
  }
}
