/**
 * Every change of a job's state, each one atomic batch: the credit movement that goes with it
 * (the hold when queued, an idempotent refund on failure or cancel), the job_events row, and the
 * conditional status move last. The statements before the move are conditional on the job still
 * being where the move starts from, so either all apply or, when another change came first, none.
 * Events reach live streams only after the batch committed, so a stream never shows a state the
 * database does not hold. The HTTP service and the runner both go through here.
 */
import type { CompiledQuery, RawBuilder } from 'kysely';
import type { Artifact, Job, JobStatus, JobUpdate, NewJob } from '../db/schema.ts';
import type { JobEventBus, JobEventType } from '../domain/job-events.ts';
import { newId } from '../domain/ids.ts';
import type { AtomicBatch } from '../repositories/atomic-batch.ts';
import { rowsOf } from '../repositories/atomic-batch.ts';
import type { ArtifactsRepository } from '../repositories/artifacts.ts';
import { entryExists } from '../repositories/credits.ts';
import type { JobEventsRepository } from '../repositories/job-events.ts';
import type { JobsRepository } from '../repositories/jobs.ts';
import { uniqueOrThrow } from '../repositories/database-errors.ts';
import { ownerMustExist } from '../repositories/owner-must-exist.ts';
import type { CreditsService } from './credits.ts';

export interface JobLifecycleDeps {
  batch: AtomicBatch;
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

export type QueueOutcome =
  | { queued: true }
  | { queued: false; why: 'queue_full' }
  | { queued: false; why: 'insufficient'; balance: number };

interface Move {
  from: readonly JobStatus[];
  set: JobUpdate;
  event: { type: JobEventType; data: Record<string, unknown> };
  /** Statements that go with the move, written only if it happens (`when`: the job is still in `from`). */
  with?: (when: RawBuilder<unknown>) => CompiledQuery[];
}

export function createJobLifecycle(deps: JobLifecycleDeps) {
  const { batch, jobs, events, artifacts, credits, bus, clock } = deps;

  /** One batch: the statements that go with the move, the event, then the move. Publishes once committed. */
  async function move(job: Job, m: Move): Promise<boolean> {
    const when = jobs.isIn(job.id, m.from);
    const queries = [
      ...(m.with?.(when) ?? []),
      events.appendQuery(job.id, m.event.type, m.event.data, clock(), when),
      jobs.transitionQuery(job.id, m.from, m.set),
    ];
    const results = await batch.run(queries);
    const moved = rowsOf(results, queries.length - 1).length > 0;
    const event = rowsOf<{ id: number }>(results, queries.length - 2)[0];
    // One event per batch, published once the batch committed (the bus never throws).
    if (moved && event) await bus.publish({ id: Number(event.id), jobId: job.id, ...m.event });
    return moved;
  }

  async function emit(jobId: string, type: JobEventType, data: Record<string, unknown>): Promise<void> {
    const [result] = await batch.run([events.appendQuery(jobId, type, data, clock())]);
    const row = result?.rows[0] as { id: number } | undefined;
    if (row) await bus.publish({ id: Number(row.id), jobId, type, data });
  }

  /** The refund that goes with a failure or cancel, when the job holds credits; idempotent by the ledger key. */
  const refund = (job: Job, reason: string) => (when: RawBuilder<unknown>) =>
    job.cost > 0 && job.credit_state !== 'none' ? [credits.refundQuery(job.user_id, job.id, job.cost, reason, when)] : [];
  const creditOf = (job: Job): 'refunded' | 'none' => (job.cost > 0 && job.credit_state !== 'none' ? 'refunded' : 'none');

  return {
    /**
     * Queues a new job: its row, the credit hold and the `queued` event in one batch. The hold goes
     * first, conditional on the queue cap and the balance; the row only if the hold was written (or
     * the job is free), so neither exists without the other. The first statement reads what decided
     * it, in the same snapshot, to say why a job was refused.
     */
    async queue(row: NewJob & { id: string; user_id: string; cost: number; work: number }, maxQueuedWork: number): Promise<QueueOutcome> {
      const fits = jobs.fitsQueue(row.user_id, row.work, maxQueuedWork);
      const holdId = newId('cre');
      const held = entryExists(holdId);
      const queries = [
        jobs.queueVerdictQuery(row.user_id, fits),
        ...(row.cost > 0 ? [credits.holdQuery(row.user_id, row.id, row.cost, { id: holdId, when: fits })] : []),
        jobs.insertWhenQuery(row, row.cost > 0 ? held : fits),
        events.appendQuery(row.id, 'queued', { cost: row.cost }, clock(), jobs.exists(row.id)),
      ];
      // A second job with the same idempotency key fails the unique index: UniqueViolationError.
      const results = await ownerMustExist(uniqueOrThrow(batch.run(queries)));
      const event = rowsOf<{ id: number }>(results, queries.length - 1)[0];
      if (event) {
        await bus.publish({ id: Number(event.id), jobId: row.id, type: 'queued', data: { cost: row.cost } });
        return { queued: true };
      }
      const before = rowsOf<{ fits: number; balance: number }>(results, 0)[0];
      if (!before || !Number(before.fits)) return { queued: false, why: 'queue_full' };
      return { queued: false, why: 'insufficient', balance: Number(before.balance) };
    },

    /** A worker picked the job up (the claim already moved it to running). */
    started: (job: Job) => emit(job.id, 'started', { attempt: job.attempts }),

    // No event for a job that stopped running (cancelled, or deleted with its account).
    stage: (job: Job, stage: string, percent: number) =>
      move(job, {
        from: ['running'],
        set: { stage, progress: percent, heartbeat_at: clock() },
        event: { type: 'stage', data: { stage, percent } },
      }),

    /** False when the job was cancelled or deleted while it ran: the caller discards the files. */
    succeed: (job: Job, report: unknown, artifactRows: Artifact[]) =>
      move(job, {
        from: ['running'],
        set: {
          status: 'succeeded',
          progress: 100,
          stage: 'done',
          result: JSON.stringify(report),
          finished_at: clock(),
          credit_state: job.credit_state === 'held' ? 'captured' : job.credit_state,
        },
        event: {
          type: 'succeeded',
          data: { artifacts: artifactRows.map((a) => ({ name: a.name, contentType: a.content_type, bytes: a.byte_size })) },
        },
        with: (when) => artifacts.insertQueries(artifactRows, when),
      }),

    fail: (job: Job, failure: JobFailure, from: JobStatus[] = ['running']) =>
      move(job, {
        from,
        set: {
          status: 'failed',
          error_code: failure.code,
          error_message: failure.message,
          stage: failure.stage ?? null,
          finished_at: clock(),
          credit_state: job.credit_state === 'held' ? 'refunded' : job.credit_state,
        },
        event: {
          type: 'failed',
          data: { code: failure.code, message: failure.message, stage: failure.stage ?? null, credit: creditOf(job) },
        },
        with: refund(job, 'job_failed'),
      }),

    cancel: (job: Job) =>
      move(job, {
        from: ['queued', 'running'],
        set: { status: 'cancelled', finished_at: clock(), credit_state: job.credit_state === 'held' ? 'refunded' : job.credit_state },
        event: { type: 'cancelled', data: { credit: creditOf(job) } },
        with: refund(job, 'job_cancelled'),
      }),

    /** Back to the queue (worker crash, restart, shutdown). `countAttempt: false` gives the attempt back. */
    requeue: (job: Job, reason: string, countAttempt: boolean) => {
      const attempts = countAttempt ? job.attempts : Math.max(0, job.attempts - 1);
      return move(job, {
        from: ['running'],
        set: { status: 'queued', attempts, stage: null, progress: 0, started_at: null, heartbeat_at: null },
        event: { type: 'queued', data: { reason, attempts, maxAttempts: job.max_attempts } },
      });
    },
  };
}

export type JobLifecycle = ReturnType<typeof createJobLifecycle>;
