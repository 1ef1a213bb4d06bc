import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Support messages a user sends from the account page: stored with the account, part of its
 * export, deleted with it (the deletion batch removes them; the foreign key cascades as well).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE support_messages (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE
  )`.execute(db);
  await sql`CREATE INDEX support_messages_user ON support_messages (user_id, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS support_messages`.execute(db);
}
