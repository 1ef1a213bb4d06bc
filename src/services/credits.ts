/** Credit rules: the sign-up grant, job holds and refunds, balances. All movements idempotent. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { applyMovement, balanceOf, listEntriesWithJobs } from '../repositories/credits.ts';
import { ServiceError } from '../domain/errors.ts';

export interface CreditsService {
  grantSignup(userId: string): Promise<void>;
  /** Inside the job-creating transaction: take the cost or throw 402 with the shortfall. */
  holdForJob(trx: Transaction<Database>, userId: string, jobId: string, cost: number): Promise<void>;
  refundJob(trx: Transaction<Database>, userId: string, jobId: string, cost: number, reason: string): Promise<boolean>;
  balance(userId: string): Promise<number>;
  /** Newest first, keyset-paged by (createdAt, id); a job's entries carry its mode and current credit state. */
  entries(userId: string, limit: number, before?: { createdAt: number; id: string }): ReturnType<typeof listEntriesWithJobs>;
}

export function createCreditsService(db: Kysely<Database>, options: { signupGrant: number; clock: () => number }): CreditsService {
  return {
    async grantSignup(userId) {
      if (options.signupGrant <= 0) return;
      await db
        .transaction()
        .execute((trx) =>
          applyMovement(
            trx,
            { userId, amount: options.signupGrant, reason: 'signup_grant', idempotencyKey: `signup:${userId}` },
            options.clock(),
          ),
        );
    },
    async holdForJob(trx, userId, jobId, cost) {
      if (cost <= 0) return;
      const outcome = await applyMovement(
        trx,
        { userId, amount: -cost, reason: 'job_hold', reference: jobId, idempotencyKey: `job:${jobId}:hold` },
        options.clock(),
      );
      if (!outcome.applied && outcome.why === 'insufficient') {
        throw new ServiceError('insufficient_credits', `this job costs ${cost} credits; you have ${outcome.balance}`, {
          cost,
          balance: outcome.balance,
          shortfall: cost - outcome.balance,
        });
      }
    },
    async refundJob(trx, userId, jobId, cost, reason) {
      if (cost <= 0) return false;
      const outcome = await applyMovement(
        trx,
        { userId, amount: cost, reason, reference: jobId, idempotencyKey: `job:${jobId}:refund` },
        options.clock(),
      );
      return outcome.applied;
    },
    balance: (userId) => balanceOf(db, userId),
    entries: (userId, limit, before) => listEntriesWithJobs(db, userId, limit, before),
  };
}
