import type { Change, Severity } from './types.js';

/** Counts changes by severity. */
export function summarize(changes: readonly Change[]): Record<Severity, number> {
  const summary: Record<Severity, number> = { breaking: 0, warning: 0, info: 0 };
  for (const change of changes) summary[change.severity] += 1;
  return summary;
}

/** "1 breaking, 0 warning, 2 info", or "No changes." for an empty list. */
function summaryLine(changes: readonly Change[]): string {
  if (changes.length === 0) return 'No changes.';
  const s = summarize(changes);
  return `${s.breaking} breaking, ${s.warning} warning, ${s.info} info`;
}

/**
 * Keeps text on one line and free of terminal control sequences: names come from the documents, which may be
 * hostile. Line breaks become spaces; other control characters become visible `\u001b`-style escapes.
 */
function oneLine(text: string): string {
  return text
    .replace(/\r\n|[\n\r\u2028\u2029]/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escapes text for a Markdown table cell: pipes, backticks, backslashes, emphasis and link/HTML brackets. */
function escapeCell(text: string): string {
  return oneLine(text)
    .replace(/[\\`*[\]<>|]/g, '\\$&')
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_');
}

/** A Markdown code span for any text: a fence longer than any backtick run inside, pipes escaped for tables. */
function codeSpan(text: string): string {
  const content = oneLine(text).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

const ICON: Record<Severity, string> = { breaking: '🔴 breaking', warning: '🟠 warning', info: '🔵 info' };

function markdown(changes: readonly Change[], meta?: { oldSource: string; newSource: string }): string {
  const heading = `### API changes${meta ? `: ${codeSpan(meta.oldSource)} → ${codeSpan(meta.newSource)}` : ''}`;
  if (changes.length === 0) return `${heading}\n\nNo changes.\n`;
  const lines = [
    heading,
    '',
    `**${summaryLine(changes)}**`,
    '',
    '| Severity | Change | Rule | Where |',
    '| --- | --- | --- | --- |',
  ];
  for (const change of changes) {
    const { oldPointer, newPointer } = change;
    const where =
      oldPointer !== undefined && newPointer !== undefined && oldPointer !== newPointer
        ? `${codeSpan(oldPointer)} → ${codeSpan(newPointer)}`
        : codeSpan(newPointer ?? oldPointer ?? '');
    lines.push(`| ${ICON[change.severity]} | ${escapeCell(change.message)} | ${codeSpan(change.id)} | ${where} |`);
  }
  return `${lines.join('\n')}\n`;
}

function text(changes: readonly Change[]): string {
  if (changes.length === 0) return 'No changes.\n';
  const rows = changes.map((change) => {
    const where = [
      change.oldPointer !== undefined ? `old: ${change.oldPointer}` : undefined,
      change.newPointer !== undefined ? `new: ${change.newPointer}` : undefined,
    ].filter((part) => part !== undefined);
    return `${change.severity.toUpperCase().padEnd(8)}  ${oneLine(change.message)}${where.length > 0 ? `  (${oneLine(where.join(', '))})` : ''}`;
  });
  return `${rows.join('\n')}\n${summaryLine(changes)}\n`;
}

/**
 * Renders changes for people or machines:
 * - `text`: one line per change, `BREAKING  <message>  (old: <pointer>, new: <pointer>)`, then a summary line
 *   `N breaking, N warning, N info`;
 * - `json`: `{ old?, new?, summary, message, changes }` pretty-printed with 2 spaces (`message` is the summary line);
 * - `markdown`: a heading (naming the sources when `meta` is given), a bold summary line and a table, for a PR comment.
 *
 * An empty list renders as "No changes." in every format. Output ends with a newline.
 */
export function formatChanges(
  changes: Change[],
  format: 'text' | 'json' | 'markdown',
  meta?: { oldSource: string; newSource: string },
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ ...(meta ? { old: meta.oldSource, new: meta.newSource } : {}), summary: summarize(changes), message: summaryLine(changes), changes }, null, 2)}\n`;
    case 'markdown':
      return markdown(changes, meta);
    default:
      return text(changes);
  }
}

/**
 * Whether the changes reach a `--fail-on` level: `breaking` fails on any breaking change, `warning` on any
 * breaking change or warning, `never` never fails. Info changes never fail.
 */
export function meetsFailOn(changes: readonly Change[], failOn: 'breaking' | 'warning' | 'never'): boolean {
  if (failOn === 'never') return false;
  return changes.some(
    (change) => change.severity === 'breaking' || (failOn === 'warning' && change.severity === 'warning'),
  );
}
