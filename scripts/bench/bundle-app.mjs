// How an application's bundle is measured, once for `npm run bench` (row 5) and the tests that look inside bundles
// (test/runtime/tree-shaking.test.ts, test/oauth/runtime-modules.test.ts): esbuild, minified ESM for the browser,
// in memory; sizes are gzip level 9 of the minified code.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Bundles `contents` (TypeScript, imports resolved from `resolveDir`) and returns the minified code.
 * @param {string} contents
 * @param {string} resolveDir
 * @returns {Promise<string>}
 */
export async function bundleApp(contents, resolveDir) {
  const { outputFiles } = await build({
    stdin: { contents, resolveDir, sourcefile: 'app.ts', loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return outputFiles[0].text;
}

/**
 * min+gz: the gzip (level 9) size of minified code, in bytes.
 * @param {string | Uint8Array} code
 */
export const gzipSize = (code) => gzipSync(code, { level: 9 }).length;
