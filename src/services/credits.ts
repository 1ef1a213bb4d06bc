/** Credit rules: the sign-up grant, job holds and refunds, balances. All movements idempotent. */
import type { CompiledQuery, Kysely, RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { AtomicBatch } from '../repositories/atomic-batch.ts';
import { applyMovement, balanceOf, listEntriesWithJobs, movementQuery } from '../repositories/credits.ts';
import { ServiceError } from '../domain/errors.ts';

export interface CreditsService {
  grantSignup(userId: string): Promise<void>;
  /** A hold on its own: take the cost or throw 402 with the shortfall. Jobs hold with their row (`holdQuery`). */
  holdForJob(userId: string, jobId: string, cost: number): Promise<void>;
  /** The hold as a statement of a larger batch; applies only if `when` holds and the balance covers it. */
  holdQuery(userId: string, jobId: string, cost: number, options: { id: string; when?: RawBuilder<unknown> }): CompiledQuery;
  /** The 402 for a hold the balance did not cover. */
  insufficient(cost: number, balance: number): ServiceError;
  /** A refund on its own; true when it applied now (false: done before, or nothing held). */
  refundJob(userId: string, jobId: string, cost: number, reason: string): Promise<boolean>;
  /** The refund as a statement of a larger batch (idempotent by the job's refund key). */
  refundQuery(userId: string, jobId: string, cost: number, reason: string, when?: RawBuilder<unknown>): CompiledQuery;
  balance(userId: string): Promise<number>;
  /** Newest first, keyset-paged by (createdAt, id); a job's entries carry its mode and current credit state. */
  entries(userId: string, limit: number, before?: { createdAt: number; id: string }): ReturnType<typeof listEntriesWithJobs>;
}

export function createCreditsService(
  db: Kysely<Database>,
  batch: AtomicBatch,
  options: { signupGrant: number; clock: () => number },
): CreditsService {
  const hold = (userId: string, jobId: string, cost: number) => ({
    userId,
    amount: -cost,
    reason: 'job_hold',
    reference: jobId,
    idempotencyKey: `job:${jobId}:hold`,
  });
  const refund = (userId: string, jobId: string, cost: number, reason: string) => ({
    userId,
    amount: cost,
    reason,
    reference: jobId,
    idempotencyKey: `job:${jobId}:refund`,
  });
  const insufficient = (cost: number, balance: number) =>
    new ServiceError('insufficient_credits', `this job costs ${cost} credits; you have ${balance}`, {
      cost,
      balance,
      shortfall: cost - balance,
    });

  return {
    async grantSignup(userId) {
      if (options.signupGrant <= 0) return;
      await applyMovement(
        batch,
        db,
        { userId, amount: options.signupGrant, reason: 'signup_grant', idempotencyKey: `signup:${userId}` },
        options.clock(),
      );
    },
    async holdForJob(userId, jobId, cost) {
      if (cost <= 0) return;
      const outcome = await applyMovement(batch, db, hold(userId, jobId, cost), options.clock());
      if (!outcome.applied && outcome.why === 'insufficient') throw insufficient(cost, outcome.balance);
    },
    holdQuery: (userId, jobId, cost, { id, when }) => movementQuery(db, hold(userId, jobId, cost), options.clock(), { id, when }),
    insufficient,
    async refundJob(userId, jobId, cost, reason) {
      if (cost <= 0) return false;
      return (await applyMovement(batch, db, refund(userId, jobId, cost, reason), options.clock())).applied;
    },
    refundQuery: (userId, jobId, cost, reason, when) => movementQuery(db, refund(userId, jobId, cost, reason), options.clock(), { when }),
    balance: (userId) => balanceOf(db, userId),
    entries: (userId, limit, before) => listEntriesWithJobs(db, userId, limit, before),
  };
}
