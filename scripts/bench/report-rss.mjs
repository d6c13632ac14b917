// Preloaded with `node --import` by the benchmark when GNU time is missing: reports the process's peak RSS (KiB) and
// its user+system CPU time (µs, all threads) on exit, on stderr, as `BENCH_MAX_RSS_KB=<n>` and `BENCH_CPU_US=<n>`, so
// that any CLI (ours or openapi-typescript's) can be measured the same way.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nBENCH_MAX_RSS_KB=${usage.maxRSS}\nBENCH_CPU_US=${usage.userCPUTime + usage.systemCPUTime}\n`);
});
