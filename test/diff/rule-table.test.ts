import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, renderRuleTable } from '../../generator/diff/rules/table.js';
import { ROOT } from '../support/generate-to-temp.js';

describe('the rule table', () => {
  it('is the one docs/drift.md shows (regenerate with `npm run build && node scripts/drift-docs.mjs`)', () => {
    const docs = readFileSync(join(ROOT, 'docs/drift.md'), 'utf8');
    const section = /<!-- rules:start -->\n\n([\s\S]*?)\n<!-- rules:end -->/.exec(docs)?.[1];
    expect(section).toBe(renderRuleTable());
  });

  it('has unique ids, a sentence and an example for every rule, and says why where it differs from oasdiff', () => {
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.sentence, rule.id).toMatch(/^[A-Z`].*\.$/);
      expect(rule.example.length, rule.id).toBeGreaterThan(0);
      if (rule.oasdiff !== undefined) expect(rule.oasdiff, rule.id).toMatch(/^oasdiff: (ERR|WARN|INFO)/);
    }
  });

  it('directions match the ids: request-* rules judge what is sent, response-* what is received', () => {
    for (const rule of RULES) {
      if (rule.id.startsWith('request-')) expect(rule.direction, rule.id).toBe('request');
      if (rule.id.startsWith('response-')) expect(rule.direction, rule.id).toBe('response');
    }
  });
});
