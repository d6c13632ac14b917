import { capitalize } from '../change-list.js';
import { escapeToken, members, own, resolve } from '../resolve.js';
import { diffContent } from './content.js';
import { pairKeys, type DocumentPair, type OperationPair } from './context.js';

/** 2xx codes (and the `2XX` range) are successes; everything else, `default` included, is an error or other outcome. */
const isSuccess = (status: string): boolean => /^2/.test(status);

/**
 * Responses: a success status removed is breaking (the client's happy path disappears), another status removed
 * is a warning (its typed error goes away), a status added is info; then each response's headers, media types
 * and schemas, as response data.
 */
export function diffResponses(docs: DocumentPair, op: OperationPair): void {
  const { out } = docs;
  const oldResponses = members(op.oldOperation.responses);
  const newResponses = members(op.newOperation.responses);
  for (const { oldKey, newKey } of pairKeys(Object.keys(oldResponses), Object.keys(newResponses), (status) =>
    status.toUpperCase(),
  )) {
    if (newKey === undefined) {
      const status = oldKey!;
      out.add(
        isSuccess(status) ? 'response-status-removed' : 'response-error-status-removed',
        `${op.name} no longer documents the ${status} response.`,
        { oldPointer: `${op.oldAt}/responses/${escapeToken(status)}` },
      );
      continue;
    }
    if (oldKey === undefined) {
      out.add('response-status-added', `${op.name} now documents a ${newKey} response.`, {
        newPointer: `${op.newAt}/responses/${escapeToken(newKey)}`,
      });
      continue;
    }
    const oldAt = `${op.oldAt}/responses/${escapeToken(oldKey)}`;
    const newAt = `${op.newAt}/responses/${escapeToken(newKey)}`;
    const oldResponse = resolve(docs.oldRoot, own(oldResponses, oldKey)) ?? {};
    const newResponse = resolve(docs.newRoot, own(newResponses, newKey)) ?? {};
    diffHeaders(docs, op.name, newKey, oldAt, newAt, members(oldResponse.headers), members(newResponse.headers));
    diffContent(
      docs,
      {
        direction: 'response',
        operation: op.name,
        subject: `the ${newKey} response`,
        bodySubject: `the ${newKey} response body`,
        oldAt,
        newAt,
      },
      members(oldResponse.content),
      members(newResponse.content),
    );
  }
}

/** Response headers: a required one removed is breaking, an optional one removed a warning, one added info. */
function diffHeaders(
  docs: DocumentPair,
  operation: string,
  status: string,
  oldAt: string,
  newAt: string,
  oldHeaders: Record<string, unknown>,
  newHeaders: Record<string, unknown>,
): void {
  const { out } = docs;
  for (const { oldKey, newKey } of pairKeys(Object.keys(oldHeaders), Object.keys(newHeaders), (name) =>
    name.toLowerCase(),
  )) {
    const name = newKey ?? oldKey!;
    const label = `response header \`${name}\` of the ${status} response of ${operation}`;
    if (newKey === undefined) {
      const required = resolve(docs.oldRoot, own(oldHeaders, oldKey!))?.required === true;
      out.add(
        required ? 'response-header-removed' : 'response-optional-header-removed',
        `${capitalize(label)} was removed.`,
        {
          oldPointer: `${oldAt}/headers/${escapeToken(oldKey!)}`,
        },
      );
      continue;
    }
    if (oldKey === undefined) {
      out.add('response-header-added', `${capitalize(label)} was added.`, {
        newPointer: `${newAt}/headers/${escapeToken(newKey)}`,
      });
      continue;
    }
    const oldHeader = resolve(docs.oldRoot, own(oldHeaders, oldKey)) ?? {};
    const newHeader = resolve(docs.newRoot, own(newHeaders, newKey)) ?? {};
    const pointers = {
      oldPointer: `${oldAt}/headers/${escapeToken(oldKey)}`,
      newPointer: `${newAt}/headers/${escapeToken(newKey)}`,
    };
    if (oldHeader.required === true && newHeader.required !== true)
      out.add('response-header-became-optional', `${capitalize(label)} is now optional.`, pointers);
    docs.schemas.compare(oldHeader.schema, newHeader.schema, {
      direction: 'response',
      operation,
      subject: `response header \`${name}\` of the ${status} response`,
      oldPointer: `${pointers.oldPointer}/schema`,
      newPointer: `${pointers.newPointer}/schema`,
    });
  }
}
