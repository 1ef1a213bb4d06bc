/**
 * The Workers composition root: the same services and Hono app as the embedded default, on D1
 * (Kysely through src/repositories/d1) and R2, with a header-only image codec (pictures are
 * decoded where meshing runs, never in an isolate). Jobs (issue 13, src/jobs/cf-jobs.ts): a Queue
 * message per job, a Durable Object per job that runs it on a mesh Container and settles it.
 *
 * Nothing here may reach Node-only code (better-sqlite3, sharp, the worker pool, src/node):
 * dependency-cruiser's `workers-root-stays-portable` rule checks it.
 */
import { Kysely } from 'kysely';
import type { OpenAPIHono } from '@hono/zod-openapi';
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
import { cfJobsRuntime, consumeJobBatch, jobObjectClass } from './jobs/cf-jobs.ts';
import type { CfJobBindings, MessageBatchLike } from './jobs/cf-jobs.ts';

/** The Worker's bindings (wrangler.toml) and its string settings (vars and secrets). */
export interface WorkerEnv {
  DB: D1DatabaseLike;
  FILES: R2BucketLike;
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

export function createWorkerApp(services: Services, env: CfJobBindings = {}): OpenAPIHono<AppEnv> {
  const health = async () => ({ database: true, pool: null });
  // Issue 13: with the jobs queue and the per-job object bound, the jobs routes run on them.
  const jobs = env.JOBS && env.JOB ? cfJobsRuntime(services, { JOBS: env.JOBS, JOB: env.JOB }) : undefined;
  return createApp({ services, health, jobs });
}

/** The per-job Durable Object (src/jobs/cf-jobs.ts), on the same services as the API. */
export const JobObject = jobObjectClass((env) => composeWorkerServices(env as WorkerEnv));
export { MeshContainer } from './repositories/durable-objects/mesh-container.ts';

/** One app per isolate, built on the first request (bindings arrive with it). */
let app: OpenAPIHono<AppEnv> | undefined;

export default {
  fetch(request: Request, env: WorkerEnv, ctx: unknown): Response | Promise<Response> {
    app ??= createWorkerApp(composeWorkerServices(env), env as CfJobBindings);
    return app.fetch(request, env, ctx as never);
  },
  /** The jobs queue and its dead-letter queue: each message names a job its object runs. */
  async queue(batch: MessageBatchLike, env: WorkerEnv): Promise<void> {
    const { JOB } = env as CfJobBindings;
    if (!JOB) throw new Error('queue: the JOB Durable Object binding is missing');
    await consumeJobBatch(batch, JOB);
  },
};
