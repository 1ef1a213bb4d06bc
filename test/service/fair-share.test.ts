/**
 * Issue 14, fair sharing, through the API with a scripted executor (no threads):
 *  - a job past the work limits is refused (422 job_too_large) before any credit moves;
 *  - the price follows the grid, and a dry run answers the estimate;
 *  - the claim interleaves users by their recent estimated work, and keeps a worker for light jobs;
 *  - a user's queued work is capped (429 queue_full with Retry-After).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import type { ExecutionOutcome } from '../../src/jobs/protocol.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { balance, gradientPng, insertUpload, jobsApp, plainPng, postJob, userIdOf } from './jobs-helpers.ts';
import type { JobBody, TestApp } from './jobs-helpers.ts';
import { ScriptedExecutor } from './scripted-executor.ts';

const SUCCESS: ExecutionOutcome = {
  ok: true,
  report: { manifold: true },
  artifacts: [{ name: 'model.stl', contentType: 'model/stl', bytes: new Uint8Array([1]) }],
};
/** Issue 14's parameters: a 1 m cylinder lithophane at 0.02 mm, on a printer big enough for it (the default plate refuses it). */
const HUGE = { shape: 'cylinder', widthMm: 1000, resolutionMm: 0.02, buildPlateMm: [1100, 1100, 1100] };
/** A few hundred samples: about half a worker-second. */
const LIGHT = { widthMm: 20, resolutionMm: 0.5 };
/** A 1000² picture at 200 mm and 0.2 mm: 1 M samples, 400 k triangles, about 8 worker-seconds. */
const HEAVY = { widthMm: 200, resolutionMm: 0.2 };

let infra: TestInfra;
let executor: ScriptedExecutor;
let app: TestApp;
let jobs: JobsRuntime;

interface User {
  cookie: string;
  id: string;
  small: string;
  large: string;
}

async function setUp(env: Record<string, string> = {}, capacity = 1): Promise<void> {
  infra = await createTestServices({ PER_USER_CONCURRENCY: '1', SIGNUP_GRANT_CREDITS: '100', ...env });
  executor = new ScriptedExecutor(capacity);
  ({ app, jobs } = jobsApp(infra.services, executor));
}

async function user(email: string): Promise<User> {
  const cookie = await signUp(app, email);
  const id = await userIdOf(app, cookie);
  return {
    cookie,
    id,
    small: await insertUpload(infra.services, id, await gradientPng(8, 8)),
    large: await insertUpload(infra.services, id, await plainPng(1000)),
  };
}

async function create(who: User, params: Record<string, unknown>, upload = who.small): Promise<JobBody> {
  const res = await postJob(app, who.cookie, { mode: 'lithophane', uploadId: upload, params });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { job: JobBody }).job;
}

/** Finishes running tasks one at a time and returns the job ids in the order they were started. */
async function drain(total: number): Promise<string[]> {
  for (let i = 0; i < total; i++) {
    await executor.waitForCalls(i + 1);
    executor.calls[i].finish(SUCCESS);
  }
  await jobs.runner.idle();
  return executor.calls.map((c) => c.request.jobId);
}

afterEach(async () => {
  await jobs?.runner.stop(50);
  await infra?.close();
});

describe('work limits', () => {
  it('refuses the 2000² picture as a 1 m cylinder at 0.02 mm with 422 job_too_large, before any credit moves', async () => {
    await setUp();
    const maker = await user('maker@example.com');
    const huge = await insertUpload(infra.services, maker.id, await plainPng(2000));
    const before = await balance(app, maker.cookie);
    for (const dryRun of [true, false]) {
      const res = await postJob(app, maker.cookie, { mode: 'lithophane', uploadId: huge, params: HUGE, dryRun });
      expect(res.status).toBe(422);
      const { error } = (await res.json()) as { error: { code: string; message: string; details: Record<string, unknown> } };
      expect(error.code).toBe('job_too_large');
      expect(error.message).toContain('16777216');
      expect(error.details).toMatchObject({
        limits: { maxGridSamples: 16_777_216, maxMemoryMb: 1536, maxGridSide: 4096 },
        estimate: { samples: 8001 * 8001 },
      });
      expect((error.details.exceeded as Array<{ limit: string }>).map((e) => e.limit)).toEqual(['gridSamples', 'gridSide', 'memoryMb']);
    }
    expect(await balance(app, maker.cookie)).toBe(before);
    expect(await infra.services.db.selectFrom('jobs').select('id').execute()).toEqual([]);
    const ledger = await infra.services.db.selectFrom('credit_entries').select('reason').where('user_id', '=', maker.id).execute();
    expect(ledger.map((e) => e.reason)).toEqual(['signup_grant']);
  });

  it('takes its limits from the configuration', async () => {
    await setUp({ MAX_JOB_GRID_SAMPLES: '500000' });
    const maker = await user('maker@example.com');
    const res = await postJob(app, maker.cookie, { mode: 'lithophane', uploadId: maker.large, params: HEAVY });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('500000');
    expect((await postJob(app, maker.cookie, { mode: 'lithophane', uploadId: maker.large, params: {} })).status).toBe(201);
  });
});

describe('prices follow the estimate', () => {
  it('a 1 m cylinder of a 1000² picture costs 16 default jobs; a dry run shows the price and the estimate', async () => {
    await setUp();
    const maker = await user('maker@example.com');
    const dry = async (params: Record<string, unknown>) => {
      const res = await postJob(app, maker.cookie, { mode: 'lithophane', uploadId: maker.large, params, dryRun: true });
      expect(res.status).toBe(200);
      return (await res.json()) as { cost: number; estimate: { samples: number; triangles: number; memoryMb: number; seconds: number } };
    };
    const defaults = await dry({});
    expect(defaults.cost).toBe(1);
    expect(defaults.estimate).toMatchObject({ samples: 501 * 501 });
    const big = await dry(HUGE);
    // 4001 x 4001 samples over the 1024² the base price covers: ceil(15.3) = 16.
    expect(big.cost).toBe(16);
    expect(big.estimate.samples).toBe(4001 * 4001);
    expect(big.estimate.memoryMb).toBeGreaterThan(defaults.estimate.memoryMb);
    expect(big.estimate.seconds).toBeGreaterThan(defaults.estimate.seconds);

    const before = await balance(app, maker.cookie);
    const job = await create(maker, HUGE, maker.large);
    expect(job.cost).toBe(16);
    expect(await balance(app, maker.cookie)).toBe(before - 16);
  });
});

describe('fair claiming', () => {
  it("interleaves one user's queue with another's instead of first come, first served", async () => {
    await setUp();
    const flooder = await user('flooder@example.com');
    const other = await user('other@example.com');
    const a = [];
    for (let i = 0; i < 4; i++) a.push((await create(flooder, LIGHT)).id);
    const b = [(await create(other, LIGHT)).id, (await create(other, LIGHT)).id];
    jobs.runner.start();
    expect(await drain(6)).toEqual([a[0], b[0], a[1], b[1], a[2], a[3]]);
  });

  it("weighs by estimated work: a heavy job's owner waits until the others have had as much", async () => {
    await setUp();
    const heavy = await user('heavy@example.com');
    const light = await user('light@example.com');
    const h = [(await create(heavy, HEAVY, heavy.large)).id, (await create(heavy, HEAVY, heavy.large)).id];
    const l = [];
    for (let i = 0; i < 3; i++) l.push((await create(light, LIGHT)).id);
    jobs.runner.start();
    expect(await drain(5)).toEqual([h[0], ...l, h[1]]);
  });

  it('keeps a worker for light jobs: heavy jobs never hold the whole pool', async () => {
    await setUp({ PER_USER_CONCURRENCY: '4', LIGHT_JOB_SECONDS: '2' }, 2);
    const heavy = await user('heavy@example.com');
    const light = await user('light@example.com');
    const h = [];
    for (let i = 0; i < 3; i++) h.push((await create(heavy, HEAVY, heavy.large)).id);
    jobs.runner.start();
    await executor.waitForCalls(1);
    jobs.runner.wake();
    await new Promise((r) => setTimeout(r, 150)); // a poll or two: the second worker stays free
    expect(executor.calls.map((c) => c.request.jobId)).toEqual([h[0]]);

    const quick = await create(light, LIGHT);
    await executor.waitForCalls(2);
    expect(executor.calls[1].request.jobId).toBe(quick.id);
    executor.calls[0].finish(SUCCESS);
    await executor.waitForCalls(3);
    expect(executor.calls[2].request.jobId).toBe(h[1]);
  });
});

describe('queued work per user', () => {
  it('answers 429 queue_full with Retry-After past the cap, holding nothing; a lone job bigger than the cap still queues', async () => {
    await setUp({ MAX_QUEUED_WORK_SECONDS: '12' });
    const maker = await user('maker@example.com');
    const other = await user('other@example.com');
    const first = await create(maker, HEAVY, maker.large);
    const before = await balance(app, maker.cookie);
    const res = await postJob(app, maker.cookie, { mode: 'lithophane', uploadId: maker.large, params: HEAVY });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const { error } = (await res.json()) as { error: { code: string; message: string; details: Record<string, unknown> } };
    expect(error.code).toBe('queue_full');
    expect(error.message).toContain('12');
    expect(error.details).toMatchObject({ maxQueuedSeconds: 12 });
    expect(await balance(app, maker.cookie)).toBe(before);
    // Small jobs still fit beside it; another user's queue is their own.
    await create(maker, LIGHT);
    await create(other, HEAVY, other.large);
    // Once the first job leaves the queue, there is room again.
    expect((await app.request(`/api/v1/jobs/${first.id}/cancel`, { method: 'POST', headers: { cookie: maker.cookie } })).status).toBe(200);
    await create(maker, HEAVY, maker.large);
  });

  it('holds under concurrent requests: 20 at once against a cap for 2 heavy jobs queue exactly 2', async () => {
    await setUp({ MAX_QUEUED_WORK_SECONDS: '17' });
    const maker = await user('maker@example.com');
    const before = await balance(app, maker.cookie);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => postJob(app, maker.cookie, { mode: 'lithophane', uploadId: maker.large, params: HEAVY })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(18);
    expect(await balance(app, maker.cookie)).toBe(before - 2);
  });
});
