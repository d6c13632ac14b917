// Rewrites the rule table of docs/drift.md from generator/diff/rules/table.ts (run `npm run build` first);
// test/diff/rule-table.test.ts fails when the two disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderRuleTable } from '../dist/diff/rules/table.js';

const file = join(resolve(import.meta.dirname, '..'), 'docs/drift.md');
const text = readFileSync(file, 'utf8');
const start = '<!-- rules:start -->\n';
const end = '<!-- rules:end -->';
const from = text.indexOf(start);
const to = text.indexOf(end);
if (from < 0 || to < from) throw new Error(`docs/drift.md needs ${start.trim()} and ${end} markers`);
writeFileSync(file, `${text.slice(0, from + start.length)}\n${renderRuleTable()}\n${text.slice(to)}`);
console.log('docs/drift.md: rule table rewritten');
