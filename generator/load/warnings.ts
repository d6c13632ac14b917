/**
 * How the validation problems that did not stop generation (LoadedDocument.warnings) are told to the user. Real
 * documents can carry dozens (openai.yaml uses the 3.0 keyword `nullable` in a 3.1 document), so by default one
 * line names how many and the first, and says how to see the rest; `verbose` lists every one on its own line, each
 * as `file#/json/pointer: message`, in the validator's order.
 */

/** The option that lists every problem; the default line names it. */
export const VERBOSE_OPTION = '--verbose';

/**
 * The text to print (to stderr) for `warnings`, each line prefixed with `prefix` (the tool's name); empty when
 * there are none.
 */
export function describeWarnings(warnings: readonly string[], options: { verbose: boolean; prefix: string }): string {
  const count = warnings.length;
  if (count === 0) return '';
  const head = `${options.prefix}: warning: ${count} validation problem(s) did not stop generation`;
  if (options.verbose) return `${head}:\n${warnings.map((warning) => `  ${warning}\n`).join('')}`;
  if (count === 1) return `${head}: ${warnings[0]}\n`;
  // Validator messages often end with a full stop already; never print two.
  const first = warnings[0]!.replace(/\.+$/, '');
  return `${head}; first: ${first}. Run with ${VERBOSE_OPTION} to list all ${count}, one per line.\n`;
}
