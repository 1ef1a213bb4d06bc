/**
 * The per-job Durable Object's alarm is the job's time limit on Cloudflare: a job still running
 * when it fires is failed with `timeout` and refunded, and its mesh task is stopped. Its own
 * Worker, with a limit far below what the job needs: a 1600 x 1200 noise picture at 0.1 mm takes
 * seconds on any machine (a default photo lithophane now finishes in under one on an idle one).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpClient } from '../e2e/server-process.ts';
import { noisePng, startCfWorker, startMeshProcess, stopMeshProcess } from './cf-stack.ts';
import type { CfWorker, MeshProcess } from './cf-stack.ts';

let worker: CfWorker;
let mesh: MeshProcess;

beforeAll(async () => {
  mesh = await startMeshProcess();
  worker = await startCfWorker([mesh.url], { SIGNUP_GRANT_CREDITS: '50', JOB_TIMEOUT_MS: '500' });
});
afterAll(async () => {
  await worker?.stop();
  if (mesh) await stopMeshProcess(mesh);
});

describe('the job time limit on Cloudflare (the object alarm)', () => {
  it('fails a job that runs past it, refunds it and stops its mesh task', async () => {
    const user = new HttpClient(worker.url);
    await user.signUp('slow@example.com');
    const upload = await user.upload(await noisePng(1600, 1200), 'slow.png');
    const created = await user.json('/api/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'lithophane', uploadId: upload.id, params: { widthMm: 160, resolutionMm: 0.1, formats: ['stl'] } }),
    });
    expect(created.status).toBe(201);
    const id = created.body.job.id as string;
    const job = await vi.waitFor(
      async () => {
        const { body } = await user.json(`/api/v1/jobs/${id}`);
        expect(['failed', 'succeeded', 'cancelled']).toContain(body.job.status);
        return body.job;
      },
      { timeout: 60_000, interval: 250 },
    );
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('timeout');
    expect(job.creditState).toBe('refunded');
    expect((await user.json('/api/v1/credits')).body.balance).toBe(50);
    await vi.waitFor(
      async () => expect(((await fetch(`${mesh.url}/healthz`).then((r) => r.json())) as { inFlight: number }).inFlight).toBe(0),
      { timeout: 10_000, interval: 100 },
    );
  });
});
