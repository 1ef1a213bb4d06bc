/**
 * The load run behind `npm run bench:load` and its short CI variant (test/e2e/load.test.ts): the real
 * server as a child process on loopback, N users each uploading one small picture, then creating
 * small lithophane jobs one after another and polling GET /api/v1/jobs/:id until each ends, for M
 * minutes. Afterwards the jobs still open get up to `drainMs` to finish (then are cancelled), and the
 * ledger is checked from the database file: every user's balance equals the sum of their entries,
 * every job was held once, succeeded jobs were never refunded, failed/cancelled ones exactly once.
 * The server's RSS (main thread and worker threads: one process) is sampled every few seconds.
 *
 * Bounded: loopback only, a fixed number of users, a deadline for creating, one for draining and a
 * hard one for everything; the server is killed and its data folder removed in any case.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import sharp from 'sharp';
import { freePort, startServerProcess } from '../test/e2e/server-process.ts';
import type { ServerProcess } from '../test/e2e/server-process.ts';

export interface LoadOptions {
  users: number;
  durationMs: number;
  /** Wait between two polls of one job. */
  pollMs: number;
  /** After the duration: how long open jobs may still finish. */
  drainMs: number;
  poolSize: number;
  rssEveryMs: number;
  /** Progress lines (stderr for the CLI; nothing in tests). */
  log?: (line: string) => void;
}

export const LOAD_DEFAULTS: LoadOptions = {
  users: 20,
  durationMs: 2 * 60_000,
  pollMs: 250,
  drainMs: 60_000,
  poolSize: 2,
  rssEveryMs: 3000,
};

/** Small and quick: 20 mm wide at 0.5 mm, STL only, no previews. */
const JOB_PARAMS = { widthMm: 20, resolutionMm: 0.5, formats: ['stl'], previews: false };
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export interface LoadReport {
  users: number;
  minutes: number;
  poolSize: number;
  jobsCreated: number;
  jobsSucceeded: number;
  jobsFailed: number;
  /** Still open after the drain (then cancelled). */
  jobsUnfinished: number;
  requests: number;
  /** Answers by status class, plus network errors. */
  status: Record<string, number>;
  errors5xx: number;
  networkErrors: number;
  /** Non-2xx, non-5xx answers (e.g. 429) over all requests. */
  errorRate: number;
  polls: number;
  pollP50Ms: number;
  pollP99Ms: number;
  pollMaxMs: number;
  createP50Ms: number;
  createP99Ms: number;
  jobsPerMinute: number;
  /** Users whose balance differs from the sum of their ledger entries, and jobs whose entries break the rules. */
  creditDriftUsers: number;
  creditDriftJobs: string[];
  rssMb: { first: number; last: number; max: number; samples: number[] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function rssMb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export async function runLoad(partial: Partial<LoadOptions> = {}): Promise<LoadReport> {
  const options = { ...LOAD_DEFAULTS, ...partial };
  const log = options.log ?? (() => undefined);
  const hardDeadline = Date.now() + options.durationMs + options.drainMs + 120_000;
  const dataDir = await mkdtemp(join(tmpdir(), 'its-load-'));
  let server: ServerProcess | undefined;
  let sampler: ReturnType<typeof setInterval> | undefined;
  try {
    const port = await freePort();
    server = await startServerProcess(dataDir, port, {
      POOL_SIZE: String(options.poolSize),
      SIGNUP_GRANT_CREDITS: '1000000',
      AUTH_RATE_LIMIT: 'off',
      // One IP (loopback) stands for all users here; the per-user limits stay as configured.
      RATE_LIMIT_API_PER_IP_PER_MINUTE: '10000000',
      RATE_LIMIT_JOBS_PER_MINUTE: '100000',
      PER_USER_CONCURRENCY: '2',
    });
    const base = server.url;
    const pid = server.child.pid!;

    const status: Record<string, number> = {};
    let requests = 0;
    let networkErrors = 0;
    const pollLatencies: number[] = [];
    const createLatencies: number[] = [];
    const request = async (path: string, cookie: string, init: RequestInit = {}, latencies?: number[]): Promise<Response | undefined> => {
      const t0 = performance.now();
      requests++;
      try {
        const headers = new Headers(init.headers);
        headers.set('origin', base);
        if (cookie) headers.set('cookie', cookie);
        const res = await fetch(base + path, { ...init, headers, signal: AbortSignal.timeout(30_000) });
        latencies?.push(performance.now() - t0);
        const key = `${Math.floor(res.status / 100)}xx`;
        status[key] = (status[key] ?? 0) + 1;
        if (res.status >= 500) log(`5xx ${res.status} ${init.method ?? 'GET'} ${path}`);
        return res;
      } catch (error) {
        networkErrors++;
        log(`network error ${path}: ${(error as Error).message}`);
        return undefined;
      }
    };

    // Users: sign up, one small picture each.
    const raw = Buffer.alloc(48 * 32 * 3);
    for (let i = 0; i < 48 * 32; i++) raw.fill(Math.round(((i % 48) / 47) * 255), i * 3, i * 3 + 3);
    const png = new Uint8Array(
      await sharp(raw, { raw: { width: 48, height: 32, channels: 3 } })
        .png()
        .toBuffer(),
    );
    const users = await Promise.all(
      Array.from({ length: options.users }, async (_, i) => {
        const res = await request('/api/auth/sign-up/email', '', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `load-${i}@example.com`, password: 'correct horse battery', name: `load${i}` }),
        });
        const cookie = res?.headers.get('set-cookie')?.split(';')[0];
        if (res?.status !== 200 || !cookie) throw new Error(`sign-up ${i} failed: ${res?.status}`);
        const form = new FormData();
        form.set('file', new Blob([png as Uint8Array<ArrayBuffer>]), 'gradient.png');
        const up = await request('/api/v1/uploads', cookie, { method: 'POST', body: form });
        if (up?.status !== 201) throw new Error(`upload ${i} failed: ${up?.status}`);
        return { cookie, uploadId: ((await up.json()) as { id: string }).id, jobs: [] as string[] };
      }),
    );
    log(`${users.length} users signed up; load for ${Math.round(options.durationMs / 1000)} s`);

    const rss: number[] = [];
    const sample = async () => {
      const mb = await rssMb(pid);
      if (mb !== undefined) rss.push(mb);
    };
    await sample();
    sampler = setInterval(() => void sample(), options.rssEveryMs);

    const started = Date.now();
    const createUntil = started + options.durationMs;
    const drainUntil = createUntil + options.drainMs;
    let created = 0;
    let succeeded = 0;
    let failed = 0;
    let progress = started;

    await Promise.all(
      users.map(async (user, u) => {
        await sleep((u * options.pollMs) / options.users); // spread the first requests
        while (Date.now() < createUntil && Date.now() < hardDeadline) {
          const res = await request(
            '/api/v1/jobs',
            user.cookie,
            {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ mode: 'lithophane', uploadId: user.uploadId, params: JOB_PARAMS }),
            },
            createLatencies,
          );
          if (res?.status !== 201) {
            await res?.text();
            await sleep(options.pollMs);
            continue;
          }
          const id = ((await res.json()) as { job: { id: string } }).job.id;
          user.jobs.push(id);
          created++;
          for (;;) {
            if (Date.now() > drainUntil || Date.now() > hardDeadline) return;
            await sleep(options.pollMs);
            const poll = await request(`/api/v1/jobs/${id}`, user.cookie, {}, pollLatencies);
            if (!poll) continue;
            if (poll.status !== 200) {
              await poll.text();
              continue;
            }
            const job = ((await poll.json()) as { job: { status: string } }).job;
            if (TERMINAL.has(job.status)) {
              if (job.status === 'succeeded') succeeded++;
              else failed++;
              break;
            }
          }
          if (Date.now() - progress > 10_000) {
            progress = Date.now();
            log(
              `${Math.round((Date.now() - started) / 1000)} s: ${created} created, ${succeeded} succeeded, ${failed} failed, RSS ${rss[rss.length - 1]} MB`,
            );
          }
        }
      }),
    );
    const elapsedMs = Math.min(Date.now(), createUntil) - started;
    clearInterval(sampler);
    sampler = undefined;
    await sample();

    // Whatever is still open after the drain is cancelled, so the ledger check sees only settled jobs.
    let unfinished = 0;
    for (const user of users) {
      for (const id of user.jobs) {
        const res = await request(`/api/v1/jobs/${id}`, user.cookie);
        const job = res && res.status === 200 ? ((await res.json()) as { job: { status: string } }).job : undefined;
        if (job && !TERMINAL.has(job.status)) {
          unfinished++;
          await (await request(`/api/v1/jobs/${id}/cancel`, user.cookie, { method: 'POST' }))?.text();
        }
      }
    }

    // Credit drift, from the database itself.
    const balances = new Map<string, number>();
    for (const user of users) {
      const res = await request('/api/v1/credits', user.cookie);
      const body = (await res!.json()) as { balance: number };
      const me = (await (await request('/api/auth/get-session', user.cookie))!.json()) as { user: { id: string } };
      balances.set(me.user.id, body.balance);
    }
    const db = new Sqlite(join(dataDir, 'image-to-stl.db'), { readonly: true });
    let driftUsers = 0;
    const driftJobs: string[] = [];
    try {
      for (const [userId, balance] of balances) {
        const sum = (db.prepare('select coalesce(sum(amount), 0) as s from credit_entries where user_id = ?').get(userId) as { s: number })
          .s;
        const stored = (db.prepare('select balance from credit_balances where user_id = ?').get(userId) as { balance: number } | undefined)
          ?.balance;
        if (sum !== balance || stored !== balance) driftUsers++;
      }
      const jobs = db.prepare('select id, status, cost from jobs').all() as Array<{ id: string; status: string; cost: number }>;
      const entries = db.prepare('select reference, amount from credit_entries where reference is not null').all() as Array<{
        reference: string;
        amount: number;
      }>;
      const byJob = new Map<string, number[]>();
      for (const e of entries) byJob.set(e.reference, [...(byJob.get(e.reference) ?? []), e.amount]);
      for (const job of jobs) {
        const amounts = byJob.get(job.id) ?? [];
        const holds = amounts.filter((a) => a < 0);
        const refunds = amounts.filter((a) => a > 0);
        const ok =
          holds.length === 1 &&
          holds[0] === -job.cost &&
          (job.status === 'succeeded' ? refunds.length === 0 : refunds.length === 1 && refunds[0] === job.cost);
        if (!ok) driftJobs.push(`${job.id}:${job.status}:${amounts.join(',')}`);
      }
    } finally {
      db.close();
    }

    const sortedPolls = [...pollLatencies].sort((a, b) => a - b);
    const sortedCreates = [...createLatencies].sort((a, b) => a - b);
    const errors5xx = Object.entries(status)
      .filter(([k]) => k === '5xx')
      .reduce((s, [, n]) => s + n, 0);
    const non2xx = Object.entries(status)
      .filter(([k]) => k !== '2xx')
      .reduce((s, [, n]) => s + n, 0);
    return {
      users: options.users,
      minutes: Math.round((elapsedMs / 60_000) * 100) / 100,
      poolSize: options.poolSize,
      jobsCreated: created,
      jobsSucceeded: succeeded,
      jobsFailed: failed,
      jobsUnfinished: unfinished,
      requests,
      status,
      errors5xx,
      networkErrors,
      errorRate: requests ? (non2xx + networkErrors) / requests : 0,
      polls: pollLatencies.length,
      pollP50Ms: Math.round(percentile(sortedPolls, 50) * 10) / 10,
      pollP99Ms: Math.round(percentile(sortedPolls, 99) * 10) / 10,
      pollMaxMs: Math.round((sortedPolls[sortedPolls.length - 1] ?? 0) * 10) / 10,
      createP50Ms: Math.round(percentile(sortedCreates, 50) * 10) / 10,
      createP99Ms: Math.round(percentile(sortedCreates, 99) * 10) / 10,
      jobsPerMinute: elapsedMs > 0 ? Math.round((succeeded / (elapsedMs / 60_000)) * 10) / 10 : 0,
      creditDriftUsers: driftUsers,
      creditDriftJobs: driftJobs,
      rssMb: { first: rss[0] ?? 0, last: rss[rss.length - 1] ?? 0, max: Math.max(0, ...rss), samples: rss },
    };
  } finally {
    if (sampler) clearInterval(sampler);
    await server?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}

export function formatReport(r: LoadReport): string {
  return [
    '| figure | value |',
    '| --- | --- |',
    `| users | ${r.users} |`,
    `| minutes of load | ${r.minutes} |`,
    `| pool threads | ${r.poolSize} |`,
    `| jobs created / succeeded / failed / unfinished | ${r.jobsCreated} / ${r.jobsSucceeded} / ${r.jobsFailed} / ${r.jobsUnfinished} |`,
    `| jobs per minute | ${r.jobsPerMinute} |`,
    `| requests | ${r.requests} (${Object.entries(r.status)
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ')}; network errors: ${r.networkErrors}) |`,
    `| 5xx | ${r.errors5xx} |`,
    `| error rate (non-2xx + network) | ${(r.errorRate * 100).toFixed(2)} % |`,
    `| GET /api/v1/jobs/:id p50 / p99 / max | ${r.pollP50Ms} / ${r.pollP99Ms} / ${r.pollMaxMs} ms (${r.polls} polls) |`,
    `| POST /api/v1/jobs p50 / p99 | ${r.createP50Ms} / ${r.createP99Ms} ms |`,
    `| credit drift | ${r.creditDriftUsers} users, ${r.creditDriftJobs.length} jobs |`,
    `| server RSS first / last / max | ${r.rssMb.first} / ${r.rssMb.last} / ${r.rssMb.max} MB (${r.rssMb.samples.length} samples) |`,
  ].join('\n');
}
