import { defineConfig } from 'vitest/config';

// The README's test command: the unit and route suites, in-process, a few minutes on two cores.
// It never touches ../shared (corpus checks live in vitest.corpus.config.ts), and the suites that
// start whole processes (the server, the CLI binary) run with `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/corpus/**', 'test/web/**', 'test/e2e/**', 'test/workers/**', 'test/cf/**', 'test/cli/cli.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
