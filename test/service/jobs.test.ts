/**
 * Jobs over HTTP with a real piscina pool of one thread and the real pipeline: create, run,
 * succeed, fail + refund, idempotency, 402, SSE replay, another user's 404s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerPool } from '../../src/node/worker-pool.ts';
import type { JobExecutor } from '../../src/jobs/executor.ts';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { balance, getJob, gradientPng, insertUpload, jobsApp, postJob, readSse, userIdOf, waitForStatus } from './jobs-helpers.ts';
import type { JobBody, TestApp } from './jobs-helpers.ts';

const LITHOPHANE = { widthMm: 20, resolutionMm: 0.5, formats: ['stl'], previews: false };

let infra: TestInfra;
let pool: JobExecutor;
let app: TestApp;
let jobs: JobsRuntime;
let cookie: string;
let userId: string;
let png: Uint8Array;

beforeAll(async () => {
  infra = await createTestServices({ PER_USER_CONCURRENCY: '1', SIGNUP_GRANT_CREDITS: '20', RATE_LIMIT_JOBS_PER_MINUTE: '10000' });
  pool = createWorkerPool({ size: 1 });
  ({ app, jobs } = jobsApp(infra.services, pool));
  await jobs.runner.recover();
  jobs.runner.start();
  cookie = await signUp(app, 'maker@example.com');
  userId = await userIdOf(app, cookie);
  png = await gradientPng();
});

afterAll(async () => {
  await jobs?.runner.stop(1000);
  await pool?.close();
  await infra?.close();
});

describe('a lithophane job on the worker pool', () => {
  let done: JobBody;
  let events: Awaited<ReturnType<typeof readSse>>;

  it('is created (201), runs, succeeds, stores its artifacts and captures the cost', async () => {
    const before = await balance(app, cookie);
    const uploadId = await insertUpload(infra.services, userId, png);
    const res = await postJob(app, cookie, { mode: 'lithophane', uploadId, params: LITHOPHANE });
    expect(res.status).toBe(201);
    const { job } = (await res.json()) as { job: JobBody };
    expect(job.status).toBe('queued');
    expect(job.creditState).toBe('held');

    // The stream, opened right away, is live and ends after the terminal event.
    const stream = await app.request(`/api/v1/jobs/${job.id}/events`, { headers: { cookie } });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    events = await readSse(stream);

    done = await waitForStatus(app, cookie, job.id, ['succeeded', 'failed']);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.creditState).toBe('captured');
    expect(await balance(app, cookie)).toBe(before - job.cost);
    expect(done.result).toMatchObject({ mode: 'lithophane', manifold: true });
    const names = done.artifacts!.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['model.stl', 'report.json']));
    const stl = done.artifacts!.find((a) => a.name === 'model.stl')!;
    const bytes = await infra.services.storage.get(storageKeys.artifact(userId, job.id, 'model.stl'));
    expect(bytes.byteLength).toBe(stl.bytes);
    expect(stl.etag).toMatch(/^[0-9a-f]{64}$/);
  });

  it('streams queued -> started -> stage... -> succeeded, with increasing ids', () => {
    const named = events.filter((e) => e.event);
    const types = named.map((e) => e.event);
    expect(types[0]).toBe('queued');
    expect(types[1]).toBe('started');
    expect(types[types.length - 1]).toBe('succeeded');
    const stages = named.filter((e) => e.event === 'stage');
    expect(stages.map((e) => e.data!.stage)).toEqual(expect.arrayContaining(['decode', 'validate', 'export-stl']));
    for (const s of stages) expect(typeof s.data!.percent).toBe('number');
    const ids = named.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('replays from the table and resumes after Last-Event-ID', async () => {
    const named = events.filter((e) => e.event);
    const replay = (await readSse(await app.request(`/api/v1/jobs/${done.id}/events`, { headers: { cookie } }))).filter((e) => e.event);
    expect(replay.map((e) => e.id)).toEqual(named.map((e) => e.id));
    const resumed = (
      await readSse(await app.request(`/api/v1/jobs/${done.id}/events`, { headers: { cookie, 'last-event-id': named[1].id! } }))
    ).filter((e) => e.event);
    expect(resumed.map((e) => e.id)).toEqual(named.slice(2).map((e) => e.id));
    // After the terminal event there is nothing to wait for: the stream closes at once.
    const after = await readSse(
      await app.request(`/api/v1/jobs/${done.id}/events`, { headers: { cookie, 'last-event-id': named[named.length - 1].id! } }),
    );
    expect(after.filter((e) => e.event)).toEqual([]);
  });

  it('lists the job in the history, filtered by status and mode', async () => {
    const res = await app.request('/api/v1/jobs?status=succeeded&mode=lithophane', { headers: { cookie } });
    const body = (await res.json()) as { jobs: JobBody[] };
    expect(body.jobs.map((j) => j.id)).toContain(done.id);
    const none = (await (await app.request('/api/v1/jobs?mode=relief', { headers: { cookie } })).json()) as { jobs: JobBody[] };
    expect(none.jobs).toEqual([]);
  });
});

describe('failures and refunds', () => {
  it('a pipeline error (all-transparent PNG) fails the job with its code and refunds', async () => {
    const before = await balance(app, cookie);
    const uploadId = await insertUpload(infra.services, userId, await gradientPng(16, 16, 0));
    const res = await postJob(app, cookie, { mode: 'lithophane', uploadId, params: LITHOPHANE });
    expect(res.status).toBe(201);
    const { job } = (await res.json()) as { job: JobBody };
    expect(await balance(app, cookie)).toBe(before - job.cost);
    const failed = await waitForStatus(app, cookie, job.id, ['succeeded', 'failed']);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('image_empty');
    expect(failed.creditState).toBe('refunded');
    expect(await balance(app, cookie)).toBe(before);
    const events = (await readSse(await app.request(`/api/v1/jobs/${job.id}/events`, { headers: { cookie } }))).filter((e) => e.event);
    expect(events[events.length - 1]).toMatchObject({ event: 'failed', data: { code: 'image_empty', stage: 'decode' } });
  });

  it('the pool still works after a failure', async () => {
    const uploadId = await insertUpload(infra.services, userId, png);
    const { job } = (await (await postJob(app, cookie, { mode: 'relief', uploadId, params: LITHOPHANE })).json()) as { job: JobBody };
    expect((await waitForStatus(app, cookie, job.id, ['succeeded', 'failed'])).status).toBe('succeeded');
  });
});

describe('creating jobs', () => {
  it('rejects bad parameters (400), missing/foreign uploads (404), unready (409) and wrong-kind (422) uploads, AI modes (503)', async () => {
    const uploadId = await insertUpload(infra.services, userId, png);
    const bad = await postJob(app, cookie, { mode: 'lithophane', uploadId, params: { widthMm: -1 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_parameters');
    expect((await postJob(app, cookie, { mode: 'lithophane', uploadId: 'upl_nope' })).status).toBe(404);
    const pending = await insertUpload(infra.services, userId, png, 'image', 'pending');
    expect((await postJob(app, cookie, { mode: 'lithophane', uploadId: pending })).status).toBe(409);
    const wrongKind = await postJob(app, cookie, { mode: 'repair', uploadId });
    expect(wrongKind.status).toBe(422);
    const ai = await postJob(app, cookie, { mode: 'ai-text', prompt: 'a cat' });
    expect(ai.status).toBe(503);
    expect(((await ai.json()) as { error: { code: string } }).error.code).toBe('provider_not_configured');
  });

  it('a dry run prices the job and creates nothing', async () => {
    const uploadId = await insertUpload(infra.services, userId, png);
    const before = await balance(app, cookie);
    const res = await postJob(app, cookie, { mode: 'lithophane', uploadId, params: LITHOPHANE, dryRun: true });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { dryRun: boolean; cost: number; balance: number };
    expect(body).toMatchObject({ dryRun: true, balance: before });
    expect(body.cost).toBeGreaterThan(0);
    expect(await balance(app, cookie)).toBe(before);
  });

  it('honours Idempotency-Key: same body -> same job (200), different body -> 409', async () => {
    const uploadId = await insertUpload(infra.services, userId, png);
    const before = await balance(app, cookie);
    const first = await postJob(app, cookie, { mode: 'lithophane', uploadId, params: LITHOPHANE }, 'key-1');
    expect(first.status).toBe(201);
    const again = await postJob(app, cookie, { mode: 'lithophane', uploadId, params: LITHOPHANE }, 'key-1');
    expect(again.status).toBe(200);
    const a = ((await first.json()) as { job: JobBody }).job;
    const b = ((await again.json()) as { job: JobBody }).job;
    expect(b.id).toBe(a.id);
    expect(await balance(app, cookie)).toBe(before - a.cost);
    const other = await postJob(app, cookie, { mode: 'lithophane', uploadId, params: { ...LITHOPHANE, widthMm: 30 } }, 'key-1');
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('idempotency_conflict');
    await waitForStatus(app, cookie, a.id, ['succeeded', 'failed']);
  });

  it('answers requests racing with one Idempotency-Key with the one job they made (the unique index decides)', async () => {
    const uploadId = await insertUpload(infra.services, userId, png);
    const before = await balance(app, cookie);
    const body = { mode: 'lithophane', uploadId, params: LITHOPHANE };
    const answers = await Promise.all(Array.from({ length: 4 }, () => postJob(app, cookie, body, 'key-race')));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { job: JobBody }).job.id));
    expect(new Set(ids).size).toBe(1);
    expect(await balance(app, cookie)).toBeLessThan(before);
    await waitForStatus(app, cookie, ids[0]!, ['succeeded', 'failed']);
  });

  it('answers 402 with the shortfall when the balance is too small', async () => {
    const poor = await signUp(app, 'poor@example.com');
    const poorId = await userIdOf(app, poor);
    const uploadId = await insertUpload(infra.services, poorId, png);
    const created: string[] = [];
    for (;;) {
      const dry = (await (await postJob(app, poor, { mode: 'lithophane', uploadId, params: LITHOPHANE, dryRun: true })).json()) as {
        cost: number;
        balance: number;
      };
      if (dry.balance < dry.cost) {
        const res = await postJob(app, poor, { mode: 'lithophane', uploadId, params: LITHOPHANE });
        expect(res.status).toBe(402);
        const body = (await res.json()) as { error: { code: string; details: { shortfall: number } } };
        expect(body.error.code).toBe('insufficient_credits');
        expect(body.error.details.shortfall).toBe(dry.cost - dry.balance);
        break;
      }
      const res = await postJob(app, poor, { mode: 'lithophane', uploadId, params: LITHOPHANE });
      expect(res.status).toBe(201);
      created.push(((await res.json()) as { job: JobBody }).job.id);
    }
    // Tidy up: cancelling gives the held credits back (the ones that already ran are captured).
    for (const id of created) await app.request(`/api/v1/jobs/${id}`, { method: 'DELETE', headers: { cookie: poor } });
  });
});

describe('another user', () => {
  it('gets 404 on the job, its events, cancel and delete', async () => {
    const uploadId = await insertUpload(infra.services, userId, png);
    const { job } = (await (await postJob(app, cookie, { mode: 'lithophane', uploadId, params: LITHOPHANE })).json()) as { job: JobBody };
    const stranger = await signUp(app, 'stranger@example.com');
    expect((await app.request(`/api/v1/jobs/${job.id}`, { headers: { cookie: stranger } })).status).toBe(404);
    expect((await app.request(`/api/v1/jobs/${job.id}/events`, { headers: { cookie: stranger } })).status).toBe(404);
    expect((await app.request(`/api/v1/jobs/${job.id}/cancel`, { method: 'POST', headers: { cookie: stranger } })).status).toBe(404);
    expect((await app.request(`/api/v1/jobs/${job.id}`, { method: 'DELETE', headers: { cookie: stranger } })).status).toBe(404);
    // Also their upload: a job on someone else's upload is a 404, not a peek.
    expect((await postJob(app, stranger, { mode: 'lithophane', uploadId })).status).toBe(404);
    expect((await getJob(app, cookie, job.id)).id).toBe(job.id);
    await waitForStatus(app, cookie, job.id, ['succeeded', 'failed']);
  });
});

describe('on the real pool', () => {
  it('cancelling a running job terminates its worker, refunds, and the replaced worker runs the next job', async () => {
    const before = await balance(app, cookie);
    const big = await insertUpload(infra.services, userId, await gradientPng(400, 300));
    const res = await postJob(app, cookie, {
      mode: 'relief',
      uploadId: big,
      params: { widthMm: 200, resolutionMm: 0.1, maxErrorMm: 0.01, formats: ['stl', '3mf', 'glb', 'obj'] },
    });
    const { job } = (await res.json()) as { job: JobBody };
    await waitForStatus(app, cookie, job.id, ['running']);
    const cancel = await app.request(`/api/v1/jobs/${job.id}/cancel`, { method: 'POST', headers: { cookie } });
    expect(cancel.status).toBe(200);
    await jobs.runner.idle();
    expect(await getJob(app, cookie, job.id)).toMatchObject({ status: 'cancelled', creditState: 'refunded', artifacts: [] });
    expect(await balance(app, cookie)).toBe(before);

    const uploadId = await insertUpload(infra.services, userId, png);
    const next = ((await (await postJob(app, cookie, { mode: 'lithophane', uploadId, params: LITHOPHANE })).json()) as { job: JobBody })
      .job;
    expect((await waitForStatus(app, cookie, next.id, ['succeeded', 'failed'])).status).toBe('succeeded');
  });

  it('runs a repair job on an uploaded 3D file', async () => {
    const uploadId = await insertUpload(infra.services, userId, cubeStl(), 'mesh');
    const res = await postJob(app, cookie, { mode: 'repair', uploadId, params: { formats: ['stl'], previews: false } });
    expect(res.status).toBe(201);
    const { job } = (await res.json()) as { job: JobBody };
    const done = await waitForStatus(app, cookie, job.id, ['succeeded', 'failed']);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.artifacts!.map((a) => a.name)).toContain('model.stl');
  });
});

/** A 10 mm cube as ASCII STL triangle soup (the repair pipeline welds it). */
function cubeStl(): Uint8Array {
  const v = (x: number, y: number, z: number) => [x * 10, y * 10, z * 10];
  const quads = [
    [v(0, 0, 0), v(0, 1, 0), v(1, 1, 0), v(1, 0, 0)],
    [v(0, 0, 1), v(1, 0, 1), v(1, 1, 1), v(0, 1, 1)],
    [v(0, 0, 0), v(1, 0, 0), v(1, 0, 1), v(0, 0, 1)],
    [v(0, 1, 0), v(0, 1, 1), v(1, 1, 1), v(1, 1, 0)],
    [v(0, 0, 0), v(0, 0, 1), v(0, 1, 1), v(0, 1, 0)],
    [v(1, 0, 0), v(1, 1, 0), v(1, 1, 1), v(1, 0, 1)],
  ];
  let out = 'solid cube\n';
  for (const [a, b, c, d] of quads) {
    for (const tri of [
      [a, b, c],
      [a, c, d],
    ]) {
      out += ' facet normal 0 0 0\n  outer loop\n';
      for (const p of tri) out += `   vertex ${p.join(' ')}\n`;
      out += '  endloop\n endfacet\n';
    }
  }
  return new TextEncoder().encode(`${out}endsolid cube\n`);
}
