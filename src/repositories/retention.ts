/** The retention purge's queries: uploads and finished jobs past their `expires_at`, in pages. */
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
