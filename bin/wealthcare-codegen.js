#!/usr/bin/env node
// Entry point: runs the compiled CLI in dist/. In a checkout of this repo (generator/ present) it first rebuilds
// dist/ when a source file is newer, so `npm run generate` never runs stale code; installed packages skip that.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const cli = new URL('dist/cli.js', root);
const sources = new URL('generator/', root);

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (existsSync(sources)) {
  const builtAt = existsSync(cli)
    ? (statSync(new URL('dist/.tsbuildinfo', root), { throwIfNoEntry: false })?.mtimeMs ?? 0)
    : 0;
  if (newestMtime(sources) > builtAt) {
    const buildInfo = new URL('dist/.tsbuildinfo', root);
    const tsc = fileURLToPath(new URL('node_modules/typescript/bin/tsc', root));
    try {
      execFileSync(process.execPath, [tsc, '-p', fileURLToPath(new URL('tsconfig.build.json', root))], {
        stdio: 'inherit',
      });
      // tsc leaves .tsbuildinfo untouched when no source's content changed (a checkout, a touch): mark dist/ as
      // built now, or every later run would pay for tsc again.
      const now = new Date();
      if (existsSync(buildInfo)) utimesSync(buildInfo, now, now);
    } catch {
      process.stderr.write('wealthcare-codegen: building dist/ from generator/ failed (see above).\n');
      process.exit(2);
    }
  }
} else if (!existsSync(cli)) {
  process.stderr.write('wealthcare-codegen: dist/ is missing from this installation; reinstall the package.\n');
  process.exit(2);
}

const { runCli } = await import(cli.href);
process.exitCode = await runCli(process.argv.slice(2));
