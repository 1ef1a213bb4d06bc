/**
 * `npm run bench:api`: the real server on loopback, end to end.
 *   (a) throughput: N lithophane jobs from one 1024² photo; completed jobs per minute, measured
 *       from the server's own createdAt/finishedAt (no polling granularity in the figure).
 *   (b) API latency while the pool is saturated: 100 concurrent clients on GET /api/v1/jobs/:id
 *       for 15 s (autocannon, in a worker thread so the load generator does not share the server's
 *       event loop), next to a short idle baseline.
 * Bounded: loopback only, fixed durations, a hard deadline; leftover jobs are cancelled and the
 * temp DATA_DIR removed. Prints a markdown table. BENCH_JOBS and POOL_SIZE override the defaults.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { startServer } from '../src/server.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 6);
const POOL_SIZE = Number(process.env.POOL_SIZE ?? availableParallelism());
const CONNECTIONS = 100;
const LOAD_SECONDS = 15;
const BASELINE_SECONDS = 5;
const HARD_DEADLINE_MS = 10 * 60_000;
/** If no job leaves `queued` within this, nothing is running them. */
const NO_RUNNER_MS = 60_000;
const PHOTO = new URL('../../shared/corpus/images/real/2569067123_aca715a2ee_o.jpg', import.meta.url);
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

interface JobView {
  id: string;
  status: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: { code: string; message: string } | null;
}

class Blocked extends Error {}

const started = Date.now();
const checkDeadline = () => {
  if (Date.now() - started > HARD_DEADLINE_MS) throw new Blocked(`hard deadline of ${HARD_DEADLINE_MS / 60_000} min reached`);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** BASE_URL must match the port for the auth origin check, so the port is chosen first (loopback). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function photo1024(): Promise<{ bytes: Uint8Array; source: string }> {
  try {
    const input = await readFile(PHOTO);
    const bytes = await sharp(input).resize(1024, 1024, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
    return { bytes: new Uint8Array(bytes), source: 'corpus photo 2569067123, resized to 1024²' };
  } catch {
    // No corpus on this machine: a synthetic photo-like image (gradient plus noise, so it is not trivially flat).
    const raw = new Uint8Array(1024 * 1024 * 3);
    for (let i = 0; i < 1024 * 1024; i++) {
      const x = i % 1024,
        y = Math.floor(i / 1024);
      const v = 128 + 90 * Math.sin(x / 53) * Math.cos(y / 71) + (Math.random() - 0.5) * 30;
      raw.fill(Math.max(0, Math.min(255, v)), i * 3, i * 3 + 3);
    }
    const bytes = await sharp(raw, { raw: { width: 1024, height: 1024, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    return { bytes: new Uint8Array(bytes), source: 'synthetic 1024² (corpus photo not found)' };
  }
}

function client(base: string, cookie = '') {
  const call = async (method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, { method, body, headers: { ...(cookie ? { cookie } : {}), ...headers } });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as any, headers: res.headers };
  };
  return {
    cookie,
    get: (path: string) => call('GET', path),
    post: (path: string, value: unknown) => call('POST', path, JSON.stringify(value), { 'content-type': 'application/json' }),
    upload: (path: string, form: FormData) => call('POST', path, form),
  };
}

async function signUp(base: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email: `bench-${Date.now()}@example.com`, password: 'correct horse battery', name: 'bench' }),
  });
  if (res.status !== 200) throw new Blocked(`sign-up failed: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

async function submit(api: ReturnType<typeof client>, uploadId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await api.post('/api/v1/jobs', { mode: 'lithophane', uploadId });
    if (res.status === 404 && String(res.json?.error?.message).startsWith('no route')) {
      throw new Blocked('POST /api/v1/jobs is not mounted yet (jobs routes not in src/routers.ts)');
    }
    if (res.status !== 201) throw new Blocked(`POST /api/v1/jobs answered ${res.status}: ${JSON.stringify(res.json)}`);
    ids.push(res.json.job.id);
  }
  return ids;
}

async function statuses(api: ReturnType<typeof client>, ids: string[]): Promise<JobView[]> {
  return Promise.all(ids.map(async (id) => (await api.get(`/api/v1/jobs/${id}`)).json.job as JobView));
}

async function waitForAll(api: ReturnType<typeof client>, ids: string[]): Promise<JobView[]> {
  const since = Date.now();
  for (;;) {
    checkDeadline();
    const jobs = await statuses(api, ids);
    if (jobs.every((j) => TERMINAL.has(j.status))) return jobs;
    if (jobs.every((j) => j.status === 'queued') && Date.now() - since > NO_RUNNER_MS) {
      throw new Blocked(`no job left "queued" in ${NO_RUNNER_MS / 1000} s: the server has no job runner/worker pool yet`);
    }
    await sleep(250);
  }
}

/** The load, with the server's event-loop delay over the same window (does anything block the loop?). */
async function load(url: string, cookie: string, seconds: number) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: { cookie }, workers: 1 });
  delay.disable();
  return Object.assign(result, { loopDelay: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 } });
}

type Row = [string, string];

async function main(): Promise<Row[]> {
  const rows: Row[] = [];
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'its-bench-api-'));
  const base = `http://localhost:${port}`;
  const server = await startServer({
    PORT: String(port),
    BASE_URL: base,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn', // a JSON line per request would measure the logger
    POOL_SIZE: String(POOL_SIZE),
    PER_USER_CONCURRENCY: String(POOL_SIZE), // one bench user must be able to fill the pool
    SIGNUP_GRANT_CREDITS: '100000',
    API_KEY_RATE_LIMIT_PER_MINUTE: '1000000',
    // Every bench client is one loopback address: the per-IP abuse limit would measure itself.
    RATE_LIMIT_API_PER_IP_PER_MINUTE: '100000000',
    RATE_LIMIT_JOBS_PER_MINUTE: '100000',
  });
  const api = client(base, await signUp(base));
  const leftovers: string[] = [];
  try {
    const image = await photo1024();
    rows.push(['input', `${image.source}, ${(image.bytes.byteLength / 1024).toFixed(0)} kB JPEG`], ['pool size', String(POOL_SIZE)]);
    const form = new FormData();
    form.append('file', new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), 'bench.jpg');
    const upload = await api.upload('/api/v1/uploads', form);
    if (upload.status === 404) throw new Blocked('POST /api/v1/uploads is not mounted yet');
    if (upload.status !== 201) throw new Blocked(`upload answered ${upload.status}: ${JSON.stringify(upload.json)}`);
    const uploadId: string = upload.json.id;

    // (a) throughput
    const batch = await submit(api, uploadId, JOBS);
    leftovers.push(...batch);
    const done = await waitForAll(api, batch);
    const succeeded = done.filter((j) => j.status === 'succeeded');
    const firstCreated = Math.min(...done.map((j) => j.createdAt));
    const lastFinished = Math.max(...done.map((j) => j.finishedAt ?? firstCreated));
    const perJob = succeeded.map((j) => (j.finishedAt! - j.startedAt!) / 1000);
    const meanJobSeconds = perJob.reduce((a, b) => a + b, 0) / Math.max(1, perJob.length);
    rows.push(
      [
        '(a) jobs',
        `${JOBS} lithophane, ${succeeded.length} succeeded${
          succeeded.length < JOBS
            ? `, failed: ${done
                .filter((j) => j.status !== 'succeeded')
                .map((j) => j.error?.code)
                .join(', ')}`
            : ''
        }`,
      ],
      ['(a) completed jobs per minute', ((succeeded.length / (lastFinished - firstCreated)) * 60_000).toFixed(1)],
      ['(a) mean run time per job', `${meanJobSeconds.toFixed(1)} s`],
    );
    if (succeeded.length === 0) throw new Blocked('no job succeeded, so the pool cannot be saturated with real work');
    const target = `${base}/api/v1/jobs/${succeeded[0]!.id}`;

    // (b) latency: idle baseline, then with the pool saturated
    const idle = await load(target, api.cookie, BASELINE_SECONDS);
    rows.push(latencyRow(`(b) GET /api/v1/jobs/:id, pool idle, ${BASELINE_SECONDS} s`, idle));

    // Enough work to keep every worker busy past the end of the load window.
    const needed = Math.min(60, POOL_SIZE * Math.ceil((LOAD_SECONDS + 10) / Math.max(1, meanJobSeconds)) + POOL_SIZE);
    const backlog = await submit(api, uploadId, needed);
    leftovers.push(...backlog);
    for (;;) {
      const now = await statuses(api, backlog);
      if (now.filter((j) => j.status === 'running').length >= POOL_SIZE || !now.some((j) => j.status === 'queued')) break;
      checkDeadline();
      await sleep(100);
    }
    const busy = await load(target, api.cookie, LOAD_SECONDS);
    const after = await statuses(api, backlog);
    const stillQueued = after.filter((j) => j.status === 'queued').length;
    rows.push(
      latencyRow(`(b) GET /api/v1/jobs/:id, pool saturated, ${LOAD_SECONDS} s`, busy),
      [
        '(b) pool saturated throughout',
        stillQueued > 0 ? `yes (${stillQueued} of ${needed} jobs still queued at the end)` : 'no: the backlog ran out during the window',
      ],
      ['(b) jobs finished during the load window', String(after.filter((j) => j.status === 'succeeded').length)],
    );
  } catch (error) {
    if (!(error instanceof Blocked)) throw error;
    rows.push(['blocked', error.message]);
  } finally {
    // Cancel what is still queued or running so close() does not wait on a backlog.
    for (const job of await statuses(api, leftovers).catch(() => [])) {
      if (job && !TERMINAL.has(job.status)) await api.post(`/api/v1/jobs/${job.id}/cancel`, {}).catch(() => undefined);
    }
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

function latencyRow(label: string, r: Awaited<ReturnType<typeof load>>): Row {
  return [
    label,
    `p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ${r.requests.average.toFixed(0)} req/s; errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}; ` +
      `event-loop delay p99 ${r.loopDelay.p99.toFixed(1)} ms, max ${r.loopDelay.max.toFixed(0)} ms`,
  ];
}

const rows = await main();
console.log(`\n| measure (${CONNECTIONS} connections for latency) | value |\n|---|---|`);
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
console.log(
  `\n(total ${((Date.now() - started) / 1000).toFixed(0)} s, node ${process.version}, shared machine: figures move with other load)`,
);
// Worker threads (the pool, autocannon's) can outlive server.close() by their idle timeout.
process.exit(0);
