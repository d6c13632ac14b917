/**
 * The hostile and property-based documents through the BUILT CLI: `bin/wealthcare-codegen.js` runs dist/, where
 * models.ts is built in a worker thread that receives the IR by structured clone (emit/models-job.ts). The other
 * suites run the pipeline in-process from the TypeScript sources, where nothing is cloned: a document whose IR could
 * not cross the thread boundary passed them all and failed only for users (`internal error: function Object() {
 * [native code] } could not be cloned.`). Here each document is generated both ways, and the built CLI must exit
 * as the in-process run does and write byte-identical files. dist/ is built once by test/support/global-setup.ts.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../generator/analyze/analyze.js';
import { DEFAULT_PRETTIER_MODE } from '../../generator/config.js';
import { NotPlainDataError, toPlainData } from '../../generator/emit/plain-data.js';
import { generate } from '../../generator/generate.js';
import { loadDocument } from '../../generator/load/load.js';
import { HOSTILE_PROPERTIES, PROTOTYPE_NAMES, hostileDocument, tokenDocument } from './hostile-document.js';
import { ROOT, STACK_FRAME, removeDir, tempDir } from './support.js';

const execute = promisify(execFile);
const SLOW = 300_000;

let dir: string;
beforeAll(async () => {
  dir = await tempDir('wcg-built-');
});
afterAll(async () => removeDir(dir));

/** Every file of a folder, by name. */
async function filesOf(folder: string): Promise<Map<string, string>> {
  const names = (await readdir(folder)).sort();
  return new Map(
    await Promise.all(names.map(async (name) => [name, await readFile(join(folder, name), 'utf8')] as const)),
  );
}

let counter = 0;
/**
 * Generates `document` with the built CLI and in-process; returns the CLI's run and both outputs. The CLI must never
 * print an internal error or a stack trace, and must agree with the in-process run on success and on the files.
 */
async function bothWays(document: object): Promise<{ code: number; stderr: string; built: Map<string, string> }> {
  counter += 1;
  const name = `doc-${counter}`;
  await writeFile(join(dir, `${name}.json`), JSON.stringify(document));
  let code = 0;
  let stderr = '';
  try {
    ({ stderr } = await execute(
      process.execPath,
      [join(ROOT, 'bin/wealthcare-codegen.js'), 'generate', '-i', `${name}.json`, '-o', `${name}-built`],
      { cwd: dir },
    ));
  } catch (error) {
    ({ code = 1, stderr = '' } = error as { code?: number; stderr?: string });
  }
  expect(stderr).not.toMatch(/internal error/i);
  expect(stderr).not.toMatch(STACK_FRAME);
  const inProcess = await generate({
    input: `${name}.json`,
    output: `${name}-in-process`,
    cwd: dir,
    check: false,
    prettier: DEFAULT_PRETTIER_MODE,
  }).then(
    () => 0,
    () => 2,
  );
  expect(code, stderr).toBe(inProcess);
  if (code !== 0) return { code, stderr, built: new Map() };
  const built = await filesOf(join(dir, `${name}-built`));
  expect(built).toEqual(await filesOf(join(dir, `${name}-in-process`)));
  return { code, stderr, built };
}

/** The document: grant types ending in Object.prototype names, and fields named like them. */
function prototypeGrantDocument(): object {
  const document = tokenDocument({
    requestExtra: Object.fromEntries(PROTOTYPE_NAMES.map((name) => [name, { type: 'string' }])),
  }) as { components: { schemas: { TokenRequest: { properties: Record<string, unknown> } } } };
  document.components.schemas.TokenRequest.properties['grant_type'] = {
    type: 'string',
    enum: [
      'client_credentials',
      'refresh_token',
      'urn:example:grant-type:__proto__',
      'urn:example:grant-type:constructor',
      ...PROTOTYPE_NAMES.map((name) => `urn:example:grant-type:x-${name}`),
    ],
  };
  return document;
}

describe('the built CLI (dist/, worker thread) on hostile documents', () => {
  it(
    'grant types and fields named like Object.prototype members generate as in-process',
    async () => {
      const { code, built } = await bothWays(prototypeGrantDocument());
      expect(code).toBe(0);
      // The RFC's descriptions are looked up as own properties: no `function Object()` in the output.
      for (const [name, text] of built) expect(text, name).not.toContain('[native code]');
      expect(built.get('grants.ts')).toContain('urn:example:grant-type:constructor');
    },
    SLOW,
  );

  it.each(['enum', 'extension'] as const)(
    'the hostile document (%s) generates as in-process',
    async (mode) => {
      expect((await bothWays(hostileDocument(mode))).code).toBe(0);
    },
    SLOW,
  );

  it('the IR of such documents is plain data (what the worker receives is checked, on both paths)', async () => {
    await writeFile(join(dir, 'plain.json'), JSON.stringify(prototypeGrantDocument()));
    const ir = analyze(await loadDocument('plain.json', { cwd: dir }));
    expect(toPlainData(ir)).toEqual(ir);
  });
});

describe('the plain-data check at the worker boundary', () => {
  it('names the path of a value that is not plain data', () => {
    expect(() => toPlainData({ a: [{ description: Object }] })).toThrow(
      new NotPlainDataError('$.a[0].description', 'a function (function Object() { [native code] })'),
    );
    expect(() => toPlainData({ at: new Date(0) })).toThrow(/not plain data at \$\.at: an instance of Date/);
    expect(() => toPlainData({ size: Number.NaN })).toThrow(/\$\.size: NaN/);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => toPlainData(cyclic)).toThrow(/\$\.self: a cycle/);
  });

  it('keeps `__proto__` and `constructor` as own members, and leaves undefined members out', () => {
    const value = JSON.parse('{"__proto__":{"x":1},"constructor":"c","list":[1,"2",null]}') as Record<string, unknown>;
    const copy = toPlainData({ ...value, gone: undefined });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.keys(copy)).toEqual(['__proto__', 'constructor', 'list']);
    expect(structuredClone(copy)).toEqual(copy);
  });
});

describe('property-based documents through the built CLI', () => {
  // Names anywhere from ordinary to hostile: Object.prototype members, context-ending text, any text.
  const word = fc.oneof(
    fc.constantFrom(...PROTOTYPE_NAMES, ...HOSTILE_PROPERTIES, 'scope', 'code', 'device_code', 'assertion'),
    fc.string({ minLength: 1, maxLength: 12 }),
  );
  const grantType = fc.oneof(
    fc.constantFrom(
      'client_credentials',
      'password',
      'refresh_token',
      'authorization_code',
      'urn:ietf:params:oauth:grant-type:device_code',
    ),
    word.map((suffix) => `urn:example:grant-type:${suffix}`),
  );
  const field = fc.record({ name: word, description: fc.option(word, { nil: undefined }) });

  it(
    'any grant types and field names: exit and files as in-process, never an internal error',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(grantType, { minLength: 1, maxLength: 4 }),
          fc.uniqueArray(field, { maxLength: 5, selector: (f) => f.name }),
          async (grantTypes, fields) => {
            const document = tokenDocument({
              requestExtra: Object.fromEntries(
                fields
                  .filter((f) => f.name !== 'grant_type')
                  .map((f) => [f.name, { type: 'string', ...(f.description ? { description: f.description } : {}) }]),
              ),
            }) as { components: { schemas: { TokenRequest: { properties: Record<string, unknown> } } } };
            document.components.schemas.TokenRequest.properties['grant_type'] = { type: 'string', enum: grantTypes };
            await bothWays(document);
          },
        ),
        // Each run spawns the CLI (about a second, more on a loaded machine): few, but a new sample every run.
        { numRuns: 8 },
      );
    },
    SLOW,
  );
});
