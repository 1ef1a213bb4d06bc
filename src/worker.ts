/**
 * The Workers composition root: the same services and Hono app as the embedded default, on D1
 * (Kysely through src/repositories/d1) and R2, with a header-only image codec (pictures are
 * decoded where meshing runs, never in an isolate). Jobs (issue 13, src/jobs/cf-jobs.ts): a Queue
 * message per job, a Durable Object per job that runs it on a mesh Container and settles it.
 * Also here: the retention purge on a Cron Trigger (`scheduled`), the rate limits in Durable
 * Objects (shared by every isolate), and the AI job Workflow (src/worker-ai-workflow.ts).
 *
 * Nothing here may reach Node-only code (better-sqlite3, sharp, the worker pool, src/node):
 * dependency-cruiser's `workers-root-stays-portable` rule checks it.
 */
import { Kysely } from 'kysely';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createApp } from './app.ts';
import { composeServices } from './compose.ts';
import type { Services } from './compose.ts';
import { loadConfig } from './config.ts';
import type { Database } from './db/schema.ts';
import type { AppEnv } from './http/env.ts';
import { d1Batch } from './repositories/d1/d1-batch.ts';
import { d1Dialect } from './repositories/d1/d1-dialect.ts';
import type { D1DatabaseLike, R2BucketLike } from './repositories/d1/d1-types.ts';
import { headerOnlyImageCodec } from './repositories/media/header-image-codec.ts';
import { createR2Storage } from './repositories/storage/r2.ts';
import { createS3Presigner } from './repositories/storage/s3-presigner.ts';
import { createJsonLogger } from './services/logger.ts';
import type { Logger } from './services/logger.ts';
import type { BlobStorage } from './domain/storage.ts';
import type { CountMeshTriangles } from './services/inspect-upload.ts';
import { cfJobsRuntime, consumeJobBatch, jobObjectClass, meshExecutorFrom } from './jobs/cf-jobs.ts';
import type { CfJobBindings, MessageBatchLike } from './jobs/cf-jobs.ts';
import { createDurableRateLimiter } from './repositories/durable-objects/rate-limiter.ts';
import type { DurableObjectNamespaceLike } from './repositories/durable-objects/do-types.ts';
import type { JobExecutor } from './jobs/executor.ts';
import { createAiJobWorkflow } from './worker-ai-workflow.ts';

export { RateLimiterObject } from './repositories/durable-objects/rate-limiter.ts';

/** The Worker's bindings (wrangler.toml) and its string settings (vars and secrets). */
export interface WorkerEnv {
  DB: D1DatabaseLike;
  FILES: R2BucketLike;
  /** Request counts per key (wrangler.toml); without it each isolate counts alone. */
  RATE_LIMITER?: DurableObjectNamespaceLike;
  /** Live job events for SSE across isolates, where bound. */
  JOB_EVENTS?: DurableObjectNamespaceLike;
  [setting: string]: unknown;
}

/** Settings are the string-valued bindings, read as the Node root reads process.env. */
function settingsOf(env: WorkerEnv): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') settings[name] = value;
  return settings;
}

/** What a test may put in place of the defaults (a wrapped storage for fault injection, a quiet logger). */
export interface WorkerOverrides {
  logger?: Logger;
  clock?: () => number;
  storage?: BlobStorage;
  countMeshTriangles?: CountMeshTriangles;
}

export function composeWorkerServices(env: WorkerEnv, overrides: WorkerOverrides = {}): Services {
  const settings = settingsOf(env);
  const config = loadConfig({ DATA_DIR: '/nonexistent', ...settings }, { cores: 1 });
  const secret = config.authSecret;
  if (!secret) throw new Error('BETTER_AUTH_SECRET is not set: `wrangler secret put BETTER_AUTH_SECRET`');
  const clock = overrides.clock ?? Date.now;
  // With R2's S3 credentials set, large uploads go from the browser straight to R2 (presigned PUT).
  const presigner = config.r2Presign ? createS3Presigner(config.r2Presign, clock) : undefined;
  return composeServices({
    config,
    db: new Kysely<Database>({ dialect: d1Dialect(env.DB) }),
    batch: d1Batch(env.DB),
    storage: overrides.storage ?? createR2Storage(env.FILES, presigner),
    secret,
    logger: overrides.logger ?? createJsonLogger(config.logLevel, (line) => console.log(line)),
    clock,
    imageCodec: headerOnlyImageCodec,
    countMeshTriangles: overrides.countMeshTriangles,
  });
}

export function createWorkerApp(services: Services, env: CfJobBindings & Pick<WorkerEnv, 'RATE_LIMITER'> = {}): OpenAPIHono<AppEnv> {
  const health = async () => ({ database: true, pool: null });
  // Issue 13: with the jobs queue and the per-job object bound, the jobs routes run on them.
  const jobs = env.JOBS && env.JOB ? cfJobsRuntime(services, { JOBS: env.JOBS, JOB: env.JOB }) : undefined;
  const limits = env.RATE_LIMITER;
  const rateLimiter = limits
    ? (name: string, perMinute: number) => createDurableRateLimiter(limits, name, perMinute, services.clock)
    : undefined;
  // Cloudflare's edge sets CF-Connecting-IP on every request (a client's own value is replaced), so
  // per-IP limits count each client apart instead of everyone in one "unknown" bucket.
  const remoteAddress = (c: Context) => c.req.header('cf-connecting-ip') ?? undefined;
  return createApp({ services, health, jobs, rateLimiter, remoteAddress });
}

/** The per-job Durable Object (src/jobs/cf-jobs.ts), on the same services as the API. */
export const JobObject = jobObjectClass((env) => composeWorkerServices(env as WorkerEnv));
export { MeshContainer } from './repositories/durable-objects/mesh-container.ts';

/**
 * The repair stage of AI jobs: the mesh executor of the job path (Containers, or MESH_EXECUTOR_URL).
 * Without either bound, an AI job fails at the repair, refunded, with a clear code.
 */
function meshExecutorFor(env: WorkerEnv): JobExecutor {
  const bindings = env as CfJobBindings;
  if (bindings.MESH_CONTAINER || (typeof bindings.MESH_EXECUTOR_URL === 'string' && bindings.MESH_EXECUTOR_URL)) {
    return meshExecutorFrom(bindings);
  }
  return {
    capacity: 1,
    stats: () => ({ size: 0, busy: 0, queued: 0 }),
    close: async () => undefined,
    execute: async () => ({
      ok: false,
      error: { code: 'service_unavailable', message: 'no mesh executor is bound on this Worker', stage: 'repair' },
    }),
  };
}

/** One set of services and one app per isolate, built on first use (bindings arrive with it). */
let services: Services | undefined;
let app: OpenAPIHono<AppEnv> | undefined;
const servicesFor = (env: WorkerEnv): Services => (services ??= composeWorkerServices(env));

/** AI jobs: create, sleep, poll, download, repair (src/worker-ai-workflow.ts); `[[workflows]]` in wrangler.toml. */
export const AiJobWorkflow = createAiJobWorkflow<WorkerEnv>({ services: servicesFor, executorFor: (env) => meshExecutorFor(env) });

/** The Cron Trigger's work: the retention purge (expired uploads and job outputs, rows and files). */
export async function runScheduled(svc: Services, scheduledTime: number): Promise<void> {
  await svc.retention.purgeExpired(scheduledTime);
}

export default {
  fetch(request: Request, env: WorkerEnv, ctx: unknown): Response | Promise<Response> {
    app ??= createWorkerApp(servicesFor(env), env as CfJobBindings & WorkerEnv);
    return app.fetch(request, env, ctx as never);
  },
  /** The jobs queue and its dead-letter queue: each message names a job its object runs. */
  async queue(batch: MessageBatchLike, env: WorkerEnv): Promise<void> {
    const { JOB } = env as CfJobBindings;
    if (!JOB) throw new Error('queue: the JOB Durable Object binding is missing');
    await consumeJobBatch(batch, JOB);
  },
  async scheduled(controller: { scheduledTime: number; cron: string }, env: WorkerEnv): Promise<void> {
    await runScheduled(servicesFor(env), controller.scheduledTime);
  },
};
