/**
 * AI jobs through Meshy (a loopback fake speaking its documented protocol), end to end through the
 * jobs service, the real pool and the repair pipeline: success with a manifold STL of the asked
 * size, failure / refusal / timeout refunded, cancel stops polling, 429 bursts backed off with one
 * remote task, a restart resumes the same task, foreign result hosts refused, no secret leaks.
 */
import { describe, expect, it } from 'vitest';
import { balance } from './jobs-helpers.ts';
import { startFakeMeshy, MESHY_TEST_KEY } from '../helpers/fake-meshy.ts';
import type { FakeMeshyState } from '../helpers/fake-meshy.ts';
import type { FakeServer } from '../helpers/fake-ai-server.ts';
import { expectNoSecrets, expectPrintableStl, imageUpload, jobRow, settle, startJob, useFakeProvider, waitFor } from './ai-helpers.ts';
import type { AiHarness } from './ai-helpers.ts';

let fake: FakeServer<FakeMeshyState>;
let h: AiHarness;

useFakeProvider(
  startFakeMeshy,
  (url) => ({ MESHY_API_KEY: MESHY_TEST_KEY, MESHY_API_URL: url }),
  'ai-maker@example.com',
  (started, harness) => {
    fake = started;
    h = harness;
  },
);

describe('Meshy: successful jobs', () => {
  it('pricing shows both AI modes available', async () => {
    const res = await h.app.request('/api/v1/pricing');
    const text = await res.text();
    h.seen.push(text);
    const modes = (JSON.parse(text) as { modes: Array<{ mode: string; available: boolean }> }).modes;
    expect(modes.find((m) => m.mode === 'ai-image')?.available).toBe(true);
    expect(modes.find((m) => m.mode === 'ai-text')?.available).toBe(true);
  });

  it('ai-image: an open-holed GLB becomes a manifold STL of the asked longest side; provider, task and cost are recorded', async () => {
    fake.state.reset({ outcome: { kind: 'ok', glb: 'holes' } });
    const before = await balance(h.app, h.cookie);
    const id = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h), params: { sizeMm: 50, targetPolycount: 20_000 } });
    const job = await settle(h, id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.creditState).toBe('captured');
    expect(await balance(h.app, h.cookie)).toBe(before - job.cost);
    expect(job.cost).toBeGreaterThanOrEqual(10);
    expect(job.artifacts!.map((a) => a.name)).toEqual(
      expect.arrayContaining(['model.stl', 'model.3mf', 'model.glb', 'preview.png', 'report.json']),
    );
    expect(job.result).toMatchObject({ manifold: true, ai: { provider: 'meshy', mode: 'ai-image' } });
    await expectPrintableStl(h, id, { mm: 50, axis: 'longest' });

    const row = await jobRow(h, id);
    expect(row.provider).toBe('meshy');
    expect(row.provider_task_id).toMatch(/^image-to-3d:task-/);
    expect(row.provider_cost).toBe(20);
    const [task] = [...fake.state.tasks.values()];
    expect(task.body).toMatchObject({ should_texture: false, target_polycount: 20_000, topology: 'triangle' });
    expect(String(task.body.image_url)).toMatch(/^data:image\/png;base64,/);
    expect(fake.state.requests.every((r) => r.authOk || r.path.startsWith('/cdn/'))).toBe(true);
  });

  it('ai-text: a hollow double shell becomes one solid of the asked height', async () => {
    fake.state.reset({ outcome: { kind: 'ok', glb: 'double-shell' } });
    const id = await startJob(h, {
      mode: 'ai-text',
      prompt: 'a small round pebble',
      params: { sizeMm: 30, sizeAxis: 'height', formats: ['stl'] },
    });
    const job = await settle(h, id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    await expectPrintableStl(h, id, { mm: 30, axis: 'height' });
    const [task] = [...fake.state.tasks.values()];
    expect(task.kind).toBe('text-to-3d');
    expect(task.body).toMatchObject({ mode: 'preview', prompt: 'a small round pebble' });
    expect((await jobRow(h, id)).upload_id).toBeNull();
  });

  it('ai-image with extra views goes to multi-image-to-3d; a unit cube in metres and a textured seamed mesh both come out right', async () => {
    fake.state.reset({ outcome: { kind: 'ok', glb: 'unit-cube' } });
    const views = [await imageUpload(h, 1), await imageUpload(h, 2)];
    const cube = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h), params: { views, sizeMm: 25 } });
    expect((await settle(h, cube)).status).toBe('succeeded');
    await expectPrintableStl(h, cube, { mm: 25, axis: 'longest' });
    const multi = [...fake.state.tasks.values()].find((t) => t.kind === 'multi-image-to-3d');
    expect((multi?.body.image_urls as string[] | undefined)?.length).toBe(3);

    fake.state.reset({ outcome: { kind: 'ok', glb: 'textured' } });
    const textured = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h), params: { sizeMm: 40, texture: true } });
    expect((await settle(h, textured)).status).toBe('succeeded');
    await expectPrintableStl(h, textured, { mm: 40, axis: 'longest' });
    expect((await jobRow(h, textured)).provider_cost).toBe(30);
  });
});

describe('Meshy: failures are refunded', () => {
  it.each([
    ['fail', 'provider_failed'],
    ['refuse', 'content_refused'],
  ] as const)('a %s task fails the job with %s and gives the credits back', async (kind, code) => {
    fake.state.reset({ outcome: { kind } });
    const before = await balance(h.app, h.cookie);
    const id = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h) });
    const job = await settle(h, id);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe(code);
    expect(job.creditState).toBe('refunded');
    expect(await balance(h.app, h.cookie)).toBe(before);
  });

  it('a task that never finishes times out (provider_timeout), is refunded and no longer polled', async () => {
    fake.state.reset({ outcome: { kind: 'never' } });
    const before = await balance(h.app, h.cookie);
    const id = await startJob(h, { mode: 'ai-text', prompt: 'a teapot' });
    const job = await settle(h, id);
    expect(job.error?.code).toBe('provider_timeout');
    expect(await balance(h.app, h.cookie)).toBe(before);
    const polls = fake.state.totalPolls();
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.state.totalPolls()).toBe(polls);
  });

  it('a result on a host outside the allow-list is not downloaded (result_rejected) and refunded', async () => {
    fake.state.reset({ outcome: { kind: 'result-url', url: `${fake.url.replace('127.0.0.1', 'localhost')}/cdn/holes.glb` } });
    const before = await balance(h.app, h.cookie);
    const id = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h) });
    const job = await settle(h, id);
    expect(job.error?.code).toBe('result_rejected');
    expect(await balance(h.app, h.cookie)).toBe(before);
    expect(fake.state.requests.filter((r) => r.path.startsWith('/cdn/'))).toEqual([]);
  });
});

describe('Meshy: cancel, rate limits, restarts', () => {
  it('cancelling a running job stops polling (Meshy has no cancel endpoint) and refunds', async () => {
    fake.state.reset({ outcome: { kind: 'never' } });
    const before = await balance(h.app, h.cookie);
    const id = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h) });
    await waitFor(() => fake.state.totalPolls() >= 2, 10_000, 'polls');
    const res = await h.app.request(`/api/v1/jobs/${id}/cancel`, { method: 'POST', headers: { cookie: h.cookie } });
    h.seen.push(await res.text());
    expect(res.status).toBe(200);
    const job = await settle(h, id);
    expect(job.status).toBe('cancelled');
    expect(await balance(h.app, h.cookie)).toBe(before);
    await h.jobs.runner.idle();
    const polls = fake.state.totalPolls();
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.state.totalPolls()).toBe(polls);
  });

  it('a burst of 429s on create and 429/503 on polls is backed off: one job, one remote task', async () => {
    fake.state.reset({ createRateLimits: 4, pollRateLimits: 2, pollServerErrors: 2 });
    const id = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h), params: { formats: ['stl'], previews: false } });
    const job = await settle(h, id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(fake.state.creates).toBe(1);
    expect(fake.state.tasks.size).toBe(1);
    const creates = fake.state.requests.filter((r) => r.method === 'POST');
    expect(creates.length).toBe(5);
    // Backed off: the five attempts are spread out, not fired at once.
    expect(creates[4].at - creates[0].at).toBeGreaterThanOrEqual(40);
  });

  it('a restart resumes polling the stored task instead of creating (and paying for) another', async () => {
    fake.state.reset({ runningPolls: 25 });
    const id = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h), params: { formats: ['stl'], previews: false } });
    await waitFor(async () => (await jobRow(h, id)).provider_task_id !== null, 10_000, 'task recorded');
    await waitFor(() => fake.state.totalPolls() >= 2, 10_000, 'polls');
    await h.jobs.runner.stop(0); // shutdown: the job goes back to the queue, the remote task is kept
    expect((await jobRow(h, id)).status).toBe('queued');
    h.jobs.runner.start();
    const job = await settle(h, id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(fake.state.creates).toBe(1);
  });

  it('leaks neither the key nor the provider URL into responses or logs', () => {
    expect(h.logs.some((l) => l.includes('ai: task created'))).toBe(true);
    expectNoSecrets(h, [MESHY_TEST_KEY, fake.url, fake.url.replace('http://', '')]);
  });
});
