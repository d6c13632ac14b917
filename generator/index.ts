/**
 * wealthcare-codegen's programmatic API: `import { generate, check, diff, defineConfig } from 'wealthcare-codegen'`.
 * The functions never print and never exit; they resolve to results or reject with an {@link InputError}.
 * See docs/config.md.
 */
export {
  check,
  diff,
  generate,
  type CheckJobResult,
  type CheckResult,
  type DiffOptions,
  type DiffResult,
  type FailOn,
  type FileChange,
  type GenerateResult,
  type JobResult,
  type RunOptions,
} from './api.js';
export {
  defineConfig,
  type CodegenConfig,
  type ImportStyle,
  type JobConfig,
  type OutputOptions,
  type PrettierMode,
} from './config.js';
export type { Change, Severity } from './diff/index.js';
export { ExitCode, InputError } from './errors.js';
