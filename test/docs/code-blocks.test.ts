import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRETTIER_MODE } from '../../generator/config.js';
import { generate } from '../../generator/generate.js';
import { INIT_SCRIPTS } from '../../generator/init.js';
import { STRICT } from '../fixtures/operations/support.js';
import { ROOT, SPEC, removeDir, tempDir } from '../support/generate-to-temp.js';

/**
 * Every ```ts block of README.md and docs/*.md compiles, as a consumer's module, against output generated now from
 * the documents it imports, under the consumer tsconfig the README recommends (module NodeNext, and again with
 * moduleResolution Bundler). The convention (docs/architecture.md, "Code blocks in the docs"):
 *
 * - A block is a module file in a scratch project whose package.json says `"type": "module"`. It imports generated
 *   code by folder (and the tool's own API as the package `wealthcare-codegen`): `./generated/` and `./wealthcare/` hold the WealthCare Access output, `./pets/` the output of
 *   test/fixtures/operations/petstore.yaml, `./clerk/` the output of ../shared/corpus/clerk.yaml, `./oauth/` that of
 *   test/fixtures/oauth/all-capabilities.yaml. Only the folders
 *   some block imports are generated.
 * - A block that uses names it does not define (a `clientId`, an `e` from a catch around it) declares them in an
 *   HTML comment right before the fence: `<!-- ts-context` then ambient declarations (`declare const …`,
 *   `declare function …`, types, `import type`), then `-->`. Anything else in it fails the test: the preamble may
 *   describe the surroundings, never hide code. `<!-- ts-context commonjs … -->` compiles the block in a package
 *   whose package.json says `"type": "commonjs"` (NodeNext, `verbatimModuleSyntax` off: the generated files compile
 *   to CommonJS with it).
 * - The README's consumer tsconfig is the ```json block after `<!-- consumer-tsconfig -->`: the options used here.
 * - ```sh blocks are not run; every `npm run <script>` they name must be a script of this package.json or one
 *   `init` adds to a consumer's.
 */

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The documents behind the folders a block may import from. */
const OUTPUTS: Record<string, string> = {
  generated: SPEC,
  wealthcare: SPEC,
  pets: join(ROOT, 'test/fixtures/operations/petstore.yaml'),
  clerk: join(ROOT, '../shared/corpus/clerk.yaml'),
  // A second document whose operations take their token client from ./wealthcare/ (docs/config.md, tokenClientFrom).
  bensoft: join(ROOT, 'test/fixtures/jobs/bensoft-api.yaml'),
  // Every OAuth capability declared: docs/oauth.md (the device flow), docs/client.md (signOut with revocation).
  oauth: join(ROOT, 'test/fixtures/oauth/all-capabilities.yaml'),
};
/** Outputs linked to another output as a config job's `tokenClientFrom` would link them. */
const LINKS: Record<string, { tokenClientFrom: string }> = { bensoft: { tokenClientFrom: '../wealthcare' } };

interface Fence {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  body: string;
  /** The HTML comment right before the fence, without `<!--` and `-->`, if any. */
  comment?: string;
}

/** The fenced blocks of a markdown file, with the HTML comment that precedes each (only blank lines between). */
export function fences(file: string, text: string): Fence[] {
  const lines = text.split('\n');
  const found: Fence[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^ {0,3}(`{3,})\s*([\w-]*)/.exec(lines[index]!);
    if (!open) continue;
    const marker = open[1]!;
    const start = index;
    let end = index + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(marker)) end++;
    let before = start - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    let comment: string | undefined;
    if (before >= 0 && lines[before]!.trimEnd().endsWith('-->')) {
      let first = before;
      while (first >= 0 && !lines[first]!.includes('<!--')) first--;
      if (first >= 0)
        comment = lines
          .slice(first, before + 1)
          .join('\n')
          .replace(/^[\s\S]*?<!--/, '')
          .replace(/-->\s*$/, '');
    }
    found.push({
      file,
      line: start + 1,
      lang: open[2]!.toLowerCase(),
      body: lines.slice(start + 1, end).join('\n'),
      ...(comment !== undefined ? { comment } : {}),
    });
    index = end;
  }
  return found;
}

interface Block {
  /** `README.md:42` */
  where: string;
  fence: Fence;
  commonjs: boolean;
  /** Ambient declarations put on the first line of the module (so block lines keep their numbers, plus one). */
  preamble: string;
  /** Output folders it imports. */
  outputs: string[];
}

/** Reads a block's `ts-context` comment. Throws when the comment breaks the convention. */
export function toBlock(fence: Fence): Block {
  const where = `${fence.file}:${fence.line}`;
  let commonjs = false;
  let preamble = '';
  const context = fence.comment !== undefined ? /^\s*ts-context\b([^\n]*)\n?([\s\S]*)$/.exec(fence.comment) : null;
  if (context) {
    for (const flag of context[1]!.trim().split(/\s+/).filter(Boolean)) {
      if (flag === 'commonjs') commonjs = true;
      else throw new Error(`${where}: unknown ts-context flag ${JSON.stringify(flag)} (known: commonjs)`);
    }
    preamble = context[2]!.trim();
    const parsed = ts.createSourceFile('preamble.ts', preamble, ts.ScriptTarget.ES2022, true);
    for (const statement of parsed.statements) {
      const ambient = ts.canHaveModifiers(statement)
        ? ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.DeclareKeyword)
        : false;
      const typeOnly =
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly === true);
      if (!ambient && !typeOnly)
        throw new Error(
          `${where}: the ts-context preamble may only declare (declare …, interface, type, import type), not run code: ${statement.getText(parsed).slice(0, 80)}`,
        );
    }
  }
  const outputs = [...new Set([...fence.body.matchAll(/from\s+['"]\.\/([\w-]+)\//g)].map((match) => match[1]!))];
  for (const name of outputs)
    if (!(name in OUTPUTS))
      throw new Error(
        `${where}: imports ./${name}/, which names no output (known: ${Object.keys(OUTPUTS).join(', ')})`,
      );
  return { where, fence, commonjs, preamble: preamble.replace(/\s*\n\s*/g, ' '), outputs };
}

/** The consumer tsconfig the README recommends, as compiler options. */
function consumerOptions(readme: string): ts.CompilerOptions {
  const fence = fences('README.md', readme).find(
    (candidate) => candidate.lang === 'json' && candidate.comment?.trim() === 'consumer-tsconfig',
  );
  if (!fence) throw new Error('README.md has no ```json block after <!-- consumer-tsconfig -->');
  const json = JSON.parse(fence.body) as { compilerOptions: object };
  const { options, errors } = ts.convertCompilerOptionsFromJson(json.compilerOptions, ROOT);
  if (errors.length > 0)
    throw new Error(errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, '\n')).join('\n'));
  return options;
}

/** Where the consumer has @types/node installed: this repository's copy. */
const NODE_TYPES = { typeRoots: [join(ROOT, 'node_modules/@types')], types: ['node'] };

/** Parsed files other than the blocks (lib.dom.d.ts dominates), shared by every program of the run. */
const parsed = new Map<string, ts.SourceFile | undefined>();

/** Compiles modules (path → text, inside `dir`) and returns the diagnostics by file. */
export function compile(dir: string, files: Map<string, string>, options: ts.CompilerOptions): Map<string, string[]> {
  const settled = { ...options, ...NODE_TYPES, noEmit: true };
  const host = ts.createCompilerHost(settled);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => files.get(file) ?? readFile(file);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => files.has(file) || fileExists(file);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) => {
    const text = files.get(file);
    if (text !== undefined) return ts.createSourceFile(file, text, language, true);
    const key = `${file}|${typeof language === 'object' ? language.impliedNodeFormat : language}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(file, language, ...rest));
    return parsed.get(key);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options: settled, host });
  const byFile = new Map<string, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName ?? '(global)';
    const line = diagnostic.file ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line : -1;
    const text = `TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    byFile.set(file, [...(byFile.get(file) ?? []), `${relative(dir, file)}|${line}|${text}`]);
  }
  return byFile;
}

/** A block's module text: the preamble on line 1, the block from line 2. */
const moduleText = (block: Block): string => `${block.preamble}\n${block.fence.body}\n`;

/** Diagnostics of one block's module, with lines counted in its markdown file. */
function describeDiagnostics(block: Block, diagnostics: string[]): string[] {
  return diagnostics.map((entry) => {
    const [, line, text] = entry.split('|') as [string, string, string];
    const inBlock = Number(line);
    const where = inBlock <= 0 ? `${block.where} (preamble)` : `${block.fence.file}:${block.fence.line + inBlock}`;
    return `${where}: ${text}`;
  });
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const allFences = DOCS.flatMap((file) => fences(file, readFileSync(join(ROOT, file), 'utf8')));
const blocks = allFences.filter((fence) => fence.lang === 'ts' || fence.lang === 'typescript').map(toBlock);

let scratch: string;
/** Diagnostics per block `where`, per mode. */
const results = new Map<string, string[]>();

beforeAll(async () => {
  scratch = await tempDir('wcg-docs-');
  const needed = new Set(blocks.flatMap((block) => block.outputs));
  // A linked output needs the output it links to.
  for (const [name, link] of Object.entries(LINKS))
    if (needed.has(name)) needed.add(link.tokenClientFrom.replace('../', ''));
  const generatedFrom = new Map<string, string>();
  for (const name of Object.keys(OUTPUTS).filter((output) => needed.has(output))) {
    const target = join(scratch, name);
    const done = LINKS[name] ? undefined : generatedFrom.get(OUTPUTS[name]!);
    if (done) await cp(done, target, { recursive: true });
    else {
      await generate({
        input: OUTPUTS[name]!,
        output: target,
        cwd: ROOT,
        check: false,
        prettier: DEFAULT_PRETTIER_MODE,
        ...(LINKS[name] ? { link: LINKS[name] } : {}),
      });
      if (!LINKS[name]) generatedFrom.set(OUTPUTS[name]!, target);
    }
  }
  await writeFile(join(scratch, 'package.json'), '{ "type": "module" }\n');
  // Blocks about the programmatic API import the package by name (docs/config.md): resolve it to this repository,
  // as an install would (its package.json exports point at dist/, which the global setup builds).
  await mkdir(join(scratch, 'node_modules'));
  await symlink(ROOT, join(scratch, 'node_modules', 'wealthcare-codegen'), 'dir');
  // CommonJS blocks live in a package of their own, with copies of the outputs they import.
  const cjs = join(scratch, 'cjs');
  await mkdir(cjs);
  await writeFile(join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
  for (const name of new Set(blocks.filter((block) => block.commonjs).flatMap((block) => block.outputs)))
    await cp(join(scratch, name), join(cjs, name), { recursive: true });

  const base = consumerOptions(readme);
  // A CommonJS package compiles the generated files to CommonJS too, which verbatimModuleSyntax forbids (TS1287,
  // TS1295): the README's CommonJS form turns it off.
  const modes: Array<[string, ts.CompilerOptions, boolean]> = [
    ['NodeNext', base, false],
    ['CommonJS', { ...base, verbatimModuleSyntax: false }, true],
    ['Bundler', { ...base, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }, false],
  ];
  for (const [mode, options, withCommonJs] of modes) {
    const files = new Map<string, Block>();
    blocks.forEach((block, index) => {
      if (block.commonjs !== withCommonJs) return;
      files.set(join(block.commonjs ? cjs : scratch, `block-${index}.ts`), block);
    });
    const texts = new Map([...files].map(([path, block]) => [path, moduleText(block)]));
    const diagnostics = compile(scratch, texts, options);
    for (const [path, block] of files)
      results.set(`${block.where} ${mode}`, describeDiagnostics(block, diagnostics.get(path) ?? []));
    // Errors outside the blocks: in the generated code, or global ones (a bad option).
    const elsewhere = [...diagnostics].filter(([path]) => !files.has(path)).flatMap(([, list]) => list);
    results.set(`(generated code) ${mode}`, elsewhere);
  }
}, 240_000);
afterAll(async () => removeDir(scratch));

describe('TypeScript blocks of README.md and docs/*.md', () => {
  it('finds the blocks (README holds at least three; every docs file is read)', () => {
    expect(blocks.filter((block) => block.fence.file === 'README.md').length).toBeGreaterThanOrEqual(3);
    expect(DOCS.length).toBeGreaterThan(1);
  });

  it.each(blocks.map((block) => [block.where, block] as const))('%s compiles', (_where, block) => {
    for (const mode of block.commonjs ? ['CommonJS'] : ['NodeNext', 'Bundler'])
      expect({ mode, errors: results.get(`${block.where} ${mode}`) }).toEqual({ mode, errors: [] });
  });

  it('and so does the generated code they import', () => {
    for (const mode of ['NodeNext', 'Bundler', 'CommonJS'])
      expect({ mode, errors: results.get(`(generated code) ${mode}`) }).toEqual({ mode, errors: [] });
  });
});

describe("the README's consumer tsconfig", () => {
  it('is at least as strict as the settings the generated code is tested under', () => {
    const readmeOptions = consumerOptions(readme) as Record<string, unknown>;
    // Every strictness flag; noEmit and skipLibCheck say nothing about the consumer's code.
    const required = Object.entries(STRICT)
      .filter(([name, value]) => value === true && name !== 'noEmit' && name !== 'skipLibCheck')
      .map(([name]) => name);
    expect(required).toContain('exactOptionalPropertyTypes');
    expect(required.filter((name) => readmeOptions[name] !== true)).toEqual([]);
    expect([readmeOptions.module, readmeOptions.moduleResolution]).toEqual([STRICT.module, STRICT.moduleResolution]);
  });
});

describe('the check can fail', () => {
  const options = () => consumerOptions(readme);
  it('reports a block that does not compile, at its line in the markdown file', async () => {
    const broken = toBlock({
      file: 'README.md',
      line: 10,
      lang: 'ts',
      body: "import { createTokenClient } from './generated/index.js';\n\ncreateTokenClient({ clientId: 'a', clientSecrett: 'b' });",
    });
    const path = join(scratch, 'broken.ts');
    const diagnostics = compile(scratch, new Map([[path, moduleText(broken)]]), options());
    const described = describeDiagnostics(broken, diagnostics.get(path) ?? []);
    expect(described).toHaveLength(1);
    expect(described[0]).toMatch(/^README\.md:13: TS2561 .*'clientSecrett'/);
  });

  it('reports a free variable that no ts-context declares, and accepts it declared', () => {
    const body = "import { createTokenClient } from './generated/index.js';\ncreateTokenClient({ clientId });";
    const path = join(scratch, 'free.ts');
    const undeclared = toBlock({ file: 'docs/x.md', line: 1, lang: 'ts', body });
    expect(
      compile(scratch, new Map([[path, moduleText(undeclared)]]), options())
        .get(path)
        ?.join('\n'),
    ).toMatch(/TS18004 .*'clientId'/);
    const declared = toBlock({
      file: 'docs/x.md',
      line: 1,
      lang: 'ts',
      body,
      comment: ' ts-context\ndeclare const clientId: string;\n',
    });
    expect(compile(scratch, new Map([[path, moduleText(declared)]]), options()).get(path)).toBeUndefined();
  });

  it('refuses a preamble that runs code, an unknown flag and an unknown output folder', () => {
    const fence = (comment: string, body = 'export {};'): Fence => ({
      file: 'docs/x.md',
      line: 5,
      lang: 'ts',
      body,
      comment,
    });
    expect(() => toBlock(fence(' ts-context\nconst hidden = 1;\n'))).toThrow(/may only declare/);
    expect(() => toBlock(fence(' ts-context esm\n'))).toThrow(/unknown ts-context flag "esm"/);
    expect(() => toBlock(fence(' ts-context\n', "import { x } from './elsewhere/index.js';"))).toThrow(
      /names no output/,
    );
  });

  it('reads the comment right before a fence, and only that one', () => {
    const found = fences(
      't.md',
      '<!-- ts-context\ndeclare const a: 1;\n-->\n\n```ts\na;\n```\n\ntext\n\n```ts\nb;\n```\n',
    );
    expect(found.map((fence) => [fence.line, fence.comment?.trim(), fence.body])).toEqual([
      [5, 'ts-context\ndeclare const a: 1;', 'a;'],
      [11, undefined, 'b;'],
    ]);
  });
});

describe('shell blocks', () => {
  const scripts = new Set([
    ...Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts),
    ...Object.keys(INIT_SCRIPTS),
  ]);
  const named = allFences
    .filter((fence) => ['sh', 'bash', 'shell', 'console'].includes(fence.lang))
    .flatMap((fence) =>
      [...fence.body.matchAll(/\bnpm (?:run(?:-script)?|test|start)\b(?: +([\w:.-]+))?/g)].map((match) => ({
        where: `${fence.file}:${fence.line}`,
        script: match[0].startsWith('npm run') ? match[1] : match[0].slice(4),
      })),
    );
  it('name npm scripts that exist (this package.json, or the ones init adds to a consumer)', () => {
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter(({ script }) => script === undefined || !scripts.has(script))).toEqual([]);
  });
});

describe('README size', () => {
  it('stays at most 12 KiB (the rest belongs in docs/)', async () => {
    expect((await readFile(join(ROOT, 'README.md'))).byteLength).toBeLessThanOrEqual(12_288);
    expect((await readdir(join(ROOT, 'docs'))).length).toBeGreaterThan(0);
  });
});
