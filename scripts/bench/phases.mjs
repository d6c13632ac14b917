#!/usr/bin/env node
// Where a cold `generate` spends its time: runs the pipeline's stages one by one from dist/ (run `npm run build`
// first) and times each, in a fresh process, without writing anything into the repository.
//   node scripts/bench/phases.mjs [document] [--runs N] [--no-format]
// Not part of `npm run bench`'s table: a diagnostic for when a row misses its target. It mirrors generator/generate.ts
// stage by stage, so it follows the internal API of dist/ and may need adjusting when that changes.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
// --no-format: skip the prettier lines (what a run without a prettier config does; minutes on GitHub's description).
const FORMAT = !args.includes('--no-format');
const input = resolve(
  args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs') ??
    join(ROOT, 'spec/wealthcare-access.openapi.yaml'),
);
const dist = (path) => pathToFileURL(join(ROOT, 'dist', path)).href;

const timings = [];
/** Times one phase. Phases with `counted: false` repeat work timed elsewhere and stay out of the total. */
const t = async (phase, fn, { counted = true } = {}) => {
  const start = performance.now();
  const value = await fn();
  timings.push({ phase, ms: performance.now() - start, counted, peakRssMiB: process.resourceUsage().maxRSS / 1024 });
  return value;
};

// 1. Module loading, heaviest dependency first-come: each import is timed on its own, so what is shared is
//    charged to whichever loads it first (the order below is the pipeline's order).
await t('import @redocly/openapi-core', () => import('@redocly/openapi-core'));
// As the generator loads them: openapi-typescript (and so typescript) through require (see emit/schema-types.ts);
// ts-morph in a worker thread, in parallel (emit/models-job.ts), so its line is not on a cold run's critical path.
await t('require openapi-typescript (+ its typescript)', () =>
  createRequire(join(ROOT, 'package.json'))('openapi-typescript'),
);
await t('require ts-morph (in a worker thread during a real run, started before load)', () =>
  createRequire(join(ROOT, 'package.json'))('ts-morph'),
);
const prettier = await t('import prettier', () => import('prettier'));
await t('prettier: load its typescript plugin (format a one-line file)', () =>
  prettier.format('const a = 1;\n', { parser: 'typescript' }),
);
await t('import yargs (not loaded for a plain generate; help, other commands, usage errors)', () => import('yargs'), {
  counted: false,
});
await t('import handlebars', () => import('handlebars'));
await t('import diff', () => import('diff'));
const { loadDocument } = await t('import dist/ pipeline modules', () => import(dist('load/load.js')));
const { analyze } = await import(dist('analyze/analyze.js'));
const { emitSchemaTypes } = await import(dist('emit/schema-types.js'));
const { emit } = await import(dist('emit/emit.js'));
const { renderTemplate } = await import(dist('emit/templates.js'));
const { testingView } = await import(dist('emit/testing.js'));
const { operationsView } = await import(dist('emit/operations.js'));
const { formatFiles } = await import(dist('write/format.js'));
const { compareWithDisk, writeChanged } = await import(dist('write/write.js'));
await import(dist('generate.js'));

const work = mkdtempSync(join(tmpdir(), 'wcg-phases-'));
try {
  for (let run = 1; run <= runs; run += 1) {
    const suffix = runs > 1 ? ` (run ${run})` : '';
    const output = join(work, `out-${run}`);
    const loaded = await t(`load: read, parse, lint, bundle${suffix}`, () =>
      loadDocument(relative(process.cwd(), input), { cwd: process.cwd() }),
    );
    const ir = await t(`analyze${suffix}`, () => analyze(loaded));
    await t(`(part of the next line) schema.ts via openapi-typescript${suffix}`, () => emitSchemaTypes(loaded), {
      counted: false,
    });
    const files = await t(
      `emit: everything (schema.ts again; models.ts in a worker thread, which loads ts-morph anew; templates)${suffix}`,
      () => emit(loaded, ir),
    );
    // What the test kit and the operations add (both in the line above): rendered again on their own, warm.
    if (files.has('testing.ts'))
      await t(
        `(part of emit, again, warm) testing.ts: testingView + template${suffix}`,
        () => renderTemplate('testing', testingView(ir, ir.tokenEndpoints[0])),
        { counted: false },
      );
    if (files.has('operations.ts'))
      await t(
        `(part of emit, again, warm) operations.ts: operationsView + template${suffix}`,
        () => renderTemplate('operations', operationsView(ir)),
        { counted: false },
      );
    const totalBytes = [...files.values()].reduce((n, text) => n + text.length, 0);
    for (const [name, text] of files)
      console.log(
        `output ${name}: ${(text.length / 1024).toFixed(0)} KiB, ${((text.length / totalBytes) * 100).toFixed(1)}% of ${(totalBytes / 1024).toFixed(0)} KiB${suffix}`,
      );
    // Each file once on its own (the first, cold pass is what a run of `generate` pays), then all of them again
    // through the generator's own formatFiles (warm, and so not counted).
    for (const [name, text] of FORMAT ? files : []) {
      await t(
        `format (only with a prettier config or --prettier always): prettier, ${name} (${(text.length / 1024).toFixed(0)} KiB)${suffix}`,
        () => prettier.format(text, { filepath: join(output, name), parser: 'typescript' }),
      );
    }
    const formatted = await t(
      `(again, warm) formatFiles on all ${files.size} files${suffix}`,
      () => formatFiles(files, output, FORMAT ? 'always' : 'never'),
      { counted: false },
    );
    await t(`snapshot: JSON.stringify of the bundled document${suffix}`, () =>
      formatted.set('.snapshot.json', `${JSON.stringify(loaded.document, null, 2)}\n`),
    );
    await t(`write: compare with disk + atomic writes${suffix}`, async () =>
      writeChanged(output, await compareWithDisk(output, formatted, [])),
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const total = timings.filter((x) => x.counted).reduce((n, x) => n + x.ms, 0);
console.log(
  `${relative(process.cwd(), input)} — Node ${process.version}, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
console.log('   time   peak RSS so far');
for (const { phase, ms, counted, peakRssMiB } of timings)
  console.log(
    `${ms.toFixed(0).padStart(7)} ms ${peakRssMiB.toFixed(0).padStart(5)} MiB  ${counted ? '' : '  '}${phase}`,
  );
console.log(`${total.toFixed(0).padStart(7)} ms  total (without the indented lines, which repeat work)`);
