import type { Change, Severity } from './types.js';

/** Counts by severity. */
export function summarize(changes: Change[]): Record<Severity, number> {
  const summary: Record<Severity, number> = { breaking: 0, warning: 0, info: 0 };
  for (const change of changes) summary[change.severity] += 1;
  return summary;
}

const summaryLine = (changes: Change[]) => {
  const s = summarize(changes);
  return `${s.breaking} breaking, ${s.warning} warning, ${s.info} info`;
};

function escapeCell(text: string): string {
  return text.replace(/\r?\n|\u2028|\u2029/g, ' ').replace(/\|/g, '\\|').replace(/`/g, '\\`');
}

/**
 * Renders changes as `text` (one line per change and a summary line), `json` (`{ summary, changes }`) or `markdown`
 * (a heading, a summary and a table, for a PR comment).
 */
export function formatChanges(changes: Change[], format: 'text' | 'json' | 'markdown', meta?: { oldSource: string; newSource: string }): string {
  if (format === 'json') return `${JSON.stringify({ ...(meta ? { old: meta.oldSource, new: meta.newSource } : {}), summary: summarize(changes), changes }, null, 2)}\n`;
  if (format === 'markdown') {
    const lines = [`### API changes${meta ? `: \`${escapeCell(meta.oldSource)}\` → \`${escapeCell(meta.newSource)}\`` : ''}`, ''];
    if (changes.length === 0) return `${lines.join('\n')}No changes.\n`;
    lines.push(`**${summaryLine(changes)}**`, '', '| severity | change | where |', '| --- | --- | --- |');
    for (const change of changes) {
      const icon = change.severity === 'breaking' ? '🔴 breaking' : change.severity === 'warning' ? '🟠 warning' : '🔵 info';
      lines.push(`| ${icon} | ${escapeCell(change.message)} | \`${escapeCell(change.newPointer ?? change.oldPointer ?? '')}\` |`);
    }
    return `${lines.join('\n')}\n`;
  }
  if (changes.length === 0) return 'No changes.\n';
  const rows = changes.map((change) => {
    const where = [change.oldPointer !== undefined ? `old: ${change.oldPointer}` : '', change.newPointer !== undefined ? `new: ${change.newPointer}` : ''].filter(Boolean).join(', ');
    return `${change.severity.toUpperCase().padEnd(8)}  ${change.message}  (${where})`;
  });
  return `${rows.join('\n')}\n${summaryLine(changes)}\n`;
}

/** Whether changes reach the `--fail-on` level. */
export function meetsFailOn(changes: Change[], failOn: 'breaking' | 'warning' | 'never'): boolean {
  if (failOn === 'never') return false;
  return changes.some((change) => change.severity === 'breaking' || (failOn === 'warning' && change.severity === 'warning'));
}
