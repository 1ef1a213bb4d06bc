/**
 * kill -9 at random moments (seeded: CRASH_SEED, default below) across a batch of jobs on the real
 * server process, restarting on the same data folder each time. Each kill picks a kind of moment
 * and a random delay within it: right after a restart (before the runner's claim, or while it
 * claims), while a job runs in the worker, or the instant an output file is being written (an
 * inotify watch on the job folders); the test logs where each kill landed. At the end every job is
 * terminal (none stuck running or queued), each was charged exactly once and refunded at most once
 * (refunded exactly when it failed), the balance equals the ledger, no temporary or orphaned file is
 * left, and every output of every succeeded job downloads whole with its recorded ETag.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, watch } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Sqlite from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../helpers/grids.ts';
import { HttpClient, freePort, startServerProcess } from './server-process.ts';
import type { ServerProcess } from './server-process.ts';

const SEED = Number(process.env.CRASH_SEED ?? 20261107);
const JOBS = 6;
const KILLS = 5;
/** A job of about a second on one thread, with five outputs (three formats, two previews, the report). */
const PARAMS = { widthMm: 80, resolutionMm: 0.2, maxErrorMm: 0.02, formats: ['stl', '3mf', 'glb'] };
type Moment = 'before-claim' | 'mid-run' | 'during-writes';
const MOMENTS: Moment[] = ['before-claim', 'mid-run', 'during-writes'];

let dataDir: string;
let server: ServerProcess | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'its-crash-'));
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

function readDb<T>(read: (db: Sqlite.Database) => T): T {
  const db = new Sqlite(join(dataDir, 'image-to-stl.db'), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

describe('kill -9 at random points', () => {
  it(`leaves every job terminal, charged once, refunded at most once, outputs readable (seed ${SEED})`, async () => {
    const rand = mulberry32(SEED);
    const port = await freePort();
    const env = { SIGNUP_GRANT_CREDITS: '1000', PER_USER_CONCURRENCY: '2', RATE_LIMIT_JOBS_PER_MINUTE: '1000' };
    server = await startServerProcess(dataDir, port, env);
    const client = new HttpClient(server.url);
    await client.signUp('crashes@example.com');
    const raw = Buffer.alloc(320 * 240 * 3);
    for (let i = 0; i < 320 * 240; i++) raw.fill(Math.round(127 + 120 * Math.sin(i / 97) * Math.cos(i / 4513)), i * 3, i * 3 + 3);
    const photo = new Uint8Array(
      await sharp(raw, { raw: { width: 320, height: 240, channels: 3 } })
        .png()
        .toBuffer(),
    );
    const upload = await client.upload(photo, 'waves.png');
    const start = (await client.json('/api/v1/credits')).body.balance as number;

    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const created = await client.json('/api/v1/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `batch-${i}` },
        body: JSON.stringify({ mode: 'lithophane', uploadId: upload.id, params: PARAMS }),
      });
      expect(created.status).toBe(201);
      ids.push(created.body.job.id);
    }

    const landed: string[] = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const openJobs = () =>
      readDb((db) => (db.prepare("select count(*) as n from jobs where status in ('queued', 'running')").get() as { n: number }).n);
    for (let k = 0; k < KILLS; k++) {
      if (openJobs() === 0) break;
      // The first three kills cover each kind of moment once, in a seeded order; the rest are drawn.
      const order = [...MOMENTS].sort(() => rand() - 0.5);
      const moment = k < MOMENTS.length ? order[k] : MOMENTS[Math.floor(rand() * MOMENTS.length)];
      const delay = Math.round(rand() * (moment === 'before-claim' ? 60 : moment === 'mid-run' ? 1200 : 0));
      if (moment === 'mid-run') {
        for (
          let i = 0;
          i < 400 && readDb((db) => db.prepare("select 1 from jobs where status = 'running' and stage is not null").get()) === undefined;
          i++
        )
          await sleep(25);
      }
      if (moment === 'during-writes') {
        // The instant a file appears in a job folder (a temporary .part, or one just renamed into place).
        const stop = new AbortController();
        const timer = setTimeout(() => stop.abort(), 30_000);
        try {
          for await (const event of watch(join(dataDir, 'files', 'users'), { recursive: true, signal: stop.signal })) {
            if (/\/jobs\/[^/]+\/[^/]+\.[^/]+$/.test(event.filename ?? '')) break;
          }
        } catch {
          // timed out: kill anyway
        }
        clearTimeout(timer);
      }
      await sleep(delay);
      await server.stop('SIGKILL');
      // Where the kill landed, read from the rows and files the dead process left.
      const at = readDb(
        (db) =>
          db.prepare('select status, stage, count(*) as n from jobs group by status, stage').all() as Array<{
            status: string;
            stage: string | null;
            n: number;
          }>,
      );
      const parts = (await filesUnder(join(dataDir, 'files'))).filter((f) => f.includes('/jobs/')).length;
      landed.push(
        `kill ${k + 1}, ${moment} (+${delay} ms): ${at.map((r) => `${r.status}${r.stage ? `/${r.stage}` : ''}=${r.n}`).join(' ')}${parts ? `, ${parts} output file(s) on disk` : ''}`,
      );
      server = await startServerProcess(dataDir, port, env);
      // Creating a job right after a restart must work too (and is one more thing to settle).
      if (k === 1) {
        const extra = await client.json('/api/v1/jobs', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ mode: 'lithophane', uploadId: upload.id, params: { ...PARAMS, widthMm: 60 } }),
        });
        expect(extra.status).toBe(201);
        ids.push(extra.body.job.id);
      }
    }
    console.log(`seed ${SEED}\n${landed.join('\n')}`);

    const deadline = Date.now() + 240_000;
    for (;;) {
      const open = readDb(
        (db) => (db.prepare("select count(*) as n from jobs where status in ('queued', 'running')").get() as { n: number }).n,
      );
      if (open === 0) break;
      if (Date.now() > deadline) throw new Error(`${open} jobs still open\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const { jobs, entries } = readDb((db) => ({
      jobs: db.prepare('select id, status, credit_state, cost, attempts, error_code from jobs').all() as Array<{
        id: string;
        status: string;
        credit_state: string;
        cost: number;
        attempts: number;
        error_code: string | null;
      }>,
      entries: db.prepare('select reference, reason, amount, idempotency_key from credit_entries').all() as Array<{
        reference: string | null;
        reason: string;
        amount: number;
        idempotency_key: string;
      }>,
    }));
    expect(jobs.map((j) => j.id).sort()).toEqual([...ids].sort());
    let charged = 0;
    for (const job of jobs) {
      expect(['succeeded', 'failed'], `${job.id}: ${job.status}`).toContain(job.status);
      const mine = entries.filter((e) => e.reference === job.id);
      expect(
        mine.filter((e) => e.idempotency_key.endsWith(':hold')),
        `${job.id} holds`,
      ).toHaveLength(1);
      const refunds = mine.filter((e) => e.amount > 0);
      expect(refunds.length, `${job.id} refunds`).toBeLessThanOrEqual(1);
      if (job.status === 'succeeded') {
        expect(refunds).toHaveLength(0);
        expect(job.credit_state).toBe('captured');
        charged += job.cost;
      } else {
        expect(refunds).toHaveLength(1);
        expect(job.credit_state).toBe('refunded');
      }
    }
    console.log(`jobs: ${jobs.map((j) => `${j.status}(${j.attempts}${j.error_code ? `, ${j.error_code}` : ''})`).join(' ')}`);
    expect(jobs.filter((j) => j.status === 'succeeded').length).toBeGreaterThan(0);
    const balance = (await client.json('/api/v1/credits')).body.balance as number;
    expect(balance).toBe(start - charged);
    expect(balance).toBe(entries.reduce((sum, e) => sum + e.amount, 0));

    // Every output of a succeeded job downloads whole; nothing else is on disk but the upload and those outputs.
    const expected = new Set<string>();
    for (const job of jobs.filter((j) => j.status === 'succeeded')) {
      const { body } = await client.json(`/api/v1/jobs/${job.id}/artifacts`);
      expect(body.artifacts.length).toBeGreaterThanOrEqual(4);
      for (const artifact of body.artifacts as Array<{ name: string; byteSize: number; etag: string }>) {
        const res = await client.fetch(`/api/v1/jobs/${job.id}/artifacts/${artifact.name}`);
        expect(res.status).toBe(200);
        const bytes = new Uint8Array(await res.arrayBuffer());
        expect(bytes.byteLength).toBe(artifact.byteSize);
        expect(`"${createHash('sha256').update(bytes).digest('hex')}"`).toBe(artifact.etag);
        expected.add(`${job.id}/${artifact.name}`);
      }
    }
    const onDisk = (await filesUnder(join(dataDir, 'files'))).filter((f) => f.includes('/jobs/')).map((f) => f.split('/jobs/')[1]);
    expect(onDisk.sort()).toEqual([...expected].sort());
  }, 420_000);
});
