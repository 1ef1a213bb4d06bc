/**
 * The Node composition root with its real pool: /healthz reports the pool, a shutdown puts a
 * running job back in the queue (credits still held), and the next start runs it to success.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startServer } from '../../src/server.ts';
import { signUp } from '../helpers/test-services.ts';
import { gradientPng, insertUpload } from './jobs-helpers.ts';
import type { JobBody } from './jobs-helpers.ts';

let dataDir: string;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('reports the pool, requeues on shutdown, and finishes the job after a restart', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'its-server-'));
  const env = {
    DATA_DIR: dataDir,
    PORT: '0',
    POOL_SIZE: '1',
    LOG_LEVEL: 'silent',
    BETTER_AUTH_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
  };
  let running = await startServer(env, { shutdownGraceMs: 0 });
  const client = (base: string) => ({ request: (path: string, init?: RequestInit) => fetch(base + path, init) });

  const health = (await (await fetch(`${running.url}/healthz`)).json()) as {
    ok: boolean;
    pool: { size: number; busy: number; queued: number };
  };
  expect(health).toMatchObject({ ok: true, pool: { size: 1, busy: 0, queued: 0 } });

  const cookie = await signUp(
    {
      ...client(running.url),
      request: (p, i) => fetch(running.url + p, { ...i, headers: { ...(i?.headers as Record<string, string>), origin: running.url } }),
    },
    'restart@example.com',
  );
  const session = (await (await fetch(`${running.url}/api/auth/get-session`, { headers: { cookie } })).json()) as { user: { id: string } };
  const uploadId = await insertUpload(running.services, session.user.id, await gradientPng(64, 48));
  const res = await fetch(`${running.url}/api/v1/jobs`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'lithophane', uploadId, params: { widthMm: 40, resolutionMm: 0.2, formats: ['stl', '3mf'] } }),
  });
  expect(res.status).toBe(201);
  const { job } = (await res.json()) as { job: JobBody };
  // Wait until a worker holds it, then shut down with no grace: it goes back to the queue.
  for (let i = 0; i < 200; i++) {
    const row = await running.services.db.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirstOrThrow();
    if (row.status !== 'queued') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await running.close();

  running = await startServer(env, { shutdownGraceMs: 0 });
  try {
    const row = await running.services.db.selectFrom('jobs').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
    expect(['queued', 'running', 'succeeded']).toContain(row.status);
    let status = row.status;
    for (let i = 0; i < 600 && status !== 'succeeded' && status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await running.services.db.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status;
    }
    const done = await running.services.db.selectFrom('jobs').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
    expect(done).toMatchObject({ status: 'succeeded', credit_state: 'captured' });
    const entries = await running.services.db
      .selectFrom('credit_entries')
      .select(['reason', 'amount'])
      .where('reference', '=', job.id)
      .execute();
    expect(entries).toEqual([{ reason: 'job_hold', amount: -job.cost }]);
    const events = await running.services.db
      .selectFrom('job_events')
      .select(['type', 'data'])
      .where('job_id', '=', job.id)
      .orderBy('id')
      .execute();
    expect(events.filter((e) => e.type === 'queued').map((e) => JSON.parse(e.data).reason)).toEqual([undefined, 'shutdown']);
    expect(events[events.length - 1].type).toBe('succeeded');
  } finally {
    await running.close();
  }
});
