/**
 * Questions about the database itself rather than its rows: does it answer (the health check),
 * and can a write get the lock right now (better-auth turns a locked database into a 500 or a 422,
 * and the app asks this to answer 503 instead).
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { isBusy } from './database-errors.ts';

export interface DatabaseProbe {
  /** Resolves when a trivial query answers. */
  ping(): Promise<void>;
  /** True when a write lock cannot be had within the busy timeout (SQLite: another writer holds it). */
  busy(): Promise<boolean>;
}

export function databaseProbe(db: Kysely<Database>): DatabaseProbe {
  return {
    async ping() {
      await sql`select 1`.execute(db);
    },
    async busy() {
      try {
        await db.connection().execute(async (conn) => {
          await sql`begin immediate`.execute(conn);
          await sql`rollback`.execute(conn);
        });
        return false;
      } catch (error) {
        // D1 refuses `begin` outright (no interactive transactions) and has no lock to wait for.
        return isBusy(error);
      }
    },
  };
}
