import { createHash } from 'node:crypto';

/** SHA-256 of text (as UTF-8) or bytes, as 64 lowercase hex digits: what headers and manifests record. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
