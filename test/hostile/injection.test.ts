/**
 * Hostile text everywhere a document carries text: the output must compile under strict TypeScript, running it
 * must execute nothing but the client (a canary global stays unset), and every string literal built from document
 * text must equal that text exactly (checked in the AST, in the types, and on the wire against node:http).
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../generator/analyze/analyze.js';
import type { GeneratorIR } from '../../generator/analyze/ir.js';
import { tsString } from '../../generator/emit/escape.js';
import { loadDocument } from '../../generator/load/load.js';
import {
  CANARY,
  HOSTILE_GRANT,
  HOSTILE_GRANT_2,
  HOSTILE_PATH,
  HOSTILE_PROPERTIES,
  HOSTILE_SERVER,
  PROTOTYPE_NAMES,
  hostileDocument,
  hostileValues,
} from './hostile-document.js';
import { cli, compileStrict, folderState, importGenerated, removeDir, tempDir } from './support.js';

const MODES = ['enum', 'extension'] as const;
type Mode = (typeof MODES)[number];
const GRANTS = [HOSTILE_GRANT, HOSTILE_GRANT_2, 'client_credentials'];
const FIELDS = ['scope', ...HOSTILE_PROPERTIES, ...PROTOTYPE_NAMES];

interface Generated {
  dir: string;
  out: string;
  document: ReturnType<typeof hostileDocument>;
  ir: GeneratorIR;
  files: Map<string, string>;
}

let root: string;
const generated = new Map<Mode, Generated>();

beforeAll(async () => {
  root = await tempDir('wcg-hostile-');
  for (const mode of MODES) {
    const dir = join(root, mode);
    const document = hostileDocument(mode);
    await writeFile(join(root, `${mode}.json`), JSON.stringify(document, null, 2));
    const run = await cli(root, 'generate', '-i', `${mode}.json`, '-o', mode);
    expect(run.code, run.stderr).toBe(0);
    const ir = analyze(await loadDocument(`${mode}.json`, { cwd: root }));
    const files = new Map(
      [...(await folderState(dir))]
        .filter(([name]) => name.endsWith('.ts'))
        .map(([name, { bytes }]) => [name, bytes.toString('utf8')]),
    );
    generated.set(mode, { dir: root, out: dir, document, ir, files });
  }
}, 300_000);
afterAll(async () => {
  delete (globalThis as Record<string, unknown>)[CANARY];
  await removeDir(root);
});

/** Every string a document holds, as a key or a value. */
function documentStrings(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) value.forEach((item) => documentStrings(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) {
      into.add(key);
      documentStrings(member, into);
    }
  }
  return into;
}

/** The code of a file, comments excluded: string-ish literals, and identifiers. */
function codeOf(name: string, text: string): { literals: string[]; identifiers: Set<string> } {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true);
  const literals: string[] = [];
  const identifiers = new Set<string>();
  // forEachChild does not enter JSDoc: only code is seen.
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.push(node.text);
    if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) literals.push(node.text);
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) identifiers.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { literals, identifiers };
}

describe.each(MODES)('a document whose every text is hostile (grants from %s)', (mode) => {
  const get = (): Generated => generated.get(mode)!;

  it('derives the hostile grants and fields', () => {
    const { ir } = get();
    expect(ir.tokenEndpoints).toHaveLength(1);
    expect(ir.tokenEndpoints[0]!.grants.map((grant) => grant.grantType)).toEqual(GRANTS);
    expect(ir.tokenEndpoints[0]!.grantSource).toBe(mode);
    expect(ir.tokenEndpoints[0]!.grants[0]!.fields.map((field) => field.name)).toEqual(FIELDS);
  });

  it('puts document text into code only as string literals equal to that text', () => {
    const { files, document } = get();
    const texts = documentStrings(document);
    const offending: string[] = [];
    for (const [name, text] of files) {
      const { literals, identifiers } = codeOf(name, text);
      // The canary as code would be an identifier; in comments it is not seen here.
      if (identifiers.has(CANARY)) offending.push(`${name}: identifier ${CANARY} in code`);
      for (const literal of literals)
        if (literal.includes(CANARY) && !texts.has(literal))
          offending.push(`${name}: ${JSON.stringify(literal).slice(0, 200)}`);
    }
    expect(offending).toEqual([]);
    // The runtime files do carry the hostile values as literals (so the check above has something to check);
    // prettier writes keys that are identifiers bare.
    const grantsCode = codeOf('grants.ts', files.get('grants.ts')!);
    expect([...grantsCode.literals, ...grantsCode.identifiers]).toEqual(expect.arrayContaining([...GRANTS, ...FIELDS]));
    // The document's constants live in grants.ts (client.ts is the copied runtime, the same for every document).
    expect(grantsCode.literals).toEqual(expect.arrayContaining([HOSTILE_SERVER, HOSTILE_PATH]));
  });

  it('compiles under strict settings, with the document literals as exact types', async () => {
    const { out } = get();
    const union = (values: readonly string[]): string => values.map(tsString).join(' | ');
    const hostileProperty = HOSTILE_PROPERTIES[0]!;
    const consumer = [
      `import type { components } from './schema.js';`,
      `import type { TokenRequest, Scope } from './models.js';`,
      `import { DEFAULT_BASE_URL, TOKEN_PATH, createTokenClient } from './index.js';`,
      `type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;`,
      `type Literals<U> = U extends string ? (string extends U ? never : U) : never;`,
      `export const grants: Equal<TokenRequest['grant_type'], ${union(GRANTS)}> = true;`,
      mode === 'enum'
        ? `export const schemaGrants: Equal<components['schemas']['TokenRequest']['grant_type'], ${union(GRANTS)}> = true;`
        : '',
      `export const scopes: Equal<Literals<Scope>, ${union([...hostileValues('scope'), ...PROTOTYPE_NAMES])}> = true;`,
      `export const errors: Equal<NonNullable<components['schemas']['TokenError']['error']>, ${union(hostileValues('error enum'))}> = true;`,
      ...[...HOSTILE_PROPERTIES, ...PROTOTYPE_NAMES].map(
        (name, index) =>
          `export const hostile${index}: Equal<components['schemas']['Hostile'][${tsString(name)}]${PROTOTYPE_NAMES.includes(name) ? '' : '| undefined'}, ${union(hostileValues(`Hostile.${name} enum`))}${PROTOTYPE_NAMES.includes(name) ? '' : ' | undefined'}> = true;`,
      ),
      // Members named like Object.prototype's must be given in an object literal: TypeScript compares an optional
      // \`constructor?: string\` with the literal's inherited \`constructor: Function\` (a language rule, not ours).
      `export const request: TokenRequest = { grant_type: ${tsString(HOSTILE_GRANT)}, ${tsString(hostileProperty)}: 'x', ['__proto__']: 'p', constructor: 'c', toString: 't', hasOwnProperty: 'h' };`,
      `export const base: string | undefined = DEFAULT_BASE_URL;`,
      `export const path: string = TOKEN_PATH;`,
      `export const client = createTokenClient({ clientId: 'id', clientSecret: 'secret' });`,
    ].join('\n');
    expect(await compileStrict(out, { '__consumer__.ts': consumer })).toEqual([]);
    // The same check fails for a value that differs in one character: the types are exact.
    const wrong = consumer.replace(
      `export const grants: Equal<TokenRequest['grant_type'], ${union(GRANTS)}>`,
      `export const grants: Equal<TokenRequest['grant_type'], ${union([`${HOSTILE_GRANT} `, ...GRANTS.slice(1)])}>`,
    );
    expect(wrong).not.toBe(consumer);
    expect((await compileStrict(out, { '__consumer__.ts': wrong })).join('\n')).toMatch(
      /Type 'true' is not assignable to type 'false'/,
    );
  }, 300_000);

  describe('executed', () => {
    let module: Record<string, unknown>;
    let server: Server;
    let baseUrl: string;
    const requests: Array<{ url: string; body: string }> = [];

    beforeAll(async () => {
      delete (globalThis as Record<string, unknown>)[CANARY];
      module = await importGenerated(get().out, join(get().dir, `${mode}-js`));
      server = createServer((request: IncomingMessage, response) => {
        let body = '';
        request.setEncoding('utf8');
        request.on('data', (chunk: string) => (body += chunk));
        request.on('end', () => {
          requests.push({ url: request.url ?? '', body });
          response.setHeader('content-type', 'application/json');
          // A response carrying the prototype names as members.
          response.end(
            '{"access_token":"at","token_type":"Bearer","__proto__":{"polluted":true},"constructor":"c","prototype":"p","toString":"s"}',
          );
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('runs nothing but declarations on import, and its constants are the document text', () => {
      expect((globalThis as Record<string, unknown>)[CANARY]).toBeUndefined();
      expect(module['DEFAULT_BASE_URL']).toBe(HOSTILE_SERVER);
      expect(module['TOKEN_PATH']).toBe(HOSTILE_PATH);
      expect(typeof module['createTokenClient']).toBe('function');
    });

    it('sends each hostile grant_type, field name and value exactly as the document spells them', async () => {
      const { ir } = get();
      const createTokenClient = module['createTokenClient'] as (
        options: object,
      ) => Record<string, (params?: object) => Promise<Record<string, unknown>>>;
      const client = createTokenClient({ clientId: 'id', clientSecret: 'secret', baseUrl, retry: false });
      const grants = ir.tokenEndpoints[0]!.grants;
      expect(Object.keys(client).sort()).toEqual(grants.map((grant) => grant.helperName).sort());
      for (const grant of grants) {
        requests.length = 0;
        // Every option gets a value that names its wire field, also hostile.
        const params = Object.fromEntries(grant.fields.map((field) => [field.optionName, `value of ${field.name}`]));
        const tokens = await client[grant.helperName]!(params);
        expect(requests).toHaveLength(1);
        const form = new URLSearchParams(requests[0]!.body);
        expect(form.getAll('grant_type')).toEqual([grant.grantType]);
        for (const field of grant.fields)
          expect(form.getAll(field.name), field.name).toEqual([`value of ${field.name}`]);
        expect([...form.keys()].sort()).toEqual(
          ['client_id', 'client_secret', 'grant_type', ...grant.fields.map((field) => field.name)].sort(),
        );
        expect(requests[0]!.url).toBe(new URL(`${baseUrl}${HOSTILE_PATH}`).pathname);

        // Left-out options are left out, even those named like Object.prototype members.
        requests.length = 0;
        await client[grant.helperName]!({});
        expect([...new URLSearchParams(requests[0]!.body).keys()].sort()).toEqual([
          'client_id',
          'client_secret',
          'grant_type',
        ]);

        // The prototype names of the response are plain members; nothing is polluted.
        expect(Object.getPrototypeOf(tokens)).toBe(Object.prototype);
        expect(Object.hasOwn(tokens, '__proto__')).toBe(true);
        expect(tokens['constructor']).toBe('c');
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }
      expect((globalThis as Record<string, unknown>)[CANARY]).toBeUndefined();
    });
  });
});
