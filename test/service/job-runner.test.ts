/**
 * The runner's rules with a scripted executor (no threads): the per-user cap, cancel while queued
 * and while running, crash retries up to max_attempts, timeouts, recover() after a restart and the
 * shutdown grace period. Every path ends with the credits either captured once or refunded once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import type { ExecutionOutcome } from '../../src/jobs/protocol.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { balance, getJob, gradientPng, insertUpload, jobsApp, postJob, readSse, userIdOf, waitForStatus } from './jobs-helpers.ts';
import type { JobBody, TestApp } from './jobs-helpers.ts';
import { ScriptedExecutor } from './scripted-executor.ts';

const SUCCESS: ExecutionOutcome = {
  ok: true,
  report: { manifold: true },
  artifacts: [{ name: 'model.stl', contentType: 'model/stl', bytes: new Uint8Array([1, 2, 3]) }],
};
const PARAMS = { widthMm: 20, resolutionMm: 0.5 };

let infra: TestInfra;
let executor: ScriptedExecutor;
let app: TestApp;
let jobs: JobsRuntime;
let cookie: string;
let userId: string;
let uploadId: string;

async function setUp(env: Record<string, string> = {}, capacity = 3) {
  infra = await createTestServices({ PER_USER_CONCURRENCY: '1', SIGNUP_GRANT_CREDITS: '20', RATE_LIMIT_JOBS_PER_MINUTE: '10000', ...env });
  executor = new ScriptedExecutor(capacity);
  ({ app, jobs } = jobsApp(infra.services, executor));
  cookie = await signUp(app, 'maker@example.com');
  userId = await userIdOf(app, cookie);
  uploadId = await insertUpload(infra.services, userId, await gradientPng(8, 8));
}

async function create(who = cookie, upload = uploadId): Promise<JobBody> {
  const res = await postJob(app, who, { mode: 'lithophane', uploadId: upload, params: PARAMS });
  expect(res.status).toBe(201);
  return ((await res.json()) as { job: JobBody }).job;
}

afterEach(async () => {
  await jobs?.runner.stop(50);
  await infra?.close();
});

describe('claiming', () => {
  beforeEach(() => setUp());

  it('respects the per-user cap while the pool has room; another user still gets a slot', async () => {
    jobs.runner.start();
    const a = await create();
    const b = await create();
    await executor.waitForCalls(1);
    await new Promise((r) => setTimeout(r, 150)); // a poll or two: still only one of this user's jobs runs
    expect(executor.calls.map((c) => c.request.jobId)).toEqual([a.id]);
    expect((await getJob(app, cookie, b.id)).status).toBe('queued');

    const other = await signUp(app, 'other@example.com');
    const otherUpload = await insertUpload(infra.services, await userIdOf(app, other), await gradientPng(8, 8));
    const c = await create(other, otherUpload);
    await executor.waitForCalls(2);
    expect(executor.calls[1].request.jobId).toBe(c.id);

    executor.calls[0].finish(SUCCESS);
    await executor.waitForCalls(3);
    expect(executor.calls[2].request.jobId).toBe(b.id);
    expect((await waitForStatus(app, cookie, a.id, ['succeeded'])).creditState).toBe('captured');
  });

  it('writes stage progress as events and on the row', async () => {
    jobs.runner.start();
    const job = await create();
    await executor.waitForCalls(1);
    executor.calls[0].onProgress({ stage: 'decode', percent: 0 });
    executor.calls[0].onProgress({ stage: 'decode', percent: 0 }); // same stage within the throttle: dropped
    executor.calls[0].onProgress({ stage: 'prepare', percent: 20 });
    await new Promise((r) => setTimeout(r, 50));
    const running = (await (await app.request(`/api/v1/jobs/${job.id}`, { headers: { cookie } })).json()) as {
      job: { stage: string; progress: number };
    };
    expect(running.job).toMatchObject({ stage: 'prepare', progress: 20 });
    executor.calls[0].finish(SUCCESS);
    const events = (await readSse(await app.request(`/api/v1/jobs/${job.id}/events`, { headers: { cookie } }))).filter((e) => e.event);
    expect(events.map((e) => `${e.event}${e.data?.stage ? `:${String(e.data.stage)}` : ''}`)).toEqual([
      'queued',
      'started',
      'stage:decode',
      'stage:prepare',
      'succeeded',
    ]);
  });
});

describe('cancel and delete', () => {
  beforeEach(() => setUp());

  it('cancelling a queued job refunds it; the runner never runs it', async () => {
    const before = await balance(app, cookie);
    const job = await create();
    expect(await balance(app, cookie)).toBe(before - job.cost);
    const res = await app.request(`/api/v1/jobs/${job.id}/cancel`, { method: 'POST', headers: { cookie } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { job: JobBody }).job).toMatchObject({ status: 'cancelled', creditState: 'refunded' });
    expect(await balance(app, cookie)).toBe(before);
    jobs.runner.start();
    await new Promise((r) => setTimeout(r, 150));
    expect(executor.calls).toEqual([]);
    // A second cancel is a 409, and refunds nothing more.
    expect((await app.request(`/api/v1/jobs/${job.id}/cancel`, { method: 'POST', headers: { cookie } })).status).toBe(409);
    expect(await balance(app, cookie)).toBe(before);
    const events = (await readSse(await app.request(`/api/v1/jobs/${job.id}/events`, { headers: { cookie } }))).filter((e) => e.event);
    expect(events.map((e) => e.event)).toEqual(['queued', 'cancelled']);
  });

  it('cancelling a running job aborts its task and refunds; a late result is discarded', async () => {
    jobs.runner.start();
    const before = await balance(app, cookie);
    const job = await create();
    await executor.waitForCalls(1);
    const stream = app.request(`/api/v1/jobs/${job.id}/events`, { headers: { cookie } });
    const res = await app.request(`/api/v1/jobs/${job.id}/cancel`, { method: 'POST', headers: { cookie } });
    expect(res.status).toBe(200);
    expect(executor.calls[0].signal.aborted).toBe(true);
    await jobs.runner.idle();
    const after = await getJob(app, cookie, job.id);
    expect(after).toMatchObject({ status: 'cancelled', creditState: 'refunded' });
    expect(after.artifacts).toEqual([]);
    expect(await balance(app, cookie)).toBe(before);
    const events = (await readSse(await stream)).filter((e) => e.event);
    expect(events[events.length - 1].event).toBe('cancelled');
  });

  it('deleting a running job cancels it, refunds, and removes rows and files', async () => {
    jobs.runner.start();
    const before = await balance(app, cookie);
    const job = await create();
    await executor.waitForCalls(1);
    const res = await app.request(`/api/v1/jobs/${job.id}`, { method: 'DELETE', headers: { cookie } });
    expect(res.status).toBe(204);
    await jobs.runner.idle();
    expect((await app.request(`/api/v1/jobs/${job.id}`, { headers: { cookie } })).status).toBe(404);
    expect(await balance(app, cookie)).toBe(before);
    const leftovers = await infra.services.db.selectFrom('job_events').select('id').where('job_id', '=', job.id).execute();
    expect(leftovers).toEqual([]);
  });

  it('deleting a finished job removes its artifacts and files', async () => {
    jobs.runner.start();
    const job = await create();
    await executor.waitForCalls(1);
    executor.calls[0].finish(SUCCESS);
    const done = await waitForStatus(app, cookie, job.id, ['succeeded']);
    expect(done.artifacts?.map((a) => a.name)).toEqual(['model.stl']);
    const key = `users/${userId}/jobs/${job.id}/model.stl`;
    expect(await infra.services.storage.size(key)).toBe(3);
    expect((await app.request(`/api/v1/jobs/${job.id}`, { method: 'DELETE', headers: { cookie } })).status).toBe(204);
    expect(await infra.services.storage.size(key)).toBeUndefined();
    expect(await infra.services.db.selectFrom('artifacts').select('name').where('job_id', '=', job.id).execute()).toEqual([]);
  });
});

describe('failures', () => {
  it('a worker crash is retried up to max_attempts, then failed and refunded once', async () => {
    await setUp();
    executor.crashEverything = true;
    const before = await balance(app, cookie);
    const job = await create();
    jobs.runner.start();
    const failed = await waitForStatus(app, cookie, job.id, ['failed'], 10_000);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, creditState: 'refunded', error: { code: 'internal' } });
    expect(await balance(app, cookie)).toBe(before);
    const events = (await readSse(await app.request(`/api/v1/jobs/${job.id}/events`, { headers: { cookie } }))).filter((e) => e.event);
    expect(events.map((e) => e.event)).toEqual(['queued', 'started', 'queued', 'started', 'queued', 'started', 'failed']);
    expect(events[2].data).toMatchObject({ reason: 'worker_crashed', attempts: 1 });
  });

  it('a crash followed by a success captures the cost once', async () => {
    await setUp();
    jobs.runner.start();
    const before = await balance(app, cookie);
    const job = await create();
    await executor.waitForCalls(1);
    executor.calls[0].crash(new Error('worker exited'));
    await executor.waitForCalls(2);
    executor.calls[1].finish(SUCCESS);
    const done = await waitForStatus(app, cookie, job.id, ['succeeded']);
    expect(done).toMatchObject({ attempts: 2, creditState: 'captured' });
    expect(await balance(app, cookie)).toBe(before - job.cost);
  });

  it('a job past its time limit is aborted, failed `timeout` and refunded', async () => {
    await setUp({ JOB_TIMEOUT_MS: '150' });
    jobs.runner.start();
    const before = await balance(app, cookie);
    const job = await create();
    await executor.waitForCalls(1);
    const failed = await waitForStatus(app, cookie, job.id, ['failed'], 5000);
    expect(executor.calls[0].signal.aborted).toBe(true);
    expect(failed).toMatchObject({ creditState: 'refunded', error: { code: 'timeout' } });
    expect(await balance(app, cookie)).toBe(before);
  });

  it('a pipeline error outcome fails with its code and refunds', async () => {
    await setUp();
    jobs.runner.start();
    const before = await balance(app, cookie);
    const job = await create();
    await executor.waitForCalls(1);
    executor.calls[0].finish({ ok: false, error: { code: 'image_empty', message: 'decode: every pixel is transparent', stage: 'decode' } });
    const failed = await waitForStatus(app, cookie, job.id, ['failed']);
    expect(failed.error).toEqual({ code: 'image_empty', message: 'decode: every pixel is transparent' });
    expect(await balance(app, cookie)).toBe(before);
  });
});

describe('restart and shutdown', () => {
  it('recover() requeues a job a dead process left running, and fails + refunds one past max_attempts', async () => {
    await setUp();
    const before = await balance(app, cookie);
    const stale = await create();
    const exhausted = await create();
    const db = infra.services.db;
    await db
      .updateTable('jobs')
      .set({ status: 'running', attempts: 1, started_at: 1, heartbeat_at: 1 })
      .where('id', '=', stale.id)
      .execute();
    await db
      .updateTable('jobs')
      .set({ status: 'running', attempts: 3, started_at: 1, heartbeat_at: 1 })
      .where('id', '=', exhausted.id)
      .execute();

    expect(await jobs.runner.recover()).toEqual({ requeued: 1, failed: 1 });
    expect(await getJob(app, cookie, stale.id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(await getJob(app, cookie, exhausted.id)).toMatchObject({
      status: 'failed',
      creditState: 'refunded',
      error: { code: 'internal' },
    });
    expect(await balance(app, cookie)).toBe(before - stale.cost);
    // Idempotent: a second recover (or a duplicate refund) changes nothing.
    expect(await jobs.runner.recover()).toEqual({ requeued: 0, failed: 0 });

    jobs.runner.start();
    await executor.waitForCalls(1);
    expect(executor.calls[0].request.jobId).toBe(stale.id);
    executor.calls[0].finish(SUCCESS);
    expect(await waitForStatus(app, cookie, stale.id, ['succeeded'])).toMatchObject({ attempts: 2, creditState: 'captured' });
  });

  it('stop() lets a job finish within the grace period', async () => {
    await setUp();
    jobs.runner.start();
    const job = await create();
    await executor.waitForCalls(1);
    const stopping = jobs.runner.stop(2000);
    setTimeout(() => executor.calls[0].finish(SUCCESS), 50);
    await stopping;
    expect((await getJob(app, cookie, job.id)).status).toBe('succeeded');
  });

  it('stop() puts a job still running after the grace period back in the queue, attempt given back, credits still held', async () => {
    await setUp();
    jobs.runner.start();
    const before = await balance(app, cookie);
    const job = await create();
    await executor.waitForCalls(1);
    await jobs.runner.stop(50);
    expect(executor.calls[0].signal.aborted).toBe(true);
    expect(await getJob(app, cookie, job.id)).toMatchObject({ status: 'queued', attempts: 0, creditState: 'held' });
    expect(await balance(app, cookie)).toBe(before - job.cost);
  });
});
