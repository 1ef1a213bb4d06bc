/**
 * AI jobs through fal's queue (a loopback fake): submit, status on the root app id's URLs,
 * COMPLETED that is not success (error body -> failed / refused), cancel with PUT, 429 backoff
 * with one request, text-to-3D unavailable (503 + pricing) when fal is the only provider.
 */
import { describe, expect, it } from 'vitest';
import { balance, postJob } from './jobs-helpers.ts';
import { FAL_TEST_KEY, startFakeFal } from '../helpers/fake-fal.ts';
import type { FakeFalState } from '../helpers/fake-fal.ts';
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

let fake: FakeServer<FakeFalState>;
let h: AiHarness;

useFakeProvider(
  startFakeFal,
  (url) => ({ FAL_KEY: FAL_TEST_KEY, FAL_QUEUE_URL: url, FAL_MODEL: 'fal-ai/hunyuan3d/v2' }),
  'fal@example.com',
  (started, harness) => {
    fake = started;
    h = harness;
  },
);

describe('fal: jobs', () => {
  it('hunyuan3d/v2: submitted with a data URI, polled on the root app id, a double shell becomes one solid; recorded', async () => {
    fake.state.reset({ outcome: { kind: 'ok', glb: 'double-shell' } });
    const id = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h), params: { sizeMm: 55 } });
    const job = await settle(h, id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    await expectPrintableStl(h, id, { mm: 55, axis: 'longest' });
    const [task] = [...fake.state.tasks.values()];
    expect(task.kind).toBe('fal-ai/hunyuan3d/v2');
    expect(task.body).toMatchObject({ textured_mesh: false });
    const statusPolls = fake.state.requests.filter((r) => r.path.endsWith('/status'));
    expect(statusPolls.length).toBeGreaterThan(0);
    expect(statusPolls.every((r) => r.path.startsWith('/fal-ai/hunyuan3d/requests/'))).toBe(true);
    const row = await jobRow(h, id);
    expect(row).toMatchObject({ provider: 'fal', provider_task_id: `fal-ai/hunyuan3d/requests/${task.id}`, provider_cost: 16 });
  });

  it('text-to-3D is unavailable with fal alone: 503 provider_not_configured and pricing says so', async () => {
    const res = await postJob(h.app, h.cookie, { mode: 'ai-text', prompt: 'a cat' });
    const text = await res.text();
    h.seen.push(text);
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'provider_not_configured' } });
    const pricing = (await (await h.app.request('/api/v1/pricing')).json()) as { modes: Array<{ mode: string; available: boolean }> };
    expect(pricing.modes.find((m) => m.mode === 'ai-image')?.available).toBe(true);
    expect(pricing.modes.find((m) => m.mode === 'ai-text')?.available).toBe(false);
  });

  it.each([
    ['fail', 'provider_failed'],
    ['refuse', 'content_refused'],
  ] as const)('COMPLETED with an error body (%s) fails the job with %s and refunds', async (kind, code) => {
    fake.state.reset({ outcome: { kind } });
    const before = await balance(h.app, h.cookie);
    const job = await settle(h, await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h) }));
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe(code);
    expect(await balance(h.app, h.cookie)).toBe(before);
  });

  it('cancelling a running job PUTs a cancel, stops polling and refunds', async () => {
    fake.state.reset({ outcome: { kind: 'never' } });
    const before = await balance(h.app, h.cookie);
    const id = await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h) });
    await waitFor(() => fake.state.totalPolls() >= 2, 10_000, 'polls');
    const res = await h.app.request(`/api/v1/jobs/${id}/cancel`, { method: 'POST', headers: { cookie: h.cookie } });
    h.seen.push(await res.text());
    expect((await settle(h, id)).status).toBe('cancelled');
    await h.jobs.runner.idle();
    expect(fake.state.cancels).toBe(1);
    expect(fake.state.requests.some((r) => r.method === 'PUT' && r.path.endsWith('/cancel'))).toBe(true);
    const polls = fake.state.totalPolls();
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.state.totalPolls()).toBe(polls);
    expect(await balance(h.app, h.cookie)).toBe(before);
  });

  it('a task that never completes: provider_timeout, a cancel PUT, refunded', async () => {
    await expectTimeoutCancelledAndRefunded(h, fake);
  });

  it('429 bursts on submit and polls are backed off with one request at fal', async () => {
    fake.state.reset({ createRateLimits: 3, pollRateLimits: 3, outcome: { kind: 'ok', glb: 'holes' } });
    const job = await settle(
      h,
      await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h), params: { formats: ['stl'], previews: false } }),
    );
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(fake.state.creates).toBe(1);
    expect(fake.state.requests.filter((r) => r.method === 'POST').length).toBe(4);
  });

  it('leaks neither the key nor the queue URL', () => {
    expectNoSecrets(h, [FAL_TEST_KEY, fake.url, fake.url.replace('http://', '')]);
  });
});
