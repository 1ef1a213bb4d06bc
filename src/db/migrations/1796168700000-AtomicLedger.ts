import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Multi-row changes without interactive transactions (issue 12, src/repositories/atomic-batch.ts):
 *  - credit_balances is kept by triggers on credit_entries (insert adds, delete subtracts, a change
 *    of owner or amount moves it), so "balance = sum of entries" holds by construction and a credit
 *    movement is one conditional INSERT on the ledger. Balances are recomputed from the entries once.
 *  - batch_guards: a statement inserting into it aborts its batch (the trigger raises), which lets a
 *    batch stop when a condition read before it no longer holds.
 *  - billing_sequence counts applied Creem events: a webhook's batch is guarded by the count it read,
 *    so two events applied at once cannot both act on what they read before the other wrote.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM credit_balances`.execute(db);
  await sql`INSERT INTO credit_balances (user_id, balance, updated_at)
    SELECT user_id, sum(amount), max(created_at) FROM credit_entries GROUP BY user_id`.execute(db);
  await sql`CREATE TRIGGER credit_entries_balance_insert AFTER INSERT ON credit_entries BEGIN
    INSERT INTO credit_balances (user_id, balance, updated_at) VALUES (NEW.user_id, NEW.amount, NEW.created_at)
    ON CONFLICT (user_id) DO UPDATE SET balance = balance + excluded.balance, updated_at = excluded.updated_at;
  END`.execute(db);
  await sql`CREATE TRIGGER credit_entries_balance_delete AFTER DELETE ON credit_entries BEGIN
    UPDATE credit_balances SET balance = balance - OLD.amount WHERE user_id = OLD.user_id;
  END`.execute(db);
  await sql`CREATE TRIGGER credit_entries_balance_update AFTER UPDATE OF user_id, amount ON credit_entries BEGIN
    UPDATE credit_balances SET balance = balance - OLD.amount WHERE user_id = OLD.user_id;
    INSERT INTO credit_balances (user_id, balance, updated_at) VALUES (NEW.user_id, NEW.amount, NEW.created_at)
    ON CONFLICT (user_id) DO UPDATE SET balance = balance + excluded.balance;
  END`.execute(db);

  await sql`CREATE TABLE batch_guards (failed INTEGER NOT NULL)`.execute(db);
  await sql`CREATE TRIGGER batch_guards_abort BEFORE INSERT ON batch_guards BEGIN
    SELECT RAISE(ABORT, 'batch guard failed');
  END`.execute(db);

  await sql`CREATE TABLE billing_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), applied INTEGER NOT NULL)`.execute(db);
  await sql`INSERT INTO billing_sequence (id, applied) VALUES (1, 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS billing_sequence`.execute(db);
  await sql`DROP TRIGGER IF EXISTS batch_guards_abort`.execute(db);
  await sql`DROP TABLE IF EXISTS batch_guards`.execute(db);
  await sql`DROP TRIGGER IF EXISTS credit_entries_balance_update`.execute(db);
  await sql`DROP TRIGGER IF EXISTS credit_entries_balance_delete`.execute(db);
  await sql`DROP TRIGGER IF EXISTS credit_entries_balance_insert`.execute(db);
}
