import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { identifier, jsdocText, tsString } from './escape.js';

/** Folder of the templates, one `<file>.ts.hbs` per generated file that depends on the document. */
export const TEMPLATES_DIR = new URL('../../templates/', import.meta.url);

/** The files rendered from templates (the static runtime is copied from templates/runtime/, see exports.ts). */
export const RUNTIME_TEMPLATES = ['grants', 'token-source', 'operations', 'testing'] as const;
export type RuntimeTemplate = (typeof RUNTIME_TEMPLATES)[number];

/**
 * A handlebars environment for TypeScript output: HTML escaping is off (it is wrong for TS) and strict mode is on
 * (a misspelt field fails instead of rendering nothing). Document text must pass through one of the helpers:
 * `tsString` (a string literal), `jsdoc` (text inside a doc comment), `ident` (an identifier decided by analyze).
 */
function createEnvironment(): typeof Handlebars {
  const environment = Handlebars.create();
  environment.registerHelper('tsString', (value: unknown) => tsString(String(value)));
  environment.registerHelper('jsdoc', (value: unknown) =>
    value === undefined || value === null ? '' : jsdocText(String(value), '  '),
  );
  environment.registerHelper('ident', (value: unknown) => identifier(String(value)));
  return environment;
}

const environment = createEnvironment();
const compiled = new Map<RuntimeTemplate, HandlebarsTemplateDelegate>();

/** Renders one runtime template with a view built by emit/views.ts. */
export function renderTemplate(name: RuntimeTemplate, view: object): string {
  let template = compiled.get(name);
  if (!template) {
    const source = readFileSync(new URL(`${name}.ts.hbs`, TEMPLATES_DIR), 'utf8');
    template = environment.compile(source, { noEscape: true, strict: true, preventIndent: true });
    compiled.set(name, template);
  }
  return template(view);
}
