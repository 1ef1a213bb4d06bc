/**
 * The AtomicBatch seam on both backends from this one file (better-sqlite3 under `npm test`, D1
 * under `npm run test:workers`): statements run in order, all or none; a guard aborts and rolls
 * back; results have one shape (rows for reads and RETURNING, changed rows for writes).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedBy, guard, isGuardFailure, rowsOf } from '../../src/repositories/atomic-batch.ts';
import { balanceOf, movementQuery, sumOfEntries } from '../../src/repositories/credits.ts';
import { createTestServices } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';

let infra: TestInfra;
beforeAll(async () => {
  infra = await createTestServices();
});
afterAll(() => infra.close());

const grant = (userId: string, amount: number, key: string) =>
  movementQuery(infra.services.db, { userId, amount, reason: 'grant', idempotencyKey: key }, 1);

describe('AtomicBatch', () => {
  it('runs in order: a later statement sees what an earlier one wrote; results per statement', async () => {
    const { db, batch } = infra.services;
    const results = await batch.run([
      grant('u-order', 5, 'o:1'),
      sql`SELECT balance FROM credit_balances WHERE user_id = ${'u-order'}`.compile(db),
      db.updateTable('credit_balances').set({ updated_at: 2 }).where('user_id', '=', 'u-order').compile(),
    ]);
    expect(rowsOf(results, 0)).toHaveLength(1); // RETURNING id of the entry
    expect(rowsOf<{ balance: number }>(results, 1)[0]?.balance).toBe(5);
    expect(changedBy(results, 2)).toBe(1);
  });

  it('applies all statements or none: a failing one rolls back those before it', async () => {
    const { db, batch } = infra.services;
    await expect(
      batch.run([
        grant('u-none', 5, 'n:1'),
        sql`INSERT INTO credit_balances (user_id, balance, updated_at) VALUES ('x', -1, 0)`.compile(db),
      ]),
    ).rejects.toThrow();
    expect(await balanceOf(db, 'u-none')).toBe(0);
    expect(await sumOfEntries(db, 'u-none')).toBe(0);
  });

  it('a false guard aborts the batch with a recognisable error; a true one lets it through', async () => {
    const { db, batch } = infra.services;
    const failed = await batch.run([grant('u-guard', 5, 'g:1'), guard(db, sql`1 = 0`)]).catch((error: unknown) => error);
    expect(isGuardFailure(failed)).toBe(true);
    expect(await sumOfEntries(db, 'u-guard')).toBe(0);
    await batch.run([guard(db, sql`1 = 1`), grant('u-guard', 5, 'g:1')]);
    expect(await balanceOf(db, 'u-guard')).toBe(5);
  });

  it('keeps balance = sum of entries by trigger; a debit past the balance or a replayed key writes nothing', async () => {
    const { db, batch } = infra.services;
    const results = await batch.run([
      grant('u-sum', 3, 's:1'),
      grant('u-sum', 3, 's:1'), // replay: no-op
      grant('u-sum', -4, 's:2'), // would go below zero: no-op
      grant('u-sum', -2, 's:3'),
    ]);
    expect(results.map((r) => r.rows.length)).toEqual([1, 0, 0, 1]);
    expect(await balanceOf(db, 'u-sum')).toBe(1);
    expect(await sumOfEntries(db, 'u-sum')).toBe(1);
  });
});
