import { loadDocument } from '../../generator/load/load.js';
import type { OperationIR } from '../../generator/analyze/ir.js';
import { generateDocument, importGenerated } from '../fixtures/operations/support.js';
import { removeDir } from '../support/generate-to-temp.js';
import { recordingFetch, startPrism, type PrismVerdict } from './prism.js';
import { requestFor, resolve, at } from './samples.js';

/** How one call went: Prism accepted it, rejected it, could not judge it, or the generated function failed. */
export type Verdict = 'accepted' | 'rejected' | 'prism-crash' | 'function-failed';

export interface Outcome {
  /** `METHOD /path` as in the document. */
  operation: string;
  functionName: string;
  verdict: Verdict;
  /** Prism's violations, its error, or the function's error: why it is not accepted. */
  detail: string;
}

type Operation = (config: unknown, request?: unknown, options?: unknown) => Promise<unknown>;
type Json = Record<string, unknown>;

/** Prism errors that mean "this request is invalid" (or does not match the document at all). */
const REJECTIONS = new Set([
  'UNPROCESSABLE_ENTITY',
  'UNAUTHORIZED',
  'NO_PATH_MATCHED_ERROR',
  'NO_METHOD_MATCHED_ERROR',
  'NOT_ACCEPTABLE',
  'INVALID_CONTENT_TYPE',
]);

export interface Conformance {
  outcomes: Outcome[];
  /** Calls one generated function with the given request (for negative controls) and classifies it. */
  call: (functionName: string, request: unknown, config?: Json) => Promise<Outcome>;
  /** The valid request the conformance run built for an operation (to derive invalid ones from). */
  validRequest: (functionName: string) => Json;
  close: () => Promise<void>;
}

/**
 * Generates a document with the real pipeline, starts Prism on it, and calls every generated function with valid
 * arguments built from the document. Configuration for security: a bearer token source, and every apiKey header
 * scheme's header.
 */
export async function runDocument(path: string): Promise<Conformance> {
  const loaded = await loadDocument(path, { cwd: process.cwd() });
  const root = loaded.document as Json;

  const [generated, prism] = await Promise.all([generateDocument(path), startPrism(path)]);
  const api = await importGenerated<Json>(generated.dir);
  const schemes = resolve(root, resolve(root, root.components).securitySchemes);
  const headers: Record<string, string> = {};
  for (const raw of Object.values(schemes)) {
    const scheme = resolve(root, raw);
    if (scheme.type === 'apiKey' && scheme.in === 'header' && typeof scheme.name === 'string')
      headers[scheme.name] = 'conformance-key';
  }
  const baseConfig: Json = {
    baseUrl: prism.baseUrl,
    accessToken: async () => 'conformance-token',
    headers,
    timeoutMs: CALL_TIMEOUT_MS,
  };
  const createApiConfig = api['createApiConfig'] as (options: Json) => unknown;
  const byName = new Map(generated.result.ir.operations.map((operation) => [operation.functionName, operation]));

  const call = async (functionName: string, request: unknown, config: Json = {}): Promise<Outcome> => {
    const operation = byName.get(functionName)!;
    const label = `${operation.method.toUpperCase()} ${operation.path}`;
    const recorder = recordingFetch();
    // A request Prism crashes on never gets an answer: the crash report ends the call at once.
    const controller = new AbortController();
    let crash: string | undefined;
    const unsubscribe = prism.onCrash((message) => {
      crash = message;
      controller.abort();
    });
    try {
      await (api[functionName] as Operation)(
        createApiConfig({ ...baseConfig, fetch: recorder.fetch, ...config }),
        request,
        {
          signal: controller.signal,
        },
      );
      return classify(label, functionName, recorder.last(), undefined, crash);
    } catch (error) {
      return classify(label, functionName, recorder.last(), error, crash);
    } finally {
      unsubscribe();
    }
  };
  // One call at a time, so that a crash report belongs to the call in flight.
  const requests = new Map<string, Json>();
  const outcomes: Outcome[] = [];
  for (const operation of generated.result.ir.operations) {
    const request = requestFor(root, operation);
    requests.set(operation.functionName, request);
    outcomes.push(await call(operation.functionName, request));
  }
  return {
    outcomes,
    call,
    validRequest: (name) => structuredClone(requests.get(name)!),
    close: async () => {
      await prism.close();
      await removeDir(generated.dir);
    },
  };
}

/** Generous: Prism compiles its validators on first use, and CI machines are slow. */
const CALL_TIMEOUT_MS = 20_000;

function classify(
  operation: string,
  functionName: string,
  verdict: PrismVerdict | undefined,
  error: unknown,
  crash: string | undefined,
): Outcome {
  const base = { operation, functionName };
  if (crash !== undefined) return { ...base, verdict: 'prism-crash', detail: crash };
  if (verdict?.prismError !== undefined && REJECTIONS.has(verdict.prismError))
    return { ...base, verdict: 'rejected', detail: `${verdict.prismError}: ${verdict.violations.join('; ')}` };
  if (verdict && verdict.violations.length > 0)
    return { ...base, verdict: 'rejected', detail: `HTTP ${verdict.status}: ${verdict.violations.join('; ')}` };
  if (verdict?.prismError !== undefined || (verdict === undefined && error !== undefined && isConnectionFailure(error)))
    return { ...base, verdict: 'prism-crash', detail: verdict?.prismError ?? describe(error) };
  if (error !== undefined && !(verdict && (error as { name?: string }).name === 'ApiError'))
    return { ...base, verdict: 'function-failed', detail: describe(error) };
  // Resolved, or an error status the document declares that Prism chose to answer with (request valid).
  return { ...base, verdict: 'accepted', detail: verdict ? `HTTP ${verdict.status}` : '' };
}

function isConnectionFailure(error: unknown): boolean {
  return (
    (error as { name?: string })?.name === 'NetworkError' &&
    (error as { mayHaveReachedServer?: boolean }).mayHaveReachedServer === true
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export type { OperationIR };
export { at };
