import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { ROOT, removeDir, tempDir } from '../support/generate-to-temp.js';

/**
 * Runs one script in every runtime the README claims: Node (this one), Deno and Bun (npm packages `deno` and
 * `bun`, binaries from their platform packages) and headless Chromium (Debian's `/usr/bin/chromium`, driven by
 * playwright-core). The script is TypeScript or JavaScript whose default export is `async (params) => result`;
 * esbuild bundles it once into one ES module (so Deno needs no --sloppy-imports for the output's `.js`
 * specifiers of `.ts` files), each runtime calls it with the same `params`, and the JSON of each result comes
 * back. Loopback only; every run is bounded in time.
 */

export type RuntimeName = 'node' | 'deno' | 'bun' | 'chromium';
export const RUNTIMES: readonly RuntimeName[] = ['node', 'deno', 'bun', 'chromium'];

export interface RuntimeResult {
  runtime: RuntimeName;
  /** The runtime's version, e.g. `v20.20.2`, `2.9.6`, `1.4.4`, `156.0.8078.114`. */
  version: string;
  /** `unavailable`: the binary is missing (see `reason`); `failed`: the script threw or the run timed out. */
  status: 'passed' | 'failed' | 'unavailable';
  result?: unknown;
  /** Why it failed or is unavailable, with the runtime's output. */
  reason?: string;
}

export interface RunOptions {
  /** Bare specifiers the script imports, mapped to files (e.g. `'@generated/wealthcare': '<dir>/index.ts'`). */
  modules?: Record<string, string>;
  /** JSON passed to the script's default export. */
  params?: unknown;
  /** Runtimes to use. Default: all four. */
  runtimes?: readonly RuntimeName[];
  /** Time limit of one runtime's run. Default 60 s. */
  timeoutMs?: number;
}

const exec = promisify(execFile);
const BIN = join(ROOT, 'node_modules/.bin');
export const CHROMIUM = '/usr/bin/chromium';

/** Where a runtime's binary is and its version, or why it is unavailable. */
export async function probeRuntime(runtime: RuntimeName): Promise<{ version: string } | { reason: string }> {
  try {
    switch (runtime) {
      case 'node':
        return { version: process.version };
      case 'deno': {
        if (!existsSync(join(BIN, 'deno'))) return { reason: 'node_modules/.bin/deno is missing (npm package deno)' };
        const { stdout } = await exec(join(BIN, 'deno'), ['--version'], { timeout: 30_000 });
        return { version: /deno (\S+)/.exec(stdout)?.[1] ?? stdout.trim() };
      }
      case 'bun': {
        if (!existsSync(join(BIN, 'bun'))) return { reason: 'node_modules/.bin/bun is missing (npm package bun)' };
        const { stdout } = await exec(join(BIN, 'bun'), ['--version'], { timeout: 30_000 });
        return { version: stdout.trim() };
      }
      case 'chromium': {
        if (!existsSync(CHROMIUM)) return { reason: `${CHROMIUM} is missing (Debian package chromium)` };
        const { stdout } = await exec(CHROMIUM, ['--version'], { timeout: 30_000 });
        return { version: /([\d.]+)/.exec(stdout)?.[1] ?? stdout.trim() };
      }
    }
  } catch (error) {
    return { reason: `${runtime} does not run: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Bundles the script with its modules into one ES module (browser-neutral: fetch and WebCrypto only). */
async function bundle(scriptSource: string, modules: Record<string, string>): Promise<string> {
  const mapped: Plugin = {
    name: 'harness-modules',
    setup(context) {
      context.onResolve({ filter: /.*/ }, (args) => {
        const path = modules[args.path];
        return path === undefined ? undefined : { path };
      });
    },
  };
  const result = await build({
    stdin: { contents: scriptSource, loader: 'ts', resolveDir: ROOT, sourcefile: 'runtime-script.ts' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [mapped],
  });
  return result.outputFiles[0]!.text;
}

/**
 * Runs `scriptSource` in each runtime and returns one result per runtime. Never throws for a failing script: the
 * failure is in the result.
 */
export async function runInRuntimes(scriptSource: string, options: RunOptions = {}): Promise<RuntimeResult[]> {
  const code = await bundle(scriptSource, options.modules ?? {});
  const dir = await tempDir('wcg-runtimes-');
  try {
    await writeFile(join(dir, 'script.mjs'), code);
    const params = JSON.stringify(options.params ?? null);
    // The runner prints one marked line; anything else the runtime prints is kept for the failure message.
    await writeFile(
      join(dir, 'runner.mjs'),
      `import main from './script.mjs';\ntry {\n  const result = await main(${params});\n  console.log('@@RESULT ' + JSON.stringify(result ?? null));\n} catch (error) {\n  console.log('@@ERROR ' + (error && error.stack ? error.stack : String(error)));\n}\n`,
    );
    const results: RuntimeResult[] = [];
    for (const runtime of options.runtimes ?? RUNTIMES) {
      const probe = await probeRuntime(runtime);
      if ('reason' in probe) {
        results.push({ runtime, version: '', status: 'unavailable', reason: probe.reason });
        continue;
      }
      const timeoutMs = options.timeoutMs ?? 60_000;
      const output =
        runtime === 'chromium'
          ? await runInChromium(dir, options.params ?? null, timeoutMs)
          : await runProcess(runtime, dir, timeoutMs);
      results.push({ runtime, version: probe.version, ...output });
    }
    return results;
  } finally {
    await removeDir(dir);
  }
}

function parseOutput(text: string): Pick<RuntimeResult, 'status' | 'result' | 'reason'> {
  const line = text.split('\n').find((item) => item.startsWith('@@RESULT ') || item.startsWith('@@ERROR '));
  if (line?.startsWith('@@RESULT ')) return { status: 'passed', result: JSON.parse(line.slice(9)) as unknown };
  return { status: 'failed', reason: line ? line.slice(8) : `no result; output: ${text.slice(-2000)}` };
}

async function runProcess(runtime: 'node' | 'deno' | 'bun', dir: string, timeoutMs: number) {
  const runner = join(dir, 'runner.mjs');
  const [command, args] =
    runtime === 'node'
      ? [process.execPath, [runner]]
      : runtime === 'deno'
        ? [
            join(BIN, 'deno'),
            [
              'run',
              '--allow-net=127.0.0.1',
              `--allow-read=${dir}`,
              '--no-prompt',
              '--no-config',
              '--no-lock',
              '--quiet',
              runner,
            ],
          ]
        : [join(BIN, 'bun'), ['run', '--no-install', runner]];
  return new Promise<Pick<RuntimeResult, 'status' | 'result' | 'reason'>>((resolve) => {
    const child = spawn(command, args as string[], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DENO_DIR: join(dir, '.deno'), NO_COLOR: '1' },
    });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const parsed = parseOutput(text);
      resolve(
        signal === 'SIGKILL' && parsed.status !== 'passed'
          ? { status: 'failed', reason: `timed out after ${timeoutMs} ms: ${text.slice(-1000)}` }
          : code === 0 || parsed.status === 'failed'
            ? parsed
            : { status: 'failed', reason: `exit ${code}: ${text.slice(-2000)}` },
      );
    });
  });
}

/**
 * Headless Chromium: the page and the script come from a loopback server, so the script runs in a real origin
 * (servers it calls on other ports must answer CORS, as they must for any browser client).
 */
async function runInChromium(dir: string, params: unknown, timeoutMs: number) {
  const script = await readFile(join(dir, 'script.mjs'), 'utf8');
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const [status, type, body] =
      path === '/'
        ? [200, 'text/html', '<!doctype html><title>runtime harness</title>']
        : path === '/script.mjs'
          ? [200, 'text/javascript', script]
          : [404, 'text/plain', 'not found'];
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Root in containers has no user namespace for the sandbox.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    timeout: timeoutMs,
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/`, { timeout: timeoutMs });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      // A string, not a function: vitest's transform would rewrite a function's dynamic import.
      page.evaluate(`(async (input) => {
        try {
          const module = await import('/script.mjs');
          return { ok: true, value: JSON.stringify((await module.default(input)) ?? null) };
        } catch (error) {
          return { ok: false, value: error instanceof Error ? error.name + ': ' + error.message + '\\n' + error.stack : String(error) };
        }
      })(${JSON.stringify(params)})`) as Promise<{ ok: boolean; value: string }>,
      new Promise<{ ok: false; value: string }>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, value: `timed out after ${timeoutMs} ms` }), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return outcome.ok
      ? { status: 'passed' as const, result: JSON.parse(outcome.value) as unknown }
      : {
          status: 'failed' as const,
          reason: `${outcome.value}${errors.length ? `\npage errors: ${errors.join('; ')}` : ''}`,
        };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }
}

/** Whether a missing runtime fails the run (CI) or is skipped with its reason (a developer machine). */
export const MISSING_RUNTIME_FAILS = process.env.CI === 'true';
