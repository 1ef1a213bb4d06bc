/**
 * Job rules for the HTTP API: create (validated, estimated and refused past the work limits, priced
 * by the estimate, idempotent, the row, the queued-work cap and the credit hold in one atomic batch),
 * read, list, cancel, delete. Running jobs are the runner's business; this service only nudges it
 * (wake) or stops a task (abort) through the JobControl it is given.
 */
import type { Kysely } from 'kysely';
import type { Database, Job, JobStatus, Upload } from '../db/schema.ts';
import { UniqueViolationError } from '../domain/database-errors.ts';
import { TERMINAL_JOB_STATUSES } from '../domain/job-status.ts';
import { AI_JOB_MODES, IMAGE_JOB_MODES, MESH_JOB_MODES, TEXT_JOB_MODES } from '../domain/job-modes.ts';
import { resolveMeshParams } from '../pipeline/mesh-params.ts';
import { resolveImageParams } from '../pipeline/params.ts';
import { resolveTextJobParams } from '../pipeline/run-text-pipeline.ts';
import { resolveAiParams } from './ai/ai-params.ts';
import type { ArtifactsRepository } from '../repositories/artifacts.ts';
import type { JobEventsRepository } from '../repositories/job-events.ts';
import type { JobsRepository } from '../repositories/jobs.ts';
import type { UploadsRepository } from '../repositories/uploads.ts';
import type { CreditsService } from './credits.ts';
import { newId } from '../domain/ids.ts';
import type { JobLifecycle, QueueOutcome } from './job-lifecycle.ts';
import { estimateJob, refuseOffPlate, refuseTooLarge } from './job-estimate.ts';
import type { EstimateLimits, WorkEstimate } from './job-estimate.ts';
import { priceJob } from './pricing.ts';
import type { PriceTable } from './pricing.ts';
import { notFound, ServiceError } from '../domain/errors.ts';
import type { BlobStorage } from '../domain/storage.ts';
import { storageKeys } from '../domain/storage.ts';

export const JOB_MODES = [...IMAGE_JOB_MODES, ...MESH_JOB_MODES, ...TEXT_JOB_MODES, ...AI_JOB_MODES] as const;
export type JobMode = (typeof JOB_MODES)[number];

/** The runner's controls, as far as the API needs them. */
export interface JobControl {
  /** A job became claimable. */
  wake(): void;
  /**
   * A job was queued (committed): where a message queue carries the work (Cloudflare Queues) this
   * sends its message. Awaited, so a send that fails is an error of the request, not a lost job.
   */
  queued?(jobId: string): Promise<void>;
  /** Stop the worker task of a running job (its row was already moved). */
  abort(jobId: string): void;
}

export interface CreateJobInput {
  mode: JobMode;
  uploadId?: string;
  prompt?: string;
  params?: Record<string, unknown>;
  dryRun?: boolean;
}

export type CreateJobOutcome =
  | { kind: 'dry-run'; cost: number; balance: number; params: Record<string, unknown>; estimate: WorkEstimate }
  | { kind: 'job'; job: Job; created: boolean };

export interface JobsServiceDeps {
  db: Kysely<Database>;
  jobs: JobsRepository;
  uploads: UploadsRepository;
  artifacts: ArtifactsRepository;
  events: JobEventsRepository;
  credits: CreditsService;
  storage: BlobStorage;
  lifecycle: JobLifecycle;
  control: JobControl;
  clock: () => number;
  /** Retention: when a job's outputs made now will be purged (null = kept). Without it they are kept. */
  expiresAt?: (userId: string, createdAt: number) => Promise<number | null>;
  /** AI modes a configured provider can run (src/services/ai/availability.ts); without it none. */
  aiModes?: ReadonlySet<string>;
  /** The configured price table (PRICING_JSON); the built-in one without it. */
  prices?: PriceTable;
  /** Work limits past which a job is refused (MAX_JOB_GRID_SAMPLES, MAX_JOB_MEMORY_MB); the estimate's defaults without them. */
  limits?: EstimateLimits;
  /** Estimated worker-seconds a user may have queued (MAX_QUEUED_WORK_SECONDS); unlimited without it. */
  maxQueuedSeconds?: number;
}

export function createJobsService(deps: JobsServiceDeps) {
  const { jobs, lifecycle, control, clock } = deps;

  async function owned(userId: string, id: string): Promise<Job> {
    const job = await jobs.findOwned(userId, id);
    if (!job) throw notFound('the job');
    return job;
  }

  /** 429 with the wait until enough of the user's queue should have started (the pool runs ~1 worker-second a second for them at least). */
  async function queueFull(userId: string, work: number): Promise<ServiceError> {
    const max = deps.maxQueuedSeconds ?? Number.MAX_SAFE_INTEGER;
    const queued = await jobs.queuedWork(userId);
    const retryAfter = Math.min(3600, Math.max(1, Math.ceil(queued + work - max)));
    return new ServiceError(
      'queue_full',
      `you have about ${Math.round(queued)} s of work queued and this job adds ${work} s; the limit is ${max} s of queued work per user. Retry after ${retryAfter} s, when your queued jobs have started, or cancel some`,
      { queuedSeconds: Math.round(queued * 10) / 10, jobSeconds: work, maxQueuedSeconds: max },
      retryAfter,
    );
  }

  return {
    async create(userId: string, input: CreateJobInput, idempotencyKey?: string): Promise<CreateJobOutcome> {
      const ai = isAiMode(input.mode);
      if (ai && !deps.aiModes?.has(input.mode)) {
        const why = deps.aiModes?.size ? 'the configured AI provider does not do text-to-3D' : 'none is configured on this server';
        throw new ServiceError('provider_not_configured', `mode ${input.mode} needs an AI provider key (Meshy, Tripo or fal); ${why}`);
      }
      const params = resolveParams(input.mode, input.params ?? {});
      // Repair and convert are priced by the triangles they read, everything else by what it makes.
      let inputTriangles: number | undefined;
      let upload: Upload | undefined;
      if (input.mode === 'ai-text') {
        if (!input.prompt?.trim()) throw ServiceError.of('invalid_request', 'mode ai-text needs a prompt');
        if (input.prompt.length > AI_PROMPT_MAX)
          throw ServiceError.of('invalid_request', `the prompt is longer than ${AI_PROMPT_MAX} characters`);
        if (input.uploadId) throw ServiceError.of('invalid_request', 'mode ai-text takes a prompt, not an upload');
      } else if (input.mode === 'text') {
        // The text is in the parameters; an upload, if any, is the user's own font (the bundled one otherwise).
        if (input.uploadId) upload = await usableUpload(deps.uploads, userId, input.uploadId, input.mode);
      } else {
        if (!input.uploadId) throw ServiceError.of('invalid_request', `mode ${input.mode} needs an uploadId`);
        upload = await usableUpload(deps.uploads, userId, input.uploadId, input.mode);
        if (input.mode === 'repair' || input.mode === 'convert') inputTriangles = upload.triangles ?? undefined;
        if (ai) {
          aiImageFormat(upload);
          for (const viewId of (params as { views?: string[] }).views ?? [])
            aiImageFormat(await usableUpload(deps.uploads, userId, viewId, input.mode));
        }
      }

      // Refused before anything is written or held: a job past the limits would only fail later.
      const estimate = estimateJob(kindOf(input.mode), input.mode, params, upload);
      refuseTooLarge(estimate, deps.limits);
      refuseOffPlate(estimate, (params as { buildPlateMm?: number[] }).buildPlateMm);
      const cost = priceJob(
        input.mode,
        params as { maxTriangles?: number; targetPolycount?: number },
        deps.prices,
        inputTriangles,
        estimate.samples,
      );
      if (cost === undefined) throw ServiceError.of('invalid_parameters', `mode ${input.mode} has no price`);
      if (input.dryRun) return { kind: 'dry-run', cost, balance: await deps.credits.balance(userId), params, estimate };

      const fingerprint = {
        mode: input.mode,
        upload_id: input.uploadId ?? null,
        prompt: input.prompt ?? null,
        params: JSON.stringify(params),
      };
      const replay = async () => {
        if (!idempotencyKey) return undefined;
        const existing = await jobs.findByIdempotencyKey(deps.db, userId, idempotencyKey);
        if (!existing) return undefined;
        const same =
          existing.mode === fingerprint.mode &&
          existing.upload_id === fingerprint.upload_id &&
          existing.prompt === fingerprint.prompt &&
          existing.params === fingerprint.params;
        if (!same)
          throw ServiceError.of('idempotency_conflict', 'this Idempotency-Key was already used with a different request body', {
            jobId: existing.id,
          });
        return existing;
      };
      const earlier = await replay();
      if (earlier) return { kind: 'job', job: earlier, created: false };

      const id = newId('job');
      const createdAt = clock();
      const row = {
        id,
        user_id: userId,
        mode: input.mode,
        upload_id: fingerprint.upload_id,
        prompt: input.prompt ?? null,
        params: fingerprint.params,
        status: 'queued' as const,
        progress: 0,
        cost,
        credit_state: cost > 0 ? ('held' as const) : ('none' as const),
        attempts: 0,
        max_attempts: 3,
        idempotency_key: idempotencyKey ?? null,
        work: estimate.seconds,
        created_at: createdAt,
        expires_at: deps.expiresAt ? await deps.expiresAt(userId, createdAt) : null,
      };
      let outcome: QueueOutcome;
      try {
        outcome = await lifecycle.queue(row, deps.maxQueuedSeconds ?? Number.MAX_SAFE_INTEGER);
      } catch (error) {
        // Two requests with one key raced: the unique index let one through; answer with it.
        if (idempotencyKey && error instanceof UniqueViolationError) {
          const winner = await replay();
          if (winner) return { kind: 'job', job: winner, created: false };
        }
        throw error;
      }
      if (!outcome.queued) {
        if (outcome.why === 'queue_full') throw await queueFull(userId, estimate.seconds);
        throw deps.credits.insufficient(cost, outcome.balance);
      }
      // Read before waking the runner, so the answer shows the job as created (queued).
      const job = await jobs.find(id);
      if (!job) throw new Error('jobs: a job vanished right after it was created');
      if (control.queued)
        await control.queued(id).catch(async () => {
          // Without its message the job would wait forever: take it back (refunded) and say so.
          await lifecycle.cancel(job);
          throw ServiceError.of('service_unavailable', 'the job queue did not take the job; it was cancelled and refunded, try again');
        });
      control.wake();
      return { kind: 'job', job, created: true };
    },

    get: owned,

    async withArtifacts(userId: string, id: string) {
      const job = await owned(userId, id);
      const extras = (await jobs.listingExtras([job.id])).get(job.id);
      return { job, artifacts: await deps.artifacts.forJob(job.id), extras };
    },

    /** Newest first, each with its upload's file name and whether it has a preview picture (history thumbnails). */
    async list(userId: string, opts: { limit: number; status?: JobStatus; mode?: string; before?: { createdAt: number; id: string } }) {
      const rows = await jobs.listOwned(userId, opts);
      const extras = await jobs.listingExtras(rows.map((r) => r.id));
      return rows.map((job) => ({ job, extras: extras.get(job.id) }));
    },

    async cancel(userId: string, id: string): Promise<Job> {
      const job = await owned(userId, id);
      if (TERMINAL_JOB_STATUSES.has(job.status))
        throw ServiceError.of('conflict', `the job already ${job.status === 'cancelled' ? 'was cancelled' : job.status}`, {
          status: job.status,
        });
      const moved = await lifecycle.cancel(job);
      if (job.status === 'running') control.abort(job.id);
      const now = await owned(userId, id);
      if (!moved && now.status !== 'cancelled') throw ServiceError.of('conflict', `the job already ${now.status}`, { status: now.status });
      return now;
    },

    /** Cancels if needed (refunding), then removes the row, its events, its artifacts and their files. */
    async remove(userId: string, id: string): Promise<void> {
      const job = await owned(userId, id);
      if (!TERMINAL_JOB_STATUSES.has(job.status)) {
        await lifecycle.cancel(job);
        if (job.status === 'running') control.abort(job.id);
      }
      await deps.artifacts.deleteForJob(job.id);
      await deps.events.deleteForJob(job.id);
      await jobs.deleteOwned(userId, job.id);
      await deps.storage.deletePrefix(storageKeys.jobPrefix(userId, job.id));
    },

    /** Events after `afterId`, for an SSE replay; ownership checked by the caller's get(). */
    eventsAfter: (jobId: string, afterId: number) => deps.events.after(jobId, afterId),
  };
}

export type JobsService = ReturnType<typeof createJobsService>;
/** The stored shapes the jobs routes present. */
export type { Artifact, Job } from '../db/schema.ts';

const isAiMode = (mode: string) => (AI_JOB_MODES as readonly string[]).includes(mode);
const kindOf = (mode: JobMode) =>
  isAiMode(mode)
    ? ('ai' as const)
    : mode === 'text'
      ? ('text' as const)
      : (MESH_JOB_MODES as readonly string[]).includes(mode)
        ? ('mesh' as const)
        : ('image' as const);
/** Meshy takes prompts of up to 600 characters; the others less strictly. */
const AI_PROMPT_MAX = 600;

/** Providers take PNG or JPEG (Meshy: only these). */
function aiImageFormat(upload: Upload): void {
  if (upload.format !== 'png' && upload.format !== 'jpeg') {
    throw new ServiceError(
      'unsupported_media_type',
      `AI modes take PNG or JPEG images; this upload is ${upload.format ?? 'of an unknown format'}`,
      { format: upload.format },
    );
  }
}

/**
 * What an API job makes when it does not say: every download the README lists (STL, 3MF and GLB,
 * plus the previews and the report). The pipeline's own default stays STL alone, which is what the
 * offline CLI writes when it is given no output file.
 */
export const API_DEFAULT_FORMATS = ['stl', '3mf', 'glb'] as const;

function resolveParams(mode: JobMode, given: Record<string, unknown>): Record<string, unknown> {
  const input = given.formats === undefined ? { ...given, formats: [...API_DEFAULT_FORMATS] } : given;
  if ((IMAGE_JOB_MODES as readonly string[]).includes(mode)) return { ...resolveImageParams({ ...input, mode }) };
  if (isAiMode(mode)) return { ...resolveAiParams({ ...input, mode }) };
  if (mode === 'text') return { ...resolveTextJobParams(input) };
  return { ...resolveMeshParams({ ...input, mode }) };
}

const KIND_NAMES = { image: 'an image', mesh: 'a 3D file', font: 'a TrueType font' } as const;

async function usableUpload(uploads: UploadsRepository, userId: string, uploadId: string, mode: JobMode): Promise<Upload> {
  const upload = await uploads.findOwned(userId, uploadId);
  if (!upload) throw notFound('the upload');
  if (upload.status !== 'ready')
    throw ServiceError.of('upload_not_ready', 'the upload has not finished processing', { status: upload.status });
  const wanted = (MESH_JOB_MODES as readonly string[]).includes(mode) ? 'mesh' : mode === 'text' ? 'font' : 'image';
  if (upload.kind !== wanted) {
    throw new ServiceError(
      'upload_kind_mismatch',
      `mode ${mode} needs ${KIND_NAMES[wanted]}, and this upload is ${KIND_NAMES[upload.kind]}`,
      {
        uploadKind: upload.kind,
        wanted,
      },
    );
  }
  return upload;
}
