import { join, resolve } from 'node:path';
import { bundleApp, gzipSize } from '../../scripts/bench/bundle-app.mjs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { STRICT } from '../fixtures/operations/support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNTIME = join(ROOT, 'templates/runtime');
const MODULES = [
  'authorize',
  'client-auth',
  'dpop',
  'revocation',
  'introspection',
  'device',
  'discovery',
  'endpoint',
  'jose',
];

describe('the OAuth runtime modules', () => {
  it('type-check with lib ES2022 + DOM only (no Node types: fetch and WebCrypto are all they use)', () => {
    // The consumer settings the generated code promises (defined once, for every compile test).
    const program = ts.createProgram(
      MODULES.map((name) => join(RUNTIME, `${name}.ts`)),
      STRICT,
    );
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 120_000); // a whole program check; ~20 s on the shared machine

  /** A string only each capability's own code contains. */
  const CAPABILITIES = {
    buildAuthorizationRequest: ['authorize', 'code_challenge_method'],
    privateKeyJwt: ['client-auth', 'jwt-bearer'],
    createDPoP: ['dpop', 'dpop+jwt'],
    revokeToken: ['revocation', 'The revocation endpoint'],
    introspectToken: ['introspection', 'The introspection endpoint'],
    pollDeviceAuthorization: ['device', 'authorization_pending'],
    discoverAuthorizationServer: ['discovery', '.well-known'],
  } as const;

  it.each(Object.entries(CAPABILITIES))('%s alone bundles no other capability', async (name, [module, marker]) => {
    const code = await bundleApp(`import { ${name} } from './${module}.js';\nconsole.log(${name});\n`, RUNTIME);
    expect(code).toContain(marker);
    for (const [other, [, otherMarker]] of Object.entries(CAPABILITIES)) {
      if (other !== name) expect(code, other).not.toContain(otherMarker);
    }
    // Sizes for docs/oauth.md (min+gz); no assertion on them: speed and size are the bench's to measure.
    console.log(`${name}: ${gzipSize(code)} B min+gz`);
  });
});
