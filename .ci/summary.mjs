// Prints the plain closing line CI reads ("N passed, N failed, N skipped"), and fails the
// run if a kernel test was skipped: under CI they must run.
import { readFileSync } from 'node:fs';

const r = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const skippedKernel = r.testResults
  .filter((f) => f.name.includes('/test/kernel/'))
  .flatMap((f) => f.assertionResults.filter((a) => a.status === 'skipped' || a.status === 'pending').map((a) => `${f.name}: ${a.fullName}`));
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
if (skippedKernel.length > 0) {
  console.error(`kernel tests were skipped under CI:\n${skippedKernel.join('\n')}`);
  process.exit(1);
}
process.exit(r.success ? 0 : 1);
