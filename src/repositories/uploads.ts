/** The uploads table. Every read that serves a user is scoped by user_id (ownership in the query). */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, NewUpload, Upload } from '../db/schema.ts';
import { isForeignKeyViolation } from './database-errors.ts';
import { ownerMustExist } from './owner-must-exist.ts';

export function uploadsRepository(db: Kysely<Database>) {
  return {
    insert: (row: NewUpload) => ownerMustExist(db.insertInto('uploads').values(row).execute()),
    /**
     * Puts the file in place (`place`), then inserts its row; when the row cannot be written the file
     * is taken away again (`unplace`): both or neither, with no transaction held across the file
     * move. A user deleted meanwhile fails the foreign key (401) and `unplace` hears that the owner
     * is gone (their whole folder goes: the deletion may have emptied it before the file arrived).
     */
    insertPlacing: async (row: NewUpload, place: () => Promise<void>, unplace: (ownerGone: boolean) => Promise<void>): Promise<void> => {
      await place();
      try {
        await db.insertInto('uploads').values(row).execute();
      } catch (error) {
        await unplace(isForeignKeyViolation(error));
        return ownerMustExist(Promise.reject(error));
      }
    },
    findOwned: (userId: string, id: string): Promise<Upload | undefined> =>
      db.selectFrom('uploads').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst(),
    /** Unscoped: only for the signed-URL PUT, whose signature already names this upload. */
    findById: (id: string): Promise<Upload | undefined> => db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Takes the single PUT of a pending upload; false when another PUT has it (or had it) or the upload is done. */
    claimPut: async (id: string): Promise<boolean> => {
      const r = await db
        .updateTable('uploads')
        .set({ put_state: 'receiving' })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('put_state', '=', 'none')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** A claimed PUT that failed gives the URL back for a retry. */
    releasePut: (id: string) =>
      db.updateTable('uploads').set({ put_state: 'none' }).where('id', '=', id).where('put_state', '=', 'receiving').execute(),
    /**
     * Moves the claimed PUT's file into place (`place`), then marks it received. False, and the file
     * taken away again (`unplace`, told whether the owner is gone), when the upload is gone (deleted,
     * or its account) or was not claimed: one conditional UPDATE decides, with no transaction held
     * across the file move.
     */
    finishPut: async (id: string, place: () => Promise<void>, unplace: (ownerGone: boolean) => Promise<void>): Promise<boolean> => {
      const owner = (await db.selectFrom('uploads').select('user_id').where('id', '=', id).executeTakeFirst())?.user_id;
      await place();
      const r = await db
        .updateTable('uploads')
        .set({ put_state: 'received' })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('put_state', '=', 'receiving')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) return true;
      const ownerLeft = owner !== undefined && (await sql`SELECT 1 FROM "user" WHERE id = ${owner}`.execute(db)).rows.length > 0;
      await unplace(!ownerLeft);
      return false;
    },
    /** Pending -> ready with what the inspection found; false when another /complete was first. */
    markReady: async (
      id: string,
      fields: Partial<Pick<Upload, 'format' | 'kind' | 'byte_size' | 'sha256' | 'width' | 'height' | 'triangles'>>,
    ): Promise<boolean> => {
      const r = await db
        .updateTable('uploads')
        .set({ ...fields, status: 'ready' })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('put_state', '=', 'received')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    listOwned: (userId: string, limit: number, before?: { createdAt: number; id: string }) => {
      let q = db.selectFrom('uploads').selectAll().where('user_id', '=', userId);
      if (before)
        q = q.where((eb) =>
          eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
        );
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },
    deleteOwned: (userId: string, id: string) =>
      db.deleteFrom('uploads').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst(),
  };
}

export type UploadsRepository = ReturnType<typeof uploadsRepository>;
