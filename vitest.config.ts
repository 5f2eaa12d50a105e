import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // notes every response the API tests check against openapi.yaml, and asserts every operation was checked
    globalSetup: ['test/support/openapi-coverage-setup.ts'],
  },
});
