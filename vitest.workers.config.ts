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
  // The retention purge of uploads started and never completed (the Cron Trigger path: test/workers/cron-purge.test.ts).
  'test/service/abandoned-uploads.test.ts',
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
  // The AI providers' GLBs (with real defects) are made in Node, where sharp and NodeIO are, and
  // handed to workerd as a binding (test/workers/ai-glb-fixtures.ts). A computed specifier keeps the
  // config bundler from inlining the maker.
  const maker = new URL('./test/helpers/ai-glb-fixtures.ts', import.meta.url).href;
  const { aiGlb } = (await import(/* @vite-ignore */ maker)) as typeof import('./test/helpers/ai-glb-fixtures.ts');
  const glbs: Record<string, string> = {};
  for (const kind of ['holes', 'double-shell', 'unit-cube', 'textured'] as const)
    glbs[kind] = Buffer.from(await aiGlb(kind)).toString('base64');
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
          // AI jobs as a Workflow (src/worker-ai-workflow.ts), the class the test worker exports.
          workflows: { AI_JOBS: { name: 'image-to-stl-ai-jobs', className: 'AiJobWorkflow' } },
          bindings: {
            D1_MIGRATIONS: migrations,
            AI_GLB_FIXTURES: glbs,
            // Settings of src/worker.ts, as wrangler vars and secrets would give them.
            BASE_URL: 'http://localhost:3000',
            BETTER_AUTH_SECRET: 'workerd-test-secret-that-is-long-enough-0123456789',
            LOG_LEVEL: 'silent',
            // The Creem webhook on the Worker itself (test/workers/creem-webhook.test.ts).
            CREEM_WEBHOOK_SECRET: 'whsec_workerd_test_secret',
            CREEM_PRODUCTS: 'pack-100=prod_pack100:100:pack',
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
        // GLBs made in Node (sharp, NodeIO) come in as a binding.
        {
          find: /^\.\/ai-glb-fixtures\.ts$/,
          replacement: fileURLToPath(new URL('./test/workers/ai-glb-fixtures.ts', import.meta.url)),
        },
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
