import parseArgs from 'yargs-parser';
import { check, generate, type CheckResult, type GenerateResult, type RunOptions } from './api.js';
import {
  DEFAULT_IMPORT_STYLE,
  DEFAULT_INPUT,
  DEFAULT_OUTPUT,
  DEFAULT_PRETTIER_MODE,
  IMPORT_STYLES,
  PRETTIER_MODES,
  isImportStyle,
  isPrettierMode,
  type ExamplesMode,
  type ImportStyle,
  type PrettierMode,
} from './config.js';
import { ExitCode, InputError } from './errors.js';
import { describeWarnings } from './load/warnings.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

// Only light modules are imported statically: a plain `generate` must not load yargs' command machinery, and the
// no-op path (nothing changed) not the pipeline or anything behind it either. Both are imported when needed.

/** The options of `generate`, shared by the full parser (yargs) and the plain-generate parse (yargs-parser). */
const GENERATE_OPTIONS = {
  input: { alias: 'i', type: 'string', describe: `OpenAPI document: file or http(s) URL [default: ${DEFAULT_INPUT}]` },
  output: { alias: 'o', type: 'string', describe: `Output folder [default: ${DEFAULT_OUTPUT}]` },
  config: {
    alias: 'c',
    type: 'string',
    describe:
      'Config file (.ts, .mts, .mjs, .js or .json; see docs/config.md) [default: wealthcare-codegen.config.{ts,mts,mjs,js,json} if present]',
  },
  check: { type: 'boolean', default: false, describe: 'Write nothing; exit 1 with a diff when the output is stale' },
  prettier: {
    type: 'string',
    choices: PRETTIER_MODES,
    describe: `Format with prettier: auto (when a prettier config applies to the output folder), always, never [default: ${DEFAULT_PRETTIER_MODE}]`,
  },
  'import-style': {
    type: 'string',
    choices: IMPORT_STYLES,
    describe: `Relative import specifiers of the output: js (NodeNext), ts (Deno, rewriteRelativeImportExtensions), none (Bundler) [default: ${DEFAULT_IMPORT_STYLE}]`,
  },
  'check-examples': {
    type: 'boolean',
    default: false,
    describe: "Validate the document's examples against their schemas; each invalid one is a warning line",
  },
  'strict-examples': {
    type: 'boolean',
    default: false,
    describe: 'Like --check-examples, but an invalid example fails the run (exit 2) and nothing is written',
  },
  verbose: {
    type: 'boolean',
    default: false,
    describe: 'Run the whole pipeline and list every validation problem, one per line with its JSON pointer',
  },
  watch: {
    alias: 'w',
    type: 'boolean',
    default: false,
    describe: 'Regenerate when the document, a file it $refs, or the config changes; one line per run',
  },
} as const;

/** The same table for yargs-parser alone (see tryPlainGenerate). */
const GENERATE_PARSER_OPTIONS = {
  string: Object.keys(GENERATE_OPTIONS).filter(
    (name) => GENERATE_OPTIONS[name as keyof typeof GENERATE_OPTIONS].type === 'string',
  ),
  boolean: Object.keys(GENERATE_OPTIONS).filter(
    (name) => GENERATE_OPTIONS[name as keyof typeof GENERATE_OPTIONS].type === 'boolean',
  ),
  alias: Object.fromEntries(
    Object.entries(GENERATE_OPTIONS).flatMap(([name, option]) => ('alias' in option ? [[name, [option.alias]]] : [])),
  ),
  // Dashed options arrive camel-cased only (`--import-style` as importStyle).
  configuration: { 'strip-aliased': true, 'strip-dashed': true },
};

/** Where the CLI writes: injectable so tests can run it in-process. */
export interface CliIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  cwd: process.cwd(),
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/**
 * Runs the CLI and resolves to its exit code: 0 done, 1 drift found (`--check`), 2 bad input or usage.
 * Only wires options to the pipeline; never throws for user errors.
 */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const quick = await tryPlainGenerate(argv, io);
  if (quick !== undefined) return quick;
  const { default: yargs } = await import('yargs');
  let exitCode: number = ExitCode.ok;
  let usageError = false;
  const parser = yargs(argv)
    .scriptName(TOOL_NAME)
    .usage('$0 <command> [options]')
    .command(
      ['generate', '$0'],
      'Generate the typed client from an OpenAPI document',
      (command) => command.options(GENERATE_OPTIONS),
      async (args) => {
        if (usageError) return;
        exitCode = await runGenerate(
          {
            input: args.input,
            output: args.output,
            config: args.config,
            check: args.check,
            prettier: args.prettier,
            importStyle: args['import-style'],
            watch: args.watch,
            verbose: args.verbose,
            examples: examplesMode(args['check-examples'], args['strict-examples']),
          },
          io,
        );
      },
    )
    .command(
      'diff <old> <new>',
      'Classify the changes between two OpenAPI documents (breaking, warning, info)',
      (command) =>
        command
          .positional('old', {
            type: 'string',
            demandOption: true,
            describe: 'The old document: file, http(s) URL, or git:<rev>:<path>',
          })
          .positional('new', {
            type: 'string',
            demandOption: true,
            describe: 'The new document: file, http(s) URL, or git:<rev>:<path>',
          })
          .option('format', {
            choices: ['text', 'json', 'markdown', 'github', 'junit'] as const,
            default: 'text' as const,
            describe:
              'Output format: markdown fits a PR comment (grouped by operation, at most 65,536 characters); github prints Actions annotations; junit prints JUnit XML; json has stable change ids',
          })
          .option('fail-on', {
            choices: ['breaking', 'warning', 'never'] as const,
            default: 'breaking' as const,
            describe: 'Exit 1 when a change of this severity (or worse) is found',
          })
          .option('ignore', {
            type: 'string',
            describe: 'YAML/JSON file of accepted changes: {ignore: [{id | rule [+ path], reason, expires?}]}',
          })
          .option('severity-overrides', {
            type: 'string',
            describe: 'YAML/JSON file mapping rule ids to severities: {overrides: {<rule>: warning}}',
          })
          .option('min-sunset-days', {
            type: 'number',
            describe: 'Days of notice an x-sunset date must give a newly deprecated operation [default: 180]',
          })
          .option('code', {
            type: 'boolean',
            default: false,
            describe:
              'Also report what changes in the generated TypeScript a consumer imports (emits both documents in memory; generate --check always does)',
          })
          .option('today', {
            type: 'string',
            describe: 'The date deprecations and ignore-file expiries are judged against, YYYY-MM-DD [default: today]',
          }),
      async (args) => {
        if (usageError) return;
        exitCode = await runDiff(
          {
            old: args.old,
            new: args.new,
            format: args.format,
            failOn: args['fail-on'],
            ignore: args.ignore,
            overrides: args['severity-overrides'],
            minSunsetDays: args['min-sunset-days'],
            today: args.today,
            code: args.code,
          },
          io,
        );
      },
    )
    .command(
      'init',
      'Set up a consumer repo: write the config file and add generate, prebuild and check:api scripts to package.json',
      (command) =>
        command
          .option('input', {
            alias: 'i',
            type: 'string',
            describe: `OpenAPI document for the config [default: ${DEFAULT_INPUT}]`,
          })
          .option('output', {
            alias: 'o',
            type: 'string',
            describe: `Output folder for the config [default: ${DEFAULT_OUTPUT}]`,
          })
          .option('force', { type: 'boolean', default: false, describe: 'Replace an existing config file' }),
      async (args) => {
        if (usageError) return;
        exitCode = await runInit({ input: args.input, output: args.output, force: args.force }, io);
      },
    )
    .strict()
    .version(TOOL_VERSION)
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      io.stderr(`${TOOL_NAME}: ${message}. See --help.\n`);
      usageError = true;
      exitCode = ExitCode.badInput;
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    return reportError(error, io);
  }
  return exitCode;
}

type GenerateArgs = {
  input: string | undefined;
  output: string | undefined;
  config: string | undefined;
  check: boolean;
  prettier: PrettierMode | undefined;
  importStyle: ImportStyle | undefined;
  watch: boolean;
  verbose: boolean;
  examples: ExamplesMode | undefined;
};

/** `--strict-examples` wins over `--check-examples`; neither leaves the config's choice. */
function examplesMode(check: unknown, strict: unknown): ExamplesMode | undefined {
  return strict === true ? 'error' : check === true ? 'warn' : undefined;
}

/** The API's options from the command line's. */
function runOptions(args: GenerateArgs, cwd: string): RunOptions {
  return {
    cwd,
    ...(args.config !== undefined ? { config: args.config } : {}),
    ...(args.input !== undefined ? { input: args.input } : {}),
    ...(args.output !== undefined ? { output: args.output } : {}),
    ...(args.prettier !== undefined ? { prettier: args.prettier } : {}),
    ...(args.importStyle !== undefined ? { importStyle: args.importStyle } : {}),
    ...(args.examples !== undefined ? { examples: args.examples } : {}),
    // --verbose asks for the validation problems, which only the pipeline finds: no fast path.
    ...(args.verbose ? { fastPath: false } : {}),
  };
}

/**
 * A plain `generate` (only its own options, all well-formed) is parsed here with yargs-parser, the parser inside
 * yargs, from the same option table, and run without loading yargs' command machinery (about 0.13 s of a cold run).
 * Anything else (help, version, other commands, a malformed option) returns undefined and goes through yargs, which
 * reports usage errors.
 */
async function tryPlainGenerate(argv: string[], io: CliIo): Promise<number | undefined> {
  const parsed = parseArgs.detailed(argv, GENERATE_PARSER_OPTIONS);
  const {
    _: positional,
    $0: _script,
    input,
    output,
    config,
    check,
    prettier,
    importStyle,
    watch,
    verbose,
    checkExamples,
    strictExamples,
    ...unknown
  } = parsed.argv as Record<string, unknown> & { _: unknown[] };
  const plain =
    parsed.error === null &&
    Object.keys(unknown).length === 0 &&
    (positional.length === 0 || (positional.length === 1 && positional[0] === 'generate'));
  const strings = [input, output, config].every(
    (value) => value === undefined || (typeof value === 'string' && value !== ''),
  );
  if (
    !plain ||
    !strings ||
    (prettier !== undefined && !isPrettierMode(prettier)) ||
    (importStyle !== undefined && !isImportStyle(importStyle))
  )
    return undefined;
  const args = {
    input: input as string | undefined,
    output: output as string | undefined,
    config: config as string | undefined,
    check: check === true,
    prettier: prettier as PrettierMode | undefined,
    importStyle: importStyle as ImportStyle | undefined,
    watch: watch === true,
    verbose: verbose === true,
    examples: examplesMode(checkExamples, strictExamples),
  };
  return runGenerate(args, io);
}

async function runGenerate(args: GenerateArgs, io: CliIo): Promise<number> {
  if (args.watch) {
    if (args.check) {
      io.stderr(`${TOOL_NAME}: --watch and --check do not go together. See --help.\n`);
      return ExitCode.badInput;
    }
    const { watch } = await import('./watch.js');
    return watch(runOptions(args, io.cwd), io);
  }
  try {
    if (args.check) {
      const result = await check(runOptions(args, io.cwd));
      io.stdout(checkReport(result, 'stdout'));
      io.stderr(checkReport(result, 'stderr', args.verbose));
      return result.stale ? ExitCode.drift : ExitCode.ok;
    }
    const result = await generate(runOptions(args, io.cwd));
    io.stderr(warningLines(result, args.verbose));
    io.stdout(
      generateLines(result)
        .map((line) => `${line}\n`)
        .join(''),
    );
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

/** One line per job: what changed. Also used by watch mode. */
export function generateLines(result: GenerateResult): string[] {
  return result.jobs.map((job) => {
    const summary =
      job.files.length === 0 ? 'nothing changed' : job.files.map((file) => `${file.state} ${file.name}`).join(', ');
    return `${job.output}: ${summary} (${job.unchanged} unchanged) from ${job.input}.`;
  });
}

/** The validation problems that did not stop generation, per job that had any (all of them with `--verbose`). */
export function warningLines(result: GenerateResult | CheckResult, verbose = false): string {
  return result.jobs
    .map((job) =>
      describeWarnings(job.warnings, {
        verbose,
        prefix: result.jobs.length > 1 ? `${TOOL_NAME} (${job.input})` : TOOL_NAME,
      }),
    )
    .join('');
}

/** The `--check` report, per job: the API changes and the diff on stdout, the verdict of stale jobs on stderr. */
function checkReport(result: CheckResult, stream: 'stdout' | 'stderr', verbose = false): string {
  if (stream === 'stderr') {
    const stale = result.jobs
      .filter((job) => job.stale)
      .map(
        (job) =>
          `${job.output}: ${job.files.length} file(s) stale: ${job.files.map((file) => `${file.name} (${file.state})`).join(', ')}. Run \`${TOOL_NAME} generate\` and commit the result.\n`,
      );
    return warningLines(result, verbose) + stale.join('');
  }
  return result.jobs
    .map((job) => {
      if (!job.stale) return `${job.output}: up to date with ${job.input} (${job.unchanged} files).\n`;
      const changes =
        job.apiChanges !== undefined
          ? `API changes since ${job.output}/ was last generated (${job.previousSource ?? 'previous document'} → ${job.input}):\n${job.apiChanges}\n`
          : '';
      return changes + job.diff;
    })
    .join('');
}

async function runDiff(
  args: {
    old: string;
    new: string;
    format: 'text' | 'json' | 'markdown' | 'github' | 'junit';
    failOn: 'breaking' | 'warning' | 'never';
    ignore?: string | undefined;
    overrides?: string | undefined;
    minSunsetDays?: number | undefined;
    today?: string | undefined;
    code?: boolean | undefined;
  },
  io: CliIo,
): Promise<number> {
  try {
    if (args.today !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(args.today) || Number.isNaN(Date.parse(args.today))))
      throw new InputError(`--today must be a date YYYY-MM-DD, not ${args.today}`);
    if (args.minSunsetDays !== undefined && !(Number.isInteger(args.minSunsetDays) && args.minSunsetDays >= 0))
      throw new InputError(`--min-sunset-days must be a whole number of days, not ${String(args.minSunsetDays)}`);
    const { compareDocuments } = await import('./compare.js');
    const diff = await import('./diff/index.js');
    const today = args.today ?? new Date().toISOString().slice(0, 10);
    // Review files are read (and checked) before the documents, so a typo fails fast.
    const overrides = args.overrides !== undefined ? await diff.readOverrides(args.overrides, io.cwd) : undefined;
    const entries = args.ignore !== undefined ? await diff.readIgnoreFile(args.ignore, io.cwd) : [];
    let changes = await compareDocuments(args.old, args.new, io.cwd, {
      deprecation: { today, ...(args.minSunsetDays !== undefined ? { minSunsetDays: args.minSunsetDays } : {}) },
      code: args.code === true,
    });
    if (overrides) changes = diff.applyOverrides(changes, overrides);
    const { kept, ignored, unused, expired } = diff.applyIgnores(changes, entries, today);
    for (const entry of expired)
      io.stderr(
        `${TOOL_NAME}: note: ignore entry ${entry.id ?? entry.rule} expired on ${entry.expires}; it no longer applies.\n`,
      );
    for (const entry of unused)
      io.stderr(
        `${TOOL_NAME}: note: ignore entry ${entry.id ?? entry.rule} matched no change; remove it if it is stale.\n`,
      );
    io.stdout(
      diff.formatChanges(
        kept,
        args.format,
        { oldSource: args.old, newSource: args.new },
        { failOn: args.failOn, ignored },
      ),
    );
    return diff.meetsFailOn(kept, args.failOn) ? ExitCode.drift : ExitCode.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

async function runInit(
  args: { input: string | undefined; output: string | undefined; force: boolean },
  io: CliIo,
): Promise<number> {
  try {
    const { init } = await import('./init.js');
    const report = await init({
      cwd: io.cwd,
      force: args.force,
      ...(args.input ? { input: args.input } : {}),
      ...(args.output ? { output: args.output } : {}),
    });
    io.stdout(report.lines.map((line) => `${line}\n`).join(''));
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof InputError) {
    io.stderr(`${TOOL_NAME}: ${error.message}\n`);
    return error.exitCode;
  }
  // A bug: say so in one line, keep the stack for those who ask for it.
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(
    `${TOOL_NAME}: internal error: ${message.split('\n')[0]}${process.env.DEBUG ? `\n${(error as Error).stack ?? ''}` : ' (set DEBUG=1 for details)'}\n`,
  );
  return ExitCode.badInput;
}
