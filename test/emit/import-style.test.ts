import { execFile } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../generator/api.js';
import type { ImportStyle } from '../../generator/config.js';
import { applyImportStyle } from '../../generator/emit/import-style.js';
import { ROOT, SPEC, removeDir, tempDir } from '../support/generate-to-temp.js';

/**
 * The import style option: each style's output (the WealthCare token client and an API document's operations linked
 * to it) compiles under the strict consumer settings that style is for.
 */
const exec = promisify(execFile);
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
let dir: string;
beforeAll(async () => {
  dir = await tempDir('wcg-import-style-');
});
afterAll(async () => removeDir(dir));

const STRICT = {
  target: 'ES2022',
  lib: ['ES2022', 'DOM'],
  types: [],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  skipLibCheck: false,
};
const SETTINGS: Record<ImportStyle, Record<string, unknown>> = {
  js: { module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true },
  // Deno's and Node's type stripping read .ts specifiers as they are; tsc rewrites them when it emits.
  ts: { module: 'NodeNext', moduleResolution: 'NodeNext', rewriteRelativeImportExtensions: true, outDir: 'dist' },
  none: { module: 'ESNext', moduleResolution: 'Bundler', noEmit: true },
};
const APP = (
  extension: string,
) => `import { createTokenClient, createTokenSource } from './wealthcare/index${extension}';
import { createApiConfig, getMember, isApiError } from './bensoft/index${extension}';
const source = createTokenSource(createTokenClient({ clientId: 'id', clientSecret: 'secret' }), {
  grant: 'client_credentials',
  scope: ['bensoft_api'],
});
const api = createApiConfig({ accessToken: source });
export async function name(id: string): Promise<string | undefined> {
  try {
    return (await getMember(api, { path: { memberId: id } })).name;
  } catch (e) {
    if (isApiError(e, 404)) return undefined;
    throw e;
  }
}
`;

describe.each(['js', 'ts', 'none'] as const)('importStyle %s', (style) => {
  it('rewrites every relative specifier, and the output compiles under the settings it is for', async () => {
    const project = join(dir, style);
    const result = await generate({
      cwd: ROOT,
      config: {
        importStyle: style,
        jobs: [
          { name: 'wealthcare', input: SPEC, output: join(project, 'src/wealthcare') },
          {
            input: join(ROOT, 'test/fixtures/jobs/bensoft-api.yaml'),
            output: join(project, 'src/bensoft'),
            tokenClientFrom: 'wealthcare',
          },
        ],
      },
    });
    expect(result.jobs).toHaveLength(2);
    const extension = { js: '.js', ts: '.ts', none: '' }[style];
    for (const folder of ['wealthcare', 'bensoft']) {
      for (const name of (await readdir(join(project, 'src', folder))).filter((file) => file.endsWith('.ts'))) {
        const text = await readFile(join(project, 'src', folder, name), 'utf8');
        const specifiers = [...text.matchAll(/^(?:import|export)\b[^;]*? from '(\.[^']*)';$/gms)].map((m) => m[1]!);
        for (const specifier of specifiers)
          expect(specifier).toMatch(style === 'none' ? /\/[\w-]+$/ : new RegExp(`\\${extension}$`));
      }
    }
    // The cross-output import of the error classes lives in the copied runtime module the operations call.
    expect(await readFile(join(project, 'src/bensoft/operations-runtime.ts'), 'utf8')).toContain(
      `from '../wealthcare/errors${extension}';`,
    );
    await writeFile(join(project, 'src/app.ts'), APP(extension));
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { ...STRICT, ...SETTINGS[style] }, include: ['src'] }),
    );
    // An ES module package, as the consumer must be (NodeNext reads .ts files as CommonJS otherwise).
    await writeFile(join(project, 'package.json'), '{ "type": "module" }\n');
    const compiled = await exec(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(compiled).toBe('');
  }, 120_000);
});

describe('applyImportStyle', () => {
  it('rewrites specifiers of imports, re-exports, type imports and import(), and nothing in comments or strings', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b/b.js';",
      "export * from './c.js';",
      'export { d } from "./d.js";',
      "const e = await import('./e.js');",
      "import { f } from 'package/f.js';",
      "// see import { x } from './comment.js'",
      'const s = "from \'./string.js\'";',
    ].join('\n');
    const files = new Map([
      ['x.ts', text],
      ['notes.json', "from './a.js'"],
    ]);
    applyImportStyle(files, 'ts');
    expect(files.get('x.ts')).toBe(
      [
        "import { a } from './a.ts';",
        "import type { B } from '../b/b.ts';",
        "export * from './c.ts';",
        'export { d } from "./d.ts";',
        "const e = await import('./e.ts');",
        "import { f } from 'package/f.js';",
        "// see import { x } from './comment.js'",
        'const s = "from \'./string.js\'";',
      ].join('\n'),
    );
    expect(files.get('notes.json')).toBe("from './a.js'");
    const none = new Map([['x.ts', text]]);
    applyImportStyle(none, 'none');
    expect(none.get('x.ts')).toContain("from '../b/b';\nexport * from './c';");
  });
});
