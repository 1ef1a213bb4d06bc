/**
 * Every change of a job's state, each one transaction: the conditional status move, the credit
 * movement that goes with it (capture on success, idempotent refund on failure or cancel) and the
 * job_events row. Events reach live streams only after the commit, so a stream never shows a state
 * the database rolled back. The HTTP service and the runner both go through here.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Artifact, Database, Job, JobStatus } from '../db/schema.ts';
import type { JobEventBus, JobEventMessage, JobEventType } from '../domain/job-events.ts';
import type { ArtifactsRepository } from '../repositories/artifacts.ts';
import type { JobEventsRepository } from '../repositories/job-events.ts';
import type { JobsRepository } from '../repositories/jobs.ts';
import type { CreditsService } from './credits.ts';

export interface JobLifecycleDeps {
  db: Kysely<Database>;
  jobs: JobsRepository;
  events: JobEventsRepository;
  artifacts: ArtifactsRepository;
  credits: CreditsService;
  bus: Pick<JobEventBus, 'publish'>;
  clock: () => number;
}

export interface JobFailure {
  code: string;
  message: string;
  stage?: string;
}

type Emit = (type: JobEventType, data: Record<string, unknown>) => Promise<void>;

export function createJobLifecycle(deps: JobLifecycleDeps) {
  const { db, jobs, events, artifacts, credits, bus, clock } = deps;

  /** Runs `work` in a transaction; events it emits are published once the transaction commits. */
  async function withEvents<T>(jobId: string, work: (trx: Transaction<Database>, emit: Emit) => Promise<T>): Promise<T> {
    const pending: JobEventMessage[] = [];
    const result = await db.transaction().execute((trx) =>
      work(trx, async (type, data) => {
        const id = await events.append(trx, jobId, type, data, clock());
        pending.push({ id, jobId, type, data });
      }),
    );
    // Issued together, in order: nothing of another transaction can publish between them (the bus
    // keeps the order of calls per job, across the await of a Durable Object too).
    await Promise.all(pending.map((event) => bus.publish(event)));
    return result;
  }

  /** Refund inside `trx` when the job holds credits; idempotent by the ledger key. */
  async function refund(trx: Transaction<Database>, job: Job, reason: string): Promise<'refunded' | 'none'> {
    if (job.cost <= 0 || job.credit_state === 'none') return 'none';
    await credits.refundJob(trx, job.user_id, job.id, job.cost, reason);
    return 'refunded';
  }

  return {
    withEvents,

    /** A worker picked the job up (the claim already moved it to running). */
    started: (job: Job) => withEvents(job.id, (_trx, emit) => emit('started', { attempt: job.attempts })),

    stage: (job: Job, stage: string, percent: number) =>
      withEvents(job.id, async (trx, emit) => {
        // No event for a job that stopped running (cancelled, or deleted with its account).
        if (await jobs.transition(trx, job.id, ['running'], { stage, progress: percent, heartbeat_at: clock() }))
          await emit('stage', { stage, percent });
      }),

    succeed: (job: Job, report: unknown, artifactRows: Artifact[]) =>
      withEvents(job.id, async (trx, emit) => {
        const moved = await jobs.transition(trx, job.id, ['running'], {
          status: 'succeeded',
          progress: 100,
          stage: 'done',
          result: JSON.stringify(report),
          finished_at: clock(),
          credit_state: job.credit_state === 'held' ? 'captured' : job.credit_state,
        });
        if (!moved) return false; // cancelled or deleted while it ran: the caller discards the files
        await artifacts.insertMany(trx, artifactRows);
        await emit('succeeded', {
          artifacts: artifactRows.map((a) => ({ name: a.name, contentType: a.content_type, bytes: a.byte_size })),
        });
        return true;
      }),

    fail: (job: Job, failure: JobFailure, from: JobStatus[] = ['running']) =>
      withEvents(job.id, async (trx, emit) => {
        const moved = await jobs.transition(trx, job.id, from, {
          status: 'failed',
          error_code: failure.code,
          error_message: failure.message,
          stage: failure.stage ?? null,
          finished_at: clock(),
          credit_state: job.credit_state === 'held' ? 'refunded' : job.credit_state,
        });
        if (!moved) return false;
        const credit = await refund(trx, job, 'job_failed');
        await emit('failed', { code: failure.code, message: failure.message, stage: failure.stage ?? null, credit });
        return true;
      }),

    cancel: (job: Job) =>
      withEvents(job.id, async (trx, emit) => {
        const moved = await jobs.transition(trx, job.id, ['queued', 'running'], {
          status: 'cancelled',
          finished_at: clock(),
          credit_state: job.credit_state === 'held' ? 'refunded' : job.credit_state,
        });
        if (!moved) return false;
        const credit = await refund(trx, job, 'job_cancelled');
        await emit('cancelled', { credit });
        return true;
      }),

    /** Back to the queue (worker crash, restart, shutdown). `countAttempt: false` gives the attempt back. */
    requeue: (job: Job, reason: string, countAttempt: boolean) =>
      withEvents(job.id, async (trx, emit) => {
        const attempts = countAttempt ? job.attempts : Math.max(0, job.attempts - 1);
        const moved = await jobs.transition(trx, job.id, ['running'], {
          status: 'queued',
          attempts,
          stage: null,
          progress: 0,
          started_at: null,
          heartbeat_at: null,
        });
        if (!moved) return false;
        await emit('queued', { reason, attempts, maxAttempts: job.max_attempts });
        return true;
      }),
  };
}

export type JobLifecycle = ReturnType<typeof createJobLifecycle>;
