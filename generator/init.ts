import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CONFIG_FILE, DEFAULT_INPUT, DEFAULT_OUTPUT } from './config.js';
import { InputError } from './errors.js';
import { posixRelative, sourceLabel } from './shared/source-label.js';
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

  const input = options.input ? sourceLabel(options.input, options.cwd) : DEFAULT_INPUT;
  const output = posixRelative(options.cwd, resolve(options.cwd, options.output ?? DEFAULT_OUTPUT));
  const configPath = join(options.cwd, CONFIG_FILE);
  const existingConfig = await readFile(configPath, 'utf8').catch(() => undefined);
  if (existingConfig !== undefined && !options.force) {
    lines.push(`kept ${CONFIG_FILE} (it exists; use --force to replace it)`);
  } else {
    await writeFile(configPath, `${JSON.stringify({ input, output }, null, 2)}\n`);
    lines.push(
      `${existingConfig === undefined ? 'wrote' : 'replaced'} ${CONFIG_FILE}: input ${input}, output ${output}`,
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
  if (!isUrl(input)) {
    const exists = await readFile(resolve(options.cwd, input)).then(
      () => true,
      () => false,
    );
    if (!exists)
      lines.push(`note: ${input} does not exist yet; put the OpenAPI document there (or edit ${CONFIG_FILE})`);
  }
  lines.push(`next: npm run generate, commit ${output}/, and run npm run check:api in CI`);
  return { lines };
}
