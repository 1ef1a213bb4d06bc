import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Multi-row changes without interactive transactions (issue 12, src/repositories/atomic-batch.ts):
 *  - credit_balances is kept by a trigger on inserts into credit_entries (the ledger is append-only;
 *    only an account deletion removes or re-owns entries, and it rewrites the balance rows it
 *    touches), so "balance = sum of entries" holds by construction and a credit movement is one
 *    conditional INSERT on the ledger. Balances are recomputed from the entries once, here.
 *  - batch_guards: a statement inserting into it aborts its batch (the trigger raises), which lets a
 *    batch stop when a condition read before it no longer holds.
 *  - billing_sequence counts applied Creem events: a webhook's batch is guarded by the count it read,
 *    so two events applied at once cannot both act on what they read before the other wrote.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM credit_balances`.execute(db);
  await sql`INSERT INTO credit_balances (user_id, balance, updated_at)
    SELECT user_id, sum(amount), max(created_at) FROM credit_entries GROUP BY user_id HAVING sum(amount) > 0`.execute(db);
  // Made at 0 and then moved, not upserted: SQLite checks balance >= 0 on the row an upsert would
  // insert before it sees the conflict.
  await sql`CREATE TRIGGER credit_entries_balance AFTER INSERT ON credit_entries BEGIN
    INSERT INTO credit_balances (user_id, balance, updated_at) VALUES (NEW.user_id, 0, NEW.created_at)
    ON CONFLICT (user_id) DO NOTHING;
    UPDATE credit_balances SET balance = balance + NEW.amount, updated_at = NEW.created_at WHERE user_id = NEW.user_id;
  END`.execute(db);

  await sql`CREATE TABLE batch_guards (failed INTEGER NOT NULL)`.execute(db);
  await sql`CREATE TRIGGER batch_guards_abort BEFORE INSERT ON batch_guards BEGIN
    SELECT RAISE(ABORT, 'batch guard failed');
  END`.execute(db);

  await sql`CREATE TABLE billing_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), applied INTEGER NOT NULL)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS billing_sequence`.execute(db);
  await sql`DROP TRIGGER IF EXISTS batch_guards_abort`.execute(db);
  await sql`DROP TABLE IF EXISTS batch_guards`.execute(db);
  await sql`DROP TRIGGER IF EXISTS credit_entries_balance`.execute(db);
}
