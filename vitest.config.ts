import { defineConfig } from 'vitest/config';

// Two projects: pure unit tests, and kernel tests that build real namespaces.
// Kernel test files run in parallel; each uses unique lab names so they never collide.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'kernel',
          include: ['test/kernel/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxConcurrency: 1,
        },
      },
    ],
  },
});
