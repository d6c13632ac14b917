import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { parseYaml } from '@redocly/openapi-core';
import { InputError } from '../errors.js';
import { identify } from './format.js';
import { isObject } from './resolve.js';
import { RULE_BY_ID } from './rules/table.js';
import type { Change, Severity } from './types.js';

/**
 * An ignore file entry: a change by its stable id (`rule@hash`, from `--format json`), or every change of a rule
 * whose pointer or operation starts with `path`; always with a reason, optionally until an expiry date.
 */
export interface IgnoreEntry {
  id?: string;
  rule?: string;
  /** A JSON pointer prefix (`/paths/~1users/get`) or an operation (`GET /users`). */
  path?: string;
  reason: string;
  /** `YYYY-MM-DD`: the entry stops applying after this day. */
  expires?: string;
}

const SEVERITIES: readonly Severity[] = ['breaking', 'warning', 'info'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

async function readData(path: string, cwd: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolvePath(cwd, path), 'utf8');
  } catch {
    throw new InputError(`${what} not found`, path, 'Pass an existing file.');
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new InputError(
      `${what} is not valid YAML or JSON (${String((error as Error).message).split('\n')[0]})`,
      path,
    );
  }
}

/** The rule part of a change id, or the id itself. */
const ruleOfChangeId = (id: string): string => id.split('@')[0] ?? id;

/**
 * Reads an ignore file (YAML or JSON): `{ ignore: [ { id | rule [+ path], reason, expires? } ] }` or the list
 * alone. Every entry is checked: a rule (or the rule part of a change id) not in the rule table, a missing reason,
 * or a malformed date is a one-line error naming the entry.
 */
export async function readIgnoreFile(path: string, cwd: string): Promise<IgnoreEntry[]> {
  const data = await readData(path, cwd, 'ignore file');
  const list = Array.isArray(data) ? data : isObject(data) ? data.ignore : undefined;
  if (!Array.isArray(list)) throw new InputError('ignore file must hold a list `ignore:` of entries', path);
  return list.map((raw, index) => {
    const at = `${path}#/ignore/${index}`;
    if (!isObject(raw)) throw new InputError('an ignore entry must be an object', at);
    const { id, rule, path: prefix, reason, expires, ...unknown } = raw;
    const extra = Object.keys(unknown);
    if (extra.length > 0)
      throw new InputError(
        `unknown key ${extra[0]} in an ignore entry`,
        at,
        'Use id or rule (+ path), reason, expires.',
      );
    if (typeof reason !== 'string' || reason.trim() === '')
      throw new InputError('an ignore entry needs a reason', at, 'Say why the change is acceptable.');
    if (id === undefined && rule === undefined)
      throw new InputError('an ignore entry needs an id or a rule', at, 'Copy the changeId from `diff --format json`.');
    if (
      id !== undefined &&
      (typeof id !== 'string' || !RULE_BY_ID.has(ruleOfChangeId(id)) || !/@[0-9a-f]{12}$/.test(id))
    )
      throw new InputError(
        `unknown change id ${String(id)}`,
        at,
        'Copy a changeId (rule@hash) from `diff --format json`.',
      );
    if (rule !== undefined && (typeof rule !== 'string' || !RULE_BY_ID.has(rule)))
      throw new InputError(`unknown rule ${String(rule)}`, at, 'See the rule table in docs/drift.md.');
    if (prefix !== undefined && typeof prefix !== 'string') throw new InputError('path must be a string', at);
    if (expires !== undefined && (typeof expires !== 'string' || !DATE.test(expires)))
      throw new InputError(`expires must be a date YYYY-MM-DD, not ${String(expires)}`, at);
    return {
      ...(id !== undefined ? { id: id as string } : {}),
      ...(rule !== undefined ? { rule: rule as string } : {}),
      ...(prefix !== undefined ? { path: prefix } : {}),
      reason,
      ...(expires !== undefined ? { expires: expires as string } : {}),
    };
  });
}

/**
 * Reads a severity-override file (YAML or JSON): `{ overrides: { <rule>: breaking|warning|info } }` or the map
 * alone. Unknown rules and severities are one-line errors.
 */
export async function readOverrides(path: string, cwd: string): Promise<Map<string, Severity>> {
  const data = await readData(path, cwd, 'severity-override file');
  const map = isObject(data) && isObject(data.overrides) ? data.overrides : data;
  if (!isObject(map)) throw new InputError('severity-override file must map rule ids to severities', path);
  const overrides = new Map<string, Severity>();
  for (const [rule, severity] of Object.entries(map)) {
    if (!RULE_BY_ID.has(rule))
      throw new InputError(
        `unknown rule ${rule}`,
        `${path}#/overrides/${rule}`,
        'See the rule table in docs/drift.md.',
      );
    if (!SEVERITIES.includes(severity as Severity))
      throw new InputError(
        `severity of ${rule} must be breaking, warning or info, not ${String(severity)}`,
        `${path}#/overrides/${rule}`,
      );
    overrides.set(rule, severity as Severity);
  }
  return overrides;
}

/** Applies severity overrides (by rule id). */
export function applyOverrides(changes: readonly Change[], overrides: ReadonlyMap<string, Severity>): Change[] {
  return changes.map((change) => {
    const severity = overrides.get(change.id);
    return severity !== undefined && severity !== change.severity ? { ...change, severity } : change;
  });
}

/**
 * Splits changes into those kept and those an unexpired ignore entry covers; also returns the entries that
 * matched nothing and those that expired (reported so stale entries get cleaned up).
 */
export function applyIgnores(
  changes: readonly Change[],
  entries: readonly IgnoreEntry[],
  today: string,
): { kept: Change[]; ignored: Change[]; unused: IgnoreEntry[]; expired: IgnoreEntry[] } {
  const active = entries.filter((entry) => entry.expires === undefined || entry.expires >= today);
  const expired = entries.filter((entry) => !active.includes(entry));
  const used = new Set<IgnoreEntry>();
  const kept: Change[] = [];
  const ignored: Change[] = [];
  identify(changes).forEach((change, index) => {
    const original = changes[index]!;
    const entry = active.find((candidate) => {
      if (candidate.id !== undefined) return candidate.id === change.changeId;
      if (candidate.rule !== change.id) return false;
      if (candidate.path === undefined) return true;
      return [
        change.oldPointer,
        change.newPointer,
        change.operation,
        change.component?.newPointer,
        change.component?.oldPointer,
      ].some((where) => where !== undefined && where.startsWith(candidate.path!));
    });
    if (entry) {
      used.add(entry);
      ignored.push(original);
    } else kept.push(original);
  });
  return { kept, ignored, unused: active.filter((entry) => !used.has(entry)), expired };
}
