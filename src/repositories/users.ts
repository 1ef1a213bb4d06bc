/**
 * better-auth's `user` rows, read: better-auth creates and updates them, the app looks a user up
 * for each authenticated request, the operator finds one by e-mail, billing checks one exists.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Who an authenticated request is. */
export interface UserIdentity {
  id: string;
  email: string;
  name: string;
}

export function usersRepository(db: Kysely<Database>) {
  return {
    find: (id: string): Promise<UserIdentity | undefined> =>
      db.selectFrom('user').select(['id', 'email', 'name']).where('id', '=', id).executeTakeFirst(),
    /** better-auth stores e-mails lower-cased. */
    idByEmail: async (email: string): Promise<string | undefined> =>
      (await db.selectFrom('user').select('id').where('email', '=', email.toLowerCase()).executeTakeFirst())?.id,
    exists: async (id: string): Promise<boolean> =>
      (await db.selectFrom('user').select('id').where('id', '=', id).executeTakeFirst()) !== undefined,
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;
