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
 * Whatever the plan, uploads that were started and never completed go once ABANDONED_AFTER_MS old
 * (or once their upload URL has expired, if that is later): a signed-URL upload still pending (its
 * row, the file a PUT put in place, a presigned PUT's staging object), and any object under
 * staging/ (a PUT cut off by a crash, a second PUT to a presigned URL still valid after /complete).
 * Both runtimes run this: the Node server's hourly timer and the Worker's Cron Trigger.
 */
import type { BillingAccount } from '../db/schema.ts';
import type { RetentionRepository } from '../repositories/retention.ts';
import type { Logger } from './logger.ts';
import type { BlobStorage } from '../domain/storage.ts';
import { storageKeys } from '../domain/storage.ts';

export const DAY_MS = 86_400_000;
/**
 * When a started upload counts as abandoned: a day, far past the 15-minute upload URL (and the few
 * seconds a PUT or /complete takes), so nothing on its way is taken, yet no stray file lives long.
 */
export const ABANDONED_AFTER_MS = DAY_MS;
const BATCH = 200;
const ENDED = new Set(['canceled', 'cancelled', 'expired']);

export interface RetentionDeps {
  repo: RetentionRepository;
  /** The owner's billing row (plan status), if any. */
  billingAccount: (userId: string) => Promise<BillingAccount | undefined>;
  storage: Pick<BlobStorage, 'delete' | 'deletePrefix' | 'list'>;
  days: { free: number; plan: number };
  /** How long an upload URL stays valid (SIGNED_URL_TTL_SECONDS): nothing younger is abandoned. */
  uploadUrlTtlMs?: number;
  clock: () => number;
  logger: Logger;
}

export interface PurgeReport {
  uploadsDeleted: number;
  jobsPurged: number;
  /** Rows found due but kept longer because the owner now has a plan. */
  extended: number;
  /** Signed-URL uploads started over ABANDONED_AFTER_MS ago and never completed: rows and files. */
  abandonedUploadsDeleted: number;
  /** Objects left under staging/ for over ABANDONED_AFTER_MS. */
  stagingObjectsDeleted: number;
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
    const report: PurgeReport = {
      uploadsDeleted: 0,
      jobsPurged: 0,
      extended: 0,
      abandonedUploadsDeleted: 0,
      stagingObjectsDeleted: 0,
      failed: 0,
    };
    const daysOf = new Map<string, number>();
    /** The date by today's plan; the caller purges only if it is still due. */
    const recomputed = async (userId: string, createdAt: number): Promise<number | null> => {
      let days = daysOf.get(userId);
      if (days === undefined) daysOf.set(userId, (days = await retentionDays(userId, now)));
      return days > 0 ? createdAt + days * DAY_MS : null;
    };
    await eachRow(
      (limit) => repo.expiredUploads(now, limit),
      async (row) => {
        const due = await recomputed(row.user_id, row.created_at);
        if (due === null || due > now) {
          await repo.extendUpload(row.id, due);
          report.extended++;
          return;
        }
        await storage.delete(row.storage_key); // the file first: a row without its file would be a lost upload
        await repo.deleteUpload(row.id);
        report.uploadsDeleted++;
      },
      { what: 'upload', report },
    );

    await eachRow(
      (limit) => repo.expiredJobs(now, limit),
      async (job) => {
        const due = await recomputed(job.user_id, job.created_at);
        if (due === null || due > now) {
          await repo.extendJob(job.id, due);
          report.extended++;
          return;
        }
        await storage.deletePrefix(storageKeys.jobPrefix(job.user_id, job.id));
        await repo.markJobPurged(job.id, now);
        report.jobsPurged++;
      },
      { what: 'job outputs', report },
    );

    await purgeAbandoned(now - Math.max(ABANDONED_AFTER_MS, deps.uploadUrlTtlMs ?? 0), report);

    if (Object.values(report).some((n) => n > 0)) logger.info('retention purge', { ...report });
    return report;
  }

  /** Uploads started at or before `before` and never completed, then staging objects written by then. */
  async function purgeAbandoned(before: number, report: PurgeReport): Promise<void> {
    await eachRow(
      (limit) => repo.abandonedUploads(before, limit),
      async (row) => {
        if (!(await repo.abandonUpload(row.id))) return; // completed meanwhile: a real upload now
        await storage.delete(row.storage_key); // the files first: a crash leaves the abandoned row for the next run
        await storage.delete(storageKeys.directUpload(row.id));
        await repo.deleteUpload(row.id);
        report.abandonedUploadsDeleted++;
      },
      { what: 'abandoned upload', report },
    );

    for await (const object of storage.list(storageKeys.stagingPrefix)) {
      if (object.writtenAt > before) continue;
      try {
        await storage.delete(object.key);
        report.stagingObjectsDeleted++;
      } catch (error) {
        report.failed++;
        logger.warn('retention: staging object not purged', { key: object.key, error: (error as Error).message });
      }
    }
  }

  /**
   * Works through `page(limit)` until a short page, purging each row. A row `purge` throws on is
   * counted failed, logged and left out of later pages, so one bad file cannot stall the run.
   */
  async function eachRow<T extends { id: string }>(
    page: (limit: number) => Promise<T[]>,
    purge: (row: T) => Promise<void>,
    { what, report }: { what: string; report: PurgeReport },
  ): Promise<void> {
    const failedIds = new Set<string>();
    for (;;) {
      const rows = (await page(BATCH + failedIds.size)).filter((r) => !failedIds.has(r.id));
      if (rows.length === 0) break;
      for (const row of rows) {
        try {
          await purge(row);
        } catch (error) {
          failedIds.add(row.id);
          report.failed++;
          logger.warn(`retention: ${what} not purged`, { id: row.id, error: (error as Error).message });
        }
      }
      if (rows.length < BATCH) break;
    }
  }

  return { expiresAt, purgeExpired, retentionDays };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
