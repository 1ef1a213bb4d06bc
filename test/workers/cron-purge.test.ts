/**
 * The retention purge on a Cron Trigger: the Worker's `scheduled` handler (src/worker.ts), called
 * with a Cron Trigger's controller and the pool's bindings, deletes expired uploads and job outputs
 * from D1 and R2 and keeps what is not due; and uploads started over a day ago and never completed
 * (rows, files, presigned PUTs' staging objects), and staging objects as old. (`SELF.scheduled` of this pool version cannot clone its
 * own loopback stub, so the handler is called directly.)
 */
import { createScheduledController, env } from 'cloudflare:test';
import worker from '../../src/worker.ts';
import type { WorkerEnv } from '../../src/worker.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobExecutor } from '../../src/jobs/executor.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { ABANDONED_AFTER_MS, DAY_MS } from '../../src/services/retention.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { gradientPng, insertUpload, jobsApp, postJob, userIdOf, waitForStatus } from '../service/jobs-helpers.ts';
import type { TestApp } from '../service/jobs-helpers.ts';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import { bindings } from './env.ts';

const STL = new TextEncoder().encode('solid t\nendsolid t\n');

/** Finishes every job at once with one small STL: the purge is about files and rows, not meshing. */
const oneFileExecutor: JobExecutor = {
  capacity: 1,
  stats: () => ({ size: 1, busy: 0, queued: 0 }),
  close: async () => undefined,
  execute: async () => ({ ok: true, report: { triangles: 0 }, artifacts: [{ name: 'model.stl', contentType: 'model/stl', bytes: STL }] }),
};

let infra: TestInfra;
let app: TestApp;
let jobs: JobsRuntime;

beforeAll(async () => {
  infra = await createTestServices();
  ({ app, jobs } = jobsApp(infra.services, oneFileExecutor));
  jobs.runner.start();
});
afterAll(async () => {
  await jobs.runner.stop(1000);
  await infra.close();
});

const r2Has = async (key: string) => (await bindings.FILES.head(key)) !== null;

describe('Cron Trigger: retention purge', () => {
  it('deletes expired uploads and job outputs from D1 and R2, and keeps the rest', async () => {
    const cookie = await signUp(app, 'cron.purge@example.com');
    const userId = await userIdOf(app, cookie);
    const png = await gradientPng();
    const old = await insertUpload(infra.services, userId, png);
    const fresh = await insertUpload(infra.services, userId, png);
    const posted = await postJob(app, cookie, { uploadId: old, mode: 'lithophane' });
    expect(posted.status).toBe(201);
    const jobId = ((await posted.json()) as { job: { id: string } }).job.id;
    await waitForStatus(app, cookie, jobId, ['succeeded']);
    const artifactKey = storageKeys.artifact(userId, jobId, 'model.stl');
    expect(await r2Has(artifactKey)).toBe(true);

    // Made 31 days ago: past the free plan's 30 days.
    const now = Date.now();
    const { db } = infra.services;
    await db
      .updateTable('uploads')
      .set({ created_at: now - 31 * DAY_MS, expires_at: now - DAY_MS })
      .where('id', '=', old)
      .execute();
    await db
      .updateTable('jobs')
      .set({ created_at: now - 31 * DAY_MS, expires_at: now - DAY_MS })
      .where('id', '=', jobId)
      .execute();

    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: '17 * * * *' }), env as WorkerEnv);

    expect(await db.selectFrom('uploads').select('id').where('id', '=', old).executeTakeFirst()).toBeUndefined();
    expect(await r2Has(storageKeys.upload(userId, old))).toBe(false);
    expect(await r2Has(artifactKey)).toBe(false);
    expect(await db.selectFrom('artifacts').select('name').where('job_id', '=', jobId).execute()).toEqual([]);
    const job = await db.selectFrom('jobs').select(['status', 'purged_at']).where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(job).toEqual({ status: 'succeeded', purged_at: now });
    // Not due: untouched.
    expect(await db.selectFrom('uploads').select('id').where('id', '=', fresh).executeTakeFirst()).toEqual({ id: fresh });
    expect(await r2Has(storageKeys.upload(userId, fresh))).toBe(true);
  });

  it('deletes uploads started over a day ago and never completed, and staging objects as old, from D1 and R2', async () => {
    const cookie = await signUp(app, 'cron.abandoned@example.com');
    const userId = await userIdOf(app, cookie);
    const png = await gradientPng();
    const { db } = infra.services;
    const now = Date.now();
    // Started 25 hours ago: the file a PUT stored, and what a presigned PUT wrote to staging.
    const abandoned = await insertUpload(infra.services, userId, png, 'image', 'pending');
    await db
      .updateTable('uploads')
      .set({ created_at: now - ABANDONED_AFTER_MS - 3_600_000 })
      .where('id', '=', abandoned)
      .execute();
    await bindings.FILES.put(storageKeys.directUpload(abandoned), png);
    // Started just now, and a staging object written now.
    const started = await insertUpload(infra.services, userId, png, 'image', 'pending');
    await bindings.FILES.put(storageKeys.directUpload(started), png);
    const leftover = storageKeys.stagedUpload('upl_crashed', 'n0nce');
    await bindings.FILES.put(leftover, png);
    const ready = await insertUpload(infra.services, userId, png);

    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: '17 * * * *' }), env as WorkerEnv);
    expect(await db.selectFrom('uploads').select('id').where('id', '=', abandoned).executeTakeFirst()).toBeUndefined();
    expect(await r2Has(storageKeys.upload(userId, abandoned))).toBe(false);
    expect(await r2Has(storageKeys.directUpload(abandoned))).toBe(false);
    expect(await db.selectFrom('uploads').select('status').where('id', '=', started).executeTakeFirst()).toEqual({ status: 'pending' });
    expect(await r2Has(storageKeys.directUpload(started))).toBe(true);
    expect(await r2Has(leftover)).toBe(true);

    // A day and an hour on, R2's own write times say the staging objects are abandoned too.
    await worker.scheduled(
      createScheduledController({ scheduledTime: now + ABANDONED_AFTER_MS + 3_600_000, cron: '17 * * * *' }),
      env as WorkerEnv,
    );
    expect(await db.selectFrom('uploads').select('id').where('id', '=', started).executeTakeFirst()).toBeUndefined();
    expect((await bindings.FILES.list({ prefix: storageKeys.stagingPrefix })).objects).toEqual([]);
    expect(await db.selectFrom('uploads').select('status').where('id', '=', ready).executeTakeFirst()).toEqual({ status: 'ready' });
    expect(await r2Has(storageKeys.upload(userId, ready))).toBe(true);
  });
});
