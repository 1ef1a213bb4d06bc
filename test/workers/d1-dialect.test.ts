/**
 * Our Kysely schema on D1 inside workerd: the generated wrangler migration files (test/workers/setup.ts
 * applies them), better-auth's column check through the introspector, a conditional credit movement
 * that can never overdraw (50 concurrent holds on 10 credits), and batches that apply all or nothing.
 * Interactive transactions are refused, so no code path can depend on one.
 */
import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import { d1Batch } from '../../src/repositories/d1/d1-batch.ts';
import { d1Dialect } from '../../src/repositories/d1/d1-dialect.ts';
import { bindings } from './env.ts';

const db = new Kysely<Database>({ dialect: d1Dialect(bindings.DB) });

describe('D1 dialect', () => {
  it('has the whole schema from the generated migration file, better-auth tables included', async () => {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
    const names = tables.rows.map((r) => r.name);
    for (const t of ['jobs', 'uploads', 'credit_entries', 'artifacts', 'user', 'session', 'account']) expect(names).toContain(t);
  });

  it('introspects columns, as better-auth checks them at start-up', async () => {
    const tables = await db.introspection.getTables();
    const user = tables.find((t) => t.name === 'user');
    expect(user?.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['id', 'email', 'emailVerified', 'createdAt']));
    const email = user?.columns.find((c) => c.name === 'email');
    expect(email?.isNullable).toBe(false);
    const audit = tables.find((t) => t.name === 'audit_events');
    expect(audit?.columns.find((c) => c.name === 'id')?.isAutoIncrementing).toBe(true);
  });

  it('refuses interactive transactions', async () => {
    await expect(db.transaction().execute(async () => undefined)).rejects.toThrow(/no interactive transactions/);
  });

  it('50 conditional holds on a balance of 10: exactly 10 succeed, the balance ends at 0', async () => {
    await sql`create table if not exists t_balance (user_id text primary key, balance integer not null check (balance >= 0))`.execute(db);
    await sql`insert into t_balance (user_id, balance) values ('u', 10)`.execute(db);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () =>
        sql<{ balance: number }>`update t_balance set balance = balance - 1 where user_id = 'u' and balance >= 1 returning balance`.execute(
          db,
        ),
      ),
    );
    expect(outcomes.filter((o) => o.rows.length === 1)).toHaveLength(10);
    const left = await sql<{ balance: number }>`select balance from t_balance where user_id = 'u'`.execute(db);
    expect(left.rows[0]!.balance).toBe(0);
  });

  it('a batch applies all of its statements or none', async () => {
    await sql`create table if not exists t_pair (id text primary key)`.execute(db);
    const insert = (id: string) =>
      db
        .insertInto('t_pair' as never)
        .values({ id } as never)
        .compile();
    await d1Batch(bindings.DB).run([insert('a'), insert('b')]);
    await expect(d1Batch(bindings.DB).run([insert('c'), insert('a')])).rejects.toThrow();
    const rows = await sql<{ id: string }>`select id from t_pair order by id`.execute(db);
    expect(rows.rows.map((r) => r.id)).toEqual(['a', 'b']);
  });
});
