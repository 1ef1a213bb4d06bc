import type { Kysely } from 'kysely';

/**
 * Share tokens: a public, revocable handle on one succeeded job's preview (the embed widget).
 * The token is the primary key (128 random bits, base64url); a revoked row is kept so the
 * owner's list shows it and the token is never handed out again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('shares')
    .addColumn('token', 'text', (c) => c.primaryKey())
    // Deleting the job deletes its shares (foreign_keys is on in SQLite and D1).
    .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    /** Optional title the owner gave; otherwise the public name comes from the upload or mode. */
    .addColumn('name', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('revoked_at', 'integer')
    .execute();
  await db.schema.createIndex('shares_job').on('shares').columns(['job_id', 'created_at']).execute();
  await db.schema.createIndex('shares_user').on('shares').columns(['user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('shares').ifExists().execute();
}
