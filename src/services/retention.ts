/**
 * Retention per plan: uploads and job outputs are kept RETENTION_DAYS_FREE days without a plan and
 * RETENTION_DAYS_PLAN days with one (0 = kept). The date is stamped on the row at creation
 * (`expires_at`, shown in the API as `expiresAt`), and `purgeExpired(now)` — run hourly by the Node
 * composition root, callable from tests — removes what is due:
 * - an expired upload: its file, then its row (jobs made from it keep their own outputs);
 * - an expired finished job: its files and artifact rows; the job row stays with `purged_at` set, so
 *   the history and the ledger entries that reference it remain.
 * Before removing anything the date is recomputed with the owner's plan today: someone who took a
 * plan after uploading gets the longer period instead of losing the file. Queued and running jobs
 * are never purged; they are looked at again once they finish.
 */
import type { BillingAccount } from '../db/schema.ts';
import type { RetentionRepository } from '../repositories/retention.ts';
import type { Logger } from './logger.ts';
import type { BlobStorage } from '../domain/storage.ts';
import { storageKeys } from '../domain/storage.ts';

export const DAY_MS = 86_400_000;
const BATCH = 200;
const ENDED = new Set(['canceled', 'cancelled', 'expired']);

export interface RetentionDeps {
  repo: RetentionRepository;
  /** The owner's billing row (plan status), if any. */
  billingAccount: (userId: string) => Promise<BillingAccount | undefined>;
  storage: Pick<BlobStorage, 'delete' | 'deletePrefix'>;
  days: { free: number; plan: number };
  clock: () => number;
  logger: Logger;
}

export interface PurgeReport {
  uploadsDeleted: number;
  jobsPurged: number;
  /** Rows found due but kept longer because the owner now has a plan. */
  extended: number;
  failed: number;
}

/** A plan counts while it has not ended, or until the end of the period already paid for. */
export function hasActivePlan(account: BillingAccount | undefined, now: number): boolean {
  if (!account?.plan_product_id) return false;
  if (account.plan_status && !ENDED.has(account.plan_status)) return true;
  return (account.plan_period_end ?? 0) > now;
}

export function createRetentionService(deps: RetentionDeps) {
  const { repo, storage, logger } = deps;

  async function retentionDays(userId: string, now: number): Promise<number> {
    return hasActivePlan(await deps.billingAccount(userId), now) ? deps.days.plan : deps.days.free;
  }

  /** When something the user creates now (or at `createdAt`) will be purged; null = kept. */
  async function expiresAt(userId: string, createdAt: number): Promise<number | null> {
    const days = await retentionDays(userId, deps.clock());
    return days > 0 ? createdAt + days * DAY_MS : null;
  }

  async function purgeExpired(now: number = deps.clock()): Promise<PurgeReport> {
    const report: PurgeReport = { uploadsDeleted: 0, jobsPurged: 0, extended: 0, failed: 0 };
    const daysOf = new Map<string, number>();
    /** The date by today's plan; the caller purges only if it is still due. */
    const recomputed = async (userId: string, createdAt: number): Promise<number | null> => {
      let days = daysOf.get(userId);
      if (days === undefined) daysOf.set(userId, (days = await retentionDays(userId, now)));
      return days > 0 ? createdAt + days * DAY_MS : null;
    };
    const failedIds = new Set<string>();

    for (;;) {
      const rows = (await repo.expiredUploads(now, BATCH + failedIds.size)).filter((r) => !failedIds.has(r.id));
      if (rows.length === 0) break;
      for (const row of rows) {
        const due = await recomputed(row.user_id, row.created_at);
        if (due === null || due > now) {
          await repo.extendUpload(row.id, due);
          report.extended++;
          continue;
        }
        try {
          await storage.delete(row.storage_key); // the file first: a row without its file would be a lost upload
          await repo.deleteUpload(row.id);
          report.uploadsDeleted++;
        } catch (error) {
          failedIds.add(row.id);
          report.failed++;
          logger.warn('retention: upload not purged', { uploadId: row.id, error: (error as Error).message });
        }
      }
      if (rows.length < BATCH) break;
    }

    failedIds.clear();
    for (;;) {
      const rows = (await repo.expiredJobs(now, BATCH + failedIds.size)).filter((r) => !failedIds.has(r.id));
      if (rows.length === 0) break;
      for (const job of rows) {
        const due = await recomputed(job.user_id, job.created_at);
        if (due === null || due > now) {
          await repo.extendJob(job.id, due);
          report.extended++;
          continue;
        }
        try {
          await storage.deletePrefix(storageKeys.jobPrefix(job.user_id, job.id));
          await repo.markJobPurged(job.id, now);
          report.jobsPurged++;
        } catch (error) {
          failedIds.add(job.id);
          report.failed++;
          logger.warn('retention: job outputs not purged', { jobId: job.id, error: (error as Error).message });
        }
      }
      if (rows.length < BATCH) break;
    }

    if (report.uploadsDeleted + report.jobsPurged + report.extended + report.failed > 0) logger.info('retention purge', { ...report });
    return report;
  }

  return { expiresAt, purgeExpired, retentionDays };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
