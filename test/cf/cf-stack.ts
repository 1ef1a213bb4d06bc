/**
 * The Cloudflare job path as processes on this machine, for the e2e tests and bench:cf-scale:
 * - K mesh processes: `node src/node/mesh-container-main.ts`, the container image's own entry,
 *   each with MESH_POOL_SIZE threads, on ports of their own;
 * - the Worker (test/cf/e2e-worker.ts = src/worker.ts) in real workerd through wrangler's
 *   unstable_startWorker: D1, R2, the jobs queue and its dead-letter queue, the per-job Durable
 *   Object, on a real port; MESH_EXECUTOR_URL lists the mesh processes.
 * Nothing of the pipeline or the job path is stubbed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { unstable_splitSqlQuery, unstable_startWorker } from 'wrangler';
import { freePort } from '../e2e/server-process.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const NODE = join(ROOT, 'node_modules/.bin/node');

export interface MeshProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL, as a container lost mid-job. */
  kill(): void;
}

export async function startMeshProcess(options: { poolSize?: number; port?: number } = {}): Promise<MeshProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(NODE, [join(ROOT, 'src/node/mesh-container-main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MESH_POOL_SIZE: String(options.poolSize ?? 1) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('mesh process did not start in 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`mesh process exited ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (/listening on/.test(String(chunk))) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${port}`);
      }
    });
  });
  return { url, child, kill: () => child.kill('SIGKILL') };
}

export async function stopMeshProcess(mesh: MeshProcess): Promise<void> {
  if (mesh.child.exitCode !== null || mesh.child.signalCode !== null) return;
  const exited = new Promise((resolve) => mesh.child.once('exit', resolve));
  mesh.child.kill('SIGKILL');
  await exited;
}

export interface CfWorker {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the Worker on a fresh local state directory and applies the D1 schema. `batchSize` sets
 * the consumer's max_batch_size: Miniflare hands a consumer one batch at a time, so it is also how
 * many jobs run at once (production sets max_concurrency instead). `maxRetries` sets the jobs
 * queue's max_retries (how many times a message is delivered again before the dead-letter queue).
 */
export async function startCfWorker(
  meshUrls: string[],
  vars: Record<string, string> = {},
  batchSize?: number,
  maxRetries?: number,
): Promise<CfWorker> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const persist = await mkdtemp(join(tmpdir(), 'its-cf-'));
  let config = join(ROOT, 'test/cf/wrangler.e2e.toml');
  if (batchSize !== undefined || maxRetries !== undefined) {
    let toml = (await readFile(config, 'utf8')).replace('main = "e2e-worker.ts"', `main = "${join(ROOT, 'test/cf/e2e-worker.ts')}"`);
    if (batchSize !== undefined) toml = toml.replace(/max_batch_size = \d+/, `max_batch_size = ${batchSize}`);
    if (maxRetries !== undefined) toml = toml.replace(/max_retries = \d+/, `max_retries = ${maxRetries}`);
    config = join(persist, 'wrangler.toml');
    await writeFile(config, toml);
  }
  const plain = (value: string) => ({ type: 'plain_text' as const, value });
  const settings: Record<string, string> = {
    BASE_URL: url,
    BETTER_AUTH_SECRET: 'cf-e2e-secret-that-is-long-enough-for-better-auth-0123456789',
    LOG_LEVEL: 'warn',
    // Many sign-ups from one address in a minute (better-auth's own limit; the API limits stay on).
    AUTH_RATE_LIMIT: 'off',
    MESH_EXECUTOR_URL: meshUrls.join(','),
    ...vars,
  };
  const worker = await unstable_startWorker({
    config,
    bindings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, plain(v)])),
    dev: { server: { hostname: '127.0.0.1', port }, inspector: false, watch: false, persist, logLevel: 'warn' },
  } as Parameters<typeof unstable_startWorker>[0]);
  await worker.ready;
  const schema = await readFile(join(ROOT, 'migrations/d1/0001_schema.sql'), 'utf8');
  const res = await fetch(`${url}/__test/schema`, { method: 'POST', body: JSON.stringify(unstable_splitSqlQuery(schema)) });
  if (res.status !== 204) throw new Error(`schema: ${res.status} ${await res.text()}`);
  return {
    url,
    async stop() {
      await worker.dispose();
      await rm(persist, { recursive: true, force: true });
    },
  };
}

/**
 * Pixels of a fixed pseudo-random sequence: no flat region the triangulator could merge, so a job
 * on it takes seconds on any machine (the tests that must catch a job running use it).
 */
export async function noisePng(width: number, height: number): Promise<Uint8Array> {
  const raw = Buffer.alloc(width * height);
  let state = 7;
  for (let i = 0; i < raw.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    raw[i] = state >>> 24;
  }
  return new Uint8Array(
    await sharp(raw, { raw: { width, height, channels: 1 } })
      .png()
      .toBuffer(),
  );
}
