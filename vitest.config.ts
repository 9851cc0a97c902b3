import { defineConfig } from 'vitest/config';

// Three projects: pure unit tests; kernel tests that build real namespaces (files run in
// parallel, each with unique lab names, and assert the root namespace never changes); and
// root-namespace-mode tests, which do change it and so run on their own, after the others
// (`npm test` runs them in a second vitest invocation).
// Every project: the labs reach the CLI the way bin/nslab.ts hands them in.
const setupFiles = ['test/use-labs.ts'];
const kernelLike = { setupFiles, testTimeout: 300_000, hookTimeout: 120_000, maxConcurrency: 1 };

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], setupFiles } },
      { test: { name: 'kernel', include: ['test/kernel/**/*.test.ts'], ...kernelLike } },
      { test: { name: 'root', include: ['test/root/**/*.test.ts'], ...kernelLike, fileParallelism: false } },
    ],
  },
});
