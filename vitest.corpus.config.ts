import { defineConfig } from 'vitest/config';

// Checks against ../shared/corpus (real and hostile files we may use but never ship).
export default defineConfig({
  test: {
    include: ['test/corpus/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
