/**
 * AI jobs through Tripo (a loopback fake of its documented protocol), end to end: uploads then
 * tasks, multiview slots, the envelope, 2000/429 backoff with one task, content policy both at
 * submission (2008) and as a banned task, timeout and cancel sending a cancel request, refunds.
 */
import { describe, expect, it } from 'vitest';
import { balance } from './jobs-helpers.ts';
import { startFakeTripo, TRIPO_TEST_KEY } from '../helpers/fake-tripo.ts';
import type { FakeTripoState } from '../helpers/fake-tripo.ts';
import type { FakeServer } from '../helpers/fake-ai-server.ts';
import {
  expectNoSecrets,
  expectPrintableStl,
  expectTimeoutCancelledAndRefunded,
  imageUpload,
  jobRow,
  settle,
  startJob,
  useFakeProvider,
  waitFor,
} from './ai-helpers.ts';
import type { AiHarness } from './ai-helpers.ts';

let fake: FakeServer<FakeTripoState>;
let h: AiHarness;

useFakeProvider(
  startFakeTripo,
  (url) => ({ TRIPO_API_KEY: TRIPO_TEST_KEY, TRIPO_API_URL: url }),
  'tripo@example.com',
  (started, harness) => {
    fake = started;
    h = harness;
  },
);

describe('Tripo: successful jobs', () => {
  it('ai-image: a textured mesh with UV seams becomes a manifold STL; upload, image_to_model, face_limit, texture off; recorded on the job', async () => {
    fake.state.reset({ outcome: { kind: 'ok', glb: 'textured' } });
    const before = await balance(h.app, h.cookie);
    const id = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h), params: { sizeMm: 45, targetPolycount: 12_000 } });
    const job = await settle(h, id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(await balance(h.app, h.cookie)).toBe(before - job.cost);
    await expectPrintableStl(h, id, { mm: 45, axis: 'longest' });
    const [task] = [...fake.state.tasks.values()];
    expect(task.body).toMatchObject({ type: 'image_to_model', face_limit: 12_000, texture: false, file: { type: 'png' } });
    expect(fake.state.uploads).toBe(1);
    const row = await jobRow(h, id);
    expect({ provider: row.provider, taskId: row.provider_task_id, cost: row.provider_cost }).toEqual({
      provider: 'tripo',
      taskId: task.id,
      cost: 20,
    });
  });

  it('ai-image with views: multiview_to_model with front, left, back and an empty right slot', async () => {
    fake.state.reset({ outcome: { kind: 'ok', glb: 'unit-cube' } });
    const views = [await imageUpload(h, 1), await imageUpload(h, 2)];
    const id = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h), params: { views, sizeMm: 20, formats: ['stl'] } });
    expect((await settle(h, id)).status).toBe('succeeded');
    await expectPrintableStl(h, id, { mm: 20, axis: 'longest' });
    const [task] = [...fake.state.tasks.values()];
    const files = task.body.files as Array<Record<string, unknown>>;
    expect(task.kind).toBe('multiview_to_model');
    expect(files.map((f) => typeof f.file_token)).toEqual(['string', 'string', 'string', 'undefined']);
  });

  it('ai-text: text_to_model with the negative prompt; a double shell at the asked height', async () => {
    fake.state.reset({ outcome: { kind: 'ok', glb: 'double-shell' } });
    const id = await startJob(h, {
      mode: 'ai-text',
      prompt: 'a garden gnome',
      params: { negativePrompt: 'blurry', sizeMm: 35, sizeAxis: 'height', formats: ['stl'] },
    });
    expect((await settle(h, id)).status).toBe('succeeded');
    await expectPrintableStl(h, id, { mm: 35, axis: 'height' });
    const [task] = [...fake.state.tasks.values()];
    expect(task.body).toMatchObject({ type: 'text_to_model', prompt: 'a garden gnome', negative_prompt: 'blurry' });
    expect((await jobRow(h, id)).provider_cost).toBe(10);
  });
});

describe('Tripo: failures, refusals, timeouts and cancels are refunded', () => {
  it('a failed task -> provider_failed; a banned task -> content_refused; a 2008 at submission -> content_refused', async () => {
    const before = await balance(h.app, h.cookie);
    fake.state.reset({ outcome: { kind: 'fail' } });
    const failed = await settle(h, await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h) }));
    expect(failed.error?.code).toBe('provider_failed');
    fake.state.reset({ outcome: { kind: 'refuse' } });
    const banned = await settle(h, await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h) }));
    expect(banned.error?.code).toBe('content_refused');
    fake.state.reset({ outcome: { kind: 'refuse' } });
    const refused = await settle(h, await startJob(h, { mode: 'ai-text', prompt: 'something forbidden' }));
    expect(refused.error?.code).toBe('content_refused');
    expect(fake.state.creates).toBe(0);
    expect(await jobRow(h, refused.id)).toMatchObject({ provider_task_id: null });
    expect(await balance(h.app, h.cookie)).toBe(before);
  });

  it('a task that never finishes: provider_timeout, a cancel request, refunded', async () => {
    await expectTimeoutCancelledAndRefunded(h, fake);
  });

  it('cancelling a running job sends a cancel request, stops polling and refunds', async () => {
    fake.state.reset({ outcome: { kind: 'never' } });
    const before = await balance(h.app, h.cookie);
    const id = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h) });
    await waitFor(() => fake.state.totalPolls() >= 2, 10_000, 'polls');
    const res = await h.app.request(`/api/v1/jobs/${id}/cancel`, { method: 'POST', headers: { cookie: h.cookie } });
    h.seen.push(await res.text());
    expect(res.status).toBe(200);
    expect((await settle(h, id)).status).toBe('cancelled');
    await h.jobs.runner.idle();
    expect(fake.state.cancels).toBe(1);
    expect(fake.state.requests.some((r) => r.method === 'POST' && r.path.endsWith('/cancel'))).toBe(true);
    const polls = fake.state.totalPolls();
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.state.totalPolls()).toBe(polls);
    expect(await balance(h.app, h.cookie)).toBe(before);
  });
});

describe('Tripo: limits', () => {
  it('a burst of 429 (code 2000) on create and faults on polls: one job, one task, spaced retries', async () => {
    fake.state.reset({ createRateLimits: 5, pollRateLimits: 1, pollServerErrors: 2 });
    const job = await settle(
      h,
      await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h), params: { formats: ['stl'], previews: false } }),
    );
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(fake.state.creates).toBe(1);
    expect(fake.state.tasks.size).toBe(1);
    const posts = fake.state.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/task'));
    expect(posts.length).toBe(6);
    expect(posts[5].at - posts[0].at).toBeGreaterThanOrEqual(50);
  });

  it('never more than 10 tasks at Tripo at once: the 11th and 12th jobs wait for a slot, then run', async () => {
    fake.state.reset({ hold: true, outcome: { kind: 'ok', glb: 'unit-cube' } });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push(await startJob(h, { mode: 'ai-text', prompt: `cube ${i}`, params: { formats: ['stl'], previews: false } }));
    await waitFor(() => fake.state.creates === 10, 20_000, 'ten tasks');
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.state.creates).toBe(10);
    // Our own limiter held the others back: Tripo never had to refuse a create (no code 2000).
    expect(fake.state.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/task')).length).toBe(10);
    fake.state.script.hold = false;
    const jobs = await Promise.all(ids.map((id) => settle(h, id, 120_000)));
    expect(
      jobs.map((j) => j.status),
      JSON.stringify(jobs.map((j) => j.error)),
    ).toEqual(new Array(12).fill('succeeded'));
    expect(fake.state.creates).toBe(12);
    expect(fake.state.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/task')).length).toBe(12);
  });

  it('leaks neither the key nor the provider URL', () => {
    expectNoSecrets(h, [TRIPO_TEST_KEY, fake.url, fake.url.replace('http://', '')]);
  });
});
