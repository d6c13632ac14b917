import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../generator/cli.js';
import { ROOT, SPEC, removeDir, tempDir } from '../support/generate-to-temp.js';

const HISTORY = join(ROOT, 'test/fixtures/spec-history');
let dir: string;
beforeEach(async () => {
  dir = await tempDir('wcg-diff-');
});
afterEach(async () => removeDir(dir));
async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { cwd: dir, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}
const step = (name: string) => join(HISTORY, `${name}.yaml`);

describe('diff', () => {
  it('exits 1 on breaking changes by default, with one line per change and a summary', async () => {
    const result = await run('diff', step('04-device-code-added'), step('05-password-grant-removed'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^BREAKING {2}The password grant of POST \/connect\/token is gone/m);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('3 breaking, 2 warning, 0 info');
  });

  it.each([
    ['never', '04-device-code-added', '05-password-grant-removed', 0],
    ['breaking', '01-error-description-added', '02-scope-added', 0],
    ['warning', '09-scope-removed', '10-server-url-changed', 1],
    ['warning', '12-basic-auth-removed', '13-rate-limit-response-added', 0],
  ])('--fail-on %s: %s → %s exits %i', async (failOn, from, to, code) => {
    expect((await run('diff', step(from), step(to), '--fail-on', failOn)).code).toBe(code);
  });

  it('json and markdown formats', async () => {
    const json = JSON.parse(
      (await run('diff', step('01-error-description-added'), step('02-scope-added'), '--format', 'json')).stdout,
    );
    expect(json.summary).toEqual({ breaking: 0, warning: 0, info: 3 });
    expect(json.changes[0]).toMatchObject({
      id: 'security-scope-added',
      severity: 'info',
      newPointer: '/components/securitySchemes/oauth2/flows/authorizationCode/scopes/reports_api',
    });
    const markdown = (
      await run('diff', step('06-expires-in-string'), step('07-response-field-removed'), '--format', 'markdown')
    ).stdout;
    expect(markdown).toContain('#### 🔴 `POST /connect/token`');
    expect(markdown).toContain('- 🔴 Response field \\`refresh_token\\` of POST /connect/token was removed.');
    expect(markdown.indexOf('**1 breaking, 0 warning, 0 info**')).toBeLessThan(markdown.indexOf('#### '));
  });

  it('json gives every change a stable id (same input, same ids; rule@12 hex)', async () => {
    const ids = async () =>
      JSON.parse(
        (await run('diff', step('06-expires-in-string'), step('07-response-field-removed'), '--format', 'json')).stdout,
      ).changes.map((change: { changeId: string }) => change.changeId);
    const first = await ids();
    expect(first).toEqual([expect.stringMatching(/^response-property-removed@[0-9a-f]{12}$/)]);
    expect(await ids()).toEqual(first);
  });

  it('github prints Actions annotations; junit prints JUnit XML failing at --fail-on', async () => {
    const github = (
      await run('diff', step('04-device-code-added'), step('05-password-grant-removed'), '--format', 'github')
    ).stdout;
    expect(github).toMatch(
      /^::error file=.*05-password-grant-removed\.yaml,title=breaking%3A oauth-grant-removed::The password grant of POST \/connect\/token is gone/m,
    );
    expect(github).toMatch(/^::warning file=.*title=warning%3A request-property-removed::/m);
    const junit = await run(
      'diff',
      step('04-device-code-added'),
      step('05-password-grant-removed'),
      '--format',
      'junit',
      '--fail-on',
      'warning',
    );
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="API changes" tests="5" failures="5">/,
    );
    expect(junit.stdout.match(/<failure type="oauth-grant-removed"/g)).toHaveLength(1);
  });

  it('an ignore file accepts a change by id or by rule + path (with a reason), and expired entries stop applying', async () => {
    const [from, to] = [step('06-expires-in-string'), step('07-response-field-removed')];
    const [change] = JSON.parse((await run('diff', from, to, '--format', 'json')).stdout).changes;
    await writeFile(
      join(dir, 'ignore.yaml'),
      `ignore:\n  - id: ${change.changeId}\n    reason: The server never sent it.\n`,
    );
    const ignored = await run('diff', from, to, '--ignore', 'ignore.yaml');
    expect(ignored).toMatchObject({ code: 0, stdout: 'No changes.\n' });
    await writeFile(
      join(dir, 'ignore.yaml'),
      'ignore:\n  - rule: response-property-removed\n    path: POST /connect/token\n    reason: Accepted.\n    expires: 2026-01-31\n',
    );
    expect((await run('diff', from, to, '--ignore', 'ignore.yaml', '--today', '2026-01-31')).code).toBe(0);
    const expired = await run('diff', from, to, '--ignore', 'ignore.yaml', '--today', '2026-02-01');
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('expired on 2026-01-31');
  });

  it.each([
    [
      'ignore',
      'ignore:\n  - rule: response-field-gone\n    reason: x\n',
      /ignore\.yaml#\/ignore\/0: unknown rule response-field-gone/,
    ],
    ['ignore', 'ignore:\n  - id: nope@0123456789ab\n    reason: x\n', /unknown change id nope@0123456789ab/],
    ['ignore', 'ignore:\n  - rule: path-removed\n', /an ignore entry needs a reason/],
    ['severity-overrides', 'overrides:\n  response-field-gone: info\n', /unknown rule response-field-gone/],
    [
      'severity-overrides',
      'overrides:\n  path-removed: fatal\n',
      /severity of path-removed must be breaking, warning or info, not fatal/,
    ],
  ])('--%s file errors are one line, exit 2', async (option, content, message) => {
    await writeFile(join(dir, 'ignore.yaml'), content);
    const result = await run(
      'diff',
      step('06-expires-in-string'),
      step('07-response-field-removed'),
      `--${option}`,
      'ignore.yaml',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it("a severity-override file changes a rule's severity (and so the exit code)", async () => {
    await writeFile(join(dir, 'overrides.yaml'), 'overrides:\n  response-property-removed: warning\n');
    const result = await run(
      'diff',
      step('06-expires-in-string'),
      step('07-response-field-removed'),
      '--severity-overrides',
      'overrides.yaml',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^WARNING {3}Response field `refresh_token`/m);
  });

  it('moving a schema into or out of components is not a change', async () => {
    const result = await run('diff', step('13-rate-limit-response-added'), step('14-schemas-inlined'));
    expect(result).toMatchObject({ code: 0, stdout: 'No changes.\n' });
  });

  it('bad input exits 2 with one line', async () => {
    const result = await run('diff', 'missing.yaml', step('00-page-literal'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^wealthcare-codegen: missing\.yaml: file not found/);
  });
});

describe('generate --check classifies what changed in the API, above the code diff', () => {
  it('names the breaking change of a spec edit', async () => {
    await cp(SPEC, join(dir, 'spec/wealthcare-access.openapi.yaml'));
    await run('generate');
    const spec = join(dir, 'spec/wealthcare-access.openapi.yaml');
    await writeFile(
      spec,
      (await readFile(spec, 'utf8')).replace(
        / {8}refresh_token:\n {10}type: string\n {10}description: Refresh token issued with the access token, if applicable\.\n/,
        '',
      ),
    );
    const result = await run('generate', '--check');
    expect(result.code).toBe(1);
    const [classification, codeDiff] = result.stdout.split('Index: ');
    expect(classification).toContain('API changes since generated/ was last generated');
    expect(classification).toMatch(/BREAKING {2}Response field `refresh_token` of POST \/connect\/token was removed\./);
    expect(codeDiff).toBeDefined();
    expect(result.stdout).toMatch(/^- +\/\*\* Refresh token issued with the access token, if applicable\. \*\/$/m);
  });
});
