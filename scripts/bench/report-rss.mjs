// Preloaded with `node --import` by the benchmark: reports the process's peak RSS (KiB) on exit, on stderr,
// as `BENCH_MAX_RSS_KB=<n>`, so that any CLI (ours or openapi-typescript's) can be measured the same way.
process.on('exit', () => {
  process.stderr.write(`\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
