/**
 * One queue delivery of one job, on the Cloudflare path: the per-job Durable Object calls this for
 * each message naming the job. Deliveries are at least once, so every step is conditional on the
 * job's row and every credit movement goes through the lifecycle's idempotent batches:
 *
 * - job gone or finished                   -> 'ignored' (a replayed message does nothing)
 * - job running with no attempt in flight  -> the attempt died with its isolate: its files removed,
 *                                             back to queued (or failed + refunded past max_attempts)
 * - job queued                             -> claimed (one conditional UPDATE), the executor (the mesh
 *                                             container) runs it, and it is settled as the embedded
 *                                             runner settles (src/jobs/runner.ts). With `meshIo` the
 *                                             container reads the input and writes the artifacts
 *                                             through presigned URLs (mesh-io.ts) and each reported
 *                                             object is checked in R2 (key, size) before its row is
 *                                             written; without it the input and the artifacts travel
 *                                             in the request and response and are stored here
 * - the mesh process died mid-job           -> back to queued, 'retry' (the queue delivers it again);
 *                                             failed + refunded once max_attempts are used up
 * - timeout / cancel                        -> the caller aborts with that reason; settled accordingly
 *
 * The credit hold was taken when the job was queued; success captures it (a flag on the row),
 * failure refunds it by ledger key, so no number of deliveries charges or refunds twice. Any
 * attempt that does not succeed (failed, cancelled, timed out, crashed) has the job's folder
 * removed, so files a container wrote before it stopped do not outlive it.
 */
import { putArtifacts } from './put-artifacts.ts';
import type { ArtifactRow } from './put-artifacts.ts';
import { planMeshIo } from './mesh-io.ts';
import type { MeshIo, MeshIoSigner, StoredArtifact } from './mesh-io.ts';
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
  /**
   * With R2's S3 API configured: the container moves the bytes itself through URLs signed here,
   * valid for `expiresInSeconds` (the job's time limit, so they die with the attempt).
   */
  meshIo?: { signer: MeshIoSigner; expiresInSeconds: number };
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
  const params = JSON.parse(job.params) as Record<string, unknown>;
  const prepared = await prepareInput(deps, job, params);
  if (!prepared) {
    await lifecycle.fail(job, { code: 'upload_missing', message: 'the uploaded file of this job no longer exists' });
    return 'settled';
  }
  const { input, io } = prepared;
  const progress = progressWriter(deps, job);
  let outcome: ExecutionOutcome;
  try {
    outcome = await deps.executor.execute(
      { jobId: job.id, mode: job.mode as JobExecutionMode, params, input, userId: job.user_id, prompt: job.prompt, io },
      { signal: controller.signal, onProgress: progress.report },
    );
  } catch (error) {
    await progress.flushed();
    return settleThrown(deps, job, controller.signal, error as Error, progress.lastStage());
  }
  await progress.flushed();
  if (outcome.ok && outcome.stored && io) await storeSuccess(deps, job, outcome, () => verifiedRows(deps, job, io, outcome.stored ?? []));
  else if (outcome.ok) await storeSuccess(deps, job, outcome, () => putArtifacts(deps.storage, deps.clock, job, outcome.artifacts));
  else {
    await lifecycle.fail(job, outcome.error);
    // A container that stopped part-way through its writes (a refused URL) leaves them behind.
    if (io) await discardJobFiles(deps, job);
  }
  return 'settled';
}

/**
 * The input in bytes (read from storage here), or, with meshIo, URLs for the container to move
 * the bytes itself; undefined when the upload is gone.
 */
async function prepareInput(
  deps: QueuedJobDeps,
  job: Job,
  params: Record<string, unknown>,
): Promise<{ input: Uint8Array; io?: MeshIo } | undefined> {
  const upload = job.upload_id ? await deps.uploads.findOwned(job.user_id, job.upload_id) : undefined;
  if (job.upload_id && !upload) return undefined;
  if (deps.meshIo) {
    if (upload && (await deps.storage.size(upload.storage_key)) === undefined) return undefined;
    const { signer, expiresInSeconds } = deps.meshIo;
    const io = await planMeshIo(signer, { ...job, params }, upload?.storage_key, expiresInSeconds);
    return { input: new Uint8Array(0), io };
  }
  if (!upload) return { input: new Uint8Array(0) };
  const input = await deps.storage.get(upload.storage_key).catch(() => undefined);
  return input ? { input } : undefined;
}

/**
 * The rows of what the container reports it stored, each checked against R2 first: only names
 * and keys it was given, each object present with the reported size. Anything else is refused
 * (thrown: the job fails, refunded, and its files are removed).
 */
async function verifiedRows(deps: QueuedJobDeps, job: Job, io: MeshIo, stored: readonly StoredArtifact[]): Promise<ArtifactRow[]> {
  const rows: ArtifactRow[] = [];
  for (const artifact of stored) {
    const target = io.outputs[artifact.name];
    if (!target || target.key !== artifact.key || rows.some((r) => r.name === artifact.name)) {
      throw new Error(`the mesh container reported ${artifact.name} at ${artifact.key}, which it was not given`);
    }
    const size = await deps.storage.size(artifact.key);
    if (size !== artifact.bytes) {
      throw new Error(`${artifact.key}: the store holds ${size ?? 'no object'}, the mesh container reported ${artifact.bytes} bytes`);
    }
    rows.push({
      job_id: job.id,
      name: artifact.name,
      content_type: artifact.contentType,
      byte_size: size,
      etag: artifact.sha256,
      storage_key: artifact.key,
      created_at: deps.clock(),
    });
  }
  return rows;
}

const discardJobFiles = (deps: QueuedJobDeps, job: Job) =>
  deps.storage
    .deletePrefix(storageKeys.jobPrefix(job.user_id, job.id))
    .catch((e: Error) => deps.logger.warn("queued job: removing an attempt's files failed", { jobId: job.id, error: e.message }));

async function settleThrown(deps: QueuedJobDeps, job: Job, signal: AbortSignal, error: Error, stage: string): Promise<Delivery> {
  const why = signal.aborted ? (signal.reason as AbortWhy) : undefined;
  // Cancelled: the API already moved the row and refunded. Timed out: the alarm fails it (refunded).
  // Either way a container may have written some artifacts already.
  if (why === 'cancel' || why === 'timeout') {
    await discardJobFiles(deps, job);
    return 'settled';
  }
  deps.logger.warn('queued job: mesh process failed', { jobId: job.id, attempt: job.attempts, error: error.message });
  if (job.attempts < job.max_attempts) {
    await deps.storage.deletePrefix(storageKeys.jobPrefix(job.user_id, job.id)).catch(() => undefined);
    return (await deps.lifecycle.requeue(job, 'worker_crashed', true)) ? 'retry' : 'ignored';
  }
  await discardJobFiles(deps, job);
  await deps.lifecycle.fail(job, {
    code: 'internal',
    message: `the worker failed ${job.attempts} times on this job; it was stopped and refunded`,
    stage,
  });
  return 'settled';
}

/** `rowsOf` stores (or verifies) the files; any failure from there on removes them. */
async function storeSuccess(
  deps: QueuedJobDeps,
  job: Job,
  outcome: Extract<ExecutionOutcome, { ok: true }>,
  rowsOf: () => Promise<ArtifactRow[]>,
): Promise<void> {
  const discardFiles = () => deps.storage.deletePrefix(storageKeys.jobPrefix(job.user_id, job.id));
  let rows: ArtifactRow[];
  try {
    rows = await rowsOf();
  } catch (error) {
    await discardFiles().catch(() => undefined);
    throw error;
  }
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
