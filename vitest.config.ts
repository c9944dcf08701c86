import { defineConfig } from 'vitest/config';

// `npm test` runs every package's and example's tests in one vitest run (each with its own
// vitest.config.ts), then prints one closing summary line.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/*/vitest.config.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
