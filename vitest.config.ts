import { defineConfig } from 'vitest/config';

// The README's test command. It never touches ../shared: corpus checks live in vitest.corpus.config.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/corpus/**', 'test/web/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
