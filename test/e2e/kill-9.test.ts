/**
 * kill -9 of the server while a job runs: after a restart on the same data folder the job
 * completes (or is failed and refunded), nothing stays running, and the ledger shows exactly one
 * hold and at most one refund for it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, freePort, startServerProcess } from './server-process.ts';
import type { ServerProcess } from './server-process.ts';

let dataDir: string;
let server: ServerProcess | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'its-kill9-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('crash recovery', () => {
  it('a job running during kill -9 finishes after restart, charged once', async () => {
    const port = await freePort();
    server = await startServerProcess(dataDir, port);
    const client = new HttpClient(server.url);
    await client.signUp('crash@example.com');
    const photo = new Uint8Array(await readFile(new URL('../../fixtures/photo.jpg', import.meta.url)));
    const upload = await client.upload(photo, 'photo.jpg');
    const before = (await client.json('/api/v1/credits')).body.balance as number;

    // A big, slow job: a 480 mm relief at 0.3 mm samples, 0.01 mm error, in four formats.
    const created = await client.json('/api/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        mode: 'relief',
        uploadId: upload.id,
        params: {
          widthMm: 480,
          resolutionMm: 0.3,
          maxErrorMm: 0.01,
          maxTriangles: 2_000_000,
          formats: ['stl', '3mf', 'glb', 'obj'],
          buildPlateMm: [1000, 1000, 1000], // a slow job, not a refused one: past the default 250 mm plate
        },
      }),
    });
    expect(created.status).toBe(201);
    const jobId = created.body.job.id;
    const cost = created.body.job.cost as number;
    await waitFor('the job to run', async () =>
      (await client.json(`/api/v1/jobs/${jobId}`)).body.job?.status === 'running' ? true : undefined,
    );

    await server.stop('SIGKILL');
    server = await startServerProcess(dataDir, port);

    const job = await waitFor('a terminal state', async () => {
      const { body } = await client.json(`/api/v1/jobs/${jobId}`);
      return ['succeeded', 'failed'].includes(body.job.status) ? body.job : undefined;
    });
    const db = new Sqlite(join(dataDir, 'image-to-stl.db'), { readonly: true });
    try {
      const keys = (
        db.prepare('select idempotency_key from credit_entries where reference = ?').all(jobId) as Array<{ idempotency_key: string }>
      ).map((r) => r.idempotency_key);
      expect(keys.filter((k) => k.endsWith(':hold'))).toHaveLength(1);
      expect(keys.filter((k) => k.endsWith(':refund')).length).toBeLessThanOrEqual(1);
      const running = db.prepare("select count(*) as n from jobs where status = 'running'").get() as { n: number };
      expect(running.n).toBe(0);
    } finally {
      db.close();
    }
    const after = (await client.json('/api/v1/credits')).body.balance as number;
    if (job.status === 'succeeded') {
      expect(after).toBe(before - cost);
      expect((await client.fetch(`/api/v1/jobs/${jobId}/artifacts/model.stl`)).status).toBe(200);
    } else {
      expect(after).toBe(before);
    }
  });
});
