/**
 * The job path without R2's S3 API (plain `wrangler dev` with no keys): the job's Durable Object
 * reads the upload from R2, sends it to the mesh process in the /run body and stores the artifacts
 * that come back in the response (the fallback of src/jobs/queued-job.ts). A photo still becomes a
 * manifold STL of the requested size, charged once, its files at the job's folder.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStl } from '../../src/pipeline/import/stl.ts';
import { boundingBox, boxSize } from '../../src/pipeline/mesh.ts';
import { HttpClient } from '../e2e/server-process.ts';
import { startCfWorker, startMeshProcess, stopMeshProcess } from './cf-stack.ts';
import { createJob, waitForJob } from './jobs-api.ts';
import type { CfWorker, MeshProcess } from './cf-stack.ts';

const GRANT = 50;
let worker: CfWorker;
let mesh: MeshProcess;

beforeAll(async () => {
  mesh = await startMeshProcess();
  worker = await startCfWorker([mesh.url], { SIGNUP_GRANT_CREDITS: String(GRANT) });
});
afterAll(async () => {
  await worker?.stop();
  if (mesh) await stopMeshProcess(mesh);
});

describe('the Cloudflare job path without R2 S3 credentials (bytes through the job object)', () => {
  it('photo -> mesh process (input in the body) -> artifacts stored by the object -> an STL of the requested size', async () => {
    const photo = new Uint8Array(await readFile(new URL('../../fixtures/photo.jpg', import.meta.url)));
    const user = new HttpClient(worker.url);
    await user.signUp('bytes@example.com');
    const upload = await user.upload(photo, 'bytes.jpg');
    const { id } = await createJob(user, upload.id, { widthMm: 60, formats: ['stl'] });
    const job = (await waitForJob(user, id)) as {
      status: string;
      attempts: number;
      creditState: string;
      cost: number;
      artifacts?: Array<{ name: string }>;
    };
    expect(job.status).toBe('succeeded');
    expect(job.attempts).toBe(1);
    expect(job.creditState).toBe('captured');
    expect((await user.json('/api/v1/credits')).body.balance).toBe(GRANT - job.cost);
    // The photo itself travelled in the /run body.
    const health = (await fetch(`${mesh.url}/healthz`).then((r) => r.json())) as { lastTaskBytes: number };
    expect(health.lastTaskBytes).toBeGreaterThan(photo.byteLength);
    const stl = await user.fetch(`/api/v1/jobs/${id}/artifacts/model.stl`);
    expect(stl.status).toBe(200);
    const [x] = boxSize(boundingBox(readStl(new Uint8Array(await stl.arrayBuffer())).mesh));
    expect(Math.abs(x - 60) / 60).toBeLessThan(0.005);
    // Stored by the object at the job's folder (no attempt folders: nothing else writes there).
    const keys = ((await fetch(`${worker.url}/__test/r2-list?prefix=users/`).then((r) => r.json())) as Array<{ key: string }>)
      .map((o) => o.key)
      .filter((k) => k.includes(`/jobs/${id}/`))
      .map((k) => k.split(`/jobs/${id}/`)[1])
      .sort();
    expect(keys).toEqual((job.artifacts ?? []).map((a) => a.name).sort());
  });
});
