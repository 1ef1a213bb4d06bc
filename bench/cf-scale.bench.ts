/**
 * `npm run bench:cf-scale` (issue 13): the Cloudflare job path with K = 1, 2 and 4 local mesh
 * processes (the container image's entry, one pool thread each) behind the jobs queue, the Worker in
 * real workerd (test/cf/cf-stack.ts). CF_USERS users (default 20) post CF_JOBS default lithophanes
 * (default 200) of the fixture photo, interleaved; the bench waits for all of them and reports
 * jobs per minute (jobs / (last finish - first create)) and the queue wait p50/p99 (startedAt -
 * createdAt: the message reached the job's object and it claimed the job), then checks that no job
 * was lost (every one succeeded) and no credit drifted (each balance is the grant minus its
 * succeeded jobs' costs). Miniflare hands the consumer one batch at a time, so max_batch_size = K
 * makes K jobs run at once (production: max_batch_size 1, max_concurrency = instances x threads).
 * Prints a markdown table and writes bench/results/cf-scale.json.
 * Before that, job latency on a fresh stack (one mesh process): POST /jobs to succeeded for the first
 * job (cold: a new Worker isolate, a mesh process that has not loaded its WASM yet) and for the
 * next CF_WARM jobs one after the other (warm), polled every 100 ms.
 *   CF_JOBS, CF_USERS, CF_KS (default "1,2,4"), CF_WARM (default 5; 0 skips the latency run).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { HttpClient } from '../test/e2e/server-process.ts';
import { startCfWorker, startMeshProcess, stopMeshProcess } from '../test/cf/cf-stack.ts';
import type { CfWorker, MeshProcess } from '../test/cf/cf-stack.ts';

const JOBS = Number(process.env.CF_JOBS ?? 200);
const USERS = Number(process.env.CF_USERS ?? 20);
const KS = (process.env.CF_KS ?? '1,2,4').split(',').map(Number);
const GRANT = 100_000;
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

interface JobView {
  id: string;
  status: string;
  cost: number;
  creditState: string;
  attempts: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

interface Row {
  k: number;
  jobs: number;
  users: number;
  seconds: number;
  jobsPerMinute: number;
  queueWaitP50Ms: number;
  queueWaitP99Ms: number;
  succeeded: number;
  lost: number;
  retried: number;
  creditDrift: number;
  loadBefore: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function runOnce(k: number, photo: Uint8Array): Promise<Row> {
  const loadBefore = loadavg()[0];
  const meshes: MeshProcess[] = await Promise.all(Array.from({ length: k }, () => startMeshProcess({ poolSize: 1 })));
  let worker: CfWorker | undefined;
  try {
    worker = await startCfWorker(
      meshes.map((m) => m.url),
      {
        SIGNUP_GRANT_CREDITS: String(GRANT),
        RATE_LIMIT_JOBS_PER_MINUTE: '100000',
        RATE_LIMIT_UPLOADS_PER_MINUTE: '100000',
        RATE_LIMIT_API_PER_IP_PER_MINUTE: '1000000',
        MAX_QUEUED_WORK_SECONDS: '100000',
      },
      k,
    );
    const users: Array<{ client: HttpClient; uploadId: string }> = [];
    for (let u = 0; u < USERS; u++) {
      const client = new HttpClient(worker.url);
      await client.signUp(`user${u}@example.com`);
      users.push({ client, uploadId: (await client.upload(photo, `photo${u}.jpg`)).id });
    }
    const owner = new Map<string, number>();
    const started = Date.now();
    for (let i = 0; i < JOBS; i++) {
      const u = i % USERS;
      const { status, body } = await users[u].client.json('/api/v1/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'lithophane', uploadId: users[u].uploadId }),
      });
      if (status !== 201) throw new Error(`job ${i}: ${status} ${JSON.stringify(body)}`);
      owner.set(body.job.id, u);
    }
    // Wait for every job, reading each user's history (one request per user per round).
    const deadline = Date.now() + 60 * 60_000;
    let views: JobView[] = [];
    for (;;) {
      views = [];
      for (const { client } of users) views.push(...((await client.json('/api/v1/jobs?limit=100')).body.jobs as JobView[]));
      const open = views.filter((v) => !TERMINAL.has(v.status)).length;
      if (open === 0 || Date.now() > deadline) break;
      process.stderr.write(`K=${k}: ${views.length - open}/${views.length} done after ${Math.round((Date.now() - started) / 1000)} s\r`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    process.stderr.write('\n');
    const mine = views.filter((v) => owner.has(v.id));
    const succeeded = mine.filter((v) => v.status === 'succeeded');
    const waits = mine
      .filter((v) => v.startedAt !== null)
      .map((v) => (v.startedAt as number) - v.createdAt)
      .sort((a, b) => a - b);
    const first = Math.min(...mine.map((v) => v.createdAt));
    const last = Math.max(...mine.map((v) => v.finishedAt ?? Date.now()));
    let drift = 0;
    for (let u = 0; u < USERS; u++) {
      const spent = succeeded.filter((v) => owner.get(v.id) === u).reduce((sum, v) => sum + v.cost, 0);
      const balance = (await users[u].client.json('/api/v1/credits')).body.balance as number;
      drift += Math.abs(GRANT - spent - balance);
    }
    const seconds = (last - first) / 1000;
    return {
      k,
      jobs: JOBS,
      users: USERS,
      seconds: Math.round(seconds * 10) / 10,
      jobsPerMinute: Math.round((mine.length / seconds) * 60 * 10) / 10,
      queueWaitP50Ms: percentile(waits, 50),
      queueWaitP99Ms: percentile(waits, 99),
      succeeded: succeeded.length,
      lost: JOBS - succeeded.length,
      retried: mine.filter((v) => v.attempts > 1).length,
      creditDrift: drift,
      loadBefore: Math.round(loadBefore * 10) / 10,
    };
  } finally {
    await worker?.stop();
    await Promise.all(meshes.map(stopMeshProcess));
  }
}

interface Latency {
  coldMs: number;
  warmMs: number[];
  warmMedianMs: number;
  loadBefore: number;
}

async function timeOneJob(client: HttpClient, uploadId: string): Promise<number> {
  const start = Date.now();
  const { status, body } = await client.json('/api/v1/jobs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'lithophane', uploadId }),
  });
  if (status !== 201) throw new Error(`latency job: ${status} ${JSON.stringify(body)}`);
  for (;;) {
    const job = (await client.json(`/api/v1/jobs/${body.job.id}`)).body.job as JobView;
    if (job.status === 'succeeded') return Date.now() - start;
    if (TERMINAL.has(job.status)) throw new Error(`latency job ${job.id} ${job.status}`);
    if (Date.now() - start > 10 * 60_000) throw new Error('latency job: no result in 10 min');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function measureLatency(photo: Uint8Array, warmRuns: number): Promise<Latency> {
  const loadBefore = loadavg()[0];
  const mesh = await startMeshProcess({ poolSize: 1 });
  let worker: CfWorker | undefined;
  try {
    worker = await startCfWorker([mesh.url], { SIGNUP_GRANT_CREDITS: String(GRANT) }, 1);
    const client = new HttpClient(worker.url);
    await client.signUp('latency@example.com');
    const uploadId = (await client.upload(photo, 'latency.jpg')).id;
    const coldMs = await timeOneJob(client, uploadId);
    const warmMs: number[] = [];
    for (let i = 0; i < warmRuns; i++) warmMs.push(await timeOneJob(client, uploadId));
    const sorted = [...warmMs].sort((a, b) => a - b);
    return { coldMs, warmMs, warmMedianMs: sorted[Math.floor(sorted.length / 2)], loadBefore: Math.round(loadBefore * 10) / 10 };
  } finally {
    await worker?.stop();
    await stopMeshProcess(mesh);
  }
}

const photo = new Uint8Array(await readFile(new URL('../fixtures/photo.jpg', import.meta.url)));
const warmRuns = Number(process.env.CF_WARM ?? 5);
const latency = warmRuns > 0 ? await measureLatency(photo, warmRuns) : undefined;
if (latency) console.error(JSON.stringify({ latency }));
const rows: Row[] = [];
for (const k of KS) {
  rows.push(await runOnce(k, photo));
  console.error(JSON.stringify(rows[rows.length - 1]));
}

const base = rows[0]?.jobsPerMinute ?? 1;
if (latency) {
  console.log(
    `\nJob latency (POST /jobs to succeeded, default lithophane, 1 mesh process): cold ${(latency.coldMs / 1000).toFixed(2)} s, warm median ${(latency.warmMedianMs / 1000).toFixed(2)} s over ${latency.warmMs.length} jobs (load ${latency.loadBefore})`,
  );
}
console.log(`\n${JOBS} default lithophanes from ${USERS} users, ${cpus().length} cores\n`);
console.log(
  '| K mesh processes | jobs/min | speed-up | queue wait p50 | p99 | succeeded | lost | retried | credit drift | load avg before |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.k} | ${r.jobsPerMinute} | ${(r.jobsPerMinute / base).toFixed(2)}x | ${(r.queueWaitP50Ms / 1000).toFixed(1)} s | ${(r.queueWaitP99Ms / 1000).toFixed(1)} s | ${r.succeeded} | ${r.lost} | ${r.retried} | ${r.creditDrift} | ${r.loadBefore} |`,
  );
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/cf-scale.json', import.meta.url),
  `${JSON.stringify({ date: new Date().toISOString(), cores: cpus().length, jobs: JOBS, users: USERS, latency, rows }, null, 2)}\n`,
);
if (rows.some((r) => r.lost > 0 || r.creditDrift !== 0)) process.exitCode = 1;
