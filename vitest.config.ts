import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Three projects: pure unit tests; kernel tests that build real namespaces (files run side by
// side, two at a time, each with lab names of its own, and assert the root namespace never
// changes; tests within a file one after another); and root-namespace-mode tests, which do
// change it and so run on their own, after the others (`npm test` runs them in a second vitest
// invocation).
// Every project: the labs reach the CLI the way bin/nslab.ts hands them in.
// NSLAB_TEST_RESULTS (CI sets it): a directory where each run also writes its results as JSON,
// for the summary CI prints.
const setupFiles = ['test/use-labs.ts'];
const kernelLike = { setupFiles, testTimeout: 300_000, hookTimeout: 120_000, maxConcurrency: 1 };
const results = process.env.NSLAB_TEST_RESULTS;

export default defineConfig({
  test: {
    ...(results ? { reporters: ['default', ['json', { outputFile: join(results, `results-${process.pid}.json`) }]] } : {}),
    projects: [
      // Projects with their own worker counts run one group after another: unit, then kernel.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], setupFiles, sequence: { groupOrder: 0 } } },
      // Two files at once on two cores: most of a kernel test is waiting on the kernel and on
      // the processes it starts, and vitest's default (cores - 1) runs them one at a time.
      { test: { name: 'kernel', include: ['test/kernel/**/*.test.ts'], ...kernelLike, maxWorkers: 2, sequence: { groupOrder: 1 } } },
      { test: { name: 'root', include: ['test/root/**/*.test.ts'], ...kernelLike, fileParallelism: false } },
      // The differential suite against real dockerds (`npm run test:real`): it builds their
      // Debian roots once from the archive, so it runs where the archive is reachable.
      { test: { name: 'real', include: ['test/real/**/*.test.ts'], ...kernelLike, fileParallelism: false } },
    ],
  },
});
