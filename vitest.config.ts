import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Vitest's default is one file at a time on 2 cores (cores − 1); most of the suite's time is spent waiting on
    // the server processes, browsers and runtimes it spawns, so two files run at once there (measured on a clean
    // clone: 1,151 s with one worker at load 9, 606 s with two at load 6-7; every file passed both ways)
    maxWorkers: Math.max(2, availableParallelism()),
    // notes every response the API tests check against openapi.yaml, and asserts every operation was checked
    globalSetup: ['test/support/openapi-coverage-setup.ts'],
  },
});
