import type { Kysely } from 'kysely';

/**
 * Signed-URL uploads are single use: `put_state` goes none -> receiving (one PUT claimed the URL)
 * -> received (its file was moved into place with this row), and back to none only when that PUT
 * failed. A second PUT, or one after /complete, finds the state taken and gets a 409. Uploads
 * pending at the upgrade start at none: their (15-minute) URL takes one PUT again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('uploads')
    .addColumn('put_state', 'text', (c) => c.notNull().defaultTo('none'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('uploads').dropColumn('put_state').execute();
}
