#!/usr/bin/env node
// `npm run bench`: wealthcare-codegen side by side with its baselines, on this machine, in one run.
//
//   npm run bench                 5 measured runs for rows 1-2, 9 × 1000 calls for row 4, 3 runs for openai.yaml;
//                                 one warm-up of each contender first (about 3 minutes on 2 cores)
//   npm run bench -- --quick      2 runs, 3 × 1000 calls, 1 run for openai.yaml (no warm-up there)
//   npm run bench -- --only 2,5   only some rows (rows 6 and 7, diff and generate of GitHub's description, need
//                                 scripts/github-openapi.mjs's cache, and are skipped with the reason printed without it)
//   npm run bench -- --busy 2     the same with 2 CPU-bound processes running beside it the whole time (issue 17 goal 1:
//                                 "with two CPU-bound processes beside it"); each spins in 200 ms slices and exits
//                                 when the bench has gone, so an interrupted run leaves none behind
//
// Contenders of a row are measured alternately (A B, then B A, …) after their warm-ups, so that drift in the
// machine's load hits both sides alike. The table shows medians, ratios, each target and whether it is met; every
// raw figure (each run of each contender) and the machine are saved to bench/results/<timestamp>.json and
// bench/results/latest.json. It exits 0 whether targets are met or not (it measures; nothing here is a test gate),
// and 1 only when a row could not be measured. Nothing under test/ asserts timings.
//
// Child processes: wall time is taken around spawnSync; peak RSS is the child's ru_maxrss as GNU `/usr/bin/time -f
// %M` reports it (from wait4(2), so it is measured outside the child and includes any process the child waited
// for). Without /usr/bin/time, a preload (`node --import report-rss.mjs`) prints process.resourceUsage().maxRSS on
// exit instead (the JSON records which method was used).
import { fork, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { build, version as esbuildVersion } from 'esbuild';
import { attributeBytes } from './bundle-breakdown.mjs';
import { bundleApp, gzipSize } from './bundle-app.mjs';

const HERE = import.meta.dirname;
const ROOT = resolve(HERE, '../..');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const ONLY = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(',').map(Number)) : undefined;
const FAST_RUNS = QUICK ? 2 : 5;
const FAST_WARMUPS = 1;
// Row 4 is cheap (under a second per 1000 calls) but its difference is small and loopback latency is noisy: more runs.
const CLIENT_RUNS = QUICK ? 3 : 9;
const LARGE_RUNS = QUICK ? 1 : 3;
const LARGE_WARMUPS = QUICK ? 0 : 1;
const CALLS = 1000;
const busyAt = args.indexOf('--busy');
const BUSY = busyAt >= 0 ? Number(args[busyAt + 1]) : 0;
if (!Number.isInteger(BUSY) || BUSY < 0 || BUSY > 16) {
  console.error('bench: --busy takes the number of CPU-bound processes to run beside it, 0 to 16');
  process.exit(2);
}
// Spinners: busy 200 ms at a time, then a check that the bench still runs (its pid as given), so none outlives it.
const SPIN = `const parent = ${process.pid}; (function spin() { const t = Date.now(); while (Date.now() - t < 200); try { process.kill(parent, 0); } catch { process.exit(0); } setImmediate(spin); })();`;
// unref: the bench ends when its rows are done, and its exit handler stops them.
const spinners = Array.from({ length: BUSY }, () => {
  const child = spawn(process.execPath, ['-e', SPIN], { stdio: 'ignore' });
  child.unref();
  return child;
});
process.on('exit', () => spinners.forEach((child) => child.kill()));

// Paths as the issue names them: run from the repository root, inputs relative to it, outputs in a temp folder.
const SPEC = 'spec/wealthcare-access.openapi.yaml';
const OPENAI = '../shared/corpus/openai.yaml'; // read in place, never copied into the repository
const CLI = 'bin/wealthcare-codegen.js';
const OTS = 'node_modules/openapi-typescript/bin/cli.js';
const TIME = ['/usr/bin/time', '/bin/time'].find(
  (path) => existsSync(path) && spawnSync(path, ['-f', '%M', 'true']).status === 0,
);
const RSS_METHOD = TIME
  ? `${TIME} -f %M (ru_maxrss of the child, from wait4)`
  : 'node --import scripts/bench/report-rss.mjs (process.resourceUsage().maxRSS on exit)';

const work = mkdtempSync(join(tmpdir(), 'wcg-bench-'));
const startedAt = new Date();
const loadAverageAtStart = loadavg();
const raw = {};
const rows = [];
let unmeasured = 0;
let toolChangedRuns = 0;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
/** Median, min and max of every numeric field of each contender's samples. */
const summarize = (samples) =>
  Object.fromEntries(
    Object.entries(samples).map(([key, list]) => [
      key,
      Object.fromEntries(
        Object.keys(list[0] ?? {}).map((field) => {
          const values = list.map((sample) => sample[field]);
          return [field, { median: median(values), min: Math.min(...values), max: Math.max(...values) }];
        }),
      ),
    ]),
  );
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMb = (kb) => `${(kb / 1024).toFixed(0)} MiB`;
const fmtBytes = (bytes) => `${bytes} B (${(bytes / 1024).toFixed(2)} KiB)`;

/**
 * The newest modification time under what the tool's fingerprint and bin/'s rebuild check depend on. Other engineers
 * edit the checkout while the bench runs: when this changes during a run, bin/ may have rebuilt dist/ within it (so
 * it did not time `generate` alone) and an output made before is no longer fresh for the new code.
 */
function toolStamp() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      newest = Math.max(
        newest,
        entry.isDirectory() ? walk(path) : (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0),
      );
    }
    return newest;
  };
  for (const dir of ['generator', 'dist', 'templates']) if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
  return newest;
}

/** Runs `node <args>` from the repository root (or `cwd`); returns wall time (ms), user+system CPU (ms), peak RSS (KiB). */
function runNode(nodeArgs, { expectStatus = 0, cwd = ROOT } = {}) {
  const rssFile = join(work, 'rss.txt');
  const [command, commandArgs] = TIME
    ? [TIME, ['-f', '%U %S %M', '-o', rssFile, process.execPath, ...nodeArgs]]
    : [process.execPath, ['--import', pathToFileURL(join(HERE, 'report-rss.mjs')).href, ...nodeArgs]];
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== expectStatus) {
    throw new Error(
      `node ${nodeArgs.join(' ')} exited ${result.status ?? result.signal} (expected ${expectStatus}): ${(result.stderr || result.stdout).trim().slice(-600)}`,
    );
  }
  if (TIME) {
    // user and system CPU seconds of the child and everything it waited for (worker threads are in the process).
    const [user, system, rssKb] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    return { ms, cpuMs: (user + system) * 1000, rssKb };
  }
  return {
    ms,
    cpuMs: Number(/BENCH_CPU_US=(\d+)/.exec(result.stderr)?.[1] ?? NaN) / 1000,
    rssKb: Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(result.stderr)?.[1] ?? NaN),
  };
}

/**
 * Measures contenders alternately: `warmups` rounds discarded, then `runs` rounds, each round in the opposite order
 * of the one before (A B, B A, …). Each contender is `{ setup?, run }`; `run` returns a sample object. A run during
 * which the tool changed (see toolStamp) is repeated, setup included, twice at most, and counted.
 */
function alternate(name, { runs, warmups }, contenders) {
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(names.map((key) => [key, []]));
  let repeated = 0;
  const measure = (key) => {
    for (let attempt = 0; ; attempt += 1) {
      const stamp = toolStamp();
      contenders[key].setup?.();
      const sample = contenders[key].run();
      if (toolStamp() === stamp || attempt === 2) return sample;
      repeated += 1;
    }
  };
  const round = (order, keep) => {
    for (const key of order) {
      const sample = measure(key);
      if (keep) samples[key].push(sample);
    }
  };
  for (let i = 0; i < warmups; i += 1) round(names, false);
  for (let i = 0; i < runs; i += 1) round(i % 2 ? [...names].reverse() : names, true);
  raw[name] = { warmups, runs, samples, summary: summarize(samples), repeatedBecauseTheToolChanged: repeated };
  toolChangedRuns += repeated;
  return samples;
}

/**
 * One line of the table. Each carries the 1-minute load average when it was measured (the section's start and the
 * row's end, the higher of the two): on 2 cores a load above 1 means another process competed for the second core,
 * which the models worker and every ratio depend on.
 */
function row(id, fields) {
  const load = Math.max(sectionLoad ?? 0, loadavg()[0]);
  rows.push({ id, ...fields, load });
  if (load > 1)
    process.stderr.write(
      `bench: warning: row ${id} (${fields.label}) measured at load average ${load.toFixed(2)} (> 1 on ${cpus().length} cores): figures are inflated and noisier\n`,
    );
}
let sectionLoad;

async function section(id, title, body) {
  if (ONLY && !ONLY.has(id)) return;
  sectionLoad = loadavg()[0];
  process.stderr.write(`bench: ${id}. ${title}… (load average ${sectionLoad.toFixed(2)})\n`);
  const start = performance.now();
  try {
    await body();
  } catch (error) {
    unmeasured += 1;
    row(id, {
      label: title,
      value: 'not measured',
      baseline: '',
      ratio: NaN,
      target: '',
      met: false,
      note: String(error?.message ?? error).split('\n')[0],
    });
    raw[`error-${id}`] = String(error?.stack ?? error);
  }
  raw[`seconds-${id}`] = (performance.now() - start) / 1000;
}

const outputFolder = (name) => join(work, name);
const generateArgs = (input, output, check = false) => [
  CLI,
  'generate',
  ...(check ? ['--check'] : []),
  '-i',
  input,
  '-o',
  output,
];
const otsArgs = (input, output) => [OTS, input, '-o', output];

// ── 1. Cold generate of the WealthCare document vs the openapi-typescript CLI alone ─────────────────────────────
let otsWealthcareMs;
await section(1, 'cold generate, WealthCare document', () => {
  const out = outputFolder('cold');
  const formattedOut = outputFolder('cold-prettier');
  const otsOut = join(work, 'ots-wealthcare.ts');
  const samples = alternate(
    '1-cold-generate',
    { runs: FAST_RUNS, warmups: FAST_WARMUPS },
    {
      generate: {
        setup: () => rmSync(out, { recursive: true, force: true }),
        run: () => runNode(generateArgs(SPEC, out)),
      },
      // What a repository with a prettier config gets (--prettier auto formats there): shown, not a target.
      generateWithPrettier: {
        setup: () => rmSync(formattedOut, { recursive: true, force: true }),
        run: () => runNode([...generateArgs(SPEC, formattedOut), '--prettier', 'always']),
      },
      openapiTypescript: { setup: () => rmSync(otsOut, { force: true }), run: () => runNode(otsArgs(SPEC, otsOut)) },
    },
  );
  const ours = median(samples.generate.map((s) => s.ms));
  otsWealthcareMs = median(samples.openapiTypescript.map((s) => s.ms));
  const ratio = ours / otsWealthcareMs;
  row(1, {
    label: 'cold `generate`, WealthCare document: wall',
    value: fmtMs(ours),
    baseline: `openapi-typescript CLI ${fmtMs(otsWealthcareMs)}`,
    ratio,
    target: '≤ 1.0× (issue 17)',
    met: ratio <= 1.0,
  });
  // CPU counts every thread (the models worker included): on a busy machine that, not wall time, is what we cost.
  const [oursCpu, theirsCpu] = [samples.generate, samples.openapiTypescript].map((s) => median(s.map((x) => x.cpuMs)));
  row(1, {
    label: 'the same: user+system CPU (all threads)',
    value: fmtMs(oursCpu),
    baseline: `openapi-typescript CLI ${fmtMs(theirsCpu)}`,
    ratio: oursCpu / theirsCpu,
    target: '≤ 1.2×',
    met: oursCpu / theirsCpu <= 1.2,
  });
  const [oursRss, theirsRss] = [samples.generate, samples.openapiTypescript].map((s) => median(s.map((x) => x.rssKb)));
  row(1, {
    label: 'the same: peak RSS',
    value: fmtMb(oursRss),
    baseline: `openapi-typescript CLI ${fmtMb(theirsRss)}`,
    ratio: oursRss / theirsRss,
    target: '—',
    met: null,
  });
  const formatted = median(samples.generateWithPrettier.map((s) => s.ms));
  row(1, {
    label: 'the same, formatted with prettier (`--prettier always`: a repo with a prettier config)',
    value: fmtMs(formatted),
    baseline: `openapi-typescript CLI ${fmtMs(otsWealthcareMs)}`,
    ratio: formatted / otsWealthcareMs,
    target: '—',
    met: null,
  });
});

// ── 2. generate / generate --check when nothing changed ──────────────────────────────────────────────────────────
await section(2, 'no-op generate and generate --check', () => {
  const out = outputFolder('fresh');
  const snapshot = () => Object.fromEntries(readdirSync(out).map((name) => [name, statSync(join(out, name)).mtimeMs]));
  let samples;
  let before;
  // When the tool changes (someone editing generator/ or templates/), the output made before is stale for the new
  // code and every later run takes the full pipeline: make it again and measure the row again, or give up.
  for (let attempt = 0; ; attempt += 1) {
    const stamp = toolStamp();
    rmSync(out, { recursive: true, force: true });
    runNode(generateArgs(SPEC, out)); // made fresh once; every measured run must leave it untouched
    before = snapshot();
    samples = alternate(
      '2-no-op',
      { runs: FAST_RUNS, warmups: FAST_WARMUPS },
      {
        generate: { run: () => runNode(generateArgs(SPEC, out)) },
        check: { run: () => runNode(generateArgs(SPEC, out, true)) },
        nodeE0: { run: () => runNode(['-e', '0']) },
      },
    );
    if (toolStamp() === stamp) break;
    if (attempt === 2)
      throw new Error(
        'generator/, dist/ or templates/ kept changing during the row (concurrent edits): no stable no-op to time',
      );
  }
  raw['2-no-op'].outputUntouched = isDeepStrictEqual(before, snapshot());
  if (!raw['2-no-op'].outputUntouched) throw new Error('a no-op run rewrote files in the output folder');
  const node0 = median(samples.nodeE0.map((s) => s.ms));

  // The same in a fresh clone of this repository (HEAD), as a new contributor or CI has it: node_modules linked
  // (npm ci is too slow for a bench), dist/ built by bin/ on the first run, which also pays the one full run a fresh
  // clone may pay (not measured). Every run after it must take the no-op path: the committed manifest describes
  // the output only, and what identifies the tool lives in node_modules/.cache (generator/no-op.ts).
  const clone = join(work, 'clone');
  const git = (...gitArgs) => {
    const result = spawnSync('git', gitArgs, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${gitArgs.join(' ')}: ${result.stderr.trim()}`);
    return result.stdout.trim();
  };
  const head = git('-C', ROOT, 'rev-parse', 'HEAD');
  git('clone', '--quiet', '--no-checkout', ROOT, clone);
  git('-C', clone, 'checkout', '--quiet', head);
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  const inClone = (check) => runNode([CLI, 'generate', ...(check ? ['--check'] : [])], { cwd: clone });
  inClone(false); // the one full run (and the build of dist/)
  const cloneSamples = alternate(
    '2-no-op-fresh-clone',
    { runs: FAST_RUNS, warmups: FAST_WARMUPS },
    { generate: { run: () => inClone(false) }, check: { run: () => inClone(true) } },
  );
  // Nothing the user commits changed (the first run may have rewritten a stale committed output: recorded).
  raw['2-no-op-fresh-clone'].gitStatusAfter = git('-C', clone, 'status', '--porcelain')
    .split('\n')
    .filter((line) => line !== '' && line !== '?? node_modules');

  if (otsWealthcareMs === undefined) {
    // Row 1 was skipped (--only): the ratio needs the openapi-typescript CLI on the same document.
    const ots = alternate(
      '2-openapi-typescript',
      { runs: FAST_RUNS, warmups: FAST_WARMUPS },
      { openapiTypescript: { run: () => runNode(otsArgs(SPEC, join(work, 'ots-wealthcare.ts'))) } },
    );
    otsWealthcareMs = median(ots.openapiTypescript.map((s) => s.ms));
  }
  for (const [set, key, label] of [
    [samples, 'generate', 'no-op `generate` (temp folder)'],
    [samples, 'check', 'no-op `generate --check` (temp folder)'],
    [cloneSamples, 'generate', 'no-op `generate`, fresh clone of this repo'],
    [cloneSamples, 'check', 'no-op `generate --check`, fresh clone of this repo'],
  ]) {
    const ours = median(set[key].map((s) => s.ms));
    const ratio = ours / otsWealthcareMs;
    row(2, {
      label,
      value: fmtMs(ours),
      baseline: `openapi-typescript CLI ${fmtMs(otsWealthcareMs)}; \`node -e 0\` ${fmtMs(node0)}`,
      ratio,
      target: '≤ 0.2× openapi-typescript CLI',
      met: ratio <= 0.2,
    });
  }
});

// ── 2 (continued). A config of three jobs, as a TypeScript file (jiti) and as JSON, when nothing changed ──────────
await section(2, 'no-op generate with a three-job config', () => {
  // The WealthCare document, an API document taking its token client from it, and the operations fixture; the
  // TypeScript config imports defineConfig from the package by name, as a consumer's does.
  const folder = outputFolder('jobs3');
  mkdirSync(join(folder, 'node_modules'), { recursive: true });
  rmSync(join(folder, 'node_modules/wealthcare-codegen'), { force: true });
  symlinkSync(ROOT, join(folder, 'node_modules/wealthcare-codegen'), 'dir');
  const jobs = [
    { name: 'wealthcare', input: resolve(ROOT, SPEC), output: 'out/wealthcare' },
    {
      name: 'bensoft',
      input: resolve(ROOT, 'test/fixtures/jobs/bensoft-api.yaml'),
      output: 'out/bensoft',
      tokenClientFrom: 'wealthcare',
    },
    { name: 'petstore', input: resolve(ROOT, 'test/fixtures/operations/petstore.yaml'), output: 'out/petstore' },
  ];
  const tsConfig = join(folder, 'wealthcare-codegen.config.ts');
  const jsonConfig = join(folder, 'json/wealthcare-codegen.config.json');
  writeFileSync(
    tsConfig,
    `import { defineConfig } from 'wealthcare-codegen';\nexport default defineConfig({ jobs: ${JSON.stringify(jobs)} });\n`,
  );
  mkdirSync(join(folder, 'json'), { recursive: true });
  writeFileSync(
    jsonConfig,
    JSON.stringify({ jobs: jobs.map((job) => ({ ...job, output: `../${job.output}` })) }, null, 2),
  );
  const configArgs = (config, check = false) => [CLI, 'generate', ...(check ? ['--check'] : []), '--config', config];
  runNode(configArgs(tsConfig)); // made fresh once
  const samples = alternate(
    '2-no-op-three-jobs',
    { runs: FAST_RUNS, warmups: FAST_WARMUPS },
    {
      ts: { run: () => runNode(configArgs(tsConfig)) },
      tsCheck: { run: () => runNode(configArgs(tsConfig, true)) },
      json: { run: () => runNode(configArgs(jsonConfig)) },
    },
  );
  // The baseline is the openapi-typescript CLI measured by row 1, or by the no-op section above when row 1 is skipped.
  if (otsWealthcareMs === undefined) throw new Error('no openapi-typescript baseline (row 1 or the no-op row failed)');
  for (const [key, label] of [
    ['ts', 'no-op `generate`, three-job `wealthcare-codegen.config.ts` (jiti)'],
    ['tsCheck', 'no-op `generate --check`, the same config'],
    ['json', 'no-op `generate`, the same three jobs as `.json`'],
  ]) {
    const ours = median(samples[key].map((s) => s.ms));
    const ratio = ours / otsWealthcareMs;
    row(2, {
      label,
      value: fmtMs(ours),
      baseline: `openapi-typescript CLI ${fmtMs(otsWealthcareMs)}`,
      ratio,
      target: '≤ 0.2× openapi-typescript CLI',
      met: ratio <= 0.2,
    });
  }
});

// ── 3. The largest corpus document: wall time and peak RSS ──────────────────────────────────────────────────────
await section(3, 'openai.yaml', () => {
  if (!existsSync(resolve(ROOT, OPENAI))) throw new Error(`${OPENAI} is missing`);
  const out = outputFolder('openai');
  const otsOut = join(work, 'ots-openai.ts');
  const samples = alternate(
    '3-openai',
    { runs: LARGE_RUNS, warmups: LARGE_WARMUPS },
    {
      generate: {
        setup: () => rmSync(out, { recursive: true, force: true }),
        run: () => runNode(generateArgs(OPENAI, out)),
      },
      openapiTypescript: { setup: () => rmSync(otsOut, { force: true }), run: () => runNode(otsArgs(OPENAI, otsOut)) },
    },
  );
  const [oursMs, theirsMs] = [samples.generate, samples.openapiTypescript].map((s) => median(s.map((x) => x.ms)));
  const [oursKb, theirsKb] = [samples.generate, samples.openapiTypescript].map((s) => median(s.map((x) => x.rssKb)));
  const size = `${(statSync(resolve(ROOT, OPENAI)).size / 1024 / 1024).toFixed(1)} MiB`;
  row(3, {
    label: `cold \`generate\`, openai.yaml (${size}): wall time`,
    value: fmtMs(oursMs),
    baseline: `openapi-typescript CLI ${fmtMs(theirsMs)}`,
    ratio: oursMs / theirsMs,
    target: '≤ 1.3×',
    met: oursMs / theirsMs <= 1.3,
  });
  const [oursCpu, theirsCpu] = [samples.generate, samples.openapiTypescript].map((s) => median(s.map((x) => x.cpuMs)));
  row(3, {
    label: 'cold `generate`, openai.yaml: user+system CPU',
    value: fmtMs(oursCpu),
    baseline: `openapi-typescript CLI ${fmtMs(theirsCpu)}`,
    ratio: oursCpu / theirsCpu,
    target: '—',
    met: null,
  });
  row(3, {
    label: 'cold `generate`, openai.yaml: peak RSS',
    value: fmtMb(oursKb),
    baseline: `openapi-typescript CLI ${fmtMb(theirsKb)}`,
    ratio: oursKb / theirsKb,
    target: '≤ 1.3×',
    met: oursKb / theirsKb <= 1.3,
  });
});

// ── 4. The generated client on loopback ──────────────────────────────────────────────────────────────────────────
await section(4, 'generated client on loopback', async () => {
  // generated/ is TypeScript: bundle it (unminified, as a Node app would run it) into a temp module and import that.
  const bundle = join(work, 'generated-client.mjs');
  await build({
    entryPoints: [join(ROOT, 'generated/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
  });
  const generated = await import(pathToFileURL(bundle).href);

  // The token endpoint runs in its own process (see token-server.mjs for why).
  const server = fork(join(HERE, 'token-server.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (type) =>
    new Promise((resolveMessage) => {
      const onMessage = (message) => {
        if (message?.type !== type) return;
        server.off('message', onMessage);
        resolveMessage(message);
      };
      server.on('message', onMessage);
    });
  const ask = async (command, reply) => {
    const answer = next(reply);
    server.send(command);
    return answer;
  };
  try {
    const { port } = await next('listening');
    const baseUrl = `http://127.0.0.1:${port}`;
    const url = `${baseUrl}/connect/token`;
    const credentials = { clientId: 'bench-client', clientSecret: 'bench-secret-0123456789' };
    const scope = 'bensoft_api mbi_api';
    const client = generated.createTokenClient({ ...credentials, baseUrl });

    const viaClient = async () => {
      const tokens = await client.clientCredentials({ scope });
      if (typeof tokens.access_token !== 'string') throw new Error('no access_token');
    };
    // What an application would write by hand for the same request: same URL, headers and form body. Two versions:
    // with the same kind of timeout the client always sets (30 s by default; undici then handles a signal on every
    // request), which is the baseline of the target, and bare, kept as a second line.
    const viaFetchWithTimeout = async () => {
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        scope,
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const tokens = await response.json();
      if (typeof tokens.access_token !== 'string') throw new Error('no access_token');
    };
    const viaFetch = async () => {
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        scope,
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const tokens = await response.json();
      if (typeof tokens.access_token !== 'string') throw new Error('no access_token');
    };

    // Both must put the same request on the wire, or the comparison means nothing.
    const capture = async (send) => {
      await ask('capture', 'capturing');
      const captured = next('captured');
      await send();
      return (await captured).request;
    };
    const sent = {
      client: await capture(viaClient),
      fetchWithTimeout: await capture(viaFetchWithTimeout),
      fetch: await capture(viaFetch),
    };
    raw['4-requests'] = sent;
    if (!isDeepStrictEqual(sent.client, sent.fetch) || !isDeepStrictEqual(sent.client, sent.fetchWithTimeout))
      throw new Error(`the client and raw fetch sent different requests: ${JSON.stringify(sent)}`);

    const block = async (call) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < CALLS; i += 1) await call();
      return { ms: Number(process.hrtime.bigint() - start) / 1e6 };
    };
    const contenders = { client: viaClient, fetchWithTimeout: viaFetchWithTimeout, fetch: viaFetch };
    const samples = { client: [], fetchWithTimeout: [], fetch: [] };
    for (let i = 0; i < FAST_WARMUPS; i += 1) for (const call of Object.values(contenders)) await block(call);
    // Each round runs the three blocks back to back, in a rotating order, and yields one ratio per baseline: drift
    // in the machine's load between rounds (other helpers' tests) then cancels within a round, and the median of the
    // per-round ratios ignores the rounds a burst of load hit unevenly.
    const names = Object.keys(contenders);
    const ratios = { fetchWithTimeout: [], fetch: [] };
    for (let i = 0; i < CLIENT_RUNS; i += 1) {
      const order = names.map((_, k) => names[(i + k) % names.length]);
      if (i % 2) order.reverse();
      const round = {};
      for (const key of order) round[key] = await block(contenders[key]);
      for (const key of names) samples[key].push(round[key]);
      for (const key of Object.keys(ratios)) ratios[key].push(round.client.ms / round[key].ms);
    }
    raw['4-client-credentials'] = {
      calls: CALLS,
      warmups: FAST_WARMUPS,
      runs: CLIENT_RUNS,
      samples,
      perRoundRatios: ratios,
      summary: summarize(samples),
    };
    const [ours, withTimeout, bare] = names.map((key) => median(samples[key].map((x) => x.ms)));
    const perCall = (ms) => `${fmtMs(ms)} (${((ms / CALLS) * 1000).toFixed(0)} µs/call)`;
    const spread = (list) => `per-round ratios ${Math.min(...list).toFixed(2)}–${Math.max(...list).toFixed(2)}×`;
    row(4, {
      label: `${CALLS} sequential \`clientCredentials()\`, loopback, vs \`fetch\` with the same timeout`,
      value: perCall(ours),
      baseline: `\`fetch\` + \`AbortSignal.timeout(30_000)\` ${perCall(withTimeout)}`,
      ratio: median(ratios.fetchWithTimeout),
      target: `≤ 1.05× (median of ${CLIENT_RUNS} per-round ratios)`,
      met: median(ratios.fetchWithTimeout) <= 1.05,
      note: `${spread(ratios.fetchWithTimeout)} against fetch with a timeout, ${spread(ratios.fetch)} against bare fetch.`,
    });
    row(4, {
      label: 'the same vs bare `fetch` (no signal)',
      value: perCall(ours),
      baseline: `bare \`fetch\` ${perCall(bare)}`,
      ratio: median(ratios.fetch),
      target: '—',
      met: null,
    });

    // Token-source cache hits: detected at run time, so the row fills itself in once createTokenSource exists.
    if (typeof generated.createTokenSource !== 'function') {
      row(4, {
        label: 'token-source cache hits',
        value: 'not available',
        baseline: '`createTokenSource` is not exported by generated/index.ts',
        ratio: NaN,
        target: '—',
        met: null,
      });
    } else {
      const source = generated.createTokenSource(client, { grant: 'client_credentials', scope });
      await source.getAccessToken();
      const requestsBefore = (await ask('count', 'count')).requests;
      const settled = Promise.resolve('token');
      const rate = async (hit) => {
        let hits = 0;
        const start = process.hrtime.bigint();
        let elapsed = 0;
        do {
          for (let i = 0; i < 100_000; i += 1) await hit();
          hits += 100_000;
          elapsed = Number(process.hrtime.bigint() - start) / 1e9;
        } while (elapsed < 0.25);
        return { perSecond: hits / elapsed };
      };
      const hitSamples = { source: [], settledPromise: [] };
      await rate(() => source.getAccessToken());
      await rate(() => settled);
      for (let i = 0; i < FAST_RUNS; i += 1) {
        hitSamples.source.push(await rate(() => source.getAccessToken()));
        hitSamples.settledPromise.push(await rate(() => settled));
      }
      const requestsAfter = (await ask('count', 'count')).requests;
      raw['4-cache-hits'] = {
        samples: hitSamples,
        summary: summarize(hitSamples),
        requestsDuringHits: requestsAfter - requestsBefore,
      };
      if (requestsAfter !== requestsBefore)
        throw new Error(`cache hits made ${requestsAfter - requestsBefore} token requests`);
      const [ours, floor] = [hitSamples.source, hitSamples.settledPromise].map((s) =>
        median(s.map((x) => x.perSecond)),
      );
      row(4, {
        label: 'token-source cache hits (`await getAccessToken()`)',
        value: `${(ours / 1e6).toFixed(1)} M/s`,
        baseline: `\`await\` of a settled promise ${(floor / 1e6).toFixed(1)} M/s`,
        ratio: floor / ours,
        target: '— (no request per hit: checked)',
        met: null,
      });
    }
  } finally {
    server.send('close');
    await new Promise((resolveExit) => (server.exitCode !== null ? resolveExit() : server.once('exit', resolveExit)));
  }
});

// ── 5. Bundle size ───────────────────────────────────────────────────────────────────────────────────────────────
let breakdown;
await section(5, 'bundle size', async () => {
  const apps = [
    {
      key: 'tokenClientOnly',
      label: 'app importing only `createTokenClient`',
      contents:
        "import { createTokenClient } from './index.js';\n\nconst client = createTokenClient({ clientId: 'app', clientSecret: 'secret' });\nconsole.log(await client.clientCredentials({ scope: 'bensoft_api' }));\n",
      target: 3 * 1024,
    },
    { key: 'everything', label: 'app importing everything (`export *`)', contents: "export * from './index.js';\n" },
  ];
  for (const app of apps) {
    const result = await build({
      stdin: {
        contents: app.contents,
        resolveDir: join(ROOT, 'generated'),
        sourcefile: `bench-app-${app.key}.ts`,
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      sourcemap: 'external',
      sourcesContent: true,
      outfile: join(work, `${app.key}.js`),
      absWorkingDir: ROOT,
      logLevel: 'silent',
    });
    const code = result.outputFiles.find((file) => file.path.endsWith('.js'));
    const map = JSON.parse(result.outputFiles.find((file) => file.path.endsWith('.js.map')).text);
    map.sources = map.sources.map((source) => relative(ROOT, resolve(work, source)));
    const minified = code.contents.length;
    const gzip = gzipSize(code.contents);
    const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.js'))[1];
    const files = Object.fromEntries(Object.entries(output.inputs).map(([file, info]) => [file, info.bytesInOutput]));
    const declarations = attributeBytes(code.text, map);
    raw[`5-bundle-${app.key}`] = { minified, gzip, bytesInOutputByFile: files, bytesByDeclaration: declarations };
    if (app.key === 'tokenClientOnly') breakdown = { minified, declarations, files };
    row(5, {
      label: `bundle: ${app.label}`,
      value: `${fmtBytes(gzip)} min+gz`,
      baseline: `${fmtBytes(minified)} minified`,
      ratio: NaN,
      target: app.target ? `≤ ${app.target / 1024} KiB min+gz` : '—',
      met: app.target ? gzip <= app.target : null,
    });
  }
});

// ── 5b. Added size of each OAuth capability ─────────────────────────────────────────────────────────────────────────
// Issue 13: "the bench lists the added size of each capability when imported". The output of
// test/fixtures/oauth/all-capabilities.yaml (every capability declared) is generated into the work folder; each app
// uses createTokenClient as row 5's does and also references the capability, so the figure is what importing it adds
// to an app that already has the token client (shared error classes and HTTP core counted once).
await section(5, 'bundle size per OAuth capability', async () => {
  const dir = join(work, 'all-capabilities');
  runNode([CLI, 'generate', '--input', 'test/fixtures/oauth/all-capabilities.yaml', '--output', dir]);
  const tokenClientApp =
    "const client = createTokenClient({ clientId: 'app', clientSecret: 'secret' });\nconsole.log(await client.clientCredentials());\n";
  const gzipOf = async (names) => {
    const contents = `import { ${['createTokenClient', ...names].join(', ')} } from './index.js';\n${tokenClientApp}${
      names.length ? `console.log(${names.join(', ')});\n` : ''
    }`;
    return gzipSize(await bundleApp(contents, dir));
  };
  const base = await gzipOf([]);
  const capabilities = [
    ['JWT client authentication (RFC 7523)', ['privateKeyJwt']],
    ['client_secret_jwt (RFC 7523, HS256)', ['clientSecretJwt']],
    ['DPoP (RFC 9449)', ['createDPoP']],
    [
      'authorization request + callback (RFC 6749 §4.1, 9207)',
      ['buildAuthorizationRequest', 'parseAuthorizationResponse'],
    ],
    ['PKCE (RFC 7636)', ['createPkce']],
    ['revocation (RFC 7009)', ['revokeTokens']],
    ['introspection (RFC 7662)', ['introspectToken']],
    ['device authorization (RFC 8628)', ['requestDeviceAuthorization', 'pollDeviceAuthorization']],
    ['discovery (RFC 8414)', ['discoverAuthorizationServer']],
    ['token source', ['createTokenSource', 'authorizedFetch']],
  ];
  const added = {};
  for (const [label, names] of capabilities) {
    const gzip = await gzipOf(names);
    added[names.join('+')] = gzip - base;
    row(5, {
      label: `bundle: + ${label} (\`${names.join('`, `')}\`)`,
      value: `+${fmtBytes(gzip - base)} min+gz`,
      baseline: `createTokenClient app ${fmtBytes(base)}`,
      ratio: NaN,
      target: '—',
      met: null,
    });
  }
  raw['5-bundle-capabilities'] = { tokenClientApp: base, added };
});

// ── 6. diff on a GitHub major version pair ───────────────────────────────────────────────────────────────────────
// GitHub's REST description, 22.0.0 → 23.0.2 (11-13 MB each), from the cache scripts/github-openapi.mjs fills; the
// row is skipped, with the reason printed, when it is absent (the bench never downloads). Baseline in the same run:
// `node` reading and JSON-parsing both files, the least any diff must do. Before the budget was removed (commit
// ccb357a, which stopped comparing schemas after 20,000 pairs, ~350 of 1,070 operations) the diff took 13.5 s CPU
// and 516 MB on this machine; the issue's target is at most 1.5× that, now with every operation compared.
const GITHUB_PAIR = ['22.0.0', '23.0.2'].map((version) =>
  join(
    process.env.GITHUB_OPENAPI_CACHE ?? join(ROOT, 'node_modules/.cache/github-openapi'),
    version,
    'api.github.com.json',
  ),
);
const BEFORE = { cpuSeconds: 13.5, rssMb: 516 };
/** Runs `node <args>` under /usr/bin/time for wall, user+system CPU and peak RSS. */
function runTimed(nodeArgs, expectStatuses) {
  const out = join(work, 'time.txt');
  const start = process.hrtime.bigint();
  const result = spawnSync(TIME, ['-f', '%U %S %M', '-o', out, process.execPath, ...nodeArgs], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!expectStatuses.includes(result.status))
    throw new Error(`node ${nodeArgs.join(' ')} exited ${result.status}: ${result.stderr.trim().slice(-400)}`);
  const [user, system, rssKb] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms, cpuMs: (user + system) * 1000, rssKb };
}
await section(6, 'diff, GitHub REST 22.0.0 → 23.0.2', () => {
  const missing = GITHUB_PAIR.find((path) => !existsSync(path));
  if (missing || !TIME) {
    const reason = missing
      ? `skipped: ${relative(ROOT, missing)} is absent (run \`node scripts/github-openapi.mjs 22.0.0 23.0.2\` first)`
      : 'skipped: needs /usr/bin/time for CPU time';
    console.error(`bench: row 6 ${reason}`);
    row(6, {
      label: 'diff, GitHub REST 22.0.0 → 23.0.2',
      value: 'skipped',
      baseline: '',
      ratio: NaN,
      target: '',
      met: null,
      note: reason,
    });
    return;
  }
  const samples = alternate(
    'githubDiff',
    { runs: LARGE_RUNS, warmups: LARGE_WARMUPS },
    {
      diff: { run: () => runTimed([CLI, 'diff', ...GITHUB_PAIR, '--format', 'json', '--today', '2026-11-30'], [0, 1]) },
      parse: {
        run: () =>
          runTimed(
            [
              '-e',
              'for (const f of process.argv.slice(1)) JSON.parse(require("fs").readFileSync(f, "utf8"))',
              ...GITHUB_PAIR,
            ],
            [0],
          ),
      },
    },
  );
  const m = (key, field) => median(samples[key].map((sample) => sample[field]));
  const cpu = m('diff', 'cpuMs') / 1000;
  const rssMb = m('diff', 'rssKb') / 1024;
  row(6, {
    label: 'diff, GitHub REST 22.0.0 → 23.0.2 (wall / CPU / peak RSS)',
    value: `${(m('diff', 'ms') / 1000).toFixed(1)} s / ${cpu.toFixed(1)} s / ${rssMb.toFixed(0)} MB`,
    baseline: `parse only: ${(m('parse', 'ms') / 1000).toFixed(1)} s / ${(m('parse', 'cpuMs') / 1000).toFixed(1)} s / ${(m('parse', 'rssKb') / 1024).toFixed(0)} MB`,
    ratio: m('diff', 'cpuMs') / m('parse', 'cpuMs'),
    target: `CPU ≤ ${(BEFORE.cpuSeconds * 1.5).toFixed(1)} s, RSS ≤ ${(BEFORE.rssMb * 1.5).toFixed(0)} MB (1.5× before)`,
    met: cpu <= BEFORE.cpuSeconds * 1.5 && rssMb <= BEFORE.rssMb * 1.5,
    note: `CPU ${(cpu / BEFORE.cpuSeconds).toFixed(2)}× and RSS ${(rssMb / BEFORE.rssMb).toFixed(2)}× the figures before every operation was compared (${BEFORE.cpuSeconds} s, ${BEFORE.rssMb} MB at ccb357a); ratio column = CPU / parse-only CPU.`,
  });
});

// ── 7. Cold generate of GitHub's REST description vs the openapi-typescript CLI ──────────────────────────────────
// The newer file of row 6's pair (23.0.2, ~11 MB JSON, ~1,070 operations). We emit strictly more than
// openapi-typescript does here: operations.ts (one function per operation) and the test kit (testing.ts with a mock
// sample per operation); docs/performance.md gives their share. Skipped, with the reason, when not cached.
await section(7, 'cold generate, GitHub REST 23.0.2', () => {
  const input = GITHUB_PAIR[1];
  const label = 'cold `generate`, GitHub REST 23.0.2';
  if (!existsSync(input)) {
    const reason = `skipped: ${relative(ROOT, input)} is absent (run \`node scripts/github-openapi.mjs 22.0.0 23.0.2\` first)`;
    console.error(`bench: row 7 ${reason}`);
    row(7, { label, value: 'skipped', baseline: '', ratio: NaN, target: '', met: null, note: reason });
    return;
  }
  const out = outputFolder('github');
  const otsOut = join(work, 'ots-github.ts');
  const samples = alternate(
    '7-github-generate',
    { runs: LARGE_RUNS, warmups: LARGE_WARMUPS },
    {
      generate: {
        setup: () => rmSync(out, { recursive: true, force: true }),
        run: () => runNode(generateArgs(input, out)),
      },
      openapiTypescript: { setup: () => rmSync(otsOut, { force: true }), run: () => runNode(otsArgs(input, otsOut)) },
    },
  );
  for (const [field, what, fmt, target] of [
    ['ms', 'wall', fmtMs, 1.15],
    ['cpuMs', 'user+system CPU', fmtMs, undefined],
    ['rssKb', 'peak RSS', fmtMb, 1.15],
  ]) {
    const [ours, theirs] = [samples.generate, samples.openapiTypescript].map((s) => median(s.map((x) => x[field])));
    row(7, {
      label: `${label}: ${what}`,
      value: fmt(ours),
      baseline: `openapi-typescript CLI ${fmt(theirs)}`,
      ratio: ours / theirs,
      target: target ? `≤ ${target}×` : '—',
      met: target ? ours / theirs <= target : null,
    });
  }
});

rmSync(work, { recursive: true, force: true });

// ── Report ───────────────────────────────────────────────────────────────────────────────────────────────────────
const git = (...gitArgs) => spawnSync('git', gitArgs, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim();
const machine = {
  date: startedAt.toISOString(),
  durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
  os: `${process.platform} ${release()} ${process.arch}`,
  node: process.version,
  loadAverageAtStart,
  loadAverageAtEnd: loadavg(),
  commit: git('rev-parse', '--short', 'HEAD'),
  // Other work in the checkout at the time (generated/ and templates/ feed rows 4 and 5).
  uncommittedFiles: (git('status', '--porcelain') ?? '').split('\n').filter(Boolean),
  openapiTypescript: JSON.parse(readFileSync(join(ROOT, 'node_modules/openapi-typescript/package.json'), 'utf8'))
    .version,
  esbuild: esbuildVersion,
  peakRssMethod: RSS_METHOD,
  runs: {
    fast: FAST_RUNS,
    fastWarmups: FAST_WARMUPS,
    client: CLIENT_RUNS,
    large: LARGE_RUNS,
    largeWarmups: LARGE_WARMUPS,
    quick: QUICK,
  },
  busyProcesses: BUSY,
};

const header = ['#', 'benchmark', 'wealthcare-codegen (median)', 'baseline (median)', 'ratio', 'target', 'met', 'load'];
const lines = rows.map((r) => [
  String(r.id),
  r.label,
  r.value,
  r.baseline,
  Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '',
  r.target,
  r.met === null ? '—' : r.met ? '✓' : '✗',
  `${r.load.toFixed(2)}${r.load > 1 ? ' ⚠' : ''}`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const print = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
const table = [print(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...lines.map(print)].join('\n');
console.log(table);
for (const r of rows.filter((r) => r.note)) console.log(`\nrow ${r.id} (${r.label}): ${r.note}`);
if (BUSY)
  console.log(
    `\nMeasured with ${BUSY} CPU-bound process(es) running beside the bench the whole time (--busy ${BUSY}): the load column counts them.`,
  );
const busyRows = rows.filter((r) => r.load > 1);
if (busyRows.length > 0 && !BUSY)
  console.log(
    `\nWarning: ${busyRows.length} of ${rows.length} rows were measured at a 1-minute load average above 1 (⚠ in the load column): another process used the second core, so wall times are inflated and the models worker cannot run beside the main thread; ratios, measured alternately, hold up better than absolute times.`,
  );
console.log(
  `\n${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; ${machine.date}, ${machine.durationSeconds} s.` +
    `\nRuns per contender: ${FAST_RUNS} (rows 1, 2; ${FAST_WARMUPS} warm-up), ${CLIENT_RUNS} × ${CALLS} calls (row 4; ${FAST_WARMUPS} warm-up), ${LARGE_RUNS} (rows 3, 6, 7; ${LARGE_WARMUPS} warm-up); ratio = ours / baseline (row 2: / the openapi-typescript CLI of row 1; row 4: median of the per-round ratios).` +
    `\nPeak RSS: ${RSS_METHOD}.${toolChangedRuns ? ` ${toolChangedRuns} run(s) repeated because generator/, dist/ or templates/ changed during them (concurrent edits).` : ''}` +
    `\nLoad average (1 min) ${loadAverageAtStart[0].toFixed(2)} at start, ${machine.loadAverageAtEnd[0].toFixed(2)} at end.`,
);
if (Math.max(loadAverageAtStart[0], machine.loadAverageAtEnd[0]) > machine.cpus / 2) {
  console.log(
    `Warning: the machine was busy (load average above ${machine.cpus / 2} on ${machine.cpus} CPUs): absolute times are inflated and vary more; ratios, measured alternately, hold up better. See min/max in the JSON.`,
  );
}
if (breakdown) {
  console.log(
    `\nWhere the bytes of the \`createTokenClient\` app go (${breakdown.minified} B minified, by source file and top-level declaration):`,
  );
  for (const { source, declaration, bytes } of breakdown.declarations.slice(0, 12)) {
    console.log(
      `  ${String(bytes).padStart(5)} B ${((bytes / breakdown.minified) * 100).toFixed(1).padStart(5)}%  ${source} ${declaration}`,
    );
  }
}
const results = join(ROOT, 'bench/results');
mkdirSync(results, { recursive: true });
const report = `${JSON.stringify({ machine, rows, table, raw }, null, 2)}\n`;
const file = join(results, `${machine.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, report);
writeFileSync(join(results, 'latest.json'), report);
console.log(`\nRaw figures: ${relative(ROOT, file)} (and bench/results/latest.json).`);
process.exitCode = unmeasured > 0 ? 1 : 0;
