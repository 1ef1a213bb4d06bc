/**
 * `npm run bench:worker-latency`: cold and warm request latency of the API Worker in workerd, run
 * the way `npm run dev:cf` runs it (wrangler dev, local D1 and R2 in a fresh persist folder with
 * the migrations applied). Cold = the first request of a fresh isolate (bundle evaluated, services
 * and better-auth composed from the bindings); warm = the median of the next WARM_RUNS requests.
 * Measured per route: the health check (no database), a sign-up (better-auth: hashing plus D1
 * writes) and an authenticated credits read (session lookup plus D1 reads). Job latency end to end
 * needs the Queue/Container job path (issue 13, another branch); the AI Workflow's own figures are
 * in test/workers/ai-workflow.test.ts's log lines. Writes bench/results/worker-latency.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PORT = Number(process.env.WORKER_LATENCY_PORT ?? 8799);
const WARM_RUNS = 20;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const state = mkdtempSync(join(tmpdir(), 'worker-latency-'));
const wrangler = join(process.cwd(), 'node_modules/.bin/wrangler');

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(wrangler, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args[0]} exited ${code}`))));
  });
}

async function timed(path: string, init?: RequestInit): Promise<{ ms: number; status: number; res: Response }> {
  const t0 = performance.now();
  const res = await fetch(`${ORIGIN}${path}`, init);
  await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status, res };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const signUp = (i: number) =>
  timed('/api/auth/sign-up/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
    body: JSON.stringify({ email: `latency${i}@example.com`, password: 'correct horse battery', name: `l${i}` }),
  });

await run(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state]);
const dev = spawn(
  wrangler,
  [
    'dev',
    '--persist-to',
    state,
    '--port',
    String(PORT),
    '--ip',
    '127.0.0.1',
    '--var',
    'BETTER_AUTH_SECRET:latency-bench-secret-that-is-long-enough-0123456789',
    '--var',
    'BASE_URL:http://localhost:3000',
    '--var',
    'LOG_LEVEL:silent',
    '--var',
    'AUTH_RATE_LIMIT:off',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
);
try {
  // Ready when the port answers; the request that finds it ready is not counted (it may be the cold one).
  await new Promise<void>((resolve, reject) => {
    dev.stdout?.on('data', (chunk: Buffer) => {
      if (/Ready on/i.test(chunk.toString())) resolve();
    });
    dev.on('exit', (code) => reject(new Error(`wrangler dev exited ${code}`)));
  });
  const cold = await timed('/healthz');
  const warmHealth: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) warmHealth.push((await timed('/healthz')).ms);
  const firstSignUp = await signUp(0);
  const cookie = firstSignUp.res.headers.get('set-cookie')?.split(';')[0] ?? '';
  const warmSignUp: number[] = [];
  for (let i = 1; i <= 5; i++) warmSignUp.push((await signUp(i)).ms);
  const credits: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) credits.push((await timed('/api/v1/credits', { headers: { cookie } })).ms);
  const result = {
    date: new Date().toISOString(),
    load: readFileSync('/proc/loadavg', 'utf8').trim(),
    how: 'wrangler dev (workerd), local D1/R2, fresh persist folder; ms per request from Node fetch on loopback',
    coldHealthMs: Math.round(cold.ms),
    warmHealthMedianMs: Math.round(median(warmHealth)),
    firstSignUpMs: Math.round(firstSignUp.ms),
    signUpMedianMs: Math.round(median(warmSignUp)),
    creditsMedianMs: Math.round(median(credits)),
    statuses: { health: cold.status, signUp: firstSignUp.status },
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/worker-latency.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  if (dev.pid) process.kill(-dev.pid, 'SIGTERM');
  rmSync(state, { recursive: true, force: true });
}
