// Prints the plain closing line CI reads ("N passed, N failed, N skipped"), and fails the
// run if a kernel test was skipped: under CI they must run.
import { readFileSync } from 'node:fs';

// One results file per vitest run (npm test runs the root-namespace project separately).
const runs = process.argv.slice(2).map((file) => JSON.parse(readFileSync(file, 'utf8')));
const sum = (key) => runs.reduce((n, run) => n + run[key], 0);
const r = {
  testResults: runs.flatMap((run) => run.testResults),
  numPassedTests: sum('numPassedTests'),
  numFailedTests: sum('numFailedTests'),
  numPendingTests: sum('numPendingTests'),
  numTodoTests: sum('numTodoTests'),
  success: runs.length > 0 && runs.every((run) => run.success),
};
const skippedKernel = r.testResults
  .filter((f) => f.name.includes('/test/kernel/') || f.name.includes('/test/root/') || f.name.includes('/test/real/'))
  .flatMap((f) => f.assertionResults.filter((a) => a.status === 'skipped' || a.status === 'pending').map((a) => `${f.name}: ${a.fullName}`));
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
if (skippedKernel.length > 0) {
  console.error(`kernel tests were skipped under CI:\n${skippedKernel.join('\n')}`);
  process.exit(1);
}
process.exit(r.success ? 0 : 1);
