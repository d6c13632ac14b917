import { describe, expect, it } from 'vitest';
import { MAX_DIFF_EDITS, unifiedDiff, type FileStatus } from '../../generator/write/write.js';

/**
 * The diff a stale `--check` prints. Bounded by changed lines, not by time: on GitHub's description the unbounded
 * Myers diff of schema.ts and the document snapshot ran for minutes (docs/performance.md), while a bound on edits
 * gives the same output on every machine.
 */
const label = (name: string): string => `out/${name}`;
const lines = (count: number, tag: string): string =>
  Array.from({ length: count }, (_, index) => `line ${index} ${tag}`).join('\n') + '\n';

describe('unifiedDiff', () => {
  it('shows a small change as a unified diff with its labels', () => {
    const statuses: FileStatus[] = [
      { name: 'a.ts', state: 'changed', before: 'one\ntwo\nthree\n', after: 'one\n2\nthree\n' },
      { name: 'b.ts', state: 'unchanged', before: 'x\n', after: 'x\n' },
      { name: 'c.ts', state: 'created', after: 'new\n' },
    ];
    const diff = unifiedDiff(statuses, label);
    expect(diff).toContain('--- out/a.ts\ton disk\n+++ out/a.ts\tgenerated\n');
    expect(diff).toContain('-two\n+2\n');
    expect(diff).toContain('--- out/c.ts\t(missing)');
    expect(diff).toContain('+new\n');
    expect(diff).not.toContain('b.ts');
  });

  it(`names a file with more than ${MAX_DIFF_EDITS} changed lines in one line instead of its diff`, () => {
    const size = MAX_DIFF_EDITS; // every line changes: 2 × size edits
    const statuses: FileStatus[] = [
      { name: 'big.ts', state: 'changed', before: lines(size, 'old'), after: lines(size, 'new') },
      { name: 'small.ts', state: 'changed', before: 'a\n', after: 'b\n' },
    ];
    const diff = unifiedDiff(statuses, label);
    expect(diff).toContain(
      `out/big.ts (changed): more than ${MAX_DIFF_EDITS} lines differ, not shown here; run generate and see git diff\n`,
    );
    expect(diff).not.toContain('line 0 old');
    expect(diff).toContain('-a\n+b\n');
  });

  it('still shows a change just under the bound', () => {
    const before = lines(100_000, 'same');
    const changedLines = before.split('\n');
    for (let index = 0; index < MAX_DIFF_EDITS / 2 - 1; index += 1) changedLines[index * 50] += ' edited';
    const diff = unifiedDiff([{ name: 'wide.ts', state: 'changed', before, after: changedLines.join('\n') }], label);
    expect(diff).toContain('+line 0 same edited');
    expect(diff).not.toContain('not shown here');
  });
});
