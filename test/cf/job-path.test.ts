/**
 * Issue 13 end to end, in real workerd (D1, R2, Queues with a dead-letter queue, Durable Objects)
 * with the mesh work in separate Node processes started from the container image's entry:
 * sign up -> presigned upload to R2 -> lithophane job -> queue -> mesh process -> artifacts in R2 -> progress
 * over SSE -> a manifold STL of the requested size -> credits captured. A failing job is refunded,
 * a mesh process killed mid-job is retried and charged once, a replayed queue message does nothing.
 *
 * R2's S3 API is configured (the loopback S3 endpoint), so the mesh processes read each input and
 * write each artifact through presigned URLs themselves: the tests see those GETs and PUTs at the
 * endpoint, a /run request far smaller than the photo, and no object left in R2 by an attempt that
 * did not succeed (a refused URL, a cancel, a process killed between its writes).
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readStl } from '../../src/pipeline/import/stl.ts';
import { boundingBox, boxSize } from '../../src/pipeline/mesh.ts';
import { validateSolid } from '../../src/pipeline/validate.ts';
import { sharedManifold } from '../../wasm/manifold.ts';
import { HttpClient } from '../e2e/server-process.ts';
import { noisePng, startCfWorker, startMeshProcess, stopMeshProcess } from './cf-stack.ts';
import { createJob, waitForJob } from './jobs-api.ts';
import { startS3Loopback } from './s3-loopback.ts';
import type { S3Loopback } from './s3-loopback.ts';
import type { CfWorker, MeshProcess } from './cf-stack.ts';

const GRANT = 50;
let worker: CfWorker;
let meshes: MeshProcess[] = [];
let photo: Uint8Array;
let s3: S3Loopback;

beforeAll(async () => {
  meshes = await Promise.all([startMeshProcess(), startMeshProcess()]);
  s3 = await startS3Loopback();
  worker = await startCfWorker(
    meshes.map((m) => m.url),
    { SIGNUP_GRANT_CREDITS: String(GRANT), ...s3.settings },
  );
  s3.forwardTo(worker.url);
  photo = new Uint8Array(await readFile(new URL('../../fixtures/photo.jpg', import.meta.url)));
});
afterAll(async () => {
  await worker?.stop();
  await s3?.close();
  await Promise.all(meshes.map(stopMeshProcess));
});

async function newUser(email: string): Promise<HttpClient> {
  const client = new HttpClient(worker.url);
  await client.signUp(email);
  return client;
}

/** A large upload as the web app makes it: a presigned PUT straight to R2, then complete. */
async function presignedUpload(client: HttpClient, bytes: Uint8Array, filename: string): Promise<{ id: string }> {
  const started = await client.json('/api/v1/uploads/url', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ filename, byteSize: bytes.byteLength }),
  });
  expect(started.status).toBe(201);
  const uploadUrl = started.body.uploadUrl as string;
  expect(uploadUrl.startsWith(s3.settings.R2_S3_ENDPOINT)).toBe(true);
  // The store checks the signed size: a different body is refused, and nothing is stored.
  const wrongSize = await fetch(uploadUrl, { method: 'PUT', body: bytes.slice(0, bytes.byteLength - 1) });
  expect(wrongSize.status).toBe(403);
  const put = await fetch(uploadUrl, { method: 'PUT', body: new Uint8Array(bytes) });
  expect(put.status).toBe(200);
  const id = started.body.uploadId as string;
  const completed = await client.json(`/api/v1/uploads/${id}/complete`, { method: 'POST' });
  expect(completed.status).toBe(200);
  return { id };
}

/** The mesh process that has taken a task, once one has. */
async function busyMesh(timeoutMs = 60_000): Promise<MeshProcess | undefined> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const m of meshes) {
      const health = await fetch(`${m.url}/healthz`).then((r) => r.json() as Promise<{ inFlight: number }>);
      if (health.inFlight > 0) return m;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

const health = async (m: MeshProcess) =>
  (await fetch(`${m.url}/healthz`).then((r) => r.json())) as { inFlight: number; lastTaskBytes: number };
const inFlight = async (m: MeshProcess) => (await health(m)).inFlight;

/** The R2 objects under a job's folder, whoever owns it. */
async function jobObjects(jobId: string): Promise<Array<{ key: string; size: number }>> {
  const all = (await fetch(`${worker.url}/__test/r2-list?prefix=users/`).then((r) => r.json())) as Array<{ key: string; size: number }>;
  return all.filter((o) => o.key.includes(`/jobs/${jobId}/`));
}

/** Kills a mesh process as a lost container, and starts a fresh one on its port (the Worker's list stays valid). */
async function replace(victim: MeshProcess): Promise<void> {
  const port = Number(new URL(victim.url).port);
  victim.kill();
  await new Promise((resolve) =>
    victim.child.exitCode !== null || victim.child.signalCode !== null ? resolve(null) : victim.child.once('exit', resolve),
  );
  const fresh = await startMeshProcess({ port });
  meshes = meshes.map((m) => (m === victim ? fresh : m));
}

type JobView = { id: string; status: string; attempts: number; creditState: string; error?: { code: string; message: string } };

const balance = async (client: HttpClient) => (await client.json('/api/v1/credits')).body.balance as number;

describe('the Cloudflare job path (workerd + mesh processes)', () => {
  it('photo -> queue -> mesh process -> R2 -> SSE -> manifold STL of the requested size; credits captured once', async () => {
    const maker = await newUser('maker@example.com');
    const upload = await presignedUpload(maker, photo, 'holiday.jpg');
    expect(s3.stored).toHaveLength(1);
    const job = await createJob(maker, upload.id);
    expect(job.cost).toBeGreaterThan(0);

    const events = await maker.events(`/api/v1/jobs/${job.id}/events`);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('queued');
    expect(names).toContain('started');
    expect(names[names.length - 1]).toBe('succeeded');
    const percents = events.filter((e) => e.event === 'stage').map((e) => e.data.percent as number);
    expect(percents.length).toBeGreaterThan(2);
    for (let i = 1; i < percents.length; i++) expect(percents[i]).toBeGreaterThanOrEqual(percents[i - 1]);

    const stlResponse = await maker.fetch(`/api/v1/jobs/${job.id}/artifacts/model.stl`);
    expect(stlResponse.status).toBe(200);
    const mesh = readStl(new Uint8Array(await stlResponse.arrayBuffer())).mesh;
    expect(validateSolid(weld(mesh), await sharedManifold()).manifold).toBe(true);
    const [x] = boxSize(boundingBox(mesh));
    expect(Math.abs(x - 80) / 80).toBeLessThan(0.005);

    const done = await waitForJob(maker, job.id);
    expect(done.creditState).toBe('captured');
    expect(done.attempts).toBe(1);
    expect(await balance(maker)).toBe(GRANT - job.cost);

    // The bytes went through R2's S3 endpoint, not through the job's object: the container GOT the
    // upload (all of it) and PUT each artifact under the attempt's folder; its /run request carried
    // the task and the URLs only, far less than the photo.
    const gets = s3.requests.filter((r) => r.method === 'GET');
    expect(gets.map((r) => [r.key.replace(/^users\/[^/]+\//, ''), r.status, r.bytes])).toEqual([
      [`uploads/${upload.id}/original`, 200, photo.byteLength],
    ]);
    const puts = s3.requests.filter((r) => r.method === 'PUT' && r.key.includes(`/jobs/${job.id}/`));
    const artifacts = done.artifacts as Array<{ name: string; bytes: number }>;
    expect(puts.map((r) => r.status)).toEqual(artifacts.map(() => 200));
    expect(puts.map((r) => r.key.split(`/jobs/${job.id}/`)[1]).sort()).toEqual(artifacts.map((a) => `attempt-1/${a.name}`).sort());
    expect(artifacts.find((a) => a.name === 'model.stl')?.bytes).toBe(puts.find((r) => r.key.endsWith('/model.stl'))?.bytes);
    const runBytes = Math.max(...(await Promise.all(meshes.map(health))).map((h) => h.lastTaskBytes));
    expect(runBytes).toBeGreaterThan(0);
    expect(runBytes).toBeLessThan(photo.byteLength / 2);
    // Exactly the files the rows name are in R2.
    expect((await jobObjects(job.id)).map((o) => o.key.split(`/jobs/${job.id}/`)[1]).sort()).toEqual(
      artifacts.map((a) => `attempt-1/${a.name}`).sort(),
    );

    // A replayed message for the finished job: nothing runs, nothing is charged or refunded.
    const before = await maker.json(`/api/v1/jobs/${job.id}`);
    await fetch(`${worker.url}/__test/enqueue`, { method: 'POST', body: JSON.stringify({ jobId: job.id }) });
    await new Promise((r) => setTimeout(r, 4000));
    const after = await maker.json(`/api/v1/jobs/${job.id}`);
    expect(after.body.job).toEqual(before.body.job);
    expect(await balance(maker)).toBe(GRANT - job.cost);
  });

  it('duplicate deliveries of a queued job run it once', async () => {
    const user = await newUser('twice@example.com');
    const upload = await user.upload(photo, 'twice.jpg');
    const job = await createJob(user, upload.id);
    for (let i = 0; i < 3; i++) await fetch(`${worker.url}/__test/enqueue`, { method: 'POST', body: JSON.stringify({ jobId: job.id }) });
    const done = await waitForJob(user, job.id);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(1);
    await new Promise((r) => setTimeout(r, 3000));
    const events = await user.events(`/api/v1/jobs/${job.id}/events`);
    expect(events.filter((e) => e.event === 'started')).toHaveLength(1);
    expect(await balance(user)).toBe(GRANT - job.cost);
  });

  it('a job the pipeline fails is refunded', async () => {
    const user = await newUser('broken@example.com');
    // The header says a JPEG of a size (the Worker reads only headers); the data stops short.
    const sof = findMarker(photo, 0xc0) ?? findMarker(photo, 0xc2);
    const upload = await user.upload(photo.slice(0, (sof ?? 0) + 2000), 'truncated.jpg');
    const job = await createJob(user, upload.id);
    const done = await waitForJob(user, job.id);
    expect(done.status).toBe('failed');
    expect(done.creditState).toBe('refunded');
    expect(await balance(user)).toBe(GRANT);
  });

  it('cancelling a running job stops its mesh task and refunds it', async () => {
    const user = await newUser('cancel@example.com');
    const upload = await user.upload(await noisePng(1200, 900), 'cancel.png');
    const job = await createJob(user, upload.id, { widthMm: 120, resolutionMm: 0.1, formats: ['stl'] });
    const busy = await busyMesh();
    expect(busy).toBeDefined();
    const cancelled = await user.json(`/api/v1/jobs/${job.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job.status).toBe('cancelled');
    expect(cancelled.body.job.creditState).toBe('refunded');
    // The object aborted its request: the mesh process dropped the task (its thread is replaced).
    await vi.waitFor(async () => expect(await inFlight(busy as MeshProcess)).toBe(0), { timeout: 10_000, interval: 100 });
    expect(await balance(user)).toBe(GRANT);
    expect((await waitForJob(user, job.id)).status).toBe('cancelled');
    await vi.waitFor(async () => expect(await jobObjects(job.id)).toEqual([]), { timeout: 10_000, interval: 250 });
  });

  it('a mesh process killed mid-job: the job is retried on another and charged once', async () => {
    const user = await newUser('killed@example.com');
    const upload = await user.upload(await noisePng(1200, 900), 'killed.png');
    const job = await createJob(user, upload.id, { widthMm: 120, resolutionMm: 0.1, formats: ['stl'] });
    // Wait until the job reports progress from a mesh process, then kill that process.
    await vi.waitFor(async () => expect((await user.json(`/api/v1/jobs/${job.id}`)).body.job.stage).not.toMatch(/^(started)?$/), {
      timeout: 60_000,
      interval: 50,
    });
    const victim = await busyMesh();
    expect(victim).toBeDefined();
    // A fresh process takes the victim's place at once; the retry may land on either.
    await replace(victim as MeshProcess);
    const done = await waitForJob(user, job.id);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(2);
    expect(done.creditState).toBe('captured');
    expect(await balance(user)).toBe(GRANT - job.cost);
    const ledger = (await user.json('/api/v1/credits')).body.entries as Array<{ amount: number; reference: string | null }>;
    expect(ledger.filter((e) => e.amount < 0)).toHaveLength(1);
  });

  it('a mesh process killed after writing some artifacts: the retry succeeds and no file of the dead attempt is left', async () => {
    const user = await newUser('half-written@example.com');
    const upload = await user.upload(photo, 'half.jpg');
    let job: { id: string; cost: number } | undefined;
    let killedAfter: string | undefined;
    // At the dead attempt's first stored artifact, before the process hears it was stored.
    s3.afterPut = async (key) => {
      if (killedAfter || !job || !key.includes(`/jobs/${job.id}/attempt-1/`)) return;
      killedAfter = key;
      const victim = await busyMesh(5000);
      expect(victim).toBeDefined();
      await replace(victim as MeshProcess);
    };
    try {
      job = await createJob(user, upload.id, { widthMm: 80, formats: ['stl', '3mf'] });
      const done = await waitForJob(user, job.id);
      expect(killedAfter).toBeDefined();
      expect(done.status).toBe('succeeded');
      expect(done.attempts).toBe(2);
      expect(done.creditState).toBe('captured');
      expect(await balance(user)).toBe(GRANT - job.cost);
      // The dead attempt wrote something, and none of it is left: R2 holds exactly the rows' files.
      expect(s3.stored.filter((k) => k.includes(`/jobs/${job?.id}/attempt-1/`)).length).toBeGreaterThan(0);
      const names = (done.artifacts as Array<{ name: string }>).map((a) => `attempt-2/${a.name}`).sort();
      expect(names).toContain('attempt-2/model.3mf');
      expect((await jobObjects(job.id)).map((o) => o.key.split(`/jobs/${job?.id}/`)[1]).sort()).toEqual(names);
      const stl = await user.fetch(`/api/v1/jobs/${job.id}/artifacts/model.stl`);
      expect(stl.status).toBe(200);
      expect(validateSolid(weld(readStl(new Uint8Array(await stl.arrayBuffer())).mesh), await sharedManifold()).manifold).toBe(true);
    } finally {
      s3.afterPut = undefined;
    }
  });

  it('URLs that expire while the container writes: the job fails cleanly, refunded, no object left', async () => {
    const user = await newUser('expired@example.com');
    const upload = await user.upload(photo, 'expired.jpg');
    let jobId: string | undefined;
    // After the first artifact is stored the store's clock is two hours on: the rest are refused as expired.
    s3.afterPut = async (key) => {
      if (jobId && key.includes(`/jobs/${jobId}/`)) s3.clockOffsetMs = 2 * 3600_000;
    };
    try {
      const job = await createJob(user, upload.id);
      jobId = job.id;
      const done = (await waitForJob(user, job.id)) as JobView;
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('service_unavailable');
      expect(done.error?.message).toContain('AccessDenied');
      expect(done.creditState).toBe('refunded');
      expect(await balance(user)).toBe(GRANT);
      const refused = s3.requests.filter((r) => r.key.includes(`/jobs/${job.id}/`) && r.status === 403);
      expect(refused.map((r) => r.code)).toEqual(['AccessDenied']);
      expect(s3.stored.filter((k) => k.includes(`/jobs/${job.id}/`)).length).toBeGreaterThan(0);
      expect(await jobObjects(job.id)).toEqual([]);
    } finally {
      s3.afterPut = undefined;
      s3.clockOffsetMs = 0;
    }
  });

  it('objects in R2 that do not match the manifest: no row points at them, the job fails refunded, nothing left', async () => {
    const user = await newUser('mismatch@example.com');
    const upload = await user.upload(photo, 'mismatch.jpg');
    s3.dropLastByte = true;
    try {
      const job = await createJob(user, upload.id);
      const done = (await waitForJob(user, job.id)) as JobView & { artifacts?: unknown[] };
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('internal');
      expect(done.creditState).toBe('refunded');
      expect(done.artifacts ?? []).toEqual([]);
      expect(await balance(user)).toBe(GRANT);
      expect(s3.stored.filter((k) => k.includes(`/jobs/${job.id}/`)).length).toBeGreaterThan(0);
      expect(await jobObjects(job.id)).toEqual([]);
    } finally {
      s3.dropLastByte = false;
    }
  });

  it('a URL whose signature does not match (the key was rotated): the job fails cleanly, refunded, nothing stored', async () => {
    const user = await newUser('tampered@example.com');
    const upload = await user.upload(photo, 'tampered.jpg');
    s3.secretRotated = true;
    try {
      const job = await createJob(user, upload.id);
      const done = (await waitForJob(user, job.id)) as JobView;
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('service_unavailable');
      expect(done.error?.message).toContain('SignatureDoesNotMatch');
      expect(done.creditState).toBe('refunded');
      expect(await balance(user)).toBe(GRANT);
      expect(await jobObjects(job.id)).toEqual([]);
    } finally {
      s3.secretRotated = false;
    }
  });
});

function findMarker(bytes: Uint8Array, marker: number): number | undefined {
  for (let i = 2; i + 1 < bytes.length; i++) if (bytes[i] === 0xff && bytes[i + 1] === marker) return i;
  return undefined;
}

/** STL stores each triangle's corners separately: share identical corners again before the check. */
function weld(mesh: { positions: Float32Array; indices: Uint32Array }) {
  const map = new Map<string, number>();
  const positions: number[] = [];
  const indices = new Uint32Array(mesh.indices.length);
  for (let i = 0; i < mesh.indices.length; i++) {
    const v = mesh.indices[i] * 3;
    const key = `${mesh.positions[v]},${mesh.positions[v + 1]},${mesh.positions[v + 2]}`;
    let index = map.get(key);
    if (index === undefined) {
      index = positions.length / 3;
      map.set(key, index);
      positions.push(mesh.positions[v], mesh.positions[v + 1], mesh.positions[v + 2]);
    }
    indices[i] = index;
  }
  return { positions: Float32Array.from(positions), indices };
}
