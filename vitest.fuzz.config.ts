import { defineConfig } from 'vitest/config';

// npm run test:fuzz: time-budgeted fuzzing of every parser (FUZZ_SECONDS in total, default 60).
// Files run one after another so the budget is wall time, not a fight over the cores.
export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
