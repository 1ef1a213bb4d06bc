import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * API keys get scopes (JSON array of read | jobs | account) and remember the key that made them.
 * Keys made before scopes existed get read+jobs: the default of new keys, so a key no longer
 * manages the account (keys, billing, export, deletion) unless it was made for that.
 * created_by_key_id references the maker (ON DELETE CASCADE); revocation follows it transitively.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('scopes', 'text', (c) => c.notNull().defaultTo(sql`'["read","jobs"]'`))
    .execute();
  await db.schema
    .alterTable('api_keys')
    .addColumn('created_by_key_id', 'text', (c) => c.references('api_keys.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('api_keys_created_by').on('api_keys').columns(['created_by_key_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_keys_created_by').ifExists().execute();
  await db.schema.alterTable('api_keys').dropColumn('created_by_key_id').execute();
  await db.schema.alterTable('api_keys').dropColumn('scopes').execute();
}
