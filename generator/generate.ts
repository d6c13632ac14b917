import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { analyze } from './analyze/analyze.js';
import type { GeneratorIR } from './analyze/ir.js';
import type { ExamplesMode, ImportStyle, PrettierMode } from './config.js';
import { emit, type EmitOptions } from './emit/emit.js';
import { applyImportStyle } from './emit/import-style.js';
import { prestartModels } from './emit/models-job.js';
import { outputVariant } from './jobs.js';
import { loadDocumentFromText, type LoadedDocument } from './load/load.js';
import { readSource, type SourceText } from './load/read-source.js';
import { posixRelative, sourceLabel } from './shared/source-label.js';
import { isUrl } from './shared/url.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';
import { formatFiles } from './write/format.js';
import {
  MANIFEST_NAME,
  SOURCE_SNAPSHOT_NAME,
  createManifest,
  parseManifest,
  serializeManifest,
} from './write/manifest.js';
import { recordRun, runEnvironment } from './no-op.js';
import { compareWithDisk, unifiedDiff, writeChanged, type FileStatus } from './write/write.js';

/** Options of {@link generate}. Paths are relative to `cwd`. */
export interface GenerateOptions {
  input: string;
  output: string;
  cwd: string;
  /** Compare with disk and report; write nothing. */
  check: boolean;
  /** When prettier formats the output (config.ts). */
  prettier: PrettierMode;
  /** Relative import specifiers of the output (config.ts). Default: `js`. */
  importStyle?: ImportStyle;
  /** Validate the document's examples (config.ts). Default: `off`. */
  examples?: ExamplesMode;
  /** Links to other outputs of the same run (config jobs). */
  link?: EmitOptions;
  /** `false`: compute and compare but leave writing to the caller (jobs.ts writes all jobs or none). */
  write?: boolean;
}

/** What a run did or found. */
export interface GenerateResult {
  ir: GeneratorIR;
  statuses: FileStatus[];
  /** Whether any file differs from disk (in check mode: the output is stale). */
  stale: boolean;
  /** Unified diff of stale files (check mode only; empty when fresh). */
  diff: string;
  /** Validation problems that did not stop generation (see LoadedDocument.warnings). */
  warnings: string[];
  /** The manifest the output folder had before this run, if any. */
  previousManifest: ReturnType<typeof parseManifest>;
  /**
   * Check mode, when the document changed since the output was generated: its changes classified (text), from the
   * source snapshot kept beside the output to the current document.
   */
  apiChanges?: string;
}

/**
 * The whole pipeline: load → analyze → emit → format → compare → write (unless checking).
 * @throws {InputError} for bad input; the output folder is then untouched.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const outputDir = resolve(options.cwd, options.output);
  // What the no-op cache records about this run, taken before anything is read (no-op.ts); URL inputs have none.
  const environment = isUrl(options.input)
    ? undefined
    : runEnvironment({ ...options, variant: outputVariant(options) });
  // Headers name the source relative to the working directory, with forward slashes, so output is identical on
  // every machine and OS.
  const source = sourceLabel(options.input, options.cwd);
  let prestartedModels: ReturnType<typeof prestartModels> | undefined;
  let emitted: Awaited<ReturnType<typeof emit>>;
  let loaded: LoadedDocument & { source: string };
  let ir: GeneratorIR;
  let snapshot: string;
  try {
    // Read once (bounded: read-source.ts refuses FIFOs, devices and oversized files), then parsed by load.
    let text: SourceText | undefined = await readSource(options.input, { cwd: options.cwd });
    // The models worker, started before load when the document's own text names `grant_type`, the field every token
    // endpoint has (analyze.ts): a guess that only decides when ts-morph starts loading, never what is emitted. A
    // miss (grant_type only in a referenced file) starts it in emit; a false hit costs a worker stopped after analyze.
    if (options.link?.tokenClientFrom === undefined && text.text.includes('grant_type'))
      prestartedModels = prestartModels();
    const loading = loadDocumentFromText(text, options.examples ?? 'off');
    // Not kept past load: GitHub's 13 MB description is a 26 MB string (two bytes a character, as soon as one
    // character is outside Latin-1), alive at the run's peak in emit if this frame held it (docs/performance.md).
    text = undefined;
    loaded = { ...(await loading), source };
    ir = analyze(loaded);
    // The document as loaded, serialized before emit: outside --check (whose drift report compares the document
    // again), nothing reads it after this, so schema.ts is made from it in place (emit.ts `documentSpent`).
    snapshot = `${JSON.stringify(loaded.document, null, 2)}\n`;
    emitted = await emit(loaded, ir, {
      ...options.link,
      ...(prestartedModels ? { prestartedModels } : {}),
      documentSpent: !options.check,
    });
  } finally {
    prestartedModels?.cancel();
  }
  applyImportStyle(emitted, options.importStyle ?? 'js');
  const files = await formatFiles(emitted, outputDir, options.prettier);
  files.set(SOURCE_SNAPSHOT_NAME, snapshot);
  const inputs = loaded.files.map((file) => posixRelative(options.cwd, file));
  const manifest = createManifest(
    { tool: TOOL_NAME, version: TOOL_VERSION, source, sha256: loaded.sha256, inputs },
    files,
  );
  const manifestText = serializeManifest(manifest);
  files.set(MANIFEST_NAME, manifestText);

  const previousManifest = parseManifest(await readFile(join(outputDir, MANIFEST_NAME), 'utf8').catch(() => undefined));
  const statuses = await compareWithDisk(outputDir, files, Object.keys(previousManifest?.files ?? {}));
  const stale = statuses.some((status) => status.state !== 'unchanged');
  const outputLabel = posixRelative(options.cwd, outputDir) || '.';
  const diff = options.check && stale ? unifiedDiff(statuses, (name) => `${outputLabel}/${name}`) : '';
  if (!options.check && options.write !== false) await writeChanged(outputDir, statuses);
  // The output now is what this run generated (written, or found fresh): the next run with the same inputs may be
  // answered from the no-op path.
  if (environment && !(options.check && stale))
    await recordRun(environment, loaded.inputHashes, loaded.files, manifestText);
  const apiChanges =
    options.check && stale ? await classifyDrift(outputDir, previousManifest, loaded, files) : undefined;
  return {
    ir,
    statuses,
    stale,
    diff,
    previousManifest,
    warnings: [...loaded.warnings, ...ir.warnings],
    ...(apiChanges !== undefined ? { apiChanges } : {}),
  };
}

/** The API changes between the document behind the existing output (its snapshot) and the current one. */
async function classifyDrift(
  outputDir: string,
  previous: GenerateResult['previousManifest'],
  current: LoadedDocument,
  currentFiles: ReadonlyMap<string, string>,
): Promise<string | undefined> {
  if (!previous || previous.sha256 === current.sha256) return undefined;
  const snapshot = await readFile(join(outputDir, SOURCE_SNAPSHOT_NAME), 'utf8').catch(() => undefined);
  if (snapshot === undefined) return undefined;
  try {
    const old = await loadDocumentFromText({
      absoluteRef: join(outputDir, SOURCE_SNAPSHOT_NAME),
      displayName: previous.source,
      text: snapshot,
    });
    // Only a stale --check needs the diff engine.
    const [{ compareLoaded }, { formatChanges }, { diffGeneratedCode }] = await Promise.all([
      import('./compare.js'),
      import('./diff/index.js'),
      import('./diff/code-surface.js'),
    ]);
    // What a consumer's code sees: the generated declarations on disk against the ones just generated.
    const oldFiles = new Map<string, string>();
    for (const name of Object.keys(previous.files ?? {}).filter(
      (file) => file.endsWith('.ts') && !file.split('/').includes('..') && !isAbsolute(file),
    ))
      oldFiles.set(name, await readFile(join(outputDir, name), 'utf8').catch(() => ''));
    return formatChanges([...compareLoaded(old, current), ...diffGeneratedCode(oldFiles, currentFiles)], 'text');
  } catch {
    // A damaged snapshot must not hide the drift itself: the code diff is still reported.
    return undefined;
  }
}
