/**
 * The job calls the Cloudflare end-to-end suites share: post a lithophane job of an upload and wait
 * for it to finish, over the public API (the same calls the web app makes).
 */
import { expect } from 'vitest';
import type { HttpClient } from '../e2e/server-process.ts';

export async function createJob(client: HttpClient, uploadId: string, params: Record<string, unknown> = { widthMm: 80, formats: ['stl'] }) {
  const created = await client.json('/api/v1/jobs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'lithophane', uploadId, params }),
  });
  expect(created.status).toBe(201);
  return created.body.job as { id: string; cost: number };
}

/** The job once it is succeeded, failed or cancelled, polled every 250 ms. */
export async function waitForJob(client: HttpClient, id: string, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await client.json(`/api/v1/jobs/${id}`);
    if (['succeeded', 'failed', 'cancelled'].includes(body.job.status)) return body.job;
    if (Date.now() > until) throw new Error(`job ${id} still ${body.job.status} after ${body.job.attempts} attempts`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
