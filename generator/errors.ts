/**
 * Errors a user can act on. The CLI prints `message` as one line and exits with `exitCode`; it never prints a
 * stack trace for these. Anything else that escapes is a bug in the generator.
 */

/** Exit codes of the CLI: 0 done, 1 drift found, 2 bad input or usage. */
export const ExitCode = { ok: 0, drift: 1, badInput: 2 } as const;

/** A problem with the user's input (document, config, options): one line saying what, where and how to fix. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly exitCode = ExitCode.badInput;
  /**
   * @param message What is wrong, one sentence.
   * @param where The file (or URL) and, when known, the JSON pointer inside it, e.g. `spec.yaml#/paths/~1a`.
   * @param hint How to fix it, when there is something useful to say.
   */
  constructor(
    message: string,
    readonly where?: string,
    readonly hint?: string,
  ) {
    // Messages quoted from validators often end with a full stop already; never print two.
    super(`${where ? `${where}: ` : ''}${hint ? `${message.replace(/\.+$/, '')}. ${hint}` : message}`);
  }
}

/** Formats `file` plus an optional JSON pointer as `file#/pointer`. */
export function locate(file: string, pointer?: string): string {
  return pointer && pointer !== '#' && pointer !== '#/' ? `${file}#${pointer.replace(/^#/, '')}` : file;
}
