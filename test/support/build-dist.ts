import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup: builds dist/ once, before any test file runs, when it is missing or older than generator/
 * (the bin's own check). `npm ci` no longer builds it (a `prepare` script makes npm warn every consumer who installs
 * the package; `prepack` builds it for the tarball), and suites that spawn the CLI in parallel must not each build it.
 */
export default function setup(): void {
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../../bin/wealthcare-codegen.js', import.meta.url)), '--version'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}
