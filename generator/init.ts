import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CONFIG_FILE, CONFIG_FILES, DEFAULT_INPUT, DEFAULT_OUTPUT, readConfig, resolveJobs } from './config.js';
import { InputError } from './errors.js';
import { posixRelative, sourceLabel, toPosix } from './shared/source-label.js';
import { isUrl } from './shared/url.js';
import { TOOL_NAME } from './version.js';

/** The scripts `init` adds to a consumer's package.json. */
export const INIT_SCRIPTS: Readonly<Record<string, string>> = {
  generate: `${TOOL_NAME} generate`,
  prebuild: `${TOOL_NAME} generate`,
  'check:api': `${TOOL_NAME} generate --check`,
};

/** What `init` did, one line per action, for the user. */
export interface InitReport {
  lines: string[];
}

/**
 * Sets up a consumer repository: writes the config file (input document, output folder) and adds the `generate`,
 * `prebuild` and `check:api` scripts to package.json. Never clobbers: an existing config file is kept (unless
 * `force`), an existing script with another command is kept and reported, so the user decides.
 * @throws {InputError} when there is no readable package.json in `cwd`.
 */
export async function init(options: {
  cwd: string;
  input?: string;
  output?: string;
  force?: boolean;
}): Promise<InitReport> {
  const lines: string[] = [];
  const packagePath = join(options.cwd, 'package.json');
  let packageText: string;
  try {
    packageText = await readFile(packagePath, 'utf8');
  } catch {
    throw new InputError(
      'no package.json here',
      options.cwd,
      'Run init in the root of your project (npm init -y creates one).',
    );
  }
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(packageText) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`package.json is not valid JSON (${(error as Error).message})`, packagePath);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
    throw new InputError('package.json is not a JSON object', packagePath);

  let jobs: Array<{ input: string; output: string }> = [
    {
      input: options.input ? sourceLabel(options.input, options.cwd) : DEFAULT_INPUT,
      output: posixRelative(options.cwd, resolve(options.cwd, options.output ?? DEFAULT_OUTPUT)),
    },
  ];
  // Any config file counts (a .ts one wins the lookup over the JSON init writes); --force replaces only the JSON one.
  const existing = await firstExisting(options.cwd);
  const configName = existing ?? CONFIG_FILE;
  let configFine = true;
  if (existing !== undefined && (!options.force || existing !== CONFIG_FILE)) {
    // Kept: what follows describes the kept config, not the options this run ignored.
    const why = existing === CONFIG_FILE ? 'it exists; use --force to replace it' : 'it exists; init writes only JSON';
    try {
      const { config, path } = await readConfig(existing, options.cwd);
      jobs = resolveJobs(config, { cwd: options.cwd, configPath: path }).map((job) => ({
        input: toPosix(job.input),
        output: toPosix(job.output),
      }));
      lines.push(
        `kept ${existing} (${why}): ${jobs.map((job) => `input ${job.input}, output ${job.output}`).join('; ')}`,
      );
      if (options.input !== undefined || options.output !== undefined)
        lines.push(`note: --input/--output were not used; edit ${existing} to change them`);
    } catch (error) {
      configFine = false;
      lines.push(`kept ${existing} (${why})`);
      lines.push(`note: ${existing} is not valid: ${(error as Error).message}`);
    }
  } else {
    const [job] = jobs as [{ input: string; output: string }];
    await writeFile(join(options.cwd, CONFIG_FILE), `${JSON.stringify(job, null, 2)}\n`);
    lines.push(
      `${existing === undefined ? 'wrote' : 'replaced'} ${CONFIG_FILE}: input ${job.input}, output ${job.output}`,
    );
  }

  const scripts = (typeof manifest.scripts === 'object' && manifest.scripts !== null ? manifest.scripts : {}) as Record<
    string,
    unknown
  >;
  let changed = false;
  for (const [name, command] of Object.entries(INIT_SCRIPTS)) {
    const existing = scripts[name];
    if (existing === undefined) {
      scripts[name] = command;
      changed = true;
      lines.push(`added script "${name}": ${command}`);
    } else if (existing === command) {
      lines.push(`script "${name}" is already set up`);
    } else {
      lines.push(`kept script "${name}": ${String(existing)} (add \`${command}\` to it yourself if you want it)`);
    }
  }
  if (changed) {
    manifest.scripts = scripts;
    // Keep the file's own indentation and final newline, so the diff shows only the added scripts.
    const indent = /^[{[]\r?\n([ \t]+)/.exec(packageText)?.[1] ?? '  ';
    await writeFile(packagePath, `${JSON.stringify(manifest, null, indent)}${packageText.endsWith('\n') ? '\n' : ''}`);
  }
  for (const { input } of configFine ? jobs : []) {
    if (isUrl(input)) continue;
    const exists = await readFile(resolve(options.cwd, input)).then(
      () => true,
      () => false,
    );
    if (!exists)
      lines.push(`note: ${input} does not exist yet; put the OpenAPI document there (or edit ${configName})`);
  }
  if (configFine)
    lines.push(
      `next: npm run generate, commit ${jobs.map((job) => `${job.output}/`).join(', ')}, and run npm run check:api in CI`,
    );
  else lines.push(`next: fix ${configName}, then npm run generate`);
  return { lines };
}

async function firstExisting(cwd: string): Promise<string | undefined> {
  for (const name of CONFIG_FILES) {
    if (
      await readFile(join(cwd, name)).then(
        () => true,
        () => false,
      )
    )
      return name;
  }
  return undefined;
}
