import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Stoplight Prism 5.16 on 127.0.0.1 with a port the OS chooses: a mock server that validates every request
 * against the document (parameters, bodies, security) before it answers from the document's examples. It runs in
 * a child process (prism-child.mjs, Prism's own server and operation loader, in-process there): Prism 5.16
 * crashes on some parameter styles with an unhandled rejection, which inside the test process would fail the
 * whole run. Bounded in time: start within 90 s, killed on close or when the test process ends.
 */
export interface RunningPrism {
  baseUrl: string;
  operations: number;
  /** Calls `listener` with the message of each crash Prism's process reports; returns the unsubscribe function. */
  onCrash: (listener: (message: string) => void) => () => void;
  close: () => Promise<void>;
}

const CHILD = fileURLToPath(new URL('./prism-child.mjs', import.meta.url));

/** Starts Prism's mock for one document file. */
export async function startPrism(documentPath: string): Promise<RunningPrism> {
  const child = spawn(process.execPath, ['--unhandled-rejections=warn', CHILD, documentPath], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, SCARF_ANALYTICS: 'false' },
  });
  const listeners = new Set<(message: string) => void>();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
    for (const line of chunk.split('\n'))
      if (line.startsWith('PRISM-CRASH ')) for (const listener of listeners) listener(line.slice(12));
  });
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  const started = await new Promise<{ baseUrl: string; operations: number }>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`Prism did not start within 90 s: ${stderr.slice(-500)}`));
    }, 90_000);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /LISTENING (\S+) (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ baseUrl: match[1]!, operations: Number(match[2]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited (${code}) before listening: ${stderr.slice(-500)}`));
    });
  });
  return {
    ...started,
    onCrash: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      process.removeListener('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
      child.stdin.end();
      const timer = setTimeout(kill, 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** What Prism said about one request, read from the answer by a wrapping fetch. */
export interface PrismVerdict {
  status: number;
  /** Prism's own error type (`UNPROCESSABLE_ENTITY`, `UNAUTHORIZED`, `NO_PATH_MATCHED_ERROR`, …), if it answered one. */
  prismError?: string;
  /** The validation problems Prism lists (problem body or `sl-violations` header). */
  violations: string[];
}

const PRISM_ERROR = 'https://stoplight.io/prism/errors#';

/** A fetch that passes every exchange through and keeps Prism's verdict on the last one. */
export function recordingFetch(): { fetch: typeof fetch; last: () => PrismVerdict | undefined; reset: () => void } {
  let verdict: PrismVerdict | undefined;
  const wrapped: typeof fetch = async (input, init) => {
    verdict = undefined;
    const response = await fetch(input, init);
    const violations: string[] = [];
    // `sl-violations` lists request and response problems, errors and warnings (e.g. a deprecated parameter): only
    // errors about the request count. Prism prefixes a long list with "Too many violations! ".
    const header = response.headers.get('sl-violations');
    if (header) {
      try {
        const items = JSON.parse(header.slice(header.indexOf('['))) as Array<{
          location?: string[];
          message?: string;
          severity?: string | number;
        }>;
        for (const item of items)
          if (item.location?.[0] === 'request' && (item.severity === 'Error' || item.severity === 0))
            violations.push(`${item.location.slice(1).join('.')}: ${item.message ?? ''}`);
      } catch {
        // Truncated JSON: pick the request errors out of the text.
        for (const match of header.matchAll(
          /\{"location":\["request"(?:,"([^"]*)")*[^{}]*?"severity":"Error"[^{}]*?"message":"([^"]*)"/g,
        ))
          violations.push(`${match[1] ?? ''}: ${match[2]}`);
      }
    }
    let prismError: string | undefined;
    if (/problem\+json/.test(response.headers.get('content-type') ?? '')) {
      const problem = (await response.clone().json()) as {
        type?: string;
        detail?: string;
        validation?: Array<{ location?: string[]; message?: string }>;
      };
      if (typeof problem.type === 'string' && problem.type.startsWith(PRISM_ERROR)) {
        prismError = problem.type.slice(PRISM_ERROR.length);
        for (const item of problem.validation ?? [])
          violations.push(`${(item.location ?? []).join('.')}: ${item.message ?? ''}`);
        if (violations.length === 0 && problem.detail) violations.push(problem.detail);
      }
    }
    verdict = { status: response.status, violations, ...(prismError ? { prismError } : {}) };
    return response;
  };
  return { fetch: wrapped, last: () => verdict, reset: () => (verdict = undefined) };
}
