import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Handlebars from 'handlebars';
import { cacheFolders } from '../no-op.js';
import { sha256 } from '../shared/hash.js';
import { identifier, jsdocText, tsString } from './escape.js';

/** Folder of the templates, one `<file>.ts.hbs` per generated file that depends on the document. */
export const TEMPLATES_DIR = new URL('../../templates/', import.meta.url);

/** The files rendered from templates (the static runtime is copied from templates/runtime/, see exports.ts). */
export const RUNTIME_TEMPLATES = ['grants', 'operations', 'testing'] as const;
export type RuntimeTemplate = (typeof RUNTIME_TEMPLATES)[number];

/**
 * Compile options. `noEscape`, `strict` and `preventIndent` are applied when the template is compiled, so a
 * precompiled template (below) renders exactly what `compile` with the same options renders.
 */
const OPTIONS = { noEscape: true, strict: true, preventIndent: true } as const;

const require = createRequire(import.meta.url);

/**
 * A handlebars environment for TypeScript output: HTML escaping is off (it is wrong for TS) and strict mode is on
 * (a misspelt field fails instead of rendering nothing). Document text must pass through one of the helpers:
 * `tsString` (a string literal), `jsdoc` (text inside a doc comment), `ident` (an identifier decided by analyze).
 *
 * Only handlebars' runtime is loaded for a run whose templates are precompiled (see {@link precompiled}): the
 * compiler, and the `source-map` package it loads, cost ~50 ms of CPU per cold run (docs/performance.md, round two).
 */
function createEnvironment(): typeof Handlebars {
  const runtime = require('handlebars/runtime') as { default: typeof Handlebars };
  const environment = runtime.default.create();
  environment.registerHelper('tsString', (value: unknown) => tsString(String(value)));
  environment.registerHelper('jsdoc', (value: unknown) =>
    value === undefined || value === null ? '' : jsdocText(String(value), '  '),
  );
  environment.registerHelper('ident', (value: unknown) => identifier(String(value)));
  return environment;
}

let environment: typeof Handlebars | undefined;
const compiled = new Map<RuntimeTemplate, HandlebarsTemplateDelegate>();

/** Renders one runtime template with a view built by emit/views.ts. */
export function renderTemplate(name: RuntimeTemplate, view: object): string {
  let template = compiled.get(name);
  if (!template) {
    environment ??= createEnvironment();
    const source = readFileSync(new URL(`${name}.ts.hbs`, TEMPLATES_DIR), 'utf8');
    template = environment.template(precompiled(source));
    compiled.set(name, template);
  }
  return template(view);
}

/**
 * The template's precompiled specification (`Handlebars.precompile`), from a local cache keyed by the SHA-256 of the
 * template text, the handlebars version and the options; on a miss the compiler is loaded, and the result cached.
 * The cache (`wealthcare-codegen-templates/` beside the no-op cache's folders, never committed) only skips work: an
 * unwritable or damaged one is ignored.
 */
function precompiled(source: string): TemplateSpecification {
  const version = (require('handlebars/package.json') as { version: string }).version;
  const key = sha256(`${version}\n${JSON.stringify(OPTIONS)}\n${source}`).slice(0, 40);
  // Beside the no-op cache's folders, not inside them: those hold one JSON entry per output folder only.
  const folders = cacheFolders(process.cwd()).map((folder) => `${folder}-templates`);
  for (const folder of folders) {
    try {
      return require(join(folder, `${key}.cjs`)) as TemplateSpecification;
    } catch {
      // not cached here
    }
  }
  const compiler = require('handlebars') as typeof Handlebars;
  const text = compiler.precompile(source, OPTIONS) as string;
  for (const folder of folders) {
    try {
      mkdirSync(folder, { recursive: true });
      const file = join(folder, `${key}.cjs`);
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, `module.exports = ${text};\n`);
      renameSync(temporary, file);
      break;
    } catch {
      // try the next folder, or run without a cache
    }
  }
  return new Function(`return ${text};`)() as TemplateSpecification;
}
