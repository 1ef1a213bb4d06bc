import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMovement, balanceOf, sumOfEntries } from '../../src/repositories/credits.ts';
import { ServiceError } from '../../src/domain/errors.ts';
import { createTestServices } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { mulberry32 } from '../helpers/grids.ts';

let infra: TestInfra;
beforeAll(async () => {
  infra = await createTestServices();
});
afterAll(() => infra.close());

describe('credit ledger', () => {
  it('applies a movement once per idempotency key', async () => {
    const { db, batch } = infra.services;
    const grant = { userId: 'u-once', amount: 10, reason: 'grant', idempotencyKey: 'grant:u-once:1' };
    const first = await applyMovement(batch, db, grant, 1);
    const again = await applyMovement(batch, db, grant, 2);
    expect(first).toEqual({ applied: true, balance: 10 });
    expect(again).toEqual({ applied: false, why: 'duplicate', balance: 10 });
    expect(await sumOfEntries(db, 'u-once')).toBe(10);
  });

  it('never lets the balance go below zero, and a refused debit writes nothing', async () => {
    const { db, batch } = infra.services;
    await applyMovement(batch, db, { userId: 'u-neg', amount: 3, reason: 'grant', idempotencyKey: 'g:u-neg' }, 1);
    const refused = await applyMovement(batch, db, { userId: 'u-neg', amount: -4, reason: 'spend', idempotencyKey: 's:u-neg' }, 2);
    expect(refused).toEqual({ applied: false, why: 'insufficient', balance: 3 });
    expect(await sumOfEntries(db, 'u-neg')).toBe(3);
  });

  it('50 parallel holds against a balance for 10 accept exactly 10', async () => {
    const { db, batch, credits } = infra.services;
    await applyMovement(batch, db, { userId: 'u-par', amount: 10, reason: 'grant', idempotencyKey: 'g:u-par' }, 1);
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => credits.holdForJob('u-par', `job-${i}`, 1)));
    const accepted = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected' && (r.reason as ServiceError).code === 'insufficient_credits').length;
    expect(accepted).toBe(10);
    expect(refused).toBe(40);
    expect(await balanceOf(db, 'u-par')).toBe(0);
    expect(await sumOfEntries(db, 'u-par')).toBe(0);
  });

  it('random holds, refunds and replays keep balance = sum of entries >= 0, each job refunded at most once', async () => {
    const { db, batch, credits } = infra.services;
    const rand = mulberry32(42);
    const user = 'u-prop';
    await applyMovement(batch, db, { userId: user, amount: 20, reason: 'grant', idempotencyKey: `g:${user}` }, 1);
    const held = new Set<string>();
    const refunds = new Map<string, number>();
    for (let step = 0; step < 400; step++) {
      const job = `pj-${Math.floor(rand() * 40)}`;
      const action = rand();
      if (action < 0.5) {
        try {
          await credits.holdForJob(user, job, 1 + Math.floor(rand() * 3));
          held.add(job);
        } catch (e) {
          if (!(e instanceof ServiceError) || e.code !== 'insufficient_credits') throw e;
        }
      } else if (held.has(job)) {
        if (await credits.refundJob(user, job, 1, 'job_refund')) refunds.set(job, (refunds.get(job) ?? 0) + 1);
      }
      const balance = await balanceOf(db, user);
      expect(balance).toBeGreaterThanOrEqual(0);
      expect(balance).toBe(await sumOfEntries(db, user));
    }
    for (const count of refunds.values()) expect(count).toBe(1);
  });
});
