import { relative, resolve } from 'node:path';
import parseArgs from 'yargs-parser';
import {
  CONFIG_FILE,
  DEFAULT_INPUT,
  DEFAULT_OUTPUT,
  DEFAULT_PRETTIER_MODE,
  PRETTIER_MODES,
  isPrettierMode,
  readConfig,
  type PrettierMode,
} from './config.js';
import { ExitCode, InputError } from './errors.js';
import { detectNoOp } from './no-op.js';
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
    describe: `JSON config file with input/output [default: ${CONFIG_FILE} if present]`,
  },
  check: { type: 'boolean', default: false, describe: 'Write nothing; exit 1 with a diff when the output is stale' },
  prettier: {
    type: 'string',
    choices: PRETTIER_MODES,
    describe: `Format with prettier: auto (when a prettier config applies to the output folder), always, never [default: ${DEFAULT_PRETTIER_MODE}]`,
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
  configuration: { 'strip-aliased': true },
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
          { input: args.input, output: args.output, config: args.config, check: args.check, prettier: args.prettier },
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
};

/** Input, output and formatting after the config file and the defaults are applied. */
async function settle(
  args: GenerateArgs,
  cwd: string,
): Promise<{ input: string; output: string; prettier: PrettierMode }> {
  const { config, path: configPath } = await readConfig(args.config, cwd);
  const configDir = configPath ? resolve(configPath, '..') : cwd;
  return {
    input: args.input ?? (config.input ? relativeTo(configDir, config.input, cwd) : DEFAULT_INPUT),
    output: args.output ?? (config.output ? relativeTo(configDir, config.output, cwd) : DEFAULT_OUTPUT),
    prettier: args.prettier ?? config.prettier ?? DEFAULT_PRETTIER_MODE,
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
    ...unknown
  } = parsed.argv as Record<string, unknown> & { _: unknown[] };
  const plain =
    parsed.error === null &&
    Object.keys(unknown).length === 0 &&
    (positional.length === 0 || (positional.length === 1 && positional[0] === 'generate'));
  const strings = [input, output, config].every(
    (value) => value === undefined || (typeof value === 'string' && value !== ''),
  );
  if (!plain || !strings || (prettier !== undefined && !isPrettierMode(prettier))) return undefined;
  const args = {
    input: input as string | undefined,
    output: output as string | undefined,
    config: config as string | undefined,
    check: check === true,
    prettier: prettier as PrettierMode | undefined,
  };
  return runGenerate(args, io);
}

async function runGenerate(args: GenerateArgs, io: CliIo): Promise<number> {
  try {
    const { input, output, prettier } = await settle(args, io.cwd);
    // The no-op path of prebuild hooks and CI gates: when the manifest shows nothing changed, answer without
    // loading the pipeline at all (detectNoOp never throws; any doubt runs the pipeline).
    const fresh = await detectNoOp({ input, output, prettier, cwd: io.cwd });
    if (fresh !== undefined) {
      io.stdout(
        args.check
          ? `${output}: up to date with ${input} (${fresh} files).\n`
          : `${output}: nothing changed (${fresh} unchanged) from ${input}.\n`,
      );
      return ExitCode.ok;
    }
    const { generate } = await import('./generate.js');
    const result = await generate({ input, output, cwd: io.cwd, check: args.check, prettier });
    const changed = result.statuses.filter((status) => status.state !== 'unchanged');
    if (result.warnings.length > 0) {
      io.stderr(
        `${TOOL_NAME}: warning: ${result.warnings.length} validation problem(s) did not stop generation; first: ${result.warnings[0]}\n`,
      );
    }
    if (args.check) {
      if (!result.stale) {
        io.stdout(`${output}: up to date with ${input} (${result.statuses.length} files).\n`);
        return ExitCode.ok;
      }
      if (result.apiChanges !== undefined) {
        io.stdout(
          `API changes since ${output}/ was last generated (${result.previousManifest?.source ?? 'previous document'} → ${input}):\n${result.apiChanges}\n`,
        );
      }
      io.stdout(result.diff);
      io.stderr(
        `${output}: ${changed.length} file(s) stale: ${changed.map((status) => `${status.name} (${status.state})`).join(', ')}. Run \`${TOOL_NAME} generate\` and commit the result.\n`,
      );
      return ExitCode.drift;
    }
    const summary =
      changed.length === 0 ? 'nothing changed' : changed.map((status) => `${status.state} ${status.name}`).join(', ');
    io.stdout(`${output}: ${summary} (${result.statuses.length - changed.length} unchanged) from ${input}.\n`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, io);
  }
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

/** Paths in a config file are relative to it; returned relative to the working directory. URLs stay as they are. */
function relativeTo(dir: string, path: string, cwd: string): string {
  return /^https?:\/\//i.test(path) ? path : relative(cwd, resolve(dir, path)) || '.';
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
