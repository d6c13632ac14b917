import { capitalize } from '../change-list.js';
import { escapeToken, members, own, type JsonObject } from '../resolve.js';
import type { Direction } from '../schema-diff.js';
import { normalizeMediaType, pairKeys, type DocumentPair } from './context.js';

/** Where a `content` map sits and how messages name what it is the content of. */
export interface ContentSite {
  direction: Direction;
  operation: string;
  /** e.g. "the request body" or "the 200 response". */
  subject: string;
  /** e.g. "the request body" or "the 200 response body": named with the media type in schema messages. */
  bodySubject: string;
  oldAt: string;
  newAt: string;
}

/**
 * Media types of a request body or a response, and their schemas. A media type removed is breaking either way
 * (the client sends or parses that one). One added is info for a request; for a response it is a warning, since
 * a client that does not send `Accept` may now receive a body it does not parse.
 */
export function diffContent(
  docs: DocumentPair,
  site: ContentSite,
  oldContent: JsonObject,
  newContent: JsonObject,
): void {
  const { direction, operation } = site;
  const { out } = docs;
  const request = direction === 'request';
  const verb = request ? 'accepts' : 'comes as';
  for (const { oldKey, newKey } of pairKeys(Object.keys(oldContent), Object.keys(newContent), normalizeMediaType)) {
    if (newKey === undefined) {
      out.add(
        `${direction}-content-type-removed`,
        `${capitalize(site.subject)} of ${operation} no longer ${verb} ${oldKey!}.`,
        { oldPointer: `${site.oldAt}/content/${escapeToken(oldKey!)}` },
      );
      continue;
    }
    if (oldKey === undefined) {
      out.add(
        `${direction}-content-type-added`,
        `${capitalize(site.subject)} of ${operation} now also ${verb} ${newKey}.`,
        { newPointer: `${site.newAt}/content/${escapeToken(newKey)}` },
      );
      continue;
    }
    docs.schemas.compare(members(own(oldContent, oldKey)).schema, members(own(newContent, newKey)).schema, {
      direction,
      operation,
      subject: `${site.bodySubject} (${newKey})`,
      oldPointer: `${site.oldAt}/content/${escapeToken(oldKey)}/schema`,
      newPointer: `${site.newAt}/content/${escapeToken(newKey)}/schema`,
    });
  }
}
