import ts from 'typescript';

/** The checks the generated code promises to pass, shared by both forms below. */
const CHECKS = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  noImplicitOverride: true,
  noEmit: true,
} as const;

/**
 * The consumer settings the generated code promises to compile under, defined once for every test that compiles
 * generated code: the DOM lib alone (no Node types: it runs in browsers, Deno and Bun too), strict,
 * exactOptionalPropertyTypes, noUncheckedIndexedAccess, verbatimModuleSyntax, noImplicitOverride. Library files are
 * checked too (skipLibCheck off). Tests add the module settings they exercise ({@link NODE_NEXT}, {@link BUNDLER}).
 */
export const STRICT_CONSUMER: Readonly<ts.CompilerOptions> = Object.freeze({
  ...CHECKS,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  skipLibCheck: false,
});

/** ES modules resolved as Node does (the folder needs a package.json with `"type": "module"` or `.mts` files). */
export const NODE_NEXT: Readonly<ts.CompilerOptions> = Object.freeze({
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
});

/** ES modules resolved as bundlers do (no package.json needed). */
export const BUNDLER: Readonly<ts.CompilerOptions> = Object.freeze({
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
});

/** The same settings as a tsconfig.json `compilerOptions` object, for tests that run `tsc` on a consumer project. */
export function strictConsumerTsconfig(module: string, moduleResolution: string): Record<string, unknown> {
  return { ...CHECKS, target: 'ES2022', module, moduleResolution, lib: ['ES2022', 'DOM'], types: [] };
}
