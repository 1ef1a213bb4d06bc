/**
 * The account's own profile and support messages: the name and avatar on better-auth's `user`
 * row (better-auth reads them; we write only these two columns), and the `support_messages` table.
 */
import type { Kysely } from 'kysely';
import type { Database, SupportMessagesTable } from '../db/schema.ts';

export type SupportMessage = SupportMessagesTable;

export function profileRepository(db: Kysely<Database>) {
  return {
    find: (userId: string) => db.selectFrom('user').select(['name', 'email', 'image']).where('id', '=', userId).executeTakeFirst(),
    setName: (userId: string, name: string, now: number) =>
      db
        .updateTable('user')
        .set({ name, updatedAt: new Date(now).toISOString() })
        .where('id', '=', userId)
        .execute()
        .then(() => undefined),
    setImage: (userId: string, image: string | null, now: number) =>
      db
        .updateTable('user')
        .set({ image, updatedAt: new Date(now).toISOString() })
        .where('id', '=', userId)
        .execute()
        .then(() => undefined),
    addSupportMessage: (row: SupportMessage) =>
      db
        .insertInto('support_messages')
        .values(row)
        .execute()
        .then(() => undefined),
    /** Newest first, at most `limit`. */
    supportMessages: (userId: string, limit: number): Promise<SupportMessage[]> =>
      db
        .selectFrom('support_messages')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
  };
}

export type ProfileRepository = ReturnType<typeof profileRepository>;
