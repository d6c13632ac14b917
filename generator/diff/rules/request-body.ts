import { members, resolve } from '../resolve.js';
import { diffContent } from './content.js';
import type { DocumentPair, OperationPair } from './context.js';

/**
 * The request body: made required (or added as required) is breaking; added as optional, or made optional, is
 * info; removed is a warning (the old client still sends one, which servers usually ignore); then its media types
 * and schemas, as request data.
 */
export function diffRequestBody(docs: DocumentPair, op: OperationPair): void {
  const { out } = docs;
  const oldAt = `${op.oldAt}/requestBody`;
  const newAt = `${op.newAt}/requestBody`;
  const oldBody = resolve(docs.oldRoot, op.oldOperation.requestBody);
  const newBody = resolve(docs.newRoot, op.newOperation.requestBody);
  if (!oldBody && !newBody) return;
  if (!oldBody && newBody) {
    if (newBody.required === true)
      out.add('request-body-added-required', `${op.name} now requires a request body.`, {
        newPointer: newAt,
      });
    else out.add('request-body-added', `${op.name} now accepts a request body.`, { newPointer: newAt });
    return;
  }
  if (oldBody && !newBody) {
    out.add('request-body-removed', `${op.name} no longer takes a request body.`, { oldPointer: oldAt });
    return;
  }
  if (!oldBody || !newBody) return;
  const pointers = { oldPointer: oldAt, newPointer: newAt };
  if (oldBody.required !== true && newBody.required === true)
    out.add('request-body-became-required', `The request body of ${op.name} is now required.`, pointers);
  else if (oldBody.required === true && newBody.required !== true)
    out.add('request-body-became-optional', `The request body of ${op.name} is now optional.`, pointers);
  diffContent(
    docs,
    {
      direction: 'request',
      operation: op.name,
      subject: 'the request body',
      bodySubject: 'the request body',
      oldAt,
      newAt,
    },
    members(oldBody.content),
    members(newBody.content),
  );
}
