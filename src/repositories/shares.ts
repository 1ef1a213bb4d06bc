/** Share tokens (the public preview of one job); see the Shares migration. */
import type { Kysely } from 'kysely';
import type { Database, Share } from '../db/schema.ts';
import { ownerMustExist } from './owner-must-exist.ts';

export function sharesRepository(db: Kysely<Database>) {
  return {
    insert: (row: Share) => ownerMustExist(db.insertInto('shares').values(row).execute()),
    find: (token: string): Promise<Share | undefined> => db.selectFrom('shares').selectAll().where('token', '=', token).executeTakeFirst(),
    forJob: (userId: string, jobId: string): Promise<Share[]> =>
      db
        .selectFrom('shares')
        .selectAll()
        .where('job_id', '=', jobId)
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('token')
        .execute(),
    /** Marks a live share revoked; returns whether this call revoked it. */
    revoke: async (userId: string, token: string, now: number): Promise<boolean> => {
      const r = await db
        .updateTable('shares')
        .set({ revoked_at: now })
        .where('token', '=', token)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}

export type SharesRepository = ReturnType<typeof sharesRepository>;
