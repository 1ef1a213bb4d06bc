/**
 * Wires the job pieces together for a composition root: the event bus, the lifecycle, the HTTP
 * service and the runner over one executor. No Node imports: the executor is handed in (the piscina
 * pool on Node, a fake in tests).
 */
import type { Services } from '../compose.ts';
import { artifactsRepository } from '../repositories/artifacts.ts';
import { jobEventsRepository } from '../repositories/job-events.ts';
import { jobsRepository } from '../repositories/jobs.ts';
import { uploadsRepository } from '../repositories/uploads.ts';
import { createJobLifecycle } from '../services/job-lifecycle.ts';
import { createJobsService } from '../services/jobs.ts';
import { createAiStage } from '../compose-ai.ts';
import { availableAiModes } from '../services/ai/availability.ts';
import { createAiExecutor } from './ai-executor.ts';
import type { JobsService } from '../services/jobs.ts';
import { createJobEventBus } from './event-bus.ts';
import type { JobEventBus } from '../domain/job-events.ts';
import type { JobExecutor } from './executor.ts';
import { createJobRunner } from './runner.ts';
import type { JobRunner } from './runner.ts';

export interface JobsRuntime {
  service: JobsService;
  bus: JobEventBus;
  runner: JobRunner;
  executor: JobExecutor;
  /** Milliseconds between SSE heartbeat comments. */
  heartbeatMs: number;
}

/** AI jobs that may wait on providers at once, beside the pool's own jobs. */
const AI_JOBS_IN_FLIGHT = 10;

export function createJobsRuntime(
  services: Services,
  executor: JobExecutor,
  options: { pollMs?: number; heartbeatMs?: number; fetch?: typeof fetch } = {},
): JobsRuntime {
  const { db, batch, clock, logger, storage, credits, config } = services;
  const jobs = jobsRepository(db);
  const uploads = uploadsRepository(db);
  const artifacts = artifactsRepository(db);
  const events = jobEventsRepository(db);
  const bus = createJobEventBus();
  const lifecycle = createJobLifecycle({ batch, jobs, events, artifacts, credits, bus, clock });
  // AI modes: a remote stage on the main thread in front of the pool (src/jobs/ai-executor.ts).
  const aiStage = createAiStage(config, { jobs, logger, fetch: options.fetch });
  const aiModes = availableAiModes(config.ai);
  executor = createAiExecutor(executor, {
    stage: aiStage,
    jobs,
    loadUpload: async (userId, uploadId) => {
      const upload = await uploads.findOwned(userId, uploadId);
      return upload ? storage.get(upload.storage_key).catch(() => undefined) : undefined;
    },
    aiCapacity: AI_JOBS_IN_FLIGHT,
    timeoutMs: config.ai.timeoutMs + config.jobTimeoutMs,
  });
  const runner = createJobRunner({ jobs, uploads, storage, lifecycle, executor, config, clock, logger, pollMs: options.pollMs });
  const service = createJobsService({
    db,
    jobs,
    uploads,
    artifacts,
    events,
    credits,
    storage,
    lifecycle,
    control: runner,
    clock,
    aiModes,
    expiresAt: services.retention?.expiresAt,
    prices: services.prices,
    limits: config.jobLimits,
    maxQueuedSeconds: config.fairShare.maxQueuedSeconds,
  });
  return { service, bus, runner, executor, heartbeatMs: options.heartbeatMs ?? 15_000 };
}
