import { createHash } from 'node:crypto';
import { BaseResolver, Source, type Document } from '@redocly/openapi-core';
import { InputError } from '../errors.js';
import { markPrototypeKeys } from './prototype-keys.js';
import { isUrl } from '../shared/url.js';
import { MAX_DOCUMENT_BYTES, readFileBounded, readUrlBounded } from './read-source.js';
import { MAX_EXPANDED_NODES, assertReasonableSize } from './size-guard.js';

/**
 * The resolver of external `$ref`s, with the same bounds as the document itself: redocly's own would read a file
 * of any size (or /dev/zero) whole, download without a timeout or a size cap, and expand a YAML alias bomb in a
 * referenced file. Here every referenced file is read within {@link MAX_DOCUMENT_BYTES} (all files together),
 * every parsed file is sized against what is left of {@link MAX_EXPANDED_NODES} (all files together), and its
 * Object.prototype-named keys are marked like the root's (see prototype-keys.ts).
 *
 * A failure becomes an unresolved `$ref`, which redocly reports at the referencing file and pointer with this
 * message: `doc.yaml#/components/schemas/A: Can't resolve $ref: big.yaml: document is larger than … bytes`.
 */
export class BoundedResolver extends BaseResolver {
  private bytesLeft: number;
  private nodesLeft: number;
  /**
   * SHA-256 of the text of every file and URL read, by absolute path or URL, exactly as read (the no-op cache records
   * these, not what is on disk after the run). A path read twice with different text maps to '' (changed meanwhile).
   */
  readonly readHashes = new Map<string, string>();
  /** Whether a referenced file had keys or `$ref` tokens marked (prototype-keys.ts). */
  marked = false;

  /** @param used Bytes and nodes the root document already took from the budgets. */
  constructor(config: ConstructorParameters<typeof BaseResolver>[0], used: { bytes: number; nodes: number }) {
    super(config);
    this.bytesLeft = MAX_DOCUMENT_BYTES - used.bytes;
    this.nodesLeft = MAX_EXPANDED_NODES - used.nodes;
  }

  override async loadExternalRef(absoluteRef: string): Promise<Source> {
    const { text, contentType } = isUrl(absoluteRef)
      ? await readUrlBounded(absoluteRef)
      : { text: await readFileBounded(absoluteRef, absoluteRef), contentType: undefined };
    const hash = createHash('sha256').update(text).digest('hex');
    const earlier = this.readHashes.get(absoluteRef);
    this.readHashes.set(absoluteRef, earlier === undefined || earlier === hash ? hash : '');
    this.bytesLeft -= Buffer.byteLength(text);
    if (this.bytesLeft < 0)
      throw new InputError(
        `the document and the files it references are larger than ${MAX_DOCUMENT_BYTES} bytes together`,
        absoluteRef,
      );
    return new Source(absoluteRef, text.replace(/\r\n/g, '\n'), contentType);
  }

  override parseDocument(source: Source, isRoot = false): Document {
    const document = super.parseDocument(source, isRoot);
    if (document.parsed !== null && typeof document.parsed === 'object') {
      this.nodesLeft -= assertReasonableSize(document.parsed, source.absoluteRef, Math.max(0, this.nodesLeft));
      if (markPrototypeKeys(document.parsed)) this.marked = true;
    }
    return document;
  }
}
