/**
 * SIGTERM to the real server process while a job runs. With a grace period longer than the job, the
 * job completes and then the process exits 0; with one shorter than the job, the process exits within
 * the grace period (plus teardown), the job goes back to the queue with its attempt given back and
 * its credits still held, and it completes after a restart, charged once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../helpers/grids.ts';
import { gradientPng } from '../service/jobs-helpers.ts';
import { HttpClient, freePort, startServerProcess } from './server-process.ts';
import type { ServerProcess } from './server-process.ts';

/** A few seconds on one thread. */
const MEDIUM = { widthMm: 80, resolutionMm: 0.2, formats: ['stl', '3mf'] };
/** About ten seconds on one thread: far longer than a one-second grace. */
const SLOW = { widthMm: 200, resolutionMm: 0.1, maxErrorMm: 0.01, maxTriangles: 2_000_000, formats: ['stl', 'glb'] };
/** Closing the HTTP server, the pool and the database after the grace period. */
const TEARDOWN_MS = 5000;

let dataDir: string;
let server: ServerProcess | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'its-sigterm-'));
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

function row(jobId: string) {
  const db = new Sqlite(join(dataDir, 'image-to-stl.db'), { readonly: true });
  try {
    return {
      job: db.prepare('select status, attempts, credit_state from jobs where id = ?').get(jobId) as {
        status: string;
        attempts: number;
        credit_state: string;
      },
      entries: db.prepare('select reason, amount from credit_entries where reference = ?').all(jobId) as Array<{
        reason: string;
        amount: number;
      }>,
      queued: (
        db.prepare("select data from job_events where job_id = ? and type = 'queued' order by id").all(jobId) as Array<{ data: string }>
      ).map((e) => JSON.parse(e.data).reason ?? 'created'),
    };
  } finally {
    db.close();
  }
}

async function sigterm(s: ServerProcess): Promise<{ ms: number; code: number | null | string }> {
  const t0 = Date.now();
  const exited = new Promise<number | string | null>((resolve) =>
    s.child.once('exit', (code, signal) => resolve(code ?? `${signal}: ${s.output().slice(-2000)}`)),
  );
  s.child.kill('SIGTERM');
  const code = await exited;
  return { ms: Date.now() - t0, code };
}

async function noisePng(width: number, height: number): Promise<Uint8Array> {
  const rand = mulberry32(7);
  const raw = Buffer.alloc(width * height);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(rand() * 256);
  return new Uint8Array(
    await sharp(raw, { raw: { width, height, channels: 1 } })
      .png()
      .toBuffer(),
  );
}

async function runningJob(client: HttpClient, uploadId: string, params: Record<string, unknown>): Promise<{ id: string; cost: number }> {
  const created = await client.json('/api/v1/jobs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'lithophane', uploadId, params }),
  });
  expect(created.status).toBe(201);
  const { id, cost } = created.body.job as { id: string; cost: number };
  for (let i = 0; i < 600; i++) {
    if ((await client.json(`/api/v1/jobs/${id}`)).body.job.status === 'running') return { id, cost };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the job never ran');
}

describe('graceful shutdown', () => {
  it('SIGTERM within a long grace: the running job completes, then the process exits 0', async () => {
    const port = await freePort();
    server = await startServerProcess(dataDir, port, { SHUTDOWN_GRACE_MS: '60000' });
    const client = new HttpClient(server.url);
    await client.signUp('graceful@example.com');
    const upload = await client.upload(await gradientPng(400, 300), 'gradient.png');
    const job = await runningJob(client, upload.id, MEDIUM);

    const { ms, code } = await sigterm(server);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(60_000);
    const after = row(job.id);
    expect(after.job).toMatchObject({ status: 'succeeded', credit_state: 'captured' });
    expect(after.entries).toEqual([{ reason: 'job_hold', amount: -job.cost }]);
  }, 120_000);

  it('SIGTERM with a short grace: exits within it, the job is requeued and completes after a restart, charged once', async () => {
    const port = await freePort();
    const grace = 1000;
    server = await startServerProcess(dataDir, port, { SHUTDOWN_GRACE_MS: String(grace) });
    const client = new HttpClient(server.url);
    await client.json('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'graceful@example.com', password: 'correct horse battery' }),
    });
    // Noise at 0.01 mm forces hundreds of thousands of triangles: seconds of work on any machine,
    // where a smooth gradient finished inside the 1 s grace once the workers were reniced.
    const upload = await client.upload(await noisePng(600, 450), 'noise.png');
    const before = (await client.json('/api/v1/credits')).body.balance as number;
    const job = await runningJob(client, upload.id, SLOW);
    await new Promise((r) => setTimeout(r, 300)); // well into the pipeline

    const { ms, code } = await sigterm(server);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(grace + TEARDOWN_MS);
    const stopped = row(job.id);
    expect(stopped.job).toMatchObject({ status: 'queued', attempts: 0, credit_state: 'held' });
    expect(stopped.queued).toEqual(['created', 'shutdown']);

    server = await startServerProcess(dataDir, port);
    let status = '';
    for (let i = 0; i < 1200 && !['succeeded', 'failed'].includes(status); i++) {
      status = (await client.json(`/api/v1/jobs/${job.id}`)).body.job.status;
      if (!['succeeded', 'failed'].includes(status)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('succeeded');
    const done = row(job.id);
    expect(done.job).toMatchObject({ status: 'succeeded', attempts: 1, credit_state: 'captured' });
    expect(done.entries).toEqual([{ reason: 'job_hold', amount: -job.cost }]);
    expect((await client.json('/api/v1/credits')).body.balance).toBe(before - job.cost);
    const stl = await client.fetch(`/api/v1/jobs/${job.id}/artifacts/model.stl`);
    expect(stl.status).toBe(200);
    expect((await stl.arrayBuffer()).byteLength).toBeGreaterThan(84);
  }, 180_000);
});
