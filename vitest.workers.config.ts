import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// npm run test:workers: suites that run inside workerd (Miniflare) with real D1 and R2 emulation,
// the Cloudflare half of "one codebase on two backends". The root stays the repository top so
// workerd can load modules (and .wasm) from anywhere in it.
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './test/workers/test-worker.ts',
      miniflare: {
        compatibilityDate: '2026-11-01',
        compatibilityFlags: ['nodejs_compat'],
        d1Databases: ['DB'],
        r2Buckets: ['FILES'],
        // The per-process state of the Node server, as Durable Objects (classes exported by the test worker).
        durableObjects: {
          RATE_LIMITER: { className: 'RateLimiterObject', useSQLite: true },
          SESSION_CACHE: { className: 'SessionCacheObject', useSQLite: true },
          JOB_EVENTS: { className: 'JobEventsObject', useSQLite: true },
        },
      },
    }),
  ],
  test: {
    include: ['test/workers/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
