import { describe, expect, it } from 'vitest';
import { describeWarnings } from '../../generator/load/warnings.js';

const prefix = 'tool';
const warnings = [
  'doc.json#/components/schemas/A/nullable: Property `nullable` is not expected here.',
  'doc.json#/components/schemas/A~1B/bogus: Property `bogus` is not expected here.',
  'doc.json#/paths/~1a/get/x: Property `x` is not expected here.',
];

describe('describeWarnings', () => {
  it('prints nothing without warnings', () => {
    expect(describeWarnings([], { verbose: false, prefix })).toBe('');
    expect(describeWarnings([], { verbose: true, prefix })).toBe('');
  });

  it('by default: one line with the count, the first problem and how to see them all', () => {
    expect(describeWarnings(warnings, { verbose: false, prefix })).toBe(
      'tool: warning: 3 validation problem(s) did not stop generation; first: doc.json#/components/schemas/A/nullable: ' +
        'Property `nullable` is not expected here. Run with --verbose to list all 3, one per line.\n',
    );
    expect(describeWarnings(warnings.slice(0, 1), { verbose: false, prefix })).toBe(
      `tool: warning: 1 validation problem(s) did not stop generation: ${warnings[0]}\n`,
    );
  });

  it('verbose: every problem on its own line, with its pointer, in order', () => {
    const text = describeWarnings(warnings, { verbose: true, prefix });
    expect(text.split('\n')).toEqual([
      'tool: warning: 3 validation problem(s) did not stop generation:',
      ...warnings.map((warning) => `  ${warning}`),
      '',
    ]);
  });
});
