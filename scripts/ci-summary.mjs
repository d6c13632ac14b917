// Prints vitest's counts from its JSON report, plus one item per other CI check, as the plain line
// `N passed, N failed[, N skipped]`.
// Usage: node scripts/ci-summary.mjs <vitest-report.json> [<name>=<exit status> ...]
// Exits 1 when the report is missing, reports failures, counts no test at all, or any check's status is not 0.
import { readFileSync } from 'node:fs';

const [file, ...checkArgs] = process.argv.slice(2);
const checks = checkArgs.map((arg) => {
  const at = arg.lastIndexOf('=');
  const status = at !== -1 && /^\d+$/.test(arg.slice(at + 1)) ? Number(arg.slice(at + 1)) : NaN;
  // A malformed argument is a failed check: the summary must never pass by mistake.
  return { name: at === -1 ? arg : arg.slice(0, at), ok: status === 0 };
});
const failedChecks = checks.filter((check) => !check.ok);
const passedChecks = checks.length - failedChecks.length;
for (const check of failedChecks) console.log(`Failed check: ${check.name}`);

let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log(`No vitest report at ${file}.`);
  console.log(`${passedChecks} passed, ${failedChecks.length + 1} failed`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A suite that failed to load counts no tests; count it as a failure so it cannot pass unnoticed.
const brokenSuites = (report.testResults ?? []).filter(
  (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
).length;
const totalFailed = failed + brokenSuites + failedChecks.length;
console.log(`${passed + passedChecks} passed, ${totalFailed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(totalFailed > 0 || passed === 0 ? 1 : 0);
