/**
 * One queue delivery of one job, on the Cloudflare path: the per-job Durable Object calls this for
 * each message naming the job. Deliveries are at least once, so every step is conditional on the
 * job's row and every credit movement goes through the lifecycle's idempotent batches:
 *
 * - job gone or finished                   -> 'ignored' (a replayed message does nothing)
 * - job running with no attempt in flight  -> the attempt died with its isolate: its files removed,
 *                                             back to queued (or failed + refunded past max_attempts)
 * - job queued                             -> claimed (one conditional UPDATE), input read from R2,
 *                                             the executor (the mesh container) runs it, and it is
 *                                             settled as the embedded runner settles (src/jobs/runner.ts)
 * - the mesh process died mid-job           -> back to queued, 'retry' (the queue delivers it again);
 *                                             failed + refunded once max_attempts are used up
 * - timeout / cancel                        -> the caller aborts with that reason; settled accordingly
 *
 * The credit hold was taken when the job was queued; success captures it (a flag on the row),
 * failure refunds it by ledger key, so no number of deliveries charges or refunds twice.
 */
import { putArtifacts } from './put-artifacts.ts';
import type { Job } from '../db/schema.ts';
import { TERMINAL_JOB_STATUSES } from '../domain/job-status.ts';
import type { JobExecutionMode } from '../domain/job-modes.ts';
import type { BlobStorage } from '../domain/storage.ts';
import { storageKeys } from '../domain/storage.ts';
import type { JobsRepository } from '../repositories/jobs.ts';
import type { UploadsRepository } from '../repositories/uploads.ts';
import type { JobLifecycle } from '../services/job-lifecycle.ts';
import type { Logger } from '../services/logger.ts';
import type { JobExecutor } from './executor.ts';
import type { ExecutionOutcome, ProgressMessage } from './protocol.ts';

export interface QueuedJobDeps {
  jobs: JobsRepository;
  uploads: UploadsRepository;
  storage: BlobStorage;
  lifecycle: JobLifecycle;
  executor: JobExecutor;
  clock: () => number;
  logger: Logger;
  /** Least time between two progress writes of the same stage. */
  progressThrottleMs?: number;
}

/** What the queue consumer does with the message: ack it ('settled', 'ignored') or deliver it again ('retry'). */
export type Delivery = 'settled' | 'ignored' | 'retry';

export type AbortWhy = 'cancel' | 'timeout';

export async function runDelivery(deps: QueuedJobDeps, jobId: string, controller: AbortController): Promise<Delivery> {
  const { jobs, lifecycle, logger } = deps;
  let job = await jobs.find(jobId);
  if (!job || TERMINAL_JOB_STATUSES.has(job.status)) return 'ignored';
  if (job.status === 'running') {
    // The caller knows no attempt of this job is in flight: the one that ran died with its isolate.
    const recovered = await recoverDeadAttempt(deps, job);
    if (recovered !== 'requeued') return recovered;
    job = await jobs.find(jobId);
    if (!job) return 'ignored';
  }
  const claimed = await jobs.claim(jobId, deps.clock());
  if (!claimed) return 'ignored';
  try {
    return await runClaimed(deps, claimed, controller);
  } catch (error) {
    logger.error('queued job: settling failed', { jobId, error: (error as Error).message });
    await lifecycle.fail(claimed, { code: 'internal', message: 'the job could not be completed; it has been logged' }).catch(() => false);
    return 'settled';
  }
}

/** A running row whose attempt is gone: files removed, back to queued, or failed + refunded when out of attempts. */
export async function recoverDeadAttempt(deps: QueuedJobDeps, job: Job): Promise<'requeued' | 'settled'> {
  await deps.storage
    .deletePrefix(storageKeys.jobPrefix(job.user_id, job.id))
    .catch((e: Error) => deps.logger.warn("queued job: removing a dead attempt's files failed", { jobId: job.id, error: e.message }));
  if (job.attempts < job.max_attempts) {
    await deps.lifecycle.requeue(job, 'restart', true);
    return 'requeued';
  }
  await deps.lifecycle.fail(job, {
    code: 'internal',
    message: `the job's worker stopped ${job.attempts} times; it was refunded`,
    stage: job.stage ?? undefined,
  });
  return 'settled';
}

async function runClaimed(deps: QueuedJobDeps, job: Job, controller: AbortController): Promise<Delivery> {
  const { lifecycle } = deps;
  await lifecycle.started(job);
  const input = await loadInput(deps, job);
  if (!input) {
    await lifecycle.fail(job, { code: 'upload_missing', message: 'the uploaded file of this job no longer exists' });
    return 'settled';
  }
  const progress = progressWriter(deps, job);
  let outcome: ExecutionOutcome;
  try {
    outcome = await deps.executor.execute(
      {
        jobId: job.id,
        mode: job.mode as JobExecutionMode,
        params: JSON.parse(job.params) as Record<string, unknown>,
        input,
        userId: job.user_id,
        prompt: job.prompt,
      },
      { signal: controller.signal, onProgress: progress.report },
    );
  } catch (error) {
    await progress.flushed();
    return settleThrown(deps, job, controller.signal, error as Error, progress.lastStage());
  }
  await progress.flushed();
  if (outcome.ok) await storeSuccess(deps, job, outcome);
  else await lifecycle.fail(job, outcome.error);
  return 'settled';
}

async function loadInput(deps: QueuedJobDeps, job: Job): Promise<Uint8Array | undefined> {
  if (!job.upload_id) return new Uint8Array(0);
  const upload = await deps.uploads.findOwned(job.user_id, job.upload_id);
  if (!upload) return undefined;
  return deps.storage.get(upload.storage_key).catch(() => undefined);
}

async function settleThrown(deps: QueuedJobDeps, job: Job, signal: AbortSignal, error: Error, stage: string): Promise<Delivery> {
  const why = signal.aborted ? (signal.reason as AbortWhy) : undefined;
  // Cancelled: the API already moved the row and refunded. Timed out: the alarm fails it (refunded).
  if (why === 'cancel' || why === 'timeout') return 'settled';
  deps.logger.warn('queued job: mesh process failed', { jobId: job.id, attempt: job.attempts, error: error.message });
  if (job.attempts < job.max_attempts) {
    await deps.storage.deletePrefix(storageKeys.jobPrefix(job.user_id, job.id)).catch(() => undefined);
    return (await deps.lifecycle.requeue(job, 'worker_crashed', true)) ? 'retry' : 'ignored';
  }
  await deps.lifecycle.fail(job, {
    code: 'internal',
    message: `the worker failed ${job.attempts} times on this job; it was stopped and refunded`,
    stage,
  });
  return 'settled';
}

async function storeSuccess(deps: QueuedJobDeps, job: Job, outcome: Extract<ExecutionOutcome, { ok: true }>): Promise<void> {
  const discardFiles = () => deps.storage.deletePrefix(storageKeys.jobPrefix(job.user_id, job.id));
  const rows = await putArtifacts(deps.storage, deps.clock, job, outcome.artifacts);
  let recorded: boolean;
  try {
    recorded = await deps.lifecycle.succeed(job, outcome.report, rows);
  } catch (error) {
    await discardFiles().catch(() => undefined);
    throw error;
  }
  // Cancelled, timed out or deleted while the mesh ran: its files must not outlive the row's state.
  if (!recorded) await discardFiles();
}

/** Stage changes are written (and streamed) at once; repeats within a stage at most every throttle. */
function progressWriter(deps: QueuedJobDeps, job: Job) {
  const throttle = deps.progressThrottleMs ?? 500;
  let stage = 'started';
  let lastWrite = 0;
  let chain: Promise<unknown> = Promise.resolve();
  return {
    report(p: ProgressMessage) {
      const now = deps.clock();
      if (p.stage === stage && now - lastWrite < throttle) return;
      stage = p.stage;
      lastWrite = now;
      chain = chain
        .then(() => deps.lifecycle.stage(job, p.stage, p.percent))
        .catch((e: Error) => deps.logger.warn('queued job: progress write failed', { jobId: job.id, error: e.message }));
    },
    flushed: () => chain,
    lastStage: () => stage,
  };
}
