/**
 * API key rows: only the key's SHA-256 is stored. A key made by another key is written only while
 * its maker is live, and revoking a key revokes every key below it, each in one statement, so no
 * key survives its maker (src/services/api-keys.ts holds the rules).
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { ApiKey, Database } from '../db/schema.ts';
import { ownerMustExist } from './owner-must-exist.ts';

export function apiKeysRepository(db: Kysely<Database>) {
  return {
    /**
     * Inserts the key if `makerKeyId` (when given) is a live key of the same user when the row is
     * written; returns whether it was inserted. A user deleted meanwhile fails its foreign key: 401.
     */
    async insertWhileMakerLive(row: ApiKey, makerKeyId?: string): Promise<boolean> {
      const makerLive = makerKeyId
        ? sql`EXISTS (SELECT 1 FROM api_keys m WHERE m.id = ${makerKeyId} AND m.user_id = ${row.user_id} AND m.revoked_at IS NULL)`
        : sql`1`;
      const columns = Object.keys(row) as (keyof ApiKey)[];
      const inserted = await ownerMustExist(
        sql`INSERT INTO api_keys (${sql.join(columns.map((c) => sql.ref(c)))})
          SELECT ${sql.join(columns.map((c) => sql.val(row[c])))} WHERE ${makerLive}`.execute(db),
      );
      return Number(inserted.numAffectedRows ?? 0) > 0;
    },
    /** The user's keys, newest first. */
    listOwned: (userId: string): Promise<ApiKey[]> =>
      db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute(),
    /** Revokes the user's live key `id` and every key it made, transitively; returns the ids revoked now. */
    async revokeWithDescendants(userId: string, id: string, now: number): Promise<string[]> {
      const revoked = await sql<{ id: string }>`
        WITH RECURSIVE below(id) AS (
          SELECT id FROM api_keys WHERE id = ${id} AND user_id = ${userId} AND revoked_at IS NULL
          UNION
          SELECT k.id FROM api_keys k JOIN below b ON k.created_by_key_id = b.id
        )
        UPDATE api_keys SET revoked_at = ${now}
        WHERE id IN (SELECT id FROM below) AND revoked_at IS NULL
        RETURNING id`.execute(db);
      return revoked.rows.map((r) => r.id);
    },
    findByHash: (keyHash: string): Promise<ApiKey | undefined> =>
      db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst(),
    markUsed: async (id: string, now: number): Promise<void> => {
      await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
    },
  };
}

export type ApiKeysRepository = ReturnType<typeof apiKeysRepository>;
