/** The uploads table. Every read that serves a user is scoped by user_id (ownership in the query). */
import type { Kysely } from 'kysely';
import type { Database, NewUpload, Upload } from '../db/schema.ts';
import { ownerMustExist } from './owner-must-exist.ts';

export function uploadsRepository(db: Kysely<Database>) {
  return {
    insert: (row: NewUpload) => ownerMustExist(db.insertInto('uploads').values(row).execute()),
    /**
     * Inserts the row and, in the same transaction, puts its file in place (`place`): both or
     * neither. A user deleted meanwhile fails the foreign key before any file moves (401).
     */
    insertPlacing: (row: NewUpload, place: () => Promise<void>) =>
      ownerMustExist(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('uploads').values(row).execute();
          await place();
        }),
      ),
    findOwned: (userId: string, id: string): Promise<Upload | undefined> =>
      db.selectFrom('uploads').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst(),
    /** Unscoped: only for the signed-URL PUT, whose signature already names this upload. */
    findById: (id: string): Promise<Upload | undefined> => db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst(),
    markReady: (id: string, fields: Partial<Pick<Upload, 'format' | 'kind' | 'byte_size' | 'sha256' | 'width' | 'height' | 'triangles'>>) =>
      db
        .updateTable('uploads')
        .set({ ...fields, status: 'ready' })
        .where('id', '=', id)
        .execute(),
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
