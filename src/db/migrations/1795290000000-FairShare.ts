import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Fair sharing (issue 14): each job carries its estimated work in worker-seconds (`work`, from
 * src/pipeline/estimate.ts) so the claim can order users by recent work and the create can cap a
 * user's queued work. Rows from before get 1 (a small job). The indexes serve those two statements:
 * a user's queued or running jobs, and everyone's recently started ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('work', 'real', (c) => c.notNull().defaultTo(sql`1`))
    .execute();
  await db.schema.createIndex('jobs_user_status').on('jobs').columns(['user_id', 'status']).execute();
  await db.schema.createIndex('jobs_started').on('jobs').columns(['started_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_started').ifExists().execute();
  await db.schema.dropIndex('jobs_user_status').ifExists().execute();
  await db.schema.alterTable('jobs').dropColumn('work').execute();
}
