import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/generate-to-temp.js';
import { BUNDLER, NODE_NEXT, STRICT_CONSUMER } from '../support/strict-options.js';

/**
 * The generated client must compile for consumers with the strictest common settings, with the DOM lib alone (no
 * Node types: it runs in browsers, Deno and Bun too), under both module resolutions consumers use.
 */
const STRICT = STRICT_CONSUMER;
const MODES: Array<[string, ts.CompilerOptions]> = [
  ['NodeNext', NODE_NEXT],
  ['Bundler', BUNDLER],
];
const GENERATED_INDEX = join(ROOT, 'generated/index.ts');

/** Type-checks `consumer` (a module importing './generated/index.js') together with generated/. */
const sourceFiles = new Map<string, ts.SourceFile | undefined>();
function diagnostics(options: ts.CompilerOptions, consumer?: string): string[] {
  const consumerPath = join(ROOT, 'generated/__consumer__.ts');
  const host = ts.createCompilerHost(options);
  // Parsing lib.dom.d.ts dominates: share parsed files (all but the consumer) across programs.
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) => {
    if (file === consumerPath) return getSourceFile(file, language, ...rest);
    const key = `${file}|${typeof language === 'object' ? language.impliedNodeFormat : language}`;
    if (!sourceFiles.has(key)) sourceFiles.set(key, getSourceFile(file, language, ...rest));
    return sourceFiles.get(key);
  };
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (consumer !== undefined && file === consumerPath ? consumer : readFile(file));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => (consumer !== undefined && file === consumerPath) || fileExists(file);
  const program = ts.createProgram({
    rootNames: consumer === undefined ? [GENERATED_INDEX] : [GENERATED_INDEX, consumerPath],
    options,
    host,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${d.file.fileName.replace(ROOT, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

const USAGE = `
import { createTokenClient, createPkce, isOAuthError, type TokenResponse, type TokenRequest, type Scope } from './index.js';
const client = createTokenClient({ clientId: 'id', clientSecret: 'secret' });
export async function use(): Promise<TokenResponse> {
  const pkce = await createPkce();
  await client.authorizationCode({ code: 'c', redirectUri: 'https://app/cb', codeVerifier: pkce.codeVerifier });
  await client.refreshToken({ refreshToken: 'r' });
  await client.password({ username: 'u', password: 'p', scope: 'bensoft_api' });
  const scope: Scope = 'mbi_api';
  const request: TokenRequest = { grant_type: 'client_credentials', scope };
  void request;
  try {
    return await client.clientCredentials({ scope: ['bensoft_api', 'mbi_api'] });
  } catch (e) {
    if (isOAuthError(e, 'invalid_grant')) { const code: 'invalid_grant' = e.error; void code; }
    throw e;
  }
}
`;

describe.each(MODES)('generated/ under strict settings, module %s', (_mode, moduleOptions) => {
  const options = { ...STRICT, ...moduleOptions };
  it('compiles on its own and with a consumer using every helper', () => {
    expect(diagnostics(options)).toEqual([]);
    expect(diagnostics(options, USAGE)).toEqual([]);
  });
});

describe('misuse does not compile', () => {
  const options = { ...STRICT, ...MODES[0]![1] };
  const cases: Array<[string, string, RegExp]> = [
    ['authorizationCode without code', `client.authorizationCode({});`, /Property 'code' is missing/],
    ['refreshToken without arguments', `client.refreshToken();`, /Expected 1-2 arguments/],
    ['password without password', `client.password({ username: 'u' });`, /Property 'password' is missing/],
    ['a misspelt option', `client.clientCredentials({ scopes: 'x' });`, /'scopes' does not exist/],
    [
      'a grant_type literal that does not match its fields',
      `const r: TokenRequest = { grant_type: 'refresh_token' }; void r;`,
      /refresh_token/,
    ],
    [
      'an unknown client authentication',
      `createTokenClient({ clientId: 'a', clientAuthentication: 'private_key_jwt' });`,
      /private_key_jwt/,
    ],
  ];
  it.each(cases)('%s', (_name, statement, expected) => {
    const source = `import { createTokenClient, type TokenRequest } from './index.js';\nconst client = createTokenClient({ clientId: 'id', clientSecret: 's' });\nvoid client;\n${statement}\n`;
    const errors = diagnostics(options, source);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(expected);
  });
});
