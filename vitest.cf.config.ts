import { defineConfig } from 'vitest/config';

// npm run test:cf (after the workerd suites of test:workers): the Cloudflare job path end to end —
// the Worker in real workerd (wrangler's unstable_startWorker: D1, R2, Queues, Durable Objects) and
// the mesh container's entry as local Node processes (test/cf/cf-stack.ts). One file at a time:
// each starts a Worker and mesh processes of its own.
export default defineConfig({
  test: {
    include: ['test/cf/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
