#!/usr/bin/env node
// `npm run bench`: wealthcare-codegen side by side with its baselines, on this machine, in one run.
// Alternating A/B runs after a warm-up; medians and ratios printed as a table with each target and whether it is
// met; every raw figure saved to bench/results/<timestamp>.json and bench/results/latest.json.
// `--quick` makes fewer runs. Nothing here is asserted by the test suite: speed is measured, never tested.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 3 : 7;
const LARGE_RUNS = QUICK ? 1 : 3;
const SPEC = join(ROOT, 'spec/wealthcare-access.openapi.yaml');
const OPENAI = resolve(ROOT, '../shared/corpus/openai.yaml');
const CLI = join(ROOT, 'bin/wealthcare-codegen.js');
const OTS = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
const RSS = join(ROOT, 'scripts/bench/report-rss.mjs');
const work = mkdtempSync(join(tmpdir(), 'wcg-bench-'));
const raw = {};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Runs a command, returns wall time (ms) and peak RSS (KiB). Throws on a non-zero exit. */
function timed(args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', RSS, ...args], { cwd: options.cwd ?? ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-500)}`);
  const rss = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(result.stderr)?.[1] ?? NaN);
  return { ms, rssKb: rss };
}

/** Alternating A/B measurement after one warm-up of each. */
function alternate(name, runs, a, b) {
  a.setup?.();
  b.setup?.();
  a.run();
  b.run();
  const samples = { a: [], b: [] };
  for (let i = 0; i < runs; i += 1) {
    a.setup?.();
    samples.a.push(a.run());
    b.setup?.();
    samples.b.push(b.run());
  }
  raw[name] = samples;
  return samples;
}

const rows = [];
function row(label, value, baseline, ratio, target, met, note = '') {
  rows.push({ label, value, baseline, ratio, target, met, note });
}
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

// 1. Cold generate of the WealthCare document vs the openapi-typescript CLI alone.
{
  const out = join(work, 'cold');
  const samples = alternate('cold-generate', RUNS,
    { setup: () => rmSync(out, { recursive: true, force: true }), run: () => timed([CLI, 'generate', '-i', SPEC, '-o', out]).ms },
    { run: () => timed([OTS, SPEC, '-o', join(work, 'ots.ts')]).ms });
  const ours = median(samples.a);
  const theirs = median(samples.b);
  raw.otsWealthcareMs = theirs;
  row('1. cold generate (WealthCare)', fmtMs(ours), `openapi-typescript CLI ${fmtMs(theirs)}`, ours / theirs, '≤ 1.2×', ours / theirs <= 1.2);
}

// 2. generate and generate --check when nothing changed, vs node -e 0 (and as a ratio of the openapi-typescript CLI).
{
  const out = join(work, 'fresh');
  timed([CLI, 'generate', '-i', SPEC, '-o', out]);
  for (const [name, args] of [['no-op generate', [CLI, 'generate', '-i', SPEC, '-o', out]], ['no-op generate --check', [CLI, 'generate', '--check', '-i', SPEC, '-o', out]]]) {
    const samples = alternate(name, RUNS, { run: () => timed(args).ms }, { run: () => timed(['-e', '0']).ms });
    const ours = median(samples.a);
    const ratio = ours / raw.otsWealthcareMs;
    row(`2. ${name}`, fmtMs(ours), `node -e 0 ${fmtMs(median(samples.b))}`, ratio, '≤ 0.2× openapi-typescript', ratio <= 0.2);
  }
}

// 3. The largest corpus document: wall time and peak RSS vs the openapi-typescript CLI.
if (existsSync(OPENAI)) {
  const out = join(work, 'openai');
  const ours = [];
  const theirs = [];
  for (let i = 0; i < LARGE_RUNS; i += 1) {
    rmSync(out, { recursive: true, force: true });
    ours.push(timed([CLI, 'generate', '-i', OPENAI, '-o', out]));
    theirs.push(timed([OTS, OPENAI, '-o', join(work, 'openai-ots.ts')]));
  }
  raw['openai'] = { ours, theirs };
  const wall = median(ours.map((r) => r.ms)) / median(theirs.map((r) => r.ms));
  const rss = median(ours.map((r) => r.rssKb)) / median(theirs.map((r) => r.rssKb));
  row('3. openai.yaml wall time', fmtMs(median(ours.map((r) => r.ms))), `openapi-typescript CLI ${fmtMs(median(theirs.map((r) => r.ms)))}`, wall, '≤ 1.3×', wall <= 1.3);
  row('3. openai.yaml peak RSS', `${(median(ours.map((r) => r.rssKb)) / 1024).toFixed(0)} MB`, `openapi-typescript CLI ${(median(theirs.map((r) => r.rssKb)) / 1024).toFixed(0)} MB`, rss, '≤ 1.3×', rss <= 1.3);
} else {
  row('3. openai.yaml', 'not available', `${OPENAI} missing`, NaN, '≤ 1.3×', false);
}

// 4. 1000 sequential clientCredentials() vs raw fetch of the same request to the same loopback server;
//    and token-source cache hits per second.
{
  const bundle = join(work, 'client.mjs');
  await build({ entryPoints: [join(ROOT, 'generated/index.ts')], bundle: true, format: 'esm', platform: 'neutral', outfile: bundle, logLevel: 'silent' });
  const generated = await import(bundle);
  const body = JSON.stringify({ access_token: 'a'.repeat(40), token_type: 'Bearer', expires_in: 3600 });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  const client = generated.createTokenClient({ clientId: 'bench-client', clientSecret: 'bench-secret', baseUrl });
  const N = 1000;
  const viaClient = async () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i += 1) await client.clientCredentials({ scope: 'bensoft_api mbi_api' });
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const viaFetch = async () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i += 1) {
      const form = new URLSearchParams({ grant_type: 'client_credentials', scope: 'bensoft_api mbi_api', client_id: 'bench-client', client_secret: 'bench-secret' });
      const response = await fetch(`${baseUrl}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() });
      await response.json();
    }
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  await viaClient();
  await viaFetch();
  const samples = { a: [], b: [] };
  for (let i = 0; i < Math.max(3, RUNS - 2); i += 1) {
    samples.a.push(await viaClient());
    samples.b.push(await viaFetch());
  }
  raw['1000-client-credentials'] = samples;
  const ratio = median(samples.a) / median(samples.b);
  row('4. 1000 × clientCredentials()', fmtMs(median(samples.a)), `raw fetch ${fmtMs(median(samples.b))}`, ratio, '≤ 1.05×', ratio <= 1.05);

  if (typeof generated.createTokenSource === 'function') {
    const source = generated.createTokenSource(client, { grant: 'client_credentials' });
    await source.getAccessToken();
    const hits = 1_000_000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < hits; i += 1) await source.getAccessToken();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    raw['cache-hits-per-second'] = hits / seconds;
    const first = source.getAccessToken();
    row('4. token-source cache hits', `${(hits / seconds / 1e6).toFixed(1)} M/s`, 'same promise per hit', NaN, 'no allocation per hit', first === source.getAccessToken(), 'a hit returns the cached promise itself');
  } else {
    row('4. token-source cache hits', 'not available', 'createTokenSource is not generated', NaN, '—', false);
  }
  await new Promise((r) => server.close(r));
}

// 5. Bundle size (esbuild, minified, then gzip -9).
{
  const apps = {
    'token client only': "import { createTokenClient } from './generated/index.ts';\nconst c = createTokenClient({ clientId: 'a', clientSecret: 'b' });\nconsole.log(await c.clientCredentials({ scope: 'x' }));\n",
    everything: "export * from './generated/index.ts';\n",
  };
  for (const [name, source] of Object.entries(apps)) {
    const entry = join(ROOT, `.bench-entry-${name.replace(/\W+/g, '-')}.ts`);
    writeFileSync(entry, source);
    try {
      const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'neutral', write: false, metafile: true, logLevel: 'silent' });
      const bytes = result.outputFiles[0].contents;
      const gz = gzipSync(bytes, { level: 9 }).length;
      raw[`bundle-${name}`] = { minified: bytes.length, gzip: gz, inputs: Object.fromEntries(Object.entries(Object.values(result.metafile.outputs)[0].inputs).map(([k, v]) => [k, v.bytesInOutput])) };
      const isTarget = name === 'token client only';
      row(`5. bundle: ${name}`, `${(gz / 1024).toFixed(2)} KB gz`, `${(bytes.length / 1024).toFixed(1)} KB min`, NaN, isTarget ? '≤ 3 KB min+gz' : '—', isTarget ? gz <= 3 * 1024 : true);
    } finally {
      rmSync(entry, { force: true });
    }
  }
}

rmSync(work, { recursive: true, force: true });

const header = ['benchmark', 'ours', 'baseline', 'ratio', 'target', 'met'];
const lines = rows.map((r) => [r.label, r.value, r.baseline, Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '', r.target, r.met ? '✓' : '✗']);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const print = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(print(header));
console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const line of lines) console.log(print(line));
const machine = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, runs: RUNS, quick: QUICK };
console.log(`\n${machine.cpus} × ${machine.cpu}, Node ${machine.node}, ${RUNS} runs per row (medians), ${machine.date}`);
const results = join(ROOT, 'bench/results');
mkdirSync(results, { recursive: true });
const report = JSON.stringify({ machine, rows, raw }, null, 2);
writeFileSync(join(results, `${machine.date.replace(/[:.]/g, '-')}.json`), report);
writeFileSync(join(results, 'latest.json'), report);
