import { join } from 'node:path';
import { DEFAULT_PRETTIER_MODE } from '../../generator/config.js';
import { generate } from '../../generator/generate.js';
import { detectNoOp } from '../../generator/no-op.js';
import { ROOT, SPEC } from './generate-to-temp.js';

/**
 * Runs once before `npm test`: tests that import the committed generated/ (the WealthCare client used by the
 * runtime, integration and typecheck suites) must never test an output older than the generator and its runtime.
 * The no-op check answers from the manifest alone when generated/ is fresh; otherwise the pipeline compares in
 * check mode (what `npm run generate -- --check` does), writing nothing.
 */
export default async function checkGeneratedIsFresh(): Promise<void> {
  const options = { input: SPEC, output: join(ROOT, 'generated'), cwd: ROOT, prettier: DEFAULT_PRETTIER_MODE };
  if ((await detectNoOp(options)) !== undefined) return;
  const result = await generate({ ...options, check: true });
  if (result.stale) {
    const files = result.statuses
      .filter((status) => status.state !== 'unchanged')
      .map((status) => status.name)
      .join(', ');
    throw new Error(`generated/ is stale: run npm run generate (differs: ${files})`);
  }
}
