/**
 * The dead-letter queue on Cloudflare, with real queue retries in workerd: every mesh endpoint
 * refuses connections, so each delivery puts the job back (`retry`) until the jobs queue's
 * max_retries (1 here: two deliveries) is used up and Miniflare moves the message to the
 * dead-letter queue. Its consumer fails the job with `service_unavailable`, refunded exactly once;
 * the same dead-letter message delivered again changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, HttpClient } from '../e2e/server-process.ts';
import { startCfWorker } from './cf-stack.ts';
import { createJob, waitForJob } from './jobs-api.ts';
import type { CfWorker } from './cf-stack.ts';
import { readFile } from 'node:fs/promises';

const GRANT = 50;
let worker: CfWorker;

beforeAll(async () => {
  // A port nothing listens on: each attempt finds no mesh process at all.
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  worker = await startCfWorker([nowhere], { SIGNUP_GRANT_CREDITS: String(GRANT) }, undefined, 1);
});
afterAll(async () => {
  await worker?.stop();
});

describe('a job whose queue message is given up on (dead-letter queue)', () => {
  it('is failed with service_unavailable and refunded once; a replayed dead letter does nothing', async () => {
    const user = new HttpClient(worker.url);
    await user.signUp('dead@example.com');
    const photo = new Uint8Array(await readFile(new URL('../../fixtures/photo.jpg', import.meta.url)));
    const upload = await user.upload(photo, 'dead.jpg');
    const { id } = await createJob(user, upload.id);
    const job = (await waitForJob(user, id, 90_000)) as { status: string; attempts: number; creditState: string; error?: { code: string } };
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('service_unavailable');
    // Two deliveries (max_retries 1), each one attempt; the job's own limit (3) was never reached.
    expect(job.attempts).toBe(2);
    expect(job.creditState).toBe('refunded');
    const ledger = async () =>
      (await user.json('/api/v1/credits')).body as { balance: number; entries: Array<{ amount: number; reason: string }> };
    const settled = await ledger();
    expect(settled.balance).toBe(GRANT);
    expect(settled.entries.filter((e) => e.reason !== 'signup_grant' && e.amount > 0)).toHaveLength(1);

    // The dead letter again (at-least-once): the job is finished, nothing moves.
    const res = await fetch(`${worker.url}/__test/enqueue-dead`, { method: 'POST', body: JSON.stringify({ jobId: id }) });
    expect(res.status).toBe(204);
    await new Promise((r) => setTimeout(r, 4000));
    expect((await user.json(`/api/v1/jobs/${id}`)).body.job).toEqual(job);
    expect(await ledger()).toEqual(settled);
  });
});
