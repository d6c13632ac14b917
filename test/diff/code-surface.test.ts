import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareGeneratedCode } from '../../generator/compare.js';
import { diffGeneratedCode } from '../../generator/diff/code-surface.js';
import { RULES } from '../../generator/diff/rules/table.js';
import { loadDocument } from '../../generator/load/load.js';
import { ROOT } from '../support/generate-to-temp.js';

const files = (text: string) => new Map([['api.ts', text]]);
const diff = (before: string, after: string) =>
  diffGeneratedCode(files(before), files(after)).map((change) => [change.severity, change.id, change.message]);

describe('the generated TypeScript surface', () => {
  const CASES: Array<[string, string, string, Array<[string, string, string]>]> = [
    [
      'an export removed',
      'export const a = 1;\nexport type B = string;',
      'export const a = 1;',
      [['breaking', 'code-export-removed', 'Export `B` of api.ts is gone.']],
    ],
    [
      'an export renamed, with a function renamed along with its types',
      'export interface GetUserRequest { id: string }\nexport function getUser(request: GetUserRequest): Promise<void> { return Promise.resolve(); }',
      'export interface UsersGetRequest { id: string }\nexport function usersGet(request: UsersGetRequest): Promise<void> { return Promise.resolve(); }',
      [
        ['breaking', 'code-export-renamed', 'Export `GetUserRequest` of api.ts is renamed to `UsersGetRequest`.'],
        ['breaking', 'code-export-renamed', 'Export `getUser` of api.ts is renamed to `usersGet`.'],
      ],
    ],
    [
      'a required parameter added',
      'export function f(a: string): void {}',
      'export function f(a: string, b: number): void {}',
      [['breaking', 'code-parameter-added-required', '`f` (api.ts) takes a new required parameter `b`.']],
    ],
    [
      'an optional parameter added',
      'export function f(a: string): void {}',
      'export function f(a: string, b?: number): void {}',
      [],
    ],
    [
      'a parameter made required',
      'export const f = (a?: string): void => {};',
      'export const f = (a: string): void => {};',
      [['breaking', 'code-parameter-became-required', 'Parameter `a` of `f` (api.ts) is now required.']],
    ],
    [
      'a result member removed and one made optional (a result type narrowed)',
      'export interface User { id: number; name: string; bio?: string }',
      'export interface User { id?: number; bio?: string }',
      [
        ['breaking', 'code-member-became-optional', '`User.id` (api.ts) is now optional.'],
        ['breaking', 'code-member-removed', '`User.name` (api.ts) is gone.'],
      ],
    ],
    [
      'an input type gains a required member and one becomes required',
      'export interface Params { a?: string }\nexport function f(params: Params): void {}',
      'export interface Params { a: string; b: number }\nexport function f(params: Params): void {}',
      [
        ['breaking', 'code-member-became-required', '`Params.a` (api.ts) is now required.'],
        ['breaking', 'code-member-added-required', '`Params.b` (api.ts) is new and required.'],
      ],
    ],
    [
      'enum members removed (a literal union and an enum)',
      'export type State = "open" | "closed" | "draft";\nexport enum Kind { A, B }',
      'export type State = "open" | "closed";\nexport enum Kind { A }',
      [
        ['breaking', 'code-union-member-removed', '`State` (api.ts) no longer includes "draft".'],
        ['breaking', 'code-union-member-removed', '`Kind` (api.ts) no longer includes B.'],
      ],
    ],
    [
      'enum members added',
      'export type State = "open" | "closed";',
      'export type State = "open" | "closed" | "draft";',
      [],
    ],
    [
      'nested members of openapi-typescript type literals, and a type changed',
      'export interface components { schemas: { hovercard: { contexts: string[]; login: string } } }',
      'export interface components { schemas: { hovercard: { login: number } } }',
      [
        ['breaking', 'code-member-removed', '`components.schemas.hovercard.contexts` (api.ts) is gone.'],
        ['warning', 'code-type-changed', '`components.schemas.hovercard.login` (api.ts) changed type.'],
      ],
    ],
  ];
  it.each(CASES)('%s', (_name, before, after, expected) => {
    expect(diff(before, after)).toEqual(expected);
  });

  it('has a case for every code-* rule of the rule table', () => {
    const covered = new Set(CASES.flatMap(([, , , expected]) => expected.map(([, id]) => id)));
    expect(RULES.filter((rule) => rule.direction === 'code' && !covered.has(rule.id)).map((rule) => rule.id)).toEqual(
      [],
    );
  });

  it('derives the code changes of a spec edit from the generated declarations of both documents', async () => {
    const load = (name: string) => loadDocument(join(ROOT, 'test/fixtures/spec-history', name), { cwd: ROOT });
    const changes = await compareGeneratedCode(
      await load('04-device-code-added.yaml'),
      await load('05-password-grant-removed.yaml'),
    );
    const messages = changes.map((change) => change.message);
    expect(messages).toContain('Export `PasswordParams` of grants.ts is gone.');
    expect(messages).toContain('`TokenClient.password` (grants.ts) is gone.');
    expect(messages).toContain(
      '`components.schemas.TokenRequest.grant_type` (schema.ts) no longer includes "password".',
    );
  });
});
