import { resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CONFIG_FILE, DEFAULT_INPUT, DEFAULT_OUTPUT, readConfig } from './config.js';
import { ExitCode, InputError } from './errors.js';
import { generate } from './generate.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

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
  let exitCode: number = ExitCode.ok;
  let usageError = false;
  const parser = yargs(argv)
    .scriptName(TOOL_NAME)
    .usage('$0 <command> [options]')
    .command(
      ['generate', '$0'],
      'Generate the typed client from an OpenAPI document',
      (command) =>
        command
          .option('input', { alias: 'i', type: 'string', describe: `OpenAPI document: file or http(s) URL [default: ${DEFAULT_INPUT}]` })
          .option('output', { alias: 'o', type: 'string', describe: `Output folder [default: ${DEFAULT_OUTPUT}]` })
          .option('config', { alias: 'c', type: 'string', describe: `JSON config file with input/output [default: ${CONFIG_FILE} if present]` })
          .option('check', { type: 'boolean', default: false, describe: 'Write nothing; exit 1 with a diff when the output is stale' }),
      async (args) => {
        if (usageError) return;
        exitCode = await runGenerate({ input: args.input, output: args.output, config: args.config, check: args.check }, io);
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

async function runGenerate(args: { input: string | undefined; output: string | undefined; config: string | undefined; check: boolean }, io: CliIo): Promise<number> {
  try {
    const { config, path: configPath } = await readConfig(args.config, io.cwd);
    const configDir = configPath ? resolve(configPath, '..') : io.cwd;
    const input = args.input ?? (config.input ? relativeTo(configDir, config.input) : DEFAULT_INPUT);
    const output = args.output ?? (config.output ? relativeTo(configDir, config.output) : DEFAULT_OUTPUT);
    const result = await generate({ input, output, cwd: io.cwd, check: args.check });
    const changed = result.statuses.filter((status) => status.state !== 'unchanged');
    if (args.check) {
      if (!result.stale) {
        io.stdout(`${output}: up to date with ${input} (${result.statuses.length} files).\n`);
        return ExitCode.ok;
      }
      io.stdout(result.diff);
      io.stderr(`${output}: ${changed.length} file(s) stale: ${changed.map((status) => `${status.name} (${status.state})`).join(', ')}. Run \`${TOOL_NAME} generate\` and commit the result.\n`);
      return ExitCode.drift;
    }
    const summary = changed.length === 0 ? 'nothing changed' : changed.map((status) => `${status.state} ${status.name}`).join(', ');
    io.stdout(`${output}: ${summary} (${result.statuses.length - changed.length} unchanged) from ${input}.\n`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

/** Paths in a config file are relative to it; URLs stay as they are. */
function relativeTo(dir: string, path: string): string {
  return /^https?:\/\//i.test(path) ? path : resolve(dir, path);
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof InputError) {
    io.stderr(`${TOOL_NAME}: ${error.message}\n`);
    return error.exitCode;
  }
  // A bug: say so in one line, keep the stack for those who ask for it.
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`${TOOL_NAME}: internal error: ${message.split('\n')[0]}${process.env.DEBUG ? `\n${(error as Error).stack ?? ''}` : ' (set DEBUG=1 for details)'}\n`);
  return ExitCode.badInput;
}
