/**
 * better-auth's session rows, read for the app's session cache: a remembered session is only
 * served while its row exists, has not expired and its user exists. The row is the revocation
 * marker every process shares (sign-out and account deletion delete it), so a cache in one process
 * cannot outlive a sign-out done through another.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export function sessionsRepository(db: Kysely<Database>) {
  return {
    /** The user id of a live session with this (unsigned) token, or undefined. One indexed lookup. */
    async liveUserOf(token: string, now: number): Promise<string | undefined> {
      const row = await db
        .selectFrom('session')
        .innerJoin('user', 'user.id', 'session.userId')
        .select('session.userId as userId')
        .where('session.token', '=', token)
        // better-auth stores dates as ISO-8601 text in SQLite, which compares in time order.
        .where('session.expiresAt', '>', new Date(now).toISOString())
        .executeTakeFirst();
      return row?.userId;
    },
  };
}

export type SessionsRepository = ReturnType<typeof sessionsRepository>;
