/** The retention purge's queries: uploads and finished jobs past their `expires_at`, and uploads never completed, in pages. */
import type { Kysely } from 'kysely';
import type { Database, Job, Upload } from '../db/schema.ts';
import { TERMINAL_JOB_STATUSES } from '../domain/job-status.ts';
import type { AtomicBatch } from './atomic-batch.ts';

export function retentionRepository(db: Kysely<Database>, batch: AtomicBatch) {
  return {
    expiredUploads: (now: number, limit: number): Promise<Upload[]> =>
      db
        .selectFrom('uploads')
        .selectAll()
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .limit(limit)
        .execute(),
    /** Signed-URL uploads started at or before `createdBefore` and never completed (index uploads_pending_created). */
    abandonedUploads: (createdBefore: number, limit: number): Promise<Upload[]> =>
      db
        .selectFrom('uploads')
        .selectAll()
        .where('status', '=', 'pending')
        .where('created_at', '<=', createdBefore)
        .orderBy('created_at')
        .limit(limit)
        .execute(),
    /**
     * Takes a pending upload from its PUT and its /complete before its files go: once abandoned, no
     * PUT can claim it, finish it nor mark it ready (each needs another put_state), so the purge may
     * delete the files and then the row. False when a /complete made it ready first.
     */
    abandonUpload: async (id: string): Promise<boolean> => {
      const result = await db
        .updateTable('uploads')
        .set({ put_state: 'abandoned' })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /** Finished jobs whose outputs are due; running and queued jobs wait until they finish. */
    expiredJobs: (now: number, limit: number): Promise<Job[]> =>
      db
        .selectFrom('jobs')
        .selectAll()
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', now)
        .where('purged_at', 'is', null)
        .where('status', 'in', [...TERMINAL_JOB_STATUSES])
        .orderBy('expires_at')
        .limit(limit)
        .execute(),
    extendUpload: (id: string, expiresAt: number | null) =>
      db.updateTable('uploads').set({ expires_at: expiresAt }).where('id', '=', id).execute(),
    extendJob: (id: string, expiresAt: number | null) =>
      db.updateTable('jobs').set({ expires_at: expiresAt }).where('id', '=', id).execute(),
    deleteUpload: (id: string) => db.deleteFrom('uploads').where('id', '=', id).execute(),
    /** The artifact rows go, the job row stays with `purged_at` (its history and ledger entries remain). */
    markJobPurged: async (id: string, now: number): Promise<void> => {
      await batch.run([
        db.deleteFrom('artifacts').where('job_id', '=', id).compile(),
        db.updateTable('jobs').set({ purged_at: now }).where('id', '=', id).compile(),
      ]);
    },
  };
}

export type RetentionRepository = ReturnType<typeof retentionRepository>;
