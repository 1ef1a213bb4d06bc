import { defineConfig } from 'vitest/config';

// npm run test:e2e: whole processes — the server started as `npm start` starts it (kill -9, graceful
// shutdown, signals, load) and the CLI binary. One file at a time: each starts servers and worker
// pools of its own, and two at once on two cores only measure the contention.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts', 'test/cli/cli.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
