import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

/**
 * Runs one ES module under Node, Deno, Bun and headless Chromium and returns what its default export returned in
 * each, as JSON. Every runtime gets one process (one page for Chromium) per call, however many scenarios the module
 * runs, so a suite pays each runtime's start-up once.
 *
 * The module's default export is a {@link Scenario}: `(input, context) => Promise<json>`. `input` is the JSON given
 * in {@link RunOptions.input}; `context` names the runtime and holds the modules of {@link RunOptions.modules}
 * (imported by the runner, so a scenario can use output generated into a temporary folder).
 *
 * How each runtime loads TypeScript (the generated code imports `.ts` files through `.js` specifiers):
 * - Deno 2 runs the TypeScript itself, with `--sloppy-imports` for those specifiers;
 * - Bun runs the TypeScript itself (it maps `.js` to `.ts` on its own);
 * - Node 20 cannot run TypeScript, so the module is bundled with esbuild first (what a consumer's tsc or bundler
 *   does);
 * - Chromium gets an esbuild bundle served from a page on 127.0.0.1 (a secure context, so WebCrypto is there).
 */

export const RUNTIMES = ['node', 'deno', 'bun', 'chromium'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** What a scenario module's default export receives besides its input. */
export interface ScenarioContext {
  /** The runtime it runs in, as requested by the harness. */
  runtime: RuntimeName;
  /** The modules of {@link RunOptions.modules}, imported. */
  modules: Record<string, unknown>;
}

/** The default export of a scenario module. Its result must survive JSON. */
export type Scenario<Input = unknown, Output = unknown> = (input: Input, context: ScenarioContext) => Promise<Output>;

export interface RunOptions {
  /** Default: all of {@link RUNTIMES}. */
  runtimes?: readonly RuntimeName[];
  /** JSON handed to the scenario as its first argument (the same in every runtime). */
  input?: unknown;
  /** Modules the runner imports and hands to the scenario, by name: absolute paths (`.ts` or `.js`). */
  modules?: Record<string, string>;
  /** Upper bound of one runtime's run, start-up included. Default 180 s (the CI machine can be very loaded). */
  timeoutMs?: number;
}

/** The outcome of one runtime. */
export type RuntimeResult<Output = unknown> = {
  runtime: RuntimeName;
  /** Output of the runtime's stderr (the browser's console and page errors for Chromium), for diagnosis. */
  log: string;
} & (
  | {
      /** The scenario resolved: `value` is its result. */
      status: 'passed';
      version: string;
      /** The runtime the code found itself in (`Deno`, `Bun`, `window` globals), to prove it ran where asked. */
      detected: string;
      value: Output;
    }
  | {
      /** The scenario threw or the runtime failed to load or finish it. */
      status: 'failed';
      version: string;
      error: { name: string; message: string; stack?: string | undefined };
    }
  | {
      /** The runtime is not installed here; `reason` says what was looked for. */
      status: 'unavailable';
      reason: string;
    }
);

const ROOT = resolve(import.meta.dirname, '../..');
/** Where Deno keeps its module cache: inside node_modules, so a clean clone starts clean and nothing leaks to $HOME. */
const DENO_DIR = join(ROOT, 'node_modules/.cache/deno');
/** The Debian package's executable; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const MARKER = '@@runtime-result@@';
const execFileAsync = promisify(execFile);

type Binary = { path: string; version: string } | { reason: string };
const binaries = new Map<RuntimeName, Promise<Binary>>();

/**
 * Finds a runtime's executable and its version, or why it is unavailable. Deno and Bun come from the npm packages
 * `deno` and `bun` (devDependencies): their postinstall scripts link the binary of the platform package
 * (`@deno/linux-x64-glibc`, `@oven/bun-linux-x64`) into the main package; with `--ignore-scripts` it stays in the
 * platform package, so both places are tried.
 */
export function findRuntime(runtime: RuntimeName): Promise<Binary> {
  let found = binaries.get(runtime);
  if (!found) binaries.set(runtime, (found = locate(runtime)));
  return found;
}

async function locate(runtime: RuntimeName): Promise<Binary> {
  const modules = join(ROOT, 'node_modules');
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const candidates: Record<RuntimeName, string[]> = {
    node: [process.execPath],
    deno: [join(modules, 'deno/deno'), join(modules, `@deno/${process.platform}-${arch}-glibc/deno`)],
    bun: [
      join(modules, 'bun/bin/bun.exe'),
      join(modules, `@oven/bun-${process.platform}-${arch === 'arm64' ? 'aarch64' : 'x64'}/bin/bun`),
    ],
    chromium: [CHROMIUM_PATH],
  };
  const problems: string[] = [];
  for (const path of candidates[runtime]) {
    if (!existsSync(path)) {
      problems.push(`${path} does not exist`);
      continue;
    }
    if (runtime === 'node') return { path, version: `Node ${process.version.slice(1)}` };
    // The browser's version comes from the browser itself once launched (the Debian wrapper script is a shell script).
    if (runtime === 'chromium') return { path, version: 'unknown' };
    try {
      const { stdout } = await execFileAsync(path, ['--version'], { timeout: 60_000, env: runtimeEnv() });
      // `deno 2.9.6 (stable, …)` and `1.4.4`: kept as `Deno 2.9.6`, `Bun 1.4.4`.
      const version = /(\d+\.\d+\.\d+\S*)/.exec(stdout)?.[1] ?? stdout.trim();
      return { path, version: `${runtime === 'deno' ? 'Deno' : 'Bun'} ${version}` };
    } catch (error) {
      problems.push(`${path} --version failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const install = runtime === 'chromium' ? 'apt-get install -y chromium' : `npm ci (devDependency ${runtime})`;
  return { reason: `${runtime} is not installed (${problems.join('; ')}); install it with ${install}` };
}

/** Environment of the Deno and Bun processes: no update checks, prompts or telemetry (CI reaches only npm). */
function runtimeEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DENO_DIR,
    DENO_NO_UPDATE_CHECK: '1',
    DENO_NO_PROMPT: '1',
    NO_COLOR: '1',
    DO_NOT_TRACK: '1',
  };
}

/**
 * Runs `entry` (an absolute path to an ES module, or its source: then it is written to `dir`, default a temporary
 * folder, so its relative imports resolve from there) in each runtime, in parallel, and returns the result of each.
 * Never throws for a scenario's failure: that is a `failed` result, with the error and the runtime's log.
 */
export async function runInRuntimes<Output = unknown>(
  entry: string | { source: string; dir?: string },
  options: RunOptions = {},
): Promise<Record<RuntimeName, RuntimeResult<Output>>> {
  if (typeof entry === 'string' && !isAbsolute(entry))
    throw new Error(`runInRuntimes: the entry must be an absolute path, got ${entry}`);
  const work = await mkdtemp(join(tmpdir(), 'wcg-runtimes-'));
  const entryPath =
    typeof entry === 'string' ? entry : join(entry.dir ?? work, `scenario-${process.pid}-${Date.now()}.ts`);
  try {
    if (typeof entry !== 'string') {
      await mkdir(dirname(entryPath), { recursive: true });
      await writeFile(entryPath, entry.source);
    }
    const runtimes = options.runtimes ?? RUNTIMES;
    const results = await Promise.all(
      runtimes.map(async (runtime) => {
        const binary = await findRuntime(runtime);
        if ('reason' in binary) return { runtime, status: 'unavailable', reason: binary.reason, log: '' } as const;
        const runner = join(work, `runner-${runtime}.ts`);
        await writeFile(runner, runnerSource(runner, entryPath, runtime, options));
        const run = runtime === 'chromium' ? runInChromium : runInProcess;
        // A bundling error (esbuild, for Node and Chromium) is the scenario's failure too, not the harness's.
        return run<Output>(runtime, binary, runner, options.timeoutMs ?? 180_000).catch((error: Error) =>
          toResult<Output>(runtime, binary.version, undefined, '', `${runtime}: ${error.message}`),
        );
      }),
    );
    return Object.fromEntries(results.map((result) => [result.runtime, result])) as Record<
      RuntimeName,
      RuntimeResult<Output>
    >;
  } finally {
    await rm(work, { recursive: true, force: true });
    if (typeof entry !== 'string') await rm(entryPath, { force: true });
  }
}

/** The module each runtime starts with: imports the scenario and the extra modules, runs it, reports the outcome. */
function runnerSource(runner: string, entry: string, runtime: RuntimeName, options: RunOptions): string {
  const specifier = (path: string): string => {
    const rel = relative(dirname(runner), path).split('\\').join('/');
    return JSON.stringify(rel.startsWith('.') ? rel : `./${rel}`);
  };
  const modules = Object.entries(options.modules ?? {});
  const report =
    runtime === 'chromium'
      ? `(globalThis as Record<string, unknown>).__runtimeOutcome = outcome;`
      : // Exit right away: a scenario may leave a connection to a hanging server open.
        `outcome.then((result) => { console.log(${JSON.stringify(MARKER)} + JSON.stringify(result)); ` +
        `const g = globalThis as any; if (g.Deno) g.Deno.exit(0); else g.process.exit(0); });`;
  return `// Generated by test/runtimes/harness.ts for ${runtime}.
import scenario from ${specifier(entry)};
${modules.map(([, path], index) => `import * as module${index} from ${specifier(path)};`).join('\n')}
const g = globalThis as any;
const detected = g.Deno ? 'deno' : g.Bun ? 'bun' : typeof g.window === 'object' ? 'chromium' : g.process?.versions?.node ? 'node' : 'unknown';
const modules = { ${modules.map(([name], index) => `${JSON.stringify(name)}: module${index}`).join(', ')} };
const outcome = (async () => {
  try {
    const value = await scenario(${JSON.stringify(options.input ?? null)}, { runtime: ${JSON.stringify(runtime)}, modules });
    return { ok: true, detected, value: value === undefined ? null : value };
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown; stack?: unknown };
    return { ok: false, detected, error: { name: String(e?.name), message: String(e?.message ?? error), stack: String(e?.stack) } };
  }
})();
${report}
`;
}

type Outcome =
  | { ok: true; detected: string; value: unknown }
  | { ok: false; detected: string; error: { name: string; message: string; stack?: string } };

/** A runtime's result from the runner's outcome, or from why there is none. */
function toResult<Output>(
  runtime: RuntimeName,
  version: string,
  outcome: Outcome | undefined,
  log: string,
  failure?: string,
): RuntimeResult<Output> {
  if (outcome?.ok)
    return { runtime, status: 'passed', version, detected: outcome.detected, value: outcome.value as Output, log };
  const error = outcome?.error ?? { name: 'RuntimeFailure', message: failure ?? `${runtime} reported no result` };
  return { runtime, status: 'failed', version, error, log };
}

/** The runner and everything it imports as one ES module (esbuild strips the types; it checks none). */
async function bundle(runner: string, platform: 'node' | 'browser'): Promise<string> {
  const { outputFiles } = await build({
    entryPoints: [runner],
    bundle: true,
    format: 'esm',
    platform,
    target: platform === 'node' ? 'node20' : 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return outputFiles[0]!.text;
}

/** Node (an esbuild bundle of the runner), Deno or Bun (the TypeScript itself) in a child process. */
async function runInProcess<Output>(
  runtime: RuntimeName,
  binary: { path: string; version: string },
  runner: string,
  timeoutMs: number,
): Promise<RuntimeResult<Output>> {
  let args: string[];
  if (runtime === 'node') {
    const bundled = runner.replace(/\.ts$/, '.mjs');
    await writeFile(bundled, await bundle(runner, 'node'));
    args = [bundled];
  } else if (runtime === 'deno') {
    // Loopback network only; no other permission is granted (a prompt would fail the run instead of hanging), and
    // --cached-only fails the run if anything would be downloaded: the scenario and the output are local files.
    args = ['run', '--sloppy-imports', '--cached-only', '--no-prompt', '--no-lock', '--allow-net=127.0.0.1', runner];
  } else {
    args = ['run', '--no-install', runner];
  }
  return new Promise((resolvePromise) => {
    const child = spawn(binary.path, args, {
      cwd: dirname(runner),
      env: runtimeEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise(
        toResult(runtime, binary.version, undefined, stderr, `${runtime} did not start: ${error.message}`),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((text) => text.startsWith(MARKER));
      const outcome = line === undefined ? undefined : (JSON.parse(line.slice(MARKER.length)) as Outcome);
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited with ${code ?? signal}`;
      resolvePromise(
        toResult(runtime, binary.version, outcome, `${stderr}${stdout}`, `${runtime} ${why} without a result`),
      );
    });
  });
}

/**
 * Headless Chromium through playwright-core, with the system executable (no browser download). The page and the
 * bundle are served from a node:http server on 127.0.0.1, port 0: the page is a secure context (WebCrypto), and
 * servers the scenario calls on other ports are cross-origin, so they must answer CORS as a real one would.
 */
async function runInChromium<Output>(
  runtime: RuntimeName,
  binary: { path: string; version: string },
  runner: string,
  timeoutMs: number,
): Promise<RuntimeResult<Output>> {
  const script = await bundle(runner, 'browser');
  const page = `<!doctype html><meta charset="utf-8"><title>runtime scenario</title><script type="module" src="/runner.js"></script>`;
  const server = createServer((req, res) => {
    if (req.url === '/runner.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else res.writeHead(404).end();
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { chromium } = await import('playwright-core');
  const log: string[] = [];
  let version = binary.version;
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start. Launched outside the race below, so the
  // browser is closed whatever wins.
  const launching = chromium.launch({
    executablePath: binary.path,
    headless: true,
    args: ['--no-sandbox'],
    timeout: timeoutMs,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    const run = async (): Promise<Outcome> => {
      const browser = await launching;
      version = `Chromium ${browser.version()}`;
      const tab = await browser.newPage();
      tab.on('console', (message) => log.push(`console.${message.type()}: ${message.text()}`));
      // An uncaught error (a module that fails to load, most often) ends the run now rather than at the timeout.
      const uncaught = new Promise<never>((_, reject) =>
        tab.on('pageerror', (error) => {
          log.push(`pageerror: ${error.message}`);
          reject(new Error(`uncaught in the page: ${error.message}`));
        }),
      );
      uncaught.catch(() => undefined);
      await tab.goto(`${origin}/`, { timeout: timeoutMs });
      const done = tab.waitForFunction(() => '__runtimeOutcome' in globalThis, undefined, { timeout: timeoutMs });
      done.catch(() => undefined);
      await Promise.race([done, uncaught]);
      return (await tab.evaluate(() => (globalThis as Record<string, unknown>)['__runtimeOutcome'])) as Outcome;
    };
    const outcome = await Promise.race([run(), timeout]);
    return toResult(runtime, version, outcome, log.join('\n'));
  } catch (error) {
    return toResult(runtime, version, undefined, log.join('\n'), `chromium: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
    await launching.then((browser) => browser.close()).catch(() => undefined);
    server.closeAllConnections();
    await new Promise<void>((closed) => server.close(() => closed()));
  }
}

/**
 * For tests, after checking the runtimes that ran: when some were not installed, skips the test with their reasons
 * outside CI, and fails it in CI (CI=true), so a broken install cannot pass as green.
 */
export function skipOrFailMissing(results: readonly RuntimeResult[], context: { skip(note: string): never }): void {
  const reasons = results.flatMap((result) => (result.status === 'unavailable' ? [result.reason] : []));
  if (reasons.length === 0) return;
  if (process.env['CI'] !== 'true') context.skip(reasons.join('; '));
  throw new Error(`CI=true and ${reasons.join('; ')}`);
}

/** {@link skipOrFailMissing} for one result: returns it, narrowed to a runtime that ran. */
export function requireAvailable<Output>(
  result: RuntimeResult<Output>,
  context: { skip(note: string): never },
): Exclude<RuntimeResult<Output>, { status: 'unavailable' }> {
  skipOrFailMissing([result], context);
  return result as Exclude<RuntimeResult<Output>, { status: 'unavailable' }>;
}
