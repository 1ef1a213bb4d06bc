import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/**
 * Route and service suites that run on both backends, from the same files: `npm test` runs them on
 * SQLite and local disk, this config inside workerd on D1 and R2 (test/helpers/test-services.ts is
 * swapped for test/workers/test-services.ts below). A suite joins this list when it needs nothing of
 * Node's (files on disk, the worker pool, sharp).
 */
export const SHARED_SUITES = [
  // Issue 12: the credit race and the billing property test on both backends.
  'test/service/atomic-batch.test.ts',
  'test/service/credit-race.test.ts',
  'test/service/credit-ledger.test.ts',
  'test/service/billing.test.ts',
  // Accounts, keys, sessions, origins and limits.
  'test/service/accounts.test.ts',
  'test/service/any-address.test.ts',
  'test/service/api-key-scopes.test.ts',
  'test/service/session-revocation.test.ts',
  'test/service/origin-check.test.ts',
  'test/service/security.test.ts',
  'test/service/body-limits.test.ts',
  'test/service/per-process-state.test.ts',
  'test/service/operator.test.ts',
  'test/service/export-complete.test.ts',
  // Downloads, parameters and the catalogue.
  'test/service/artifacts.test.ts',
  'test/service/strict-params.test.ts',
  'test/service/modes-route.test.ts',
  'test/service/error-codes.test.ts',
  // The durable job queue with a scripted executor (claiming, fairness, retries, refunds).
  'test/service/job-runner.test.ts',
  'test/service/fair-share.test.ts',
];

// npm run test:workers: suites that run inside workerd (Miniflare) with real D1 and R2 emulation,
// the Cloudflare half of "one codebase on two backends". The root stays the repository top so
// workerd can load modules (and .wasm) from anywhere in it.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(fileURLToPath(new URL('./migrations/d1', import.meta.url)));
  return {
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
          bindings: {
            D1_MIGRATIONS: migrations,
            // Settings of src/worker.ts, as wrangler vars and secrets would give them.
            BASE_URL: 'http://localhost:3000',
            BETTER_AUTH_SECRET: 'workerd-test-secret-that-is-long-enough-0123456789',
            LOG_LEVEL: 'silent',
          },
        },
      }),
    ],
    resolve: {
      alias: [
        {
          find: /^(\.\.?\/)+helpers\/test-services\.ts$/,
          replacement: fileURLToPath(new URL('./test/workers/test-services.ts', import.meta.url)),
        },
        // Fake external APIs answer through the isolate's fetch: a Worker cannot listen on a port.
        { find: /^(\.\.?\/)+helpers\/loopback\.ts$/, replacement: fileURLToPath(new URL('./test/workers/loopback.ts', import.meta.url)) },
      ],
    },
    test: {
      include: ['test/workers/**/*.test.ts', ...SHARED_SUITES],
      setupFiles: ['./test/workers/setup.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  };
});
