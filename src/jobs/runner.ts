/**
 * The durable queue's consumer. The jobs table is the queue: the runner claims rows (claimNext,
 * atomic, per-user cap and fair-share order in the same statement) while the executor has capacity,
 * hands each to the executor, and settles it through the job lifecycle. All database writes happen
 * here, on the main thread; workers only compute.
 *
 * Fair sharing (issue 14): the claim takes the queued job whose owner has had the least estimated
 * work lately, so one user's flood interleaves with everyone else's jobs. Claim order alone cannot
 * help a small job that arrives while every worker is busy with a 30-second one (there is no
 * preemption), so `lightSlots` workers are kept for light jobs: heavy jobs may hold the rest.
 *
 * Failure handling, in one place:
 * - pipeline error (a coded outcome)    -> failed with that code, refunded
 * - timeout (config.jobTimeoutMs)        -> task aborted, failed `timeout`, refunded
 * - cancel (the API moved the row first) -> task aborted, nothing more to write
 * - worker crash (execute threw)         -> back to queued until max_attempts, then failed + refunded
 * - shutdown after the grace period      -> task aborted, back to queued, the attempt given back
 * - process died (rows left running)     -> recover() at start: the dead attempt's files removed, then
 *                                           queued again, or failed + refunded once max_attempts is used up
 * - worker out of memory                 -> the pool's outcome `out_of_memory`: failed, refunded
 * - storing an output failed (disk full)  -> every file of the attempt removed, failed `storage_full`
 *                                           (or `internal`), refunded; no artifact rows were written
 * - database busy while settling          -> the write is retried with backoff (a busy database is
 *                                           transient), so a busy spell cannot strand a running row
 * Refunds are idempotent by ledger key, so no path can refund (or charge) twice.
 */
import { putArtifacts } from './put-artifacts.ts';
import type { ArtifactRow } from './put-artifacts.ts';
import type { Job } from '../db/schema.ts';
import { DatabaseBusyError } from '../domain/database-errors.ts';
import type { JobsRepository } from '../repositories/jobs.ts';
import type { UploadsRepository } from '../repositories/uploads.ts';
import type { JobLifecycle } from '../services/job-lifecycle.ts';
import type { Logger } from '../services/logger.ts';
import type { BlobStorage } from '../domain/storage.ts';
import { storageKeys } from '../domain/storage.ts';
import type { JobExecutor } from './executor.ts';
import type { JobExecutionMode } from '../domain/job-modes.ts';
import type { ExecutionOutcome, ProgressMessage } from './protocol.ts';
import type { FairShareConfig } from '../config.ts';

export interface RunnerDeps {
  jobs: JobsRepository;
  uploads: UploadsRepository;
  storage: BlobStorage;
  lifecycle: JobLifecycle;
  executor: JobExecutor;
  config: { perUserConcurrency: number; jobTimeoutMs: number; fairShare?: FairShareConfig };
  clock: () => number;
  logger: Logger;
  /** The slow poll behind the wake-up signal (another process may have queued work). */
  pollMs?: number;
  /** Least time between two progress writes of the same stage. */
  progressThrottleMs?: number;
}

type AbortWhy = 'cancel' | 'timeout' | 'shutdown';

interface ActiveTask {
  controller: AbortController;
  done: Promise<void>;
  /** Estimated worker-seconds (the job's `work`). */
  work: number;
}

/** Without configuration: a 10-minute window, light jobs up to 10 s with one worker kept for them. */
const FAIR_SHARE_DEFAULTS: FairShareConfig = { maxQueuedSeconds: 600, windowMs: 10 * 60_000, lightJobSeconds: 10, lightSlots: 1 };

/** Retries of one settling write that met a busy database (DatabaseBusyError), with backoff from 100 ms up to 2 s (each also waits busy_timeout). */
const BUSY_RETRIES = 10;

export function createJobRunner(deps: RunnerDeps) {
  const { jobs, executor, clock, logger } = deps;
  const fair = deps.config.fairShare ?? FAIR_SHARE_DEFAULTS;
  const lifecycle = retryingWhenBusy(deps.lifecycle, logger);
  const active = new Map<string, ActiveTask>();
  let started = false;
  let stopping = false;
  let pumping = false;
  let pumpAgain = false;
  let poll: ReturnType<typeof setInterval> | undefined;

  /** Claims and launches until the pool is full or nothing is claimable. One pump at a time. */
  async function pump(): Promise<void> {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        while (!stopping && active.size < executor.capacity) {
          const now = clock();
          const job = await jobs.claimNext(now, {
            perUser: deps.config.perUserConcurrency,
            since: now - fair.windowMs,
            maxWork: heavyRoom() ? undefined : fair.lightJobSeconds,
          });
          if (!job) break;
          launch(job);
        }
      } while (pumpAgain && !stopping);
    } catch (error) {
      logger.error('runner: claim failed', { error: (error as Error).message });
    } finally {
      pumping = false;
    }
  }

  /** Whether a heavy job may start: the pool's workers beyond the light slots are not all taken by heavy jobs. */
  function heavyRoom(): boolean {
    const workers = executor.stats().size;
    if (fair.lightSlots <= 0 || workers <= fair.lightSlots) return true;
    let heavy = 0;
    for (const task of active.values()) if (task.work > fair.lightJobSeconds) heavy++;
    return heavy < workers - fair.lightSlots;
  }

  function wake(): void {
    // Before start() nothing is claimed: recover() must see the rows a dead process left running first.
    if (started && !stopping) void pump();
  }

  function launch(job: Job): void {
    const controller = new AbortController();
    const done = runJob(job, controller)
      .catch(async (error: Error) => {
        logger.error('runner: settling a job failed', { jobId: job.id, error: error.message });
        await lifecycle
          .fail(job, { code: 'internal', message: 'the job could not be completed; it has been logged' })
          .catch(() => undefined);
      })
      .finally(() => {
        active.delete(job.id);
        wake();
      });
    active.set(job.id, { controller, done, work: job.work });
  }

  async function runJob(job: Job, controller: AbortController): Promise<void> {
    await lifecycle.started(job);
    const input = await loadInput(job);
    if (!input) {
      await lifecycle.fail(job, { code: 'upload_missing', message: 'the uploaded file of this job no longer exists' });
      return;
    }

    const progress = progressWriter(job);
    const timeoutMs = timeLimit(job);
    const timeout = setTimeout(() => controller.abort('timeout' satisfies AbortWhy), timeoutMs);
    let outcome: ExecutionOutcome;
    try {
      outcome = await executor.execute(
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
      await settleThrown(job, controller.signal, error as Error, progress.lastStage());
      return;
    } finally {
      clearTimeout(timeout);
    }
    await progress.flushed();
    if (outcome.ok) await storeSuccess(job, outcome);
    else await lifecycle.fail(job, outcome.error);
  }

  function timeLimit(job: Job): number {
    return executor.timeoutMs?.(job.mode) ?? deps.config.jobTimeoutMs;
  }

  async function loadInput(job: Job): Promise<Uint8Array | undefined> {
    // Jobs made from a prompt alone (ai-text) have no upload: their input is empty.
    if (!job.upload_id) return new Uint8Array(0);
    const upload = await deps.uploads.findOwned(job.user_id, job.upload_id);
    if (!upload) return undefined;
    return deps.storage.get(upload.storage_key).catch(() => undefined);
  }

  async function settleThrown(job: Job, signal: AbortSignal, error: Error, stage: string): Promise<void> {
    const why = signal.aborted ? (signal.reason as AbortWhy) : undefined;
    if (why === 'cancel') return; // the API already moved the row to cancelled and refunded
    if (why === 'shutdown') {
      await lifecycle.requeue(job, 'shutdown', false);
      return;
    }
    if (why === 'timeout') {
      await lifecycle.fail(job, {
        code: 'timeout',
        message: `the job ran longer than ${Math.round(timeLimit(job) / 1000)} s and was stopped`,
        stage,
      });
      return;
    }
    logger.warn('runner: worker failed', { jobId: job.id, attempt: job.attempts, error: error.message });
    if (job.attempts < job.max_attempts) await lifecycle.requeue(job, 'worker_crashed', true);
    else
      await lifecycle.fail(job, {
        code: 'internal',
        message: `the worker failed ${job.attempts} times on this job; it was stopped and refunded`,
        stage,
      });
  }

  async function storeSuccess(job: Job, outcome: Extract<ExecutionOutcome, { ok: true }>): Promise<void> {
    const discardFiles = () => deps.storage.deletePrefix(storageKeys.jobPrefix(job.user_id, job.id));
    let rows: ArtifactRow[];
    try {
      // Partial outputs are removed by putArtifacts: none outlives the attempt.
      rows = await putArtifacts(deps.storage, clock, job, outcome.artifacts);
    } catch (error) {
      if (!isStorageFull(error)) throw error;
      logger.warn('runner: storage full while storing outputs', { jobId: job.id });
      await lifecycle.fail(job, {
        code: 'storage_full',
        message: 'the server ran out of storage while saving the results; the job was refunded, try again later',
        stage: 'store',
      });
      return;
    }
    let recorded: boolean;
    try {
      recorded = await lifecycle.succeed(job, outcome.report, rows);
    } catch (error) {
      await discardFiles().catch(() => undefined);
      throw error;
    }
    // Cancelled or deleted while the worker ran: its files must not outlive the row.
    if (!recorded) await discardFiles();
  }

  /** Stage changes are written (and streamed) at once; repeats within a stage at most every throttle. */
  function progressWriter(job: Job) {
    const throttle = deps.progressThrottleMs ?? 500;
    let stage = 'started';
    let lastWrite = 0;
    let chain: Promise<unknown> = Promise.resolve();
    return {
      report(p: ProgressMessage) {
        const now = clock();
        if (p.stage === stage && now - lastWrite < throttle) return;
        stage = p.stage;
        lastWrite = now;
        chain = chain
          .then(() => lifecycle.stage(job, p.stage, p.percent))
          .catch((e: Error) => logger.warn('runner: progress write failed', { jobId: job.id, error: e.message }));
      },
      flushed: () => chain,
      lastStage: () => stage,
    };
  }

  return {
    start(): void {
      started = true;
      stopping = false;
      poll = setInterval(wake, deps.pollMs ?? 2000);
      poll.unref?.();
      wake();
    },
    wake,
    /** The API cancelled or deleted a running job: stop its task. */
    abort(jobId: string): void {
      active.get(jobId)?.controller.abort('cancel' satisfies AbortWhy);
    },
    /** Rows left running by a previous process: back to the queue, or failed + refunded when out of attempts. */
    async recover(): Promise<{ requeued: number; failed: number }> {
      let requeued = 0;
      let failed = 0;
      for (const job of await jobs.running()) {
        if (active.has(job.id)) continue;
        // The dead process may have been writing this job's outputs: a running row has no artifact
        // rows, so any file in its folder (half-written .part files included) belongs to no one.
        await deps.storage
          .deletePrefix(storageKeys.jobPrefix(job.user_id, job.id))
          .catch((e: Error) => logger.warn("runner: removing a dead attempt's files failed", { jobId: job.id, error: e.message }));
        if (job.attempts < job.max_attempts) {
          if (await lifecycle.requeue(job, 'restart', true)) requeued++;
        } else if (
          await lifecycle.fail(job, {
            code: 'internal',
            message: `the server stopped while this job ran (${job.attempts} attempts); it was refunded`,
            stage: job.stage ?? undefined,
          })
        ) {
          failed++;
        }
      }
      if (requeued + failed > 0) logger.info('runner: recovered jobs', { requeued, failed });
      return { requeued, failed };
    },
    /** Stop claiming; let running jobs finish for up to `graceMs`, then put the rest back in the queue. */
    async stop(graceMs: number): Promise<void> {
      stopping = true;
      if (poll) clearInterval(poll);
      const tasks = [...active.values()];
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finished = await Promise.race([
        Promise.allSettled(tasks.map((t) => t.done)).then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
      ]);
      clearTimeout(timer);
      if (!finished) for (const task of tasks) task.controller.abort('shutdown' satisfies AbortWhy);
      await Promise.allSettled(tasks.map((t) => t.done));
    },
    stats: () => ({ ...executor.stats(), running: active.size }),
    /** Resolves when no task is in flight (tests, shutdown). */
    async idle(): Promise<void> {
      while (active.size > 0) await Promise.allSettled([...active.values()].map((t) => t.done));
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;

/** ENOSPC from the disk, or the service_unavailable a storage adapter made of it. */
function isStorageFull(error: unknown): boolean {
  const e = error as { code?: unknown; details?: { reason?: unknown } };
  return e?.code === 'ENOSPC' || (e?.code === 'service_unavailable' && e?.details?.reason === 'storage_full');
}

/** The lifecycle's settling writes, each retried while SQLite answers busy (another writer holds the lock). */
function retryingWhenBusy(lifecycle: JobLifecycle, logger: Logger): JobLifecycle {
  const retry =
    <A extends unknown[], R>(name: string, write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await write(...args);
        } catch (error) {
          if (!(error instanceof DatabaseBusyError) || attempt >= BUSY_RETRIES) throw error;
          logger.warn('runner: database busy, retrying', { write: name, attempt: attempt + 1 });
          await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2000)));
        }
      }
    };
  return {
    ...lifecycle,
    started: retry('started', lifecycle.started),
    succeed: retry('succeed', lifecycle.succeed),
    fail: retry('fail', lifecycle.fail),
    requeue: retry('requeue', lifecycle.requeue),
  };
}
