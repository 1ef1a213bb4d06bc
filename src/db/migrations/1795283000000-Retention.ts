import type { Kysely } from 'kysely';

/**
 * Retention: uploads and jobs carry `expires_at` since the first migration; the hourly purge
 * finds them by it, and a job whose files were purged keeps its row (history, ledger) with
 * `purged_at` set.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('purged_at', 'integer').execute();
  await db.schema.createIndex('uploads_expires').on('uploads').columns(['expires_at']).execute();
  await db.schema.createIndex('jobs_expires').on('jobs').columns(['expires_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_expires').ifExists().execute();
  await db.schema.dropIndex('uploads_expires').ifExists().execute();
  await db.schema.alterTable('jobs').dropColumn('purged_at').execute();
}
