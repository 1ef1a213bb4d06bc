/**
 * Issue 12's race, through the HTTP API: 50 job requests at once against 10 credits. The hold and
 * the job row are one atomic batch whose hold is a conditional INSERT on the ledger, so exactly 10
 * jobs are accepted, the other 40 get 402 insufficient_credits, and the balance ends at 0 (= the sum
 * of the entries). Runs on SQLite (`npm test`) and on D1 in workerd (`npm run test:workers`) from
 * this one file: nothing here needs Node.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { newId } from '../../src/domain/ids.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { createJobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import { balanceOf, sumOfEntries } from '../../src/repositories/credits.ts';
import { uploadsRepository } from '../../src/repositories/uploads.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { ScriptedExecutor } from './scripted-executor.ts';

let infra: TestInfra;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  infra = await createTestServices({ SIGNUP_GRANT_CREDITS: '10' });
  // The runner is never started: the jobs stay queued, holding their credits.
  const jobs = createJobsRuntime(infra.services, new ScriptedExecutor(1));
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }), jobs });
});
afterAll(() => infra.close());

async function userIdOf(email: string): Promise<string> {
  const row = await sql<{ id: string }>`select id from "user" where email = ${email}`.execute(infra.services.db);
  return row.rows[0]!.id;
}

/** A ready 48x32 PNG upload, inserted straight into the table (its bytes are never read: no job runs). */
async function readyUpload(userId: string): Promise<string> {
  const id = newId('upl');
  await uploadsRepository(infra.services.db).insert({
    id,
    user_id: userId,
    kind: 'image',
    format: 'png',
    status: 'ready',
    original_name: 'picture.png',
    byte_size: 1000,
    sha256: null,
    width: 48,
    height: 32,
    triangles: null,
    storage_key: storageKeys.upload(userId, id),
    created_at: Date.now(),
    expires_at: null,
  });
  return id;
}

describe('50 concurrent jobs on 10 credits', () => {
  it('accepts exactly 10; the other 40 get 402 insufficient_credits; the balance ends at 0', async () => {
    const email = 'race@example.com';
    const cookie = await signUp(app, email);
    const userId = await userIdOf(email);
    expect(await balanceOf(infra.services.db, userId)).toBe(10);
    const uploadId = await readyUpload(userId);

    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        app.request('/api/v1/jobs', {
          method: 'POST',
          headers: { cookie, origin: 'http://localhost:3000', 'content-type': 'application/json' },
          body: JSON.stringify({ mode: 'relief', uploadId }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(40);
    for (const res of responses.filter((r) => r.status === 402)) {
      const body = (await res.json()) as { error: { code: string; details: { cost: number } } };
      expect(body.error.code).toBe('insufficient_credits');
      expect(body.error.details.cost).toBe(1);
    }

    const { db } = infra.services;
    expect(await balanceOf(db, userId)).toBe(0);
    expect(await sumOfEntries(db, userId)).toBe(0);
    const jobs = await db.selectFrom('jobs').select(['id', 'credit_state']).where('user_id', '=', userId).execute();
    expect(jobs).toHaveLength(10);
    // Every accepted job holds exactly its cost; no hold exists without its job.
    const holds = await db.selectFrom('credit_entries').select(['reference', 'amount']).where('reason', '=', 'job_hold').execute();
    expect(holds.map((h) => h.reference).sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(holds.every((h) => h.amount === -1)).toBe(true);
  });
});
