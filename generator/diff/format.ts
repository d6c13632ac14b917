import { createHash } from 'node:crypto';
import type { Change, IdentifiedChange, Severity } from './types.js';

/** The output formats of `diff`. */
export const FORMATS = ['text', 'json', 'markdown', 'github', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

/** Counts changes by severity. */
export function summarize(changes: readonly Change[]): Record<Severity, number> {
  const summary: Record<Severity, number> = { breaking: 0, warning: 0, info: 0 };
  for (const change of changes) summary[change.severity] += 1;
  return summary;
}

/**
 * Gives each change its stable id: `<rule>@<first 12 hex of SHA-256 of rule, old pointer, new pointer, message>`.
 * The same change in a later run (or on another machine) keeps its id, so an ignore file can name it. Messages
 * hold no dates relative to today, so ids do not drift day by day.
 */
export function identify(changes: readonly Change[]): IdentifiedChange[] {
  return changes.map((change) => ({
    changeId: `${change.id}@${createHash('sha256')
      .update([change.id, change.oldPointer ?? '', change.newPointer ?? '', change.message].join('\u0000'))
      .digest('hex')
      .slice(0, 12)}`,
    ...change,
  }));
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

/** Escapes text for Markdown: pipes, backticks, backslashes, emphasis and link/HTML brackets. */
function escapeMarkdown(text: string): string {
  return oneLine(text)
    .replace(/[\\`*[\]<>|#]/g, '\\$&')
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_');
}

/** A Markdown code span for any text: a fence longer than any backtick run inside (never inside a table). */
function codeSpan(text: string): string {
  const content = oneLine(text);
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

const ICON: Record<Severity, string> = { breaking: '🔴', warning: '🟠', info: '🔵' };
const RANK: Record<Severity, number> = { breaking: 0, warning: 1, info: 2 };
const worst = (changes: readonly Change[]): Severity =>
  changes.reduce<Severity>((best, change) => (RANK[change.severity] < RANK[best] ? change.severity : best), 'info');

/** A GitHub pull-request comment holds at most 65,536 characters; the markdown report stays below this. */
export const COMMENT_LIMIT = 65_536;

interface MarkdownOptions {
  meta?: { oldSource: string; newSource: string } | undefined;
  /** Characters the report may use (default: a PR comment, with room for a bot's own header). */
  limit?: number | undefined;
  ignored?: number | undefined;
}

/** One change shared by several operations because it lies in one component schema. */
interface ComponentGroup {
  severity: Severity;
  id: string;
  message: string;
  pointer: string;
  operations: string[];
}

/**
 * The reviewer's report: summary first; then breaking and warning changes grouped under one heading per
 * operation (method and path), changes inside a shared component listed once with the operations they affect,
 * then document-level changes; info changes folded into `<details>`. Bounded to `limit` characters: what does not
 * fit is left out, and the last line says how many changes of each severity that was.
 */
function markdown(changes: readonly IdentifiedChange[], options: MarkdownOptions): string {
  // Room for the closing lines (</details>, the left-out note) that are added after the budget check.
  const limit = (options.limit ?? COMMENT_LIMIT) - 600;
  const { meta } = options;
  const heading = `### API changes${meta ? `: ${codeSpan(meta.oldSource)} → ${codeSpan(meta.newSource)}` : ''}`;
  if (changes.length === 0) return `${heading}\n\nNo changes.${ignoredNote(options.ignored)}\n`;

  const components = new Map<string, ComponentGroup & { changes: IdentifiedChange[] }>();
  const byOperation = new Map<string, IdentifiedChange[]>();
  const documentLevel: IdentifiedChange[] = [];
  for (const change of changes) {
    if (change.component && change.operation !== undefined) {
      const { component } = change;
      const pointer = component.newPointer ?? component.oldPointer ?? '';
      const key = `${change.id}\u0000${pointer}\u0000${component.message}`;
      let group = components.get(key);
      if (!group) {
        group = {
          severity: change.severity,
          id: change.id,
          message: component.message,
          pointer,
          operations: [],
          changes: [],
        };
        components.set(key, group);
      }
      if (change.operation !== undefined && !group.operations.includes(change.operation))
        group.operations.push(change.operation);
      group.changes.push(change);
    } else if (change.operation !== undefined) {
      const list = byOperation.get(change.operation) ?? [];
      list.push(change);
      byOperation.set(change.operation, list);
    } else {
      documentLevel.push(change);
    }
  }
  // A component change that reaches one operation only reads better under that operation.
  for (const [key, group] of components) {
    if (group.operations.length > 1) continue;
    components.delete(key);
    for (const change of group.changes) {
      const list = byOperation.get(change.operation!) ?? [];
      list.push(change);
      byOperation.set(change.operation!, list);
    }
  }
  const operationsAffected = new Set(changes.flatMap((change) => (change.operation ? [change.operation] : []))).size;
  const summary = summarize(changes);

  // Blocks in the order a reviewer needs them; each is either shown whole or counted as left out.
  type Block = { text: string; changes: readonly Change[] };
  const blocks: Block[] = [];
  const bullet = (change: { severity: Severity; message: string; id: string }, where?: string) =>
    `- ${ICON[change.severity]} ${escapeMarkdown(change.message)} <sub>${codeSpan(change.id)}${where ? ` ${codeSpan(where)}` : ''}</sub>`;
  const operationBlock = (operation: string, list: readonly IdentifiedChange[]) =>
    `#### ${ICON[worst(list)]} ${codeSpan(operation)}\n\n${list.map((change) => bullet(change)).join('\n')}\n`;
  const componentBlock = (group: ComponentGroup & { changes: IdentifiedChange[] }) => {
    const shown = group.operations.slice(0, 8).map(codeSpan).join(', ');
    const more = group.operations.length > 8 ? ` and ${group.operations.length - 8} more` : '';
    return `${bullet(group, group.pointer)}\n  affects ${group.operations.length} operation${group.operations.length === 1 ? '' : 's'}: ${shown}${more}`;
  };
  const sortedOperations = [...byOperation.entries()].sort(
    ([a, listA], [b, listB]) => RANK[worst(listA)] - RANK[worst(listB)] || (a < b ? -1 : a > b ? 1 : 0),
  );
  const sortedComponents = [...components.values()].sort(
    (a, b) =>
      RANK[a.severity] - RANK[b.severity] ||
      b.operations.length - a.operations.length ||
      (a.pointer < b.pointer ? -1 : 1),
  );
  for (const severity of ['breaking', 'warning'] as const) {
    const ops = sortedOperations
      .map(([operation, list]) => [operation, list.filter((change) => change.severity === severity)] as const)
      .filter(([, list]) => list.length > 0);
    const comps = sortedComponents.filter((group) => group.severity === severity);
    const docs = documentLevel.filter((change) => change.severity === severity);
    if (ops.length + comps.length + docs.length === 0) continue;
    blocks.push({
      text: `### ${ICON[severity]} ${severity === 'breaking' ? 'Breaking changes' : 'Warnings'}\n`,
      changes: [],
    });
    for (const [operation, list] of ops) blocks.push({ text: operationBlock(operation, list), changes: list });
    if (comps.length > 0) {
      blocks.push({ text: '#### Shared schemas (listed once, with the operations they affect)\n', changes: [] });
      for (const group of comps) blocks.push({ text: `${componentBlock(group)}\n`, changes: group.changes });
    }
    if (docs.length > 0) {
      blocks.push({ text: '#### Document\n', changes: [] });
      for (const change of docs) blocks.push({ text: `${bullet(change, pointerOf(change))}\n`, changes: [change] });
    }
  }
  const infos = changes.filter((change) => change.severity === 'info');
  if (infos.length > 0) {
    blocks.push({ text: `<details><summary>${infos.length} info changes</summary>\n`, changes: [] });
    const infoOps = sortedOperations
      .map(([operation, list]) => [operation, list.filter((change) => change.severity === 'info')] as const)
      .filter(([, list]) => list.length > 0);
    for (const [operation, list] of infoOps) blocks.push({ text: operationBlock(operation, list), changes: list });
    const infoComps = sortedComponents.filter((group) => group.severity === 'info');
    if (infoComps.length > 0) {
      blocks.push({ text: '#### Shared schemas\n', changes: [] });
      for (const group of infoComps) blocks.push({ text: `${componentBlock(group)}\n`, changes: group.changes });
    }
    const infoDocs = documentLevel.filter((change) => change.severity === 'info');
    if (infoDocs.length > 0)
      blocks.push({
        text: `#### Document\n\n${infoDocs.map((change) => bullet(change, pointerOf(change))).join('\n')}\n`,
        changes: infoDocs,
      });
    blocks.push({ text: '</details>\n', changes: [] });
  }

  const head = [
    heading,
    '',
    `**${summaryLine(changes)}** in ${operationsAffected} operation${operationsAffected === 1 ? '' : 's'}${components.size > 0 ? `; ${components.size} change${components.size === 1 ? '' : 's'} in shared schemas` : ''}.${ignoredNote(options.ignored)}`,
    '',
    '| | Breaking | Warning | Info |',
    '| --- | ---: | ---: | ---: |',
    `| Changes | ${summary.breaking} | ${summary.warning} | ${summary.info} |`,
    '',
  ].join('\n');
  let size = head.length;
  const shown: string[] = [];
  const leftOut: Change[] = [];
  let full = false;
  for (const block of blocks) {
    // Headings and the closing </details> are shown while there is room (the closing tag always).
    if (block.changes.length === 0) {
      if (block.text === '</details>\n' || !full) {
        shown.push(block.text);
        size += block.text.length + 1;
      }
      continue;
    }
    if (full || size + block.text.length + 1 > limit) {
      full = true;
      leftOut.push(...block.changes);
      continue;
    }
    shown.push(block.text);
    size += block.text.length + 1;
  }
  let tail = '';
  if (leftOut.length > 0) {
    const s = summarize(leftOut);
    tail = `\n> **Left out to fit a pull-request comment:** ${leftOut.length} change${leftOut.length === 1 ? '' : 's'} (${s.breaking} breaking, ${s.warning} warning, ${s.info} info). Run \`wealthcare-codegen diff --format text\` for the full list.\n`;
  }
  return `${head}\n${shown.join('\n')}${tail}`;
}

/** Where a change sits, `old → new` when it moved. */
const pointerOf = ({ oldPointer, newPointer }: Change): string =>
  oldPointer !== undefined && newPointer !== undefined && oldPointer !== newPointer
    ? `${oldPointer} → ${newPointer}`
    : (newPointer ?? oldPointer ?? '');

const ignoredNote = (ignored: number | undefined) =>
  ignored ? ` ${ignored} change${ignored === 1 ? '' : 's'} ignored by the ignore file.` : '';

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

/** GitHub Actions workflow commands: data escapes `%`, CR and LF; property values also `:` and `,`. */
const escapeData = (value: string) => value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (value: string) => escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
const COMMAND: Record<Severity, string> = { breaking: 'error', warning: 'warning', info: 'notice' };

function github(changes: readonly IdentifiedChange[], meta?: { oldSource: string; newSource: string }): string {
  const file = meta && !/^(https?:|git:)/i.test(meta.newSource) ? `file=${escapeProperty(meta.newSource)},` : '';
  const lines = changes.map(
    (change) =>
      `::${COMMAND[change.severity]} ${file}title=${escapeProperty(`${change.severity}: ${change.id}`)}::${escapeData(
        `${oneLine(change.message)} (${change.changeId}${(change.newPointer ?? change.oldPointer) ? `, ${change.newPointer ?? change.oldPointer}` : ''})`,
      )}`,
  );
  return `${[...lines, summaryLine(changes)].join('\n')}\n`;
}

const xml = (value: string) =>
  // Characters XML 1.0 cannot hold at all are dropped; the rest is escaped.
  value
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** JUnit XML: one test case per change, failed when its severity reaches `--fail-on`. */
function junit(changes: readonly IdentifiedChange[], failOn: FailOn): string {
  const failing = changes.filter((change) => reaches(change.severity, failOn));
  const cases = changes.map((change) => {
    const name = xml(`${change.severity}: ${oneLine(change.message)}`);
    const classname = xml(change.operation ?? 'document');
    const detail = xml(`${change.changeId}\nold: ${change.oldPointer ?? '-'}\nnew: ${change.newPointer ?? '-'}`);
    return reaches(change.severity, failOn)
      ? `    <testcase classname="${classname}" name="${name}">\n      <failure type="${xml(change.id)}" message="${name}">${detail}</failure>\n    </testcase>`
      : `    <testcase classname="${classname}" name="${name}">\n      <system-out>${detail}</system-out>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="API changes" tests="${changes.length}" failures="${failing.length}">`,
    `  <testsuite name="API changes" tests="${changes.length}" failures="${failing.length}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export type FailOn = 'breaking' | 'warning' | 'never';
const reaches = (severity: Severity, failOn: FailOn) =>
  failOn !== 'never' && (severity === 'breaking' || (failOn === 'warning' && severity === 'warning'));

/**
 * Renders changes for people or machines:
 * - `text`: one line per change, `BREAKING  <message>  (old: <pointer>, new: <pointer>)`, then a summary line
 *   `N breaking, N warning, N info`;
 * - `json`: `{ old?, new?, summary, message, changes, ignored? }` pretty-printed, each change with its stable
 *   `changeId`;
 * - `markdown`: a report for a pull-request comment, grouped by operation, bounded to 65,536 characters;
 * - `github`: GitHub Actions annotations (`::error` for breaking, `::warning`, `::notice` for info);
 * - `junit`: JUnit XML, one test case per change, failed when it reaches `failOn`.
 *
 * An empty list renders as "No changes." in text and markdown. Output ends with a newline.
 */
export function formatChanges(
  changes: readonly Change[],
  format: Format,
  meta?: { oldSource: string; newSource: string },
  options: { failOn?: FailOn; ignored?: readonly Change[]; limit?: number } = {},
): string {
  const identified = identify(changes);
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        {
          ...(meta ? { old: meta.oldSource, new: meta.newSource } : {}),
          summary: summarize(changes),
          message: summaryLine(changes),
          changes: identified,
          ...(options.ignored && options.ignored.length > 0 ? { ignored: identify(options.ignored) } : {}),
        },
        null,
        2,
      )}\n`;
    case 'markdown':
      return markdown(identified, { meta, limit: options.limit, ignored: options.ignored?.length });
    case 'github':
      return github(identified, meta);
    case 'junit':
      return junit(identified, options.failOn ?? 'breaking');
    default:
      return text(changes);
  }
}

/**
 * Whether the changes reach a `--fail-on` level: `breaking` fails on any breaking change, `warning` on any
 * breaking change or warning, `never` never fails. Info changes never fail.
 */
export function meetsFailOn(changes: readonly Change[], failOn: FailOn): boolean {
  return changes.some((change) => reaches(change.severity, failOn));
}
