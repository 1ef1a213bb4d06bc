import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * The retention purge deletes signed-URL uploads that were started and never completed once they
 * are a day old; this partial index finds those few pending rows by age without reading every
 * upload (D1 bills rows read), and stays small because completed uploads leave it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('uploads_pending_created')
    .on('uploads')
    .column('created_at')
    .where(sql.ref('status'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('uploads_pending_created').ifExists().execute();
}
