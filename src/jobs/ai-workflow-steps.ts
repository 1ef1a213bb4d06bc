/**
 * The steps of an AI job as a Cloudflare Workflow (src/worker-ai-workflow.ts runs them): each one a
 * small function the Workflow engine may run again (a retry, a replay after eviction), so each is
 * idempotent against the job row:
 *   start    the job moves queued -> running (or is found running); a settled job ends the workflow
 *   create   the provider task, unless the row already names one (a retried step creates no second task)
 *   poll     one status read; the workflow sleeps between polls (sleeps cost nothing), bounded by
 *            the AI time limit
 *   download the GLB through the guarded fetch, into R2 beside the job's outputs
 *   repair   handed to the mesh executor (a JobExecutor: the Container executor in production),
 *            outputs stored, the job settled; a job no longer running is left alone
 *   fail     the job failed and its hold refunded: the lifecycle moves only a running job and the
 *            refund is keyed by the job in the ledger, so any number of runs refunds once
 * Same provider code as the Node runner's AI stage (src/services/ai), one request per step.
 */
import { putArtifacts } from './put-artifacts.ts';
import type { Job } from '../db/schema.ts';
import type { JobFailure } from '../services/job-lifecycle.ts';
import type { ErrorCode } from '../domain/errors.ts';
import type { BlobStorage } from '../domain/storage.ts';
import { storageKeys } from '../domain/storage.ts';
import type { AtomicBatch } from '../repositories/atomic-batch.ts';
import { GuardedFetchError } from '../repositories/ai/guarded-fetch-error.ts';
import { ProviderHttpError } from '../repositories/ai/http.ts';
import type { JobsRepository } from '../repositories/jobs.ts';
import type { AiJobParams } from '../services/ai/ai-params.ts';
import { repairParamsFor } from '../services/ai/ai-params.ts';
import type { AiStageDeps } from '../services/ai/generate.ts';
import { REMOTE_SHARE } from '../services/ai/generate.ts';
import type { AiProvider, AiProviderName } from '../services/ai/provider.ts';
import type { JobLifecycle } from '../services/job-lifecycle.ts';
import type { Logger } from '../services/logger.ts';
import { taskRequest } from './ai-executor.ts';
import type { JobExecutor } from './executor.ts';

export interface AiWorkflowDeps {
  /** Undefined when no provider key is set: the job fails `provider_unavailable` (refunded). */
  stage: AiStageDeps | undefined;
  jobs: JobsRepository;
  batch: AtomicBatch;
  lifecycle: JobLifecycle;
  storage: BlobStorage;
  /** Runs the repair of the provider's GLB (mode repair). */
  executor: JobExecutor;
  loadUpload(userId: string, uploadId: string): Promise<Uint8Array | undefined>;
  clock: () => number;
  logger: Logger;
}

/** A step's answer: small and JSON-shaped (the engine stores it; 1 MiB at most). */
export type StartResult = { run: true; provider: string | null; taskId: string | null } | { run: false; status: string };
export type TaskRef = { provider: AiProviderName; taskId: string };
export type PollResult =
  | { state: 'queued' | 'running'; progress: number; waitMs: number }
  | { state: 'done'; resultUrl: string }
  | { state: 'failed'; failure: JobFailure }
  | { state: 'stopped'; status: string };
export type SettleResult = { settled: 'succeeded' | 'failed' | 'left'; status: string };

/** A failure that ends the workflow with this code (not retried by the engine: the job is failed and refunded). */
export class AiJobFailure extends Error {
  readonly failure: JobFailure;
  constructor(failure: JobFailure) {
    super(failure.message);
    this.name = 'AiJobFailure';
    this.failure = failure;
  }
}

/** Where the downloaded GLB waits for the repair (inside the job's folder: purged and exported with it). */
export const aiSourceKey = (job: Pick<Job, 'user_id' | 'id'>) => storageKeys.artifact(job.user_id, job.id, 'ai-source.glb');

const fail = (code: ErrorCode | 'upload_missing', message: string, stage = 'ai-generate'): never => {
  throw new AiJobFailure({ code, message, stage });
};

export function aiWorkflowSteps(deps: AiWorkflowDeps) {
  const { jobs, lifecycle, clock } = deps;

  async function load(jobId: string): Promise<Job> {
    const job = await jobs.find(jobId);
    if (!job) fail('internal', 'the job vanished before it ran');
    return job as Job;
  }

  function providerOf(name: string): AiProvider {
    const provider = deps.stage?.providers.get(name as AiProviderName);
    if (!provider) fail('provider_unavailable', `this job's task is at ${name}, which is no longer configured on this server`);
    return provider as AiProvider;
  }

  return {
    /** The AI time limit and the shortest poll interval (defaults when no provider is configured). */
    limits: () => ({ timeoutMs: deps.stage?.config.timeoutMs ?? 15 * 60_000, pollMinMs: deps.stage?.config.pollMinMs ?? 2000 }),

    async start(jobId: string): Promise<StartResult> {
      let job = await load(jobId);
      if (job.status === 'queued') {
        const now = clock();
        const set = { status: 'running' as const, attempts: job.attempts + 1, started_at: now, heartbeat_at: now, stage: 'started' };
        await deps.batch.run([jobs.transitionQuery(job.id, ['queued'], set)]);
        job = await load(jobId);
        if (job.status === 'running') await lifecycle.started(job);
      }
      if (job.status !== 'running') return { run: false, status: job.status };
      return { run: true, provider: job.provider, taskId: job.provider_task_id };
    },

    async create(jobId: string): Promise<TaskRef> {
      const job = await load(jobId);
      // Created by an earlier run of this step (the row is written as soon as the task exists).
      if (job.provider && job.provider_task_id) return { provider: providerOf(job.provider).name, taskId: job.provider_task_id };
      if (!deps.stage) return fail('provider_unavailable', 'AI jobs need an AI provider; none is configured on this server');
      const params = JSON.parse(job.params) as AiJobParams;
      const input = job.upload_id ? await deps.loadUpload(job.user_id, job.upload_id) : new Uint8Array(0);
      if (!input) return fail('upload_missing', 'the uploaded file of this job no longer exists', 'ai-input');
      const request = await taskRequest(input, params, job.prompt, job.user_id, deps).catch((error: Error) =>
        fail('invalid_parameters', error.message, 'ai-input'),
      );
      const provider = deps.stage.pick(request.kind);
      if (!provider) return fail('provider_unavailable', `no configured AI provider can do ${request.kind}-to-3D`);
      await lifecycle.stage(job, 'ai-waiting', 0);
      const created = await provider.create(request, AbortSignal.timeout(60_000)).catch((error) => mapError(error, provider.name));
      await deps.stage.record(job.id, { provider: provider.name, taskId: created.taskId, cost: created.cost });
      deps.logger.info('ai workflow: task created', { jobId, provider: provider.name, cost: created.cost });
      return { provider: provider.name, taskId: created.taskId };
    },

    async poll(jobId: string, task: TaskRef, attempt: number): Promise<PollResult> {
      const job = await load(jobId);
      if (job.status !== 'running') return { state: 'stopped', status: job.status };
      const provider = providerOf(task.provider);
      const status = await provider.status(task.taskId, AbortSignal.timeout(60_000)).catch((error) => mapError(error, provider.name));
      if (status.state === 'done' && status.resultUrl) return { state: 'done', resultUrl: status.resultUrl };
      if (status.state === 'done' || status.state === 'failed') {
        const f = status.failure ?? { code: 'provider_failed' as const, message: `${provider.name} reported a failure` };
        return {
          state: 'failed',
          failure: { code: f.code === 'provider_busy' ? 'provider_unavailable' : f.code, message: f.message, stage: 'ai-generate' },
        };
      }
      await lifecycle.stage(
        job,
        status.state === 'queued' ? 'ai-queued' : 'ai-generating',
        Math.round((status.progress / 100) * (REMOTE_SHARE - 4)),
      );
      const { pollMinMs, pollMaxMs } = deps.stage!.config;
      const backoff = Math.min(pollMaxMs, Math.round(pollMinMs * 1.5 ** attempt));
      const waitMs = status.pollAfterMs !== undefined ? Math.min(pollMaxMs, Math.max(pollMinMs, status.pollAfterMs)) : backoff;
      return { state: status.state, progress: status.progress, waitMs };
    },

    /** Our time limit passed: stop the remote task where the API can, and say so. */
    async timedOut(task: TaskRef): Promise<never> {
      const provider = providerOf(task.provider);
      await provider.cancel(task.taskId, AbortSignal.timeout(10_000)).catch(() => 'unsupported');
      const seconds = Math.round(deps.stage!.config.timeoutMs / 1000);
      return fail('provider_timeout', `${provider.name} did not deliver a model within ${seconds} s; the task was stopped`);
    },

    async download(jobId: string, task: TaskRef, resultUrl: string): Promise<{ key: string; bytes: number }> {
      const job = await load(jobId);
      const provider = providerOf(task.provider);
      await lifecycle.stage(job, 'ai-download', REMOTE_SHARE - 2);
      const glb = await deps
        .stage!.download(resultUrl, provider, AbortSignal.timeout(deps.stage!.config.timeoutMs))
        .catch((error) => mapError(error, provider.name));
      const key = aiSourceKey(job);
      const stored = await deps.storage.put(key, [glb]);
      return { key, bytes: stored.byteLength };
    },

    async repair(jobId: string, task: TaskRef, sourceKey: string): Promise<SettleResult> {
      const job = await load(jobId);
      // A run after the job settled (a replay, a cancel meanwhile) changes nothing, and deletes nothing.
      if (job.status !== 'running') return { settled: 'left', status: job.status };
      const params = JSON.parse(job.params) as AiJobParams;
      const input = await deps.storage.get(sourceKey);
      const outcome = await deps.executor.execute(
        { jobId, mode: 'repair', params: repairParamsFor(params) as unknown as Record<string, unknown>, input, userId: job.user_id },
        {
          signal: AbortSignal.timeout(deps.executor.timeoutMs?.('repair') ?? 10 * 60_000),
          onProgress: () => undefined,
        },
      );
      if (!outcome.ok) {
        await lifecycle.fail(job, outcome.error);
        return { settled: 'failed', status: 'failed' };
      }
      const rows = await putArtifacts(deps.storage, clock, job, outcome.artifacts);
      const report = { ...(outcome.report as Record<string, unknown>), ai: { provider: task.provider, mode: params.mode } };
      const recorded = await lifecycle.succeed(job, report, rows);
      await deps.storage.delete(sourceKey).catch(() => undefined);
      if (!recorded) {
        // Cancelled or deleted while the repair ran: its files must not outlive the row.
        await deps.storage.deletePrefix(storageKeys.jobPrefix(job.user_id, job.id)).catch(() => undefined);
        return { settled: 'left', status: (await jobs.find(jobId))?.status ?? 'deleted' };
      }
      return { settled: 'succeeded', status: 'succeeded' };
    },

    async fail(jobId: string, failure: JobFailure): Promise<SettleResult> {
      const job = await jobs.find(jobId);
      if (!job) return { settled: 'left', status: 'deleted' };
      const moved = await lifecycle.fail(job, failure, ['queued', 'running']);
      await deps.storage.delete(aiSourceKey(job)).catch(() => undefined);
      return moved ? { settled: 'failed', status: 'failed' } : { settled: 'left', status: job.status };
    },
  };
}

export type AiWorkflowSteps = ReturnType<typeof aiWorkflowSteps>;

/** Provider and download errors as job failures (already scrubbed of keys and URLs where they are made). */
function mapError(error: unknown, provider: AiProviderName): never {
  if (error instanceof AiJobFailure) throw error;
  if (error instanceof GuardedFetchError)
    fail('result_rejected', `the ${provider} result could not be downloaded safely: ${error.message}`);
  if (error instanceof ProviderHttpError) {
    if (error.providerCode === 2008 || error.providerCode === '2008') fail('content_refused', error.message);
    if (error.kind === 'rate_limited') fail('provider_unavailable', `${provider} is over its rate or concurrency limit; try again later`);
    if (error.kind === 'auth') fail('provider_unavailable', `${provider} refused this server's credentials`);
    // Network and server errors are worth a retry: the engine runs the step again.
    if (error.kind === 'server' || error.kind === 'network') throw error;
    fail('provider_failed', error.message);
  }
  throw error;
}
