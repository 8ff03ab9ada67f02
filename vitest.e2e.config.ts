import { defineConfig } from 'vitest/config';

// Browser tests: Playwright drives the system Chromium against serve mode. One file at a time:
// each starts its own server and browser, and the machine has two cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
