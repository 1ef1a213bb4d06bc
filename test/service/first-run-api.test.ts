/**
 * Issue 15 (8, 9) through the HTTP API, with a real one-thread pool and the real pipeline: a job
 * that names no formats makes every download the README lists (STL, 3MF, GLB, previews); both
 * upload answers name the upload `id`; history rows carry the upload's file name and a thumbnail;
 * a charged job's ledger line says so; files download under the photo's name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import type { JobExecutor } from '../../src/jobs/executor.ts';
import { createWorkerPool } from '../../src/node/worker-pool.ts';
import { createTestServices } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { SAME_ORIGIN, accountsApp, signUpWithAllCookies } from './accounts-helpers.ts';
import type { AccountsApp } from './accounts-helpers.ts';
import { gradientPng } from './jobs-helpers.ts';

let infra: TestInfra;
let pool: JobExecutor;
let jobs: JobsRuntime;
let app: AccountsApp;
let cookie: string;

beforeAll(async () => {
  infra = await createTestServices();
  pool = createWorkerPool({ size: 1 });
  jobs = createJobsRuntime(infra.services, pool, { pollMs: 100, heartbeatMs: 200 });
  app = accountsApp(infra.services, { jobs });
  await jobs.runner.recover();
  jobs.runner.start();
  ({ cookie } = await signUpWithAllCookies(app, 'first-run@example.com'));
});

afterAll(async () => {
  await jobs?.runner.stop(1000);
  await pool?.close();
  await infra?.close();
});

const headers = () => ({ cookie, origin: SAME_ORIGIN });
const json = async (res: Response): Promise<any> => res.json();

async function upload(name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new File([(await gradientPng(48, 32)) as BlobPart], name, { type: 'image/png' }));
  const res = await app.request('/api/v1/uploads', { method: 'POST', body: form, headers: headers() });
  expect(res.status).toBe(201);
  const body = await json(res);
  expect(body.id).toMatch(/^upl_/);
  return body.id;
}

async function finished(id: string) {
  for (let i = 0; i < 1200; i++) {
    const { job } = await json(await app.request(`/api/v1/jobs/${id}`, { headers: headers() }));
    if (job.status !== 'queued' && job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} did not finish`);
}

describe('one upload shape', () => {
  it('the signed-URL upload answers the same `id` as a multipart one (uploadId kept as an alias)', async () => {
    const res = await app.request('/api/v1/uploads/url', {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'big photo.png', byteSize: 5000 }),
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.id).toMatch(/^upl_/);
    expect(body.uploadId).toBe(body.id);
    expect(body).toMatchObject({ status: 'pending', originalName: 'big photo.png', byteSize: 5000, method: 'PUT' });
    expect(body.uploadUrlExpiresAt).toBe(body.expiresAt);
    const got = await json(await app.request(`/api/v1/uploads/${body.id}`, { headers: headers() }));
    expect(got.id).toBe(body.id);
  });
});

describe('a job that names no formats', () => {
  let job: { id: string; artifacts: Array<{ name: string }> };

  beforeAll(async () => {
    const uploadId = await upload('Lighthouse at dusk.png');
    const res = await app.request('/api/v1/jobs', {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'lithophane', uploadId, params: { widthMm: 20, resolutionMm: 0.5 } }),
    });
    expect(res.status).toBe(201);
    job = await finished((await json(res)).job.id);
    expect(job).toMatchObject({ status: 'succeeded' });
  }, 180_000);

  it('makes STL, 3MF and GLB with the previews and the report, as the README lists', async () => {
    const names = job.artifacts.map((a) => a.name).sort();
    expect(names).toEqual(['backlit.png', 'model.3mf', 'model.glb', 'model.stl', 'preview.png', 'report.json']);
    const threeMf = await app.request(`/api/v1/jobs/${job.id}/artifacts/model.3mf`, { headers: headers() });
    expect(threeMf.status).toBe(200);
    expect(
      Buffer.from(await threeMf.arrayBuffer())
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');
  });

  it('downloads under the photo name', async () => {
    const stl = await app.request(`/api/v1/jobs/${job.id}/artifacts/model.stl`, { headers: headers() });
    expect(stl.headers.get('content-disposition')).toContain('filename="Lighthouse-at-dusk-lithophane.stl"');
    const preview = await app.request(`/api/v1/jobs/${job.id}/artifacts/preview.png`, { headers: headers() });
    expect(preview.headers.get('content-disposition')).toContain('filename="Lighthouse-at-dusk-lithophane-preview.png"');
  });

  it('lists it in the history with the file name, a thumbnail that loads, and when its files go', async () => {
    const { jobs: rows } = await json(await app.request('/api/v1/jobs', { headers: headers() }));
    const row = rows.find((r: { id: string }) => r.id === job.id);
    expect(row.uploadName).toBe('Lighthouse at dusk.png');
    expect(row.thumbnailUrl).toBe(`/api/v1/jobs/${job.id}/artifacts/preview.png`);
    const thumb = await app.request(row.thumbnailUrl, { headers: headers() });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/png');
    // The free plan keeps files 30 days (RETENTION_DAYS_FREE): the row says when they go.
    expect(row.expiresAt - row.createdAt).toBe(30 * 24 * 3600_000);
  });

  it("shows the job's ledger line as charged, not held", async () => {
    const { entries } = await json(await app.request('/api/v1/credits', { headers: headers() }));
    const line = entries.find((e: { reference: string | null }) => e.reference === job.id);
    expect(line).toMatchObject({ reason: 'job_hold', job: { mode: 'lithophane', creditState: 'captured' } });
  });
});
