/**
 * What a library that reads the document (@redocly/openapi-core in load, openapi-typescript in emit) threw on it:
 * bad input either way, told as one line. Both libraries walk `$ref` chains recursively, so a long chain of schemas
 * each referring to the next exhausts the stack (a RangeError); anything else is told by its first line.
 */
import { InputError } from '../errors.js';
import { unmarkText } from './prototype-keys.js';

/** The InputError for a library that ran out of stack on the document, or undefined for any other error. */
export function stackExhausted(error: unknown, library: string, where: string, limit = ''): InputError | undefined {
  if (!(error instanceof RangeError)) return undefined;
  return new InputError(
    `the schemas refer to each other in chains too long for ${library} to follow (it ran out of stack${limit})`,
    where,
    'Shorten the chains of $refs',
  );
}

/** The first line of what was thrown, spelled as the user's document spells keys (see prototype-keys.ts). */
export function firstLineOf(error: unknown): string {
  return unmarkText((error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim());
}
